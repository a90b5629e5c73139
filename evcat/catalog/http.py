"""HTTP helpers of the catalog API: strong ETags with ``If-None-Match``, and pagination.

Every ``/v1`` catalog answer carries an ETag computed from its exact bytes, so an unchanged
catalog (for instance after re-applying the same files) answers with the same ETags, and a
client that sends ``If-None-Match`` gets ``304 Not Modified`` without the body.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Annotated, Any

import orjson
from fastapi import Query, Request, Response

from evcat.catalog.service import Catalog
from evcat.catalog.views import Views

MAX_LIMIT = 1000
# Far beyond any catalog, and small enough that the page's echo of it stays a JSON integer.
MAX_OFFSET = 2**31 - 1

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip")]


def catalog_of(request: Request) -> Catalog:
    """The app's catalog (a FastAPI dependency)."""
    catalog: Catalog = request.app.state.catalog
    return catalog


def views_of(request: Request) -> Views:
    return Views(catalog_of(request))


def etag_of(body: bytes) -> str:
    return f'"{hashlib.sha256(body).hexdigest()[:40]}"'


def _matches(request: Request, etag: str) -> bool:
    header = request.headers.get("if-none-match")
    if header is None:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or etag in tags


def send(
    request: Request,
    body: bytes,
    media_type: str = "application/json",
    headers: dict[str, str] | None = None,
) -> Response:
    """``body`` with a strong ETag, or ``304`` when the client already holds it."""
    etag = etag_of(body)
    common = {"ETag": etag, "Cache-Control": "no-cache", **(headers or {})}
    if _matches(request, etag):
        return Response(status_code=304, headers=common)
    return Response(body, media_type=media_type, headers=common)


def send_json(request: Request, payload: Any) -> Response:
    return send(request, orjson.dumps(payload))


def send_page(request: Request, items: Sequence[Any], limit: int, offset: int) -> Response:
    """One page of ``items`` with ``total`` and a ``next`` link (also as a ``Link`` header)."""
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    chosen = list(items[offset : offset + limit])
    following = offset + limit
    next_url = (
        str(request.url.include_query_params(offset=following, limit=limit))
        if following < len(items)
        else None
    )
    payload = {
        "items": chosen,
        "total": len(items),
        "offset": offset,
        "limit": limit,
        "next": next_url,
    }
    headers = {"Link": f'<{next_url}>; rel="next"'} if next_url else None
    return send(request, orjson.dumps(payload), headers=headers)
