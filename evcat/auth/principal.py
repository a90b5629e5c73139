"""Who a request acts for, once its credentials are verified."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from evcat.http.context import Principal as ContextPrincipal

Kind = Literal["user", "token", "oidc", "proxy", "anonymous"]

# Where a refused sign-in (``evcat.auth.middleware.RefusedSignIn``) is left in the ASGI
# scope's state for outer layers (the audit trail).
REFUSED_KEY = "refused_sign_in"


@dataclass(frozen=True, slots=True)
class Principal:
    """A verified identity: its name, how it signed in, and the groups it belongs to.

    ``verified`` is what the request context (``evcat.http.context``) carries for it: None
    for anonymous requests. Both are computed once per principal, not per request.
    """

    name: str
    kind: Kind
    groups: frozenset[str] = frozenset()
    signed_in: bool = field(init=False, compare=False)
    verified: ContextPrincipal | None = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        signed_in = self.kind != "anonymous"
        object.__setattr__(self, "signed_in", signed_in)
        verified = ContextPrincipal(self.name, self.groups, self.kind) if signed_in else None
        object.__setattr__(self, "verified", verified)

    def describe(self) -> str:
        """The name as refusals print it: ``User ci-bot``, ``Anonymous user``."""
        return f"User {self.name}" if self.signed_in else "Anonymous user"


ANONYMOUS = Principal("anonymous", "anonymous")
