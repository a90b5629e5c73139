"""Refusals (401, 403, 429) in the shape of the API that was called.

Confluent routes answer ``{"error_code", "message"}`` as Confluent does, ``/v1`` routes an RFC
7807 problem, the website an HTML page; a 401 carries the challenges that make a browser ask
for Basic credentials and tell API clients that bearer tokens work too.
"""

from __future__ import annotations

import html

import orjson
from starlette.types import Send

from evcat.auth.permissions import Family
from evcat.errors import PROBLEM_MEDIA_TYPE, EvcatError, problem

CHALLENGES = (b'Basic realm="evcat"', b'Bearer realm="evcat"')
_CONFLUENT_MEDIA_TYPE = b"application/vnd.schemaregistry.v1+json"
_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{status} {title}</title></head>
<body><main><h1>{title}</h1><p>{message}</p><p><a href="/catalog/">Catalog home</a></p></main>
</body></html>
"""
_TITLES = {401: "Sign in to see the catalog", 403: "Not allowed", 429: "Too many requests"}


def body_of(family: Family, error: EvcatError) -> tuple[bytes, bytes]:
    """The body and content type of ``error`` for a route of ``family``."""
    if family == "v1":
        body = problem(error.status, error.error_code, error.message)
        return orjson.dumps(body), PROBLEM_MEDIA_TYPE.encode()
    if family == "website":
        page = _PAGE.format(
            status=error.status,
            title=_TITLES.get(error.status, "Refused"),
            message=html.escape(error.message),
        )
        return page.encode(), b"text/html; charset=utf-8"
    body = {"error_code": error.error_code, "message": error.message}
    return orjson.dumps(body), _CONFLUENT_MEDIA_TYPE


async def send_refusal(
    send: Send, family: Family, error: EvcatError, extra: list[tuple[bytes, bytes]]
) -> None:
    """Answer the request with ``error``; ``extra`` headers (Retry-After) are added."""
    body, media_type = body_of(family, error)
    headers = [(b"content-type", media_type), (b"content-length", str(len(body)).encode())]
    if error.status == 401:
        headers += [(b"www-authenticate", challenge) for challenge in CHALLENGES]
    await send({"type": "http.response.start", "status": error.status, "headers": headers + extra})
    await send({"type": "http.response.body", "body": body})
