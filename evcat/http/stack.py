"""The HTTP stack: every ASGI middleware, built in one place and in one documented order.

``build_stack(app, wiring)`` wraps the application (the Confluent router in front of the
FastAPI app) in ``LAYERS``, outermost first:

1. ``context``: makes the request's ``RequestContext`` (``evcat.http.context``).
2. (request id: adopt the caller's ``X-Request-ID``/``traceparent`` into the context.)
3. (access log and metrics: outside the error boundary, so they see every answer.)
4. ``errors``: the error boundary; an escaping exception is a logged 500 in the family's
   shape (``evcat.http.boundary``).
5. ``hosts``: ``EVCAT_ALLOWED_HOSTS`` against DNS rebinding (``evcat.http.hosts``); not
   built when every host is allowed.
6. ``cross-site``: a foreign ``Origin`` or a form's content type may not change state
   (``evcat.http.cross_site``).
7. ``auth``: with an auth file, refused sign-ins throttled per address, credentials verified
   (``context.principal`` set), per-principal rate limits (per ``context.client`` for
   anonymous calls), the permission table applied; 401/403/429 via the renderer
   (``evcat.auth.middleware``). Before the body layers: a request that may not be served
   never has its body read. Built by the app (``Wiring.auth``), since ``evcat.auth`` reads
   the registry and the catalog, which import this layer. Absent without an auth file.
8. ``bodies``: ``EVCAT_MAX_REQUEST_BYTES`` on every route (a declared ``Content-Length``
   over it refused before reading), the body read within ``EVCAT_BODY_READ_TIMEOUT``, text
   no store can hold refused (``evcat.http.bodies``).

The layers in parentheses are the places reserved for the middleware still to come.

Adding a middleware: write a pure ASGI class (``__init__(self, app, ...)`` and ``async
__call__(self, scope, receive, send)``; pass ``scope["type"] != "http"`` straight through),
and add one ``Layer`` to ``LAYERS`` at its place, built from ``Wiring`` (the settings, the
error renderer, the services). To refuse a request, send an ``evcat.errors`` error with
``wiring.errors.send(send, error, context_of(scope).family)``; never build a body by hand.
Do not use Starlette's ``BaseHTTPMiddleware``: it costs a task and a stream per request, and
the by-id read path must stay fast. A layer should cost no more than a few attribute reads on
a request it does not act on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from starlette.types import ASGIApp

from evcat.http.bodies import BodyGuard
from evcat.http.boundary import ErrorBoundary
from evcat.http.context import ContextMiddleware
from evcat.http.cross_site import CrossSiteGuard
from evcat.http.hosts import AllowedHosts
from evcat.http.problems import ErrorRenderer
from evcat.settings import Settings


class SharedServices(Protocol):
    """What middleware may reach of the application's services (``evcat.services.Services``).

    A protocol, so that this layer does not import the packages below that build them (they
    import the HTTP layer's context and renderer, and imports run one way).
    """

    @property
    def registry(self) -> Any: ...
    @property
    def catalog(self) -> Any: ...


@dataclass(frozen=True)
class Wiring:
    """What a layer may be built from: the settings, the one error renderer, the services
    (the registry, the catalog for ``owned_by`` bindings, the database engine...)."""

    settings: Settings
    errors: ErrorRenderer
    services: SharedServices
    auth: Callable[[ASGIApp], ASGIApp] | None = None
    """Wraps the app in the sign-in layer; None serves without sign-in."""


@dataclass(frozen=True)
class Layer:
    """One middleware of the stack: a name for the docs and how to build it."""

    name: str
    build: Callable[[ASGIApp, Wiring], ASGIApp]


def _allowed_hosts(app: ASGIApp, wiring: Wiring) -> ASGIApp:
    patterns = wiring.settings.allowed_host_list
    # Every host allowed (the default): nothing to check, so no layer to pass through.
    if "*" in patterns:
        return app
    return AllowedHosts(app, patterns, wiring.errors)


LAYERS: tuple[Layer, ...] = (
    Layer("context", lambda app, wiring: ContextMiddleware(app)),
    Layer("errors", lambda app, wiring: ErrorBoundary(app, wiring.errors)),
    Layer("hosts", _allowed_hosts),
    Layer(
        "cross-site",
        lambda app, wiring: CrossSiteGuard(app, wiring.settings.allowed_origin_list, wiring.errors),
    ),
    Layer("auth", lambda app, wiring: wiring.auth(app) if wiring.auth else app),
    Layer(
        "bodies",
        lambda app, wiring: BodyGuard(
            app,
            wiring.errors,
            max_bytes=wiring.settings.max_request_bytes,
            read_timeout=wiring.settings.body_read_timeout,
        ),
    ),
)
"""The stack, outermost first."""


def build_stack(app: ASGIApp, wiring: Wiring) -> ASGIApp:
    """``app`` wrapped in ``LAYERS``, the first one outermost."""
    for layer in reversed(LAYERS):
        app = layer.build(app, wiring)
    return app
