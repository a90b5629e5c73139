"""The body-size limit, on every route: ``EVCAT_MAX_REQUEST_BYTES``.

A ``Content-Length`` above the limit is refused with 413 before a byte of the body is read.
HTTP/1.1 frames a body either by ``Content-Length`` (which the server holds the client to)
or by chunked transfer encoding; only the chunked kind can grow past what it announced, so
only those requests are counted as they are read. When the count passes the limit the
reader gets ``PayloadTooLargeError`` and whatever the route answers is replaced by the 413,
in the family's shape (FastAPI reports any failure while reading a body as its own 400).
Requests without a body pass straight through: the by-id read path pays one header scan.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from evcat.errors import PayloadTooLargeError
from evcat.http.context import context_of
from evcat.http.problems import ErrorRenderer


def body_framing(scope: Scope) -> tuple[int | None, bool]:
    """The declared ``Content-Length`` (None when absent) and whether the body is chunked.

    The server has already refused a request whose ``Content-Length`` is not a number.
    """
    length: int | None = None
    chunked = False
    for name, value in scope["headers"]:
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
    return length, chunked


class BodyLimit:
    """Pure ASGI middleware refusing request bodies larger than ``limit`` bytes."""

    def __init__(self, app: ASGIApp, limit: int, errors: ErrorRenderer) -> None:
        self.app = app
        self.limit = limit
        self.errors = errors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length, chunked = body_framing(scope)
        if length is not None and length > self.limit:
            await self.errors.send(send, PayloadTooLargeError(self.limit), context_of(scope).family)
            return
        if not chunked or length is not None:
            await self.app(scope, receive, send)
            return
        await _CountedBody(self, scope, receive, send).run()


class _CountedBody:
    """One chunked request: counts what is read, and answers 413 once it is too much."""

    def __init__(self, limit: BodyLimit, scope: Scope, receive: Receive, send: Send) -> None:
        self.owner = limit
        self.scope = scope
        self.upstream_receive = receive
        self.upstream_send = send
        self.size = 0
        self.exceeded = False
        self.answered = False

    async def run(self) -> None:
        try:
            await self.owner.app(self.scope, self.receive, self.send)
        except PayloadTooLargeError:
            if not self.answered:
                await self.refuse()

    async def receive(self) -> Message:
        message = await self.upstream_receive()
        if message["type"] == "http.request":
            self.size += len(message.get("body", b""))
            if self.size > self.owner.limit:
                self.exceeded = True
                raise PayloadTooLargeError(self.owner.limit)
        return message

    async def send(self, message: Message) -> None:
        if not self.exceeded:
            await self.upstream_send(message)
        elif message["type"] == "http.response.start" and not self.answered:
            await self.refuse()

    async def refuse(self) -> None:
        self.answered = True
        family = context_of(self.scope).family
        await self.owner.errors.send(
            self.upstream_send, PayloadTooLargeError(self.owner.limit), family
        )
