"""A small router for the Confluent API: matches on the raw, still-encoded path.

Starlette decodes ``%2F`` before routing, which breaks subjects such as Protobuf import paths
(``acme/address.proto``). This router splits the raw path on literal ``/`` first and decodes each
segment after, so a subject may contain any character. It also treats a trailing slash as
absent (no redirects: clients do not re-send a POST body after a 307). Errors, including unknown
routes and wrong methods (405, with ``Allow``), go through the one renderer
(``evcat.http.problems``), so they keep Confluent's ``{"error_code", "message"}`` shape.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from evcat.audit import Actor
from evcat.errors import (
    BadRequestError,
    EvcatError,
    MethodNotAllowedError,
    NotFoundError,
)
from evcat.http.context import RequestContext, context_of
from evcat.http.problems import ErrorRenderer

MEDIA_TYPE = b"application/vnd.schemaregistry.v1+json"
TRUE_VALUES = frozenset({"true"})


@dataclass
class ApiRequest:
    """One call to a Confluent route, as its handler sees it; ``context`` is the request's
    shared ``RequestContext`` (principal, request id, client, route template)."""

    method: str
    params: dict[str, str]
    query: Mapping[str, list[str]]
    context: RequestContext
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def actor(self) -> Actor:
        """Who sends this request, for the audit record of a write."""
        return self.context.actor

    def flag(self, *names: str) -> bool:
        """A boolean query parameter: case-insensitive ``true`` (clients send ``True``)."""
        return any(self.text(name).lower() in TRUE_VALUES for name in names)

    def text(self, *names: str, default: str = "") -> str:
        for name in names:
            values = self.query.get(name)
            if values:
                return values[0]
        return default

    def integer(self, name: str, default: int) -> int:
        value = self.text(name)
        if not value:
            return default
        try:
            return int(value)
        except ValueError:
            raise BadRequestError(
                f"Query parameter '{name}' must be an integer, got {value!r}"
            ) from None

    def json(self) -> dict[str, Any]:
        """The body as a JSON object, whatever the content type said."""
        if not self.body.strip():
            return {}
        try:
            value = orjson.loads(self.body)
        except orjson.JSONDecodeError as exc:
            raise BadRequestError(f"Request body is not valid JSON: {exc}") from None
        if not isinstance(value, dict):
            raise BadRequestError("Request body must be a JSON object")
        return value


@dataclass(frozen=True)
class Reply:
    """A handler's answer: a JSON-serialisable body, or raw bytes, and a status."""

    body: Any
    status: int = 200
    raw: bool = False
    media_type: bytes = MEDIA_TYPE


Handler = Callable[[ApiRequest], Reply]
FastHandler = Callable[[ApiRequest], Awaitable[Reply | None]]


@dataclass(frozen=True)
class Route:
    template: str
    segments: tuple[str, ...]
    methods: dict[str, Handler]
    fast: dict[str, FastHandler] = field(default_factory=dict)

    def allowed(self) -> list[str]:
        """The methods this route answers, HEAD included wherever GET is."""
        return [*self.methods, "HEAD"] if "GET" in self.methods else list(self.methods)

    def match(self, parts: list[str]) -> dict[str, str] | None:
        if len(parts) != len(self.segments):
            return None
        params: dict[str, str] = {}
        for pattern, part in zip(self.segments, parts, strict=True):
            if pattern.startswith("{"):
                params[pattern[1:-1]] = part
            elif pattern != part:
                return None
        return params


def _decoded(parts: list[str], query_string: bytes) -> list[str]:
    """The percent-decoded path segments; 400 for what no handler could use.

    Segments are decoded as strict UTF-8: a lenient decode would turn a bad byte into U+FFFD
    and silently register a subject under a name the client never sent.
    """
    decoded: list[str] = []
    for part in parts:
        try:
            decoded.append(unquote(part, errors="strict"))
        except UnicodeDecodeError:
            raise BadRequestError(
                f"The path segment {part!r} is not UTF-8 once percent-decoded; "
                "percent-encode the UTF-8 bytes of each character"
            ) from None
    # No store can hold a NUL character; say so instead of failing in the database.
    if any("\x00" in part for part in decoded):
        raise BadRequestError("The path holds a NUL (%00) character; remove it")
    if b"%00" in query_string:
        raise BadRequestError("The query string holds a NUL (%00) character; remove it")
    return decoded


def json_bytes(body: Any) -> bytes:
    return orjson.dumps(body)


class ConfluentRouter:
    """ASGI app serving the Confluent routes; any other path goes to ``fallback``."""

    def __init__(self, fallback: ASGIApp, errors: ErrorRenderer) -> None:
        self.fallback = fallback
        self.errors = errors
        self.routes: list[Route] = []
        self.prefixes: set[str] = set()

    def add(self, path: str, **methods: Handler) -> None:
        segments = tuple(path.strip("/").split("/")) if path != "/" else ("",)
        self.routes.append(Route(path, segments, {m.upper(): h for m, h in methods.items()}))
        self.prefixes.add(segments[0])

    def add_fast(self, path: str, method: str, handler: FastHandler) -> None:
        """An async handler tried first on the event loop; returning None falls back."""
        segments = tuple(path.strip("/").split("/"))
        for route in self.routes:
            if route.segments == segments:
                route.fast[method] = handler
                return
        raise ValueError(f"add the route {path} before its fast path")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.fallback(scope, receive, send)
            return
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
        path = raw_path.split(b"?", 1)[0].decode("latin-1")
        parts = path.strip("/").split("/") if path.strip("/") else [""]
        if parts[0] not in self.prefixes:
            await self.fallback(scope, receive, send)
            return
        context = context_of(scope)
        try:
            parts = _decoded(parts, scope.get("query_string", b""))
        except BadRequestError as error:
            await self.errors.send(send, error, context.family)
            return
        method = scope["method"]
        params: dict[str, str] | None = None
        route: Route | None = None
        for candidate in self.routes:
            params = candidate.match(parts)
            if params is not None:
                route = candidate
                break
        if route is None or params is None:
            if parts[0] == "v1":
                await self.fallback(scope, receive, send)
                return
            await self.errors.send(send, NotFoundError("HTTP 404 Not Found"), context.family)
            return
        context.route = route.template
        handler = route.methods.get(method)
        if handler is None and method == "HEAD":
            handler = route.methods.get("GET")
        if handler is None:
            await self.errors.send(send, MethodNotAllowedError(route.allowed()), context.family)
            return
        request = ApiRequest(
            method=method,
            params=params,
            query=parse_qs(scope.get("query_string", b"").decode("latin-1")),
            context=context,
        )
        fast = route.fast.get(method)
        if fast is not None:
            reply = await fast(request)
            if reply is not None:
                await self._send(send, reply)
                return
        try:
            request.body = await self._read_body(receive)
            reply = await run_in_threadpool(handler, request)
        except EvcatError as error:
            await self.errors.send(send, error, context.family)
            return
        await self._send(send, reply)

    @staticmethod
    async def _read_body(receive: Receive) -> bytes:
        """The whole body; its size is bounded by ``evcat.http.bodies`` before this."""
        chunks: list[bytes] = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                return b"".join(chunks)

    @staticmethod
    async def _send(send: Send, reply: Reply) -> None:
        if reply.raw:
            body = reply.body if isinstance(reply.body, bytes) else str(reply.body).encode()
        else:
            body = json_bytes(reply.body)
        await send(
            {
                "type": "http.response.start",
                "status": reply.status,
                "headers": [
                    (b"content-type", reply.media_type),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
