"""The actor of an HTTP request: the one place the web layers turn a request into an ``Actor``.

The principal is the one the server verified. Until sign-in exists every request is
``anonymous``; the auth layer sets the verified principal on the request's context and this
function reads it from there. The request id is the client's ``X-Request-ID`` when it is a
short printable token (so a caller's logs and the trail line up), and the client is the
connection's address.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import HTTPConnection

from evcat.audit.actor import ANONYMOUS_PRINCIPAL, Actor

MAX_REQUEST_ID = 128
_REQUEST_ID_HEADER = b"x-request-id"


def _request_id(headers: Any) -> str | None:
    for name, value in headers or ():
        if name.lower() == _REQUEST_ID_HEADER:
            text = bytes(value).decode("latin-1")
            if 0 < len(text) <= MAX_REQUEST_ID and text.isprintable() and text.isascii():
                return text
            return None
    return None


def actor_from_scope(scope: Mapping[str, Any]) -> Actor:
    """The ``Actor`` of the ASGI request ``scope``."""
    client = scope.get("client")
    return Actor(
        principal=ANONYMOUS_PRINCIPAL,
        request_id=_request_id(scope.get("headers")),
        client=str(client[0])[:64] if client else None,
    )


def actor_of(request: HTTPConnection) -> Actor:
    """The ``Actor`` of a FastAPI or Starlette request."""
    return actor_from_scope(request.scope)
