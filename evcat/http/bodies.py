"""Request bodies read with a deadline and a size bound, and refused when storage cannot hold
their text, before any route sees them.

The size bound is ``EVCAT_MAX_REQUEST_BYTES`` on every route: a declared ``Content-Length``
above it is refused with 413 before a byte is read; a chunked body is counted as it arrives
and refused as soon as it passes the limit.

A client that sends its body one byte a second would otherwise hold a worker task for as
long as it likes; so the whole body must arrive within ``body_read_timeout`` seconds (408).
JSON allows text no database stores: ``\\u0000`` (PostgreSQL refuses NUL in text) and a
lone UTF-16 surrogate such as ``\\ud800`` (not encodable as UTF-8, which SQLite and
PostgreSQL need). Both are refused here with a 400 that says where, for every route, instead
of failing in the database as a 500.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from evcat.errors import (
    BodyReadTimeoutError,
    EvcatError,
    PayloadTooLargeError,
    UnstorableTextError,
)
from evcat.http.context import context_of
from evcat.http.problems import ErrorRenderer

_ESCAPE = re.compile(rb"(\\+)u([0-9a-fA-F]{4})")
_HIGH = range(0xD800, 0xDC00)
_LOW = range(0xDC00, 0xE000)


def text_problem(body: bytes) -> str | None:
    """Why ``body`` holds text no store can keep (NUL, lone surrogates), or None.

    The reason names the JSON path of the value when the body is JSON, else the byte offset.
    """
    reason = _raw_problem(body)
    if reason is None:
        return None
    where = _json_path_of_bad_text(body)
    return reason if where is None else f"{reason.split(' at offset ')[0]} at {where}; remove it"


def _json_path_of_bad_text(body: bytes) -> str | None:
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return None
    stack: list[tuple[Any, str]] = [(document, "$")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str) and _unstorable(value):
            return path
        if isinstance(value, dict):
            for key, item in value.items():
                if _unstorable(key):
                    return f"{path} (a key)"
                stack.append((item, f"{path}.{key}"))
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{index}]") for index, item in enumerate(value))
    return None


def _unstorable(text: str) -> bool:
    return "\x00" in text or any("\ud800" <= char <= "\udfff" for char in text)


def _raw_problem(body: bytes) -> str | None:
    nul = body.find(b"\x00")
    if nul >= 0:
        return f"the body holds a NUL byte at offset {nul}; remove it"
    if b"\\u" not in body:
        return None
    pending_high = -1  # where a high surrogate's low half must start
    for match in _ESCAPE.finditer(body):
        if len(match.group(1)) % 2 == 0:
            continue  # an escaped backslash followed by the letter u: plain text
        code = int(match.group(2), 16)
        at = match.end() - 6
        if pending_high >= 0:
            if at == pending_high and code in _LOW:
                pending_high = -1
                continue
            return _lone(pending_high - 6)
        if code == 0:
            return f"the body holds \\u0000 (NUL) at offset {at}; remove it"
        if code in _HIGH:
            pending_high = match.end()
        elif code in _LOW:
            return _lone(at)
    return None if pending_high < 0 else _lone(pending_high - 6)


def _lone(where: int) -> str:
    return (
        f"the body holds an unpaired UTF-16 surrogate escape (\\ud800-\\udfff) at offset "
        f"{where}; send the character itself, or a complete surrogate pair"
    )


def _declared_body(scope: Scope) -> tuple[bool, int | None]:
    """Whether the request has a body, and its declared ``Content-Length`` (None if chunked).

    The server has already refused a request whose ``Content-Length`` is not a number.
    """
    for name, value in scope["headers"]:
        if name == b"content-length":
            length = int(value)
            return length > 0, length
        if name == b"transfer-encoding":
            return True, None
    return False, None


class BodyGuard:
    """ASGI middleware: reads each request body within a deadline and a size, checks its text,
    then hands the route the whole body at once."""

    def __init__(
        self, app: ASGIApp, errors: ErrorRenderer, *, max_bytes: int, read_timeout: float
    ) -> None:
        self.app = app
        self.errors = errors
        self.max_bytes = max_bytes
        self.read_timeout = read_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        has_body, length = _declared_body(scope)
        if not has_body:
            await self.app(scope, receive, send)
            return
        if length is not None and length > self.max_bytes:
            # Refused before a byte of the body is read: the client said how much it sends.
            await self._refuse(scope, send, PayloadTooLargeError(self.max_bytes))
            return
        try:
            body = await asyncio.wait_for(self._read(receive), self.read_timeout)
        except TimeoutError:
            await self._refuse(scope, send, BodyReadTimeoutError(self.read_timeout))
            return
        except _TooLarge:
            too_large = PayloadTooLargeError(self.max_bytes)
            too_large.headers["Connection"] = "close"
            await self._refuse(scope, send, too_large)
            return
        if body is None:
            return  # the client went away
        reason = text_problem(body)
        if reason is not None:
            await self._refuse(scope, send, UnstorableTextError(reason))
            return
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, send: Send, error: EvcatError) -> None:
        await self.errors.send(send, error, context_of(scope).family)

    async def _read(self, receive: Receive) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                raise _TooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


class _TooLarge(Exception):
    pass
