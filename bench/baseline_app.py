"""The baseline server: a bare Starlette route answering a constant body.

It is what the by-id path would cost with no registry behind it: the same uvicorn, the same
media type and the same bytes as a typical evcat answer, read once at start from the file named
by ``BENCH_BASELINE_BODY``. The route has an ``{id}`` parameter so that Starlette's path
matching is paid as evcat's router pays its own.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

MEDIA_TYPE = "application/vnd.schemaregistry.v1+json"


def create_app(body: bytes) -> Starlette:
    async def schema_by_id(_request: Request) -> Response:
        return Response(body, media_type=MEDIA_TYPE)

    return Starlette(routes=[Route("/schemas/ids/{id:int}", schema_by_id)])


def app_from_env() -> Starlette:
    """Factory for ``uvicorn --factory``."""
    return create_app(Path(os.environ["BENCH_BASELINE_BODY"]).read_bytes())
