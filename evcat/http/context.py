"""The request context: what middleware and handlers share about one request.

``ContextMiddleware`` (the outermost layer of ``evcat.http.stack``) creates one
``RequestContext`` per HTTP request and keeps it in the ASGI scope under ``CONTEXT_KEY``.
Every layer below it and every handler sees the same object:

- ASGI middleware: ``context_of(scope)``.
- Confluent handlers: ``request.context`` (``evcat.registry.http.ApiRequest``).
- FastAPI routes: a parameter ``context: Annotated[RequestContext, Depends(request_context)]``,
  or ``request_context(request)``.

Fields, and who sets them:

- ``request_id``: a random 16-hex-digit id made on first read; a request-id middleware may
  set the caller's own (``X-Request-ID``, ``traceparent``) before anyone reads it. The error
  boundary logs it with every 500.
- ``client``: the client's address as the server saw it (``""`` when unknown).
- ``principal``: who is calling, as verified by the auth middleware; ``None`` means anonymous
  (and, until auth exists, every request is anonymous). Never a name the client typed.
- ``route``: the route template once routed (``/subjects/{subject}/versions``,
  ``/v1/events/{event}/plan``, ``/catalog/static`` for static files), set by whichever router
  matched: ``ConfluentRouter``, the ``record_route`` app dependency for FastAPI routes, and
  ``StaticFilesRoute`` for static files. ``None`` before routing and for paths no route
  claims (404s).
- ``family``: the route family (``evcat.http.families``) that shapes the request's errors.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from fastapi import Request
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from evcat.audit.actor import ANONYMOUS_PRINCIPAL, Actor
from evcat.http.families import Family, family_of

CONTEXT_KEY = "evcat.context"
"""The ASGI scope key holding the request's ``RequestContext``."""


@dataclass(frozen=True, slots=True)
class Principal:
    """A verified caller: its name, its groups, and how it proved who it is."""

    name: str
    groups: frozenset[str] = frozenset()
    method: str = ""
    """How it was verified: ``basic``, ``token``, ``oidc``, ``mtls``..."""


@dataclass(slots=True)
class RequestContext:
    """One request's shared facts; see the module docstring for who sets what."""

    client: str
    family: Family
    principal: Principal | None = None
    route: str | None = None
    _request_id: str = field(default="", repr=False)

    @property
    def request_id(self) -> str:
        if not self._request_id:
            self._request_id = secrets.token_hex(8)
        return self._request_id

    @request_id.setter
    def request_id(self, value: str) -> None:
        self._request_id = value

    @property
    def actor(self) -> Actor:
        """Who makes a change in this request, as its audit record names them: the verified
        principal (``anonymous`` without one), the request id and the client's address."""
        principal = self.principal.name if self.principal is not None else ANONYMOUS_PRINCIPAL
        return Actor(principal, self.request_id, self.client or None)


def context_of(scope: Scope) -> RequestContext:
    """The context of the request ``scope`` belongs to (made by ``ContextMiddleware``)."""
    context: RequestContext = scope[CONTEXT_KEY]
    return context


def request_context(request: Request) -> RequestContext:
    """FastAPI dependency: the request's context."""
    return context_of(request.scope)


def actor_of(request: Request) -> Actor:
    """The audit trail's ``Actor`` of a FastAPI request (see ``RequestContext.actor``)."""
    return context_of(request.scope).actor


async def record_route(request: Request) -> None:
    """FastAPI app dependency: records the matched route's template in the context."""
    route = request.scope.get("route")
    template = getattr(route, "path_format", None)
    if isinstance(template, str):
        context_of(request.scope).route = template


class StaticFilesRoute(StaticFiles):
    """Static files that record their mount path as the route (mounts run no dependencies)."""

    def __init__(self, *, directory: str, route: str) -> None:
        super().__init__(directory=directory)
        self.route = route

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            context_of(scope).route = self.route
        await super().__call__(scope, receive, send)


class ContextMiddleware:
    """Outermost layer: gives every HTTP request its ``RequestContext``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        context = RequestContext(client[0] if client else "", family_of(scope["path"]))
        scope[CONTEXT_KEY] = context
        await self.app(scope, receive, send)
