"""The auth file as evcat holds it: users, tokens, OIDC, bindings, rate limits, proxies.

``evcat.auth.parsing.load_config`` makes an ``AuthConfig`` from the YAML file (shape in
docs/security.md, JSON Schema in docs/auth.schema.json).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from evcat.auth.globs import Matcher
from evcat.auth.roles import Role

Anonymous = Literal["none", "read"]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

EVERYONE = "*"
SIGNATURE_ALGORITHMS = ("RS256", "ES256")


@dataclass(frozen=True)
class User:
    """A principal signing in with HTTP Basic."""

    name: str
    password_hash: str
    groups: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Token:
    """A static bearer token (API key), known only by its SHA-256."""

    name: str
    token_sha256: str
    groups: frozenset[str] = frozenset()
    expires: dt.date | None = None


@dataclass(frozen=True)
class Oidc:
    """JWT bearer tokens issued by an identity provider, checked against its JWKS."""

    issuer: str
    audience: tuple[str, ...]
    jwks_file: Path | None = None
    jwks_url: str | None = None
    groups_claim: str = "groups"
    name_claim: str = "sub"
    algorithms: tuple[str, ...] = SIGNATURE_ALGORITHMS


@dataclass(frozen=True)
class Binding:
    """Grants ``role`` to the named users and groups, on some or every subject."""

    role: Role
    users: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    subjects: tuple[str, ...] | None = None
    owned_by: str | None = None
    matches_subject: Matcher | None = field(default=None, compare=False, repr=False)

    @property
    def everywhere(self) -> bool:
        """True when the binding covers every subject and every global resource."""
        return self.subjects is None and self.owned_by is None


@dataclass(frozen=True)
class Limit:
    """A token bucket: ``per_minute`` requests on average, bursts of up to ``burst``."""

    per_minute: float
    burst: int


@dataclass(frozen=True)
class RateLimits:
    default: Limit | None = None
    principals: dict[str, Limit] = field(default_factory=dict)

    def __bool__(self) -> bool:
        """False when no limit is set at all (the middleware then skips the buckets)."""
        return self.default is not None or bool(self.principals)

    def limit_for(self, principal: str | None) -> Limit | None:
        """The bucket of a signed-in principal (None: anonymous, per client address)."""
        if principal is not None and principal in self.principals:
            return self.principals[principal]
        return self.default


@dataclass(frozen=True)
class AuthConfig:
    """The parsed auth file."""

    source: str
    anonymous: Anonymous = "none"
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, Token] = field(default_factory=dict)
    oidc: Oidc | None = None
    bindings: tuple[Binding, ...] = ()
    rate_limits: RateLimits = field(default_factory=RateLimits)
    trusted_proxies: tuple[Network, ...] = ()
    identity_header: str | None = None
