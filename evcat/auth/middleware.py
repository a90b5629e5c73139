"""The ASGI middleware that signs requests in, rate-limits them and authorizes them.

Pure ASGI (no ``BaseHTTPMiddleware``): a request with a cached credential costs a few
dictionary lookups before the app sees it. In order:

1. ``/health/*`` passes untouched, so load balancers never meet a throttle.
2. A client address with too many refused sign-ins this minute gets 429, whatever it sends.
3. ``GET /`` passes (Confluent clients probe it).
4. The credentials are verified (``Authorization``, or the identity header of a trusted
   proxy); wrong ones are 401 and count against the address.
5. The principal's token bucket (an anonymous client's address's) must hold a token: else 429.
6. The permission table names the operation and resource; the bindings must grant it: else
   401 for anonymous requests (so browsers and clients ask for credentials), 403 otherwise.

The verified principal is then ``context_of(scope).principal`` (``evcat.http.context``; None
for anonymous requests) for the audit trail and the handlers. A refused sign-in leaves a
``RefusedSignIn`` in ``scope["state"]["refused_sign_in"]`` for outer layers, and is passed to
every coroutine in ``AuthMiddleware.listeners``. Refusals go through the one error renderer,
in the shape of the request's route family.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from evcat.auth.credentials import Refused
from evcat.auth.limits import RateLimiter, SignInThrottle, retry_after
from evcat.auth.permissions import Permission, permission
from evcat.auth.principal import ANONYMOUS, REFUSED_KEY, Principal
from evcat.auth.state import AuthState
from evcat.errors import (
    ForbiddenError,
    RateLimitedError,
    SignInThrottledError,
    UnauthorizedError,
)
from evcat.http.context import context_of
from evcat.http.problems import ErrorRenderer

log = logging.getLogger(__name__)

_HEALTH = "/health/"
_PROXIED_NAMES = 10_000


@dataclass(frozen=True)
class RefusedSignIn:
    """A sign-in that failed: for the audit trail and the log. Never holds the secret."""

    client: str
    path: str
    method: str
    reason: str


SignInListener = Callable[[Scope, RefusedSignIn], Awaitable[None]]


class AuthMiddleware:
    """Authentication, rate limits and authorization in front of ``app``."""

    def __init__(self, app: ASGIApp, state: AuthState, errors: ErrorRenderer) -> None:
        self.app = app
        self.state = state
        self.errors = errors
        self.throttle = SignInThrottle()
        self.limiter = RateLimiter()
        self.listeners: list[SignInListener] = []
        self._proxied: dict[str, Principal] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path.startswith(_HEALTH):
            await self.app(scope, receive, send)
            return
        active = self.state.current()
        config = active.config
        context = context_of(scope)
        address = context.client
        authorization, identity = _credentials(scope, config.identity_header)
        proxied = bool(config.trusted_proxies) and _among(address, config.trusted_proxies)
        if proxied:
            address = context.client = _forwarded_client(scope, address, config.trusted_proxies)
        raw: bytes = scope.get("raw_path") or path.encode()
        needed = permission(scope["method"], raw, path, scope["query_string"])
        blocked = self.throttle.blocked_for(address)
        if blocked:
            await self.errors.send(send, SignInThrottledError(retry_after(blocked)), context.family)
            return
        if needed.open:
            await self.app(scope, receive, send)
            return
        principal = ANONYMOUS
        if proxied and identity:
            principal = self._proxy_principal(identity)
        elif authorization is not None:
            authenticator = active.authenticator
            key, cached = authenticator.cached(authorization)
            if cached is not None:
                principal = cached
            else:
                try:
                    principal = await authenticator.verify(key, authorization)
                except Refused as error:
                    await self._refused_sign_in(scope, address, str(error))
                    await self.errors.send(send, UnauthorizedError(), context.family)
                    return
        limits = config.rate_limits
        limit = (
            limits.limit_for(principal.name if principal.signed_in else None) if limits else None
        )
        if limit is not None:
            bucket = principal.name if principal.signed_in else "@" + address
            wait = self.limiter.wait_for(bucket, limit)
            if wait:
                await self.errors.send(send, RateLimitedError(retry_after(wait)), context.family)
                return
        allowed = active.authorizer.quick(principal, needed)
        if allowed is None:
            allowed = await active.authorizer.decide(principal, needed)
        if not allowed:
            await self.errors.send(send, _refusal(principal, needed), context.family)
            return
        context.principal = principal.verified
        await self.app(scope, receive, send)

    def _proxy_principal(self, name: str) -> Principal:
        """One object per name, so the authorizer's per-principal cache works for them too."""
        found = self._proxied.get(name)
        if found is None:
            if len(self._proxied) >= _PROXIED_NAMES:
                self._proxied.clear()
            found = self._proxied[name] = Principal(name, "proxy")
        return found

    async def _refused_sign_in(self, scope: Scope, address: str, reason: str) -> None:
        self.throttle.refused(address)
        event = RefusedSignIn(address, scope["path"], scope["method"], reason)
        # An outer layer (the audit trail) finds it here once the refusal is sent.
        scope.setdefault("state", {})[REFUSED_KEY] = event
        log.warning(
            "refused sign-in from %s on %s %s: %s", address, event.method, event.path, reason
        )
        for listener in self.listeners:
            await listener(scope, event)


def _refusal(principal: Principal, needed: Permission) -> UnauthorizedError | ForbiddenError:
    """Anonymous requests are asked for credentials; signed-in ones are told what they lack."""
    if not principal.signed_in:
        return UnauthorizedError()
    return ForbiddenError(principal.describe(), needed.operation.value, needed.resource.describe())


def _credentials(scope: Scope, identity_header: str | None) -> tuple[bytes | None, str | None]:
    """The ``Authorization`` header and, when configured, the proxy identity header."""
    authorization: bytes | None = None
    identity: str | None = None
    wanted = identity_header.encode() if identity_header else None
    for name, value in scope["headers"]:
        if name == b"authorization":
            authorization = value
        elif name == wanted:
            identity = value.decode("latin-1").strip() or None
    return authorization, identity


def _among(
    address: str, networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _forwarded_client(
    scope: Scope,
    address: str,
    proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...],
) -> str:
    """The client a trusted proxy forwarded for: the right-most ``X-Forwarded-For`` entry that
    is not itself a trusted proxy. ``scope["client"]`` and the request context are set to it,
    so logs and the audit trail see the real client."""
    headers: list[tuple[bytes, bytes]] = scope["headers"]
    for name, value in headers:
        if name == b"x-forwarded-for":
            hops = [hop.strip() for hop in value.decode("latin-1").split(",") if hop.strip()]
            for hop in reversed(hops):
                if not _among(hop, proxies):
                    scope["client"] = (hop, 0)
                    return hop
    return address
