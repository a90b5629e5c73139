"""Verifying the ``Authorization`` header: HTTP Basic, static bearer tokens, OIDC JWTs.

A password hash is never computed per request. A verified header is remembered under the
SHA-256 of a per-process random key and its bytes, for ``CACHE_SECONDS`` (never longer than the
credential is valid), so the same header again costs one digest and one dictionary lookup. The cache
belongs to one ``Authenticator``, which is rebuilt when the auth file changes: editing a
password or removing a user takes effect at the next request. Only successes are cached.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import datetime as dt
import hashlib
import hmac
import secrets
import time

import anyio
from anyio import to_thread

from evcat.auth.config import AuthConfig, Token
from evcat.auth.hashing import decoy_hash, password_matches, token_digest
from evcat.auth.oidc import OidcVerifier, TokenRejected, looks_like_jwt
from evcat.auth.principal import Principal

CACHE_SECONDS = 60.0
CACHE_ENTRIES = 10_000
# Password hashes run in worker threads; two at a time keeps a burst of sign-ins from taking
# every thread the registry's own handlers need.
HASHING_THREADS = 2


class Refused(Exception):
    """The credentials were checked and are wrong; the message says why (for the log only)."""


class Authenticator:
    """Turns ``Authorization`` headers into principals for one version of the auth file."""

    def __init__(self, config: AuthConfig) -> None:
        self.config = config
        self.oidc = OidcVerifier(config.oidc) if config.oidc is not None else None
        self._tokens: dict[str, Token] = {t.token_sha256: t for t in config.tokens.values()}
        self._key = secrets.token_bytes(32)
        self._cache: dict[bytes, tuple[Principal, float]] = {}
        self._limiter = anyio.CapacityLimiter(HASHING_THREADS)
        self._pending: dict[bytes, asyncio.Future[Principal]] = {}

    def cached(self, header: bytes) -> tuple[bytes, Principal | None]:
        """The cache key of ``header`` and the principal it was verified as, if still valid."""
        key = hashlib.sha256(self._key + header).digest()
        entry = self._cache.get(key)
        if entry is not None and entry[1] > time.monotonic():
            return key, entry[0]
        return key, None

    async def verify(self, key: bytes, header: bytes) -> Principal:
        """Check ``header`` in full (off the event loop when it hashes); raises ``Refused``.

        Requests arriving with the same header while it is checked wait for that one check:
        a client opening 64 connections at once costs one password hash, not 64.
        """
        pending = self._pending.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[Principal] = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        try:
            principal = await self._check(key, header)
        except Refused as error:
            future.set_exception(error)
            future.exception()  # retrieved here: waiters may be none
            raise
        else:
            future.set_result(principal)
            return principal
        finally:
            del self._pending[key]

    async def _check(self, key: bytes, header: bytes) -> Principal:
        scheme, _, value = header.strip().partition(b" ")
        scheme = scheme.lower()
        if scheme == b"basic":
            principal, valid_for = await self._basic(value.strip()), CACHE_SECONDS
        elif scheme == b"bearer":
            principal, valid_for = await self._bearer(value.strip().decode("latin-1"))
        else:
            raise Refused(f"unsupported authorization scheme {scheme.decode('latin-1')!r}")
        self._remember(key, principal, valid_for)
        return principal

    def _remember(self, key: bytes, principal: Principal, valid_for: float) -> None:
        now = time.monotonic()
        if len(self._cache) >= CACHE_ENTRIES:
            self._cache = {k: v for k, v in self._cache.items() if v[1] > now}
            if len(self._cache) >= CACHE_ENTRIES:
                self._cache.clear()
        self._cache[key] = (principal, now + min(CACHE_SECONDS, valid_for))

    async def _basic(self, value: bytes) -> Principal:
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise Refused("malformed Basic credentials") from None
        name, colon, password = decoded.partition(":")
        if not colon:
            raise Refused("Basic credentials without a ':'")
        user = self.config.users.get(name)
        stored = user.password_hash if user is not None else None
        matches = await to_thread.run_sync(
            _password_matches, stored, password, limiter=self._limiter
        )
        if user is None or not matches:
            raise Refused(f"wrong user name or password for {name!r}")
        return Principal(user.name, "user", user.groups)

    async def _bearer(self, token: str) -> tuple[Principal, float]:
        if self.oidc is not None and looks_like_jwt(token):
            if self.oidc.keys.stale(self.oidc.kid_of(token)):
                await to_thread.run_sync(self.oidc.keys.refresh)
            try:
                verified = self.oidc.verify(token)
            except TokenRejected as error:
                raise Refused(f"OIDC token refused: {error}") from None
            return verified.principal, verified.expires_at - time.time()
        found = self._tokens.get(token_digest(token))
        if found is None or not hmac.compare_digest(found.token_sha256, token_digest(token)):
            raise Refused("unknown bearer token")
        if found.expires is not None:
            today = dt.datetime.now(dt.UTC).date()
            if today > found.expires:
                raise Refused(f"the token '{found.name}' expired on {found.expires}")
            end = dt.datetime.combine(found.expires + dt.timedelta(days=1), dt.time(), dt.UTC)
            return Principal(found.name, "token", found.groups), end.timestamp() - time.time()
        return Principal(found.name, "token", found.groups), CACHE_SECONDS


def _password_matches(password_hash: str | None, password: str) -> bool:
    # An unknown user costs a hash too, so timing does not tell which user names exist.
    return password_matches(password_hash or decoy_hash(), password) and password_hash is not None
