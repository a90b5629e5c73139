"""The one renderer: every error becomes an answer here, in the shape of its route family.

``ErrorRenderer.render(error, family)`` gives the status, headers and body; ``response``
wraps them for FastAPI handlers and ``send`` writes them on a raw ASGI ``send``. Code that
wants to refuse a request raises an ``evcat.errors`` error (or, in ASGI middleware, sends
``renderer.send(send, error, family_of(path))``); it never builds an error body itself.

The website's HTML page comes from the website (``html_page``), so this package does not
import it. ``install_exception_handlers`` routes FastAPI's own refusals (unknown routes,
wrong methods, request validation) and any escaping exception through the renderer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import Match, Mount
from starlette.types import Send

from evcat.errors import (
    BadRequestError,
    EvcatError,
    InternalError,
    MethodNotAllowedError,
    NotFoundError,
    UnprocessableError,
)
from evcat.http.context import request_context
from evcat.http.families import (
    CONFLUENT_MEDIA_TYPE,
    HTML_MEDIA_TYPE,
    PROBLEM_MEDIA_TYPE,
    Family,
    confluent_body,
    problem_body,
)

log = logging.getLogger(__name__)

HtmlPage = Callable[[EvcatError], str]
"""Renders the website's HTML error page for an error."""


@dataclass(frozen=True)
class Rendered:
    """An error answer: status, content type, body and extra headers (``Allow``...)."""

    status: int
    media_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    def response(self) -> Response:
        return Response(self.body, self.status, self.headers, self.media_type)

    async def send(self, send: Send) -> None:
        headers = [
            (b"content-type", self.media_type.encode()),
            (b"content-length", str(len(self.body)).encode()),
            *((name.lower().encode(), value.encode()) for name, value in self.headers.items()),
        ]
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": self.body})


class ErrorRenderer:
    """Turns ``evcat.errors`` errors into answers, one shape per route family."""

    def __init__(self, html_page: HtmlPage) -> None:
        self.html_page = html_page

    def render(self, error: EvcatError, family: Family) -> Rendered:
        if family is Family.API:
            body, media_type = problem_body(error), PROBLEM_MEDIA_TYPE
        elif family is Family.WEBSITE:
            body, media_type = self.html_page(error).encode(), HTML_MEDIA_TYPE
        else:
            body, media_type = confluent_body(error), CONFLUENT_MEDIA_TYPE
        return Rendered(error.status, media_type, body, error.headers)

    def response(self, error: EvcatError, family: Family) -> Response:
        return self.render(error, family).response()

    async def send(self, send: Send, error: EvcatError, family: Family) -> None:
        await self.render(error, family).send(send)


def internal_error(request_id: str) -> InternalError:
    """The 500 every unexpected exception becomes; the log holds the traceback under the
    same request id."""
    return InternalError(f"Internal Server Error (request id {request_id})")


METHODS = ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route at this path accepts, found by asking the routes: Starlette's
    own ``Allow`` names only the first route matching the path, though another one at the
    same path may take other methods. Mounts serve static files: GET and HEAD."""
    allowed: set[str] = set()
    for method in METHODS:
        probe = {**request.scope, "method": method}
        for route in request.app.router.routes:
            if route.matches(probe)[0] is Match.FULL:
                allowed |= {"GET", "HEAD"} if isinstance(route, Mount) else {method}
    return sorted(allowed)


def _from_http_exception(request: Request, exc: StarletteHTTPException) -> EvcatError:
    if exc.status_code == 404:
        return NotFoundError("HTTP 404 Not Found")
    if exc.status_code == 405:
        return MethodNotAllowedError(_allowed_methods(request))
    if exc.status_code < 500:
        return BadRequestError(f"HTTP {exc.status_code} {exc.detail}")
    return internal_error(request_context(request).request_id)


def _from_validation(exc: RequestValidationError) -> UnprocessableError:
    problems = [
        {"path": ".".join(str(part) for part in error["loc"]), "message": error["msg"]}
        for error in exc.errors()
    ]
    summary = "; ".join(f"{item['path']}: {item['message']}" for item in problems)
    return UnprocessableError(f"Invalid request: {summary}", problems=problems)


def install_exception_handlers(app: FastAPI, renderer: ErrorRenderer) -> None:
    """Send every error FastAPI meets through ``renderer``, in the family of its path."""

    def answer(request: Request, error: EvcatError) -> Response:
        return renderer.response(error, request_context(request).family)

    @app.exception_handler(EvcatError)
    async def domain_error(request: Request, exc: EvcatError) -> Response:
        return answer(request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return answer(request, _from_http_exception(request, exc))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        return answer(request, _from_validation(exc))

    # Starlette answers with this, then re-raises: the error boundary logs the traceback.
    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        return answer(request, internal_error(request_context(request).request_id))
