"""The error boundary: the outermost guard, so an unexpected exception is never a bare 500.

Whatever escapes the layers below (a bug, a lost database) is logged once with its
traceback and answered as ``InternalError`` in the route family's shape: problem+json on
``/v1``, the HTML page on ``/catalog/``, Confluent's shape elsewhere. When the answer had
already started, only the log is left to do.
"""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from evcat.http.context import context_of
from evcat.http.problems import ErrorRenderer, internal_error

log = logging.getLogger("evcat.http")


class ErrorBoundary:
    """Pure ASGI middleware: logs and renders exceptions escaping ``app``."""

    def __init__(self, app: ASGIApp, renderer: ErrorRenderer) -> None:
        self.app = app
        self.renderer = renderer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception:
            context = context_of(scope)
            log.exception(
                "unhandled error on %s %s (request id %s)",
                scope["method"],
                scope["path"],
                context.request_id,
            )
            if not started:
                await self.renderer.send(send, internal_error(context.request_id), context.family)
