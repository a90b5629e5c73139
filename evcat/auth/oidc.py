"""JWT bearer tokens from an OpenID Connect provider, checked against its JWKS.

A token is accepted only when it is signed with RS256 or ES256 (never ``none``, never an HMAC
algorithm, whose "secret" would be the provider's public key), by a key of the JWKS whose
type fits that algorithm, and its ``iss``, ``aud``, ``exp`` and ``nbf`` claims hold. The JWKS
comes from a file or a URL; it is kept for ``JWKS_TTL_SECONDS`` and read again when a token
names a key id it does not hold (key rotation), at most once per ``REFETCH_SECONDS``.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
from jwt import PyJWK, PyJWKSet

from evcat.auth.config import Oidc
from evcat.auth.principal import Principal

log = logging.getLogger(__name__)

JWKS_TTL_SECONDS = 300.0
REFETCH_SECONDS = 30.0
FETCH_TIMEOUT_SECONDS = 5.0
LEEWAY_SECONDS = 30
_MAX_JWKS_BYTES = 1024 * 1024


class TokenRejected(Exception):
    """The token is not one this registry accepts; the message says why (for the log)."""


@dataclass(frozen=True)
class VerifiedToken:
    principal: Principal
    expires_at: float


def looks_like_jwt(token: str) -> bool:
    """A compact JWS (three base64url parts) rather than a static API token."""
    return token.count(".") == 2 and token.startswith("eyJ")


class JwksKeys:
    """The provider's signing keys by key id, read from a file or fetched from a URL."""

    def __init__(self, oidc: Oidc, clock: Callable[[], float] = time.monotonic) -> None:
        self.oidc = oidc
        self.clock = clock
        self._keys: dict[str | None, PyJWK] = {}
        self._loaded_at = float("-inf")
        self._attempted_at = float("-inf")
        self._lock = threading.Lock()

    def key(self, kid: str | None) -> PyJWK | None:
        """The key for ``kid`` as last loaded (a token without kid: the only key, if one)."""
        if kid is None and len(self._keys) == 1:
            return next(iter(self._keys.values()))
        return self._keys.get(kid)

    def stale(self, kid: str | None) -> bool:
        """True when the keys should be read again before judging a token naming ``kid``."""
        now = self.clock()
        if now - self._attempted_at < REFETCH_SECONDS:
            return False
        return now - self._loaded_at > JWKS_TTL_SECONDS or self.key(kid) is None

    def refresh(self) -> None:
        """Read the JWKS again (blocking: call it off the event loop)."""
        with self._lock:
            self._attempted_at = self.clock()
            try:
                document = self._read()
                keys = PyJWKSet.from_dict(document).keys
            except (OSError, ValueError, httpx.HTTPError, jwt.PyJWTError) as error:
                # Keep the keys we had; the next attempt waits REFETCH_SECONDS.
                log.warning("cannot load the OIDC JWKS (%s): %s", self._where(), error)
                return
            self._keys = {key.key_id: key for key in keys}
            self._loaded_at = self.clock()

    def _where(self) -> str:
        return str(self.oidc.jwks_file or self.oidc.jwks_url)

    def _read(self) -> dict[str, Any]:
        if self.oidc.jwks_file is not None:
            raw = self.oidc.jwks_file.read_bytes()[: _MAX_JWKS_BYTES + 1]
        else:
            answer = httpx.get(str(self.oidc.jwks_url), timeout=FETCH_TIMEOUT_SECONDS)
            answer.raise_for_status()
            raw = answer.content
        if len(raw) > _MAX_JWKS_BYTES:
            raise ValueError("the JWKS is larger than 1 MiB")
        document = json.loads(raw)
        if not isinstance(document, dict):
            raise ValueError("the JWKS is not a JSON object")
        return document


class OidcVerifier:
    """Checks JWTs of one provider and names the principal they stand for."""

    def __init__(self, oidc: Oidc, clock: Callable[[], float] = time.monotonic) -> None:
        self.oidc = oidc
        self.keys = JwksKeys(oidc, clock)

    def kid_of(self, token: str) -> str | None:
        """The key id a token names, read before its signature is checked (to load keys)."""
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError:
            return None
        return kid if isinstance(kid, str) else None

    def verify(self, token: str) -> VerifiedToken:
        """The principal of a valid token; ``TokenRejected`` otherwise. Keys must be loaded."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise TokenRejected(f"malformed token header: {error}") from None
        algorithm = header.get("alg")
        if algorithm not in self.oidc.algorithms:
            raise TokenRejected(f"algorithm {algorithm!r} is not accepted")
        kid = header.get("kid")
        key = self.keys.key(kid if isinstance(kid, str) else None)
        if key is None:
            raise TokenRejected(f"no key with id {kid!r} in the JWKS")
        # A key serves the algorithm it declares (or its type's default), and no other.
        if key.algorithm_name != algorithm:
            raise TokenRejected(f"key {kid!r} cannot verify {algorithm} signatures")
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[algorithm],
                audience=list(self.oidc.audience),
                issuer=self.oidc.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError as error:
            raise TokenRejected(str(error)) from None
        name = claims.get(self.oidc.name_claim)
        if not isinstance(name, str) or not name:
            raise TokenRejected(f"the token has no '{self.oidc.name_claim}' claim")
        groups = _claim(claims, self.oidc.groups_claim)
        if isinstance(groups, str):
            groups = [groups]
        if not isinstance(groups, list):
            groups = []
        principal = Principal(name, "oidc", frozenset(g for g in groups if isinstance(g, str)))
        return VerifiedToken(principal, float(claims["exp"]))


def _claim(claims: dict[str, Any], name: str) -> Any:
    """A claim by name, or by a dotted path into nested claims (Keycloak's
    ``realm_access.roles``) when no claim has the dotted name itself."""
    if name in claims:
        return claims[name]
    value: Any = claims
    for part in name.split("."):
        if not isinstance(value, dict) or part not in value:
            return []
        value = value[part]
    return value
