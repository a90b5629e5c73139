"""The HTTP stack: every ASGI middleware, built in one place and in one documented order.

``build_stack(app, wiring)`` wraps the application (the Confluent router in front of the
FastAPI app) in ``LAYERS``, outermost first:

1. ``context``: makes the request's ``RequestContext`` (``evcat.http.context``).
2. (request id: adopt the caller's ``X-Request-ID``/``traceparent`` into the context.)
3. (access log and metrics: outside the error boundary, so they see every answer.)
4. ``errors``: the error boundary; an escaping exception is a logged 500 in the family's
   shape (``evcat.http.boundary``).
5. ``auth``: with an auth file, refused sign-ins throttled per address, credentials verified
   (``context.principal`` set), per-principal rate limits (per ``context.client`` for
   anonymous calls), the permission table applied; 401/403/429 via the renderer
   (``evcat.auth.middleware``). Before ``bodies``: a request that may not be served never
   has its body read. Without an auth file the layer is absent.
6. ``bodies``: request bodies read with a deadline and a size bound, text no store can hold
   refused (``evcat.http.bodies``).

The layers in parentheses are the places reserved for the middleware still to come.

Adding a middleware: write a pure ASGI class (``__init__(self, app, ...)`` and ``async
__call__(self, scope, receive, send)``; pass ``scope["type"] != "http"`` straight through),
and add one ``Layer`` to ``LAYERS`` at its place, building it from ``Wiring`` (settings, the
error renderer, the registry). Refuse a request by sending ``wiring.errors.send(send,
SomeError(...), context.family)`` with an ``evcat.errors`` error; never build a body by hand.
Do not use Starlette's ``BaseHTTPMiddleware``: it costs a task and a stream per request, and
the by-id read path must stay fast. A layer should cost no more than a few attribute reads on
a request it does not act on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp

from evcat.auth.layer import auth_layer
from evcat.http.bodies import BodyGuard
from evcat.http.boundary import ErrorBoundary
from evcat.http.context import ContextMiddleware
from evcat.http.problems import ErrorRenderer
from evcat.registry.service import Registry
from evcat.settings import Settings


@dataclass(frozen=True)
class Wiring:
    """What a layer may be built from."""

    settings: Settings
    errors: ErrorRenderer
    registry: Registry


@dataclass(frozen=True)
class Layer:
    """One middleware of the stack: a name for the docs and how to build it."""

    name: str
    build: Callable[[ASGIApp, Wiring], ASGIApp]


LAYERS: tuple[Layer, ...] = (
    Layer("context", lambda app, wiring: ContextMiddleware(app)),
    Layer("errors", lambda app, wiring: ErrorBoundary(app, wiring.errors)),
    Layer(
        "auth",
        lambda app, wiring: auth_layer(app, wiring.settings, wiring.errors, wiring.registry),
    ),
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
