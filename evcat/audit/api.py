"""``GET /v1/audit``: the trail, filtered and paged by key, newest first by default.

Filters are checked by hand rather than by FastAPI so a bad one is a 400 problem saying what
would be accepted, like every other bad request on ``/v1``. Reading the trail is the
``audit:read`` permission (``PERMISSION``, also in the route's OpenAPI ``x-evcat-permission``):
only administrators hold it once sign-in is on.
"""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from evcat.audit import query

PERMISSION = "audit:read"

router = APIRouter(prefix="/v1", tags=["audit"])

_PARAMETERS = [
    ("principal", "Only records of this verified principal"),
    ("action", "Only this action, such as schema.register or config.set"),
    ("resource", "Only this resource (subject:orders-value); a trailing * matches a prefix"),
    ("outcome", "success or refused"),
    ("since", "From this time on (RFC 3339 with an offset, or a date), inclusive"),
    ("until", "Before this time, exclusive"),
    ("limit", f"Records per page, 1 to {query.MAX_LIMIT} (default {query.DEFAULT_LIMIT})"),
    ("cursor", "The 'next' of the previous page"),
    ("order", "desc (newest first, the default) or asc"),
]


@router.get(
    "/audit",
    summary="The audit trail",
    openapi_extra={
        "x-evcat-permission": PERMISSION,
        "parameters": [
            {"name": name, "in": "query", "required": False, "description": text}
            | {"schema": {"type": "string"}}
            for name, text in _PARAMETERS
        ],
    },
)
async def get_audit(request: Request) -> Response:
    """Records of every change, each with its hash and the hash of the record before it."""
    params = request.query_params
    filters = query.parse_filters(
        principal=params.get("principal"),
        action=params.get("action"),
        resource=params.get("resource"),
        outcome=params.get("outcome"),
        since=params.get("since"),
        until=params.get("until"),
    )
    limit = query.parse_limit(params.get("limit"))
    cursor = query.parse_cursor(params.get("cursor"))
    ascending = query.parse_order(params.get("order"))
    engine = request.app.state.registry.engine
    found = await run_in_threadpool(
        lambda: query.page(engine, filters, limit=limit, cursor=cursor, ascending=ascending)
    )
    body = {
        "records": [entry.as_dict() for entry in found.entries],
        "next": None if found.next is None else str(found.next),
    }
    return Response(
        orjson.dumps(body),
        media_type="application/json",
        headers={"Cache-Control": "no-store"},
    )
