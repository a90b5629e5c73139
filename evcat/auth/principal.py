"""Who a request acts for, once its credentials are verified."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["user", "token", "oidc", "proxy", "anonymous"]

# Where the verified principal is kept in the ASGI scope's state: ``request.state.principal``
# in a Starlette or FastAPI handler, ``principal_of(scope)`` in pure ASGI code.
STATE_KEY = "principal"
# Where a refused sign-in (``evcat.auth.middleware.RefusedSignIn``) is left for outer layers.
REFUSED_KEY = "refused_sign_in"


@dataclass(frozen=True, slots=True)
class Principal:
    """A verified identity: its name, how it signed in, and the groups it belongs to."""

    name: str
    kind: Kind
    groups: frozenset[str] = frozenset()
    # A field, not a property: the middleware asks on every request.
    signed_in: bool = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "signed_in", self.kind != "anonymous")

    def describe(self) -> str:
        """The name as refusals print it: ``User ci-bot``, ``anonymous``."""
        return f"User {self.name}" if self.signed_in else "Anonymous user"


ANONYMOUS = Principal("anonymous", "anonymous")


def principal_of(scope: dict[str, Any]) -> Principal:
    """The verified principal of a request (anonymous when auth is off or none was given)."""
    state = scope.get("state")
    found = state.get(STATE_KEY) if isinstance(state, dict) else None
    return found if isinstance(found, Principal) else ANONYMOUS
