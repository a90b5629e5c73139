"""The catalog's ``/v1`` routes: domains, teams, services, channels, stores, recipients, edges,
lineage, and catalog as code (apply, export, the published JSON Schema).

Translation only: every rule lives in ``catalog.service``/``views``. Errors are evcat errors,
which the app renders as RFC 7807 problems; every answer has a strong ETag.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import orjson
from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from evcat.catalog import lineage
from evcat.catalog import spec as s
from evcat.catalog.api_events import router as events_router
from evcat.catalog.errors import CatalogInputError
from evcat.catalog.http import Limit, Offset, catalog_of, send, send_json, send_page, views_of
from evcat.catalog.yamlio import dump_all
from evcat.db import read_session
from evcat.http.context import actor_of

router = APIRouter(prefix="/v1", tags=["catalog"])
router.include_router(events_router)


@router.get("/catalog/schema", summary="JSON Schema of catalog documents")
def catalog_schema(request: Request) -> Response:
    """The published JSON Schema every catalog YAML document validates against."""
    return send(
        request,
        orjson.dumps(s.catalog_json_schema(), option=orjson.OPT_INDENT_2),
        "application/schema+json",
    )


@router.get("/catalog/export", summary="The whole catalog as documents")
def catalog_export(
    request: Request, format: Annotated[str, Query(pattern="^(json|yaml)$")] = "json"
) -> Response:
    """Every stored resource in the apply format (``format=yaml`` for a multi-document YAML)."""
    documents = catalog_of(request).export_documents()
    if format == "yaml":
        return send(request, dump_all(documents).encode(), "application/yaml")
    return send_json(request, documents)


@router.post("/catalog/apply", summary="Apply catalog documents")
async def catalog_apply(request: Request, prune: bool = False, dry_run: bool = False) -> Response:
    """Apply YAML or JSON documents in the body, all or nothing; answers with the plan."""
    body = await request.body()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise CatalogInputError("The body must be UTF-8 YAML or JSON") from None
    catalog = catalog_of(request)
    actor = actor_of(request)
    plan = await run_in_threadpool(
        lambda: catalog.apply_text(text, prune=prune, dry_run=dry_run, actor=actor)
    )
    return send_json(request, plan.as_dict())


def _listing(kind: str) -> Callable[..., Response]:
    def handler(request: Request, limit: Limit = 100, offset: Offset = 0) -> Response:
        return send_page(request, views_of(request).documents(kind), limit, offset)

    handler.__doc__ = f"Every {kind.lower()} in the catalog, by id."
    return handler


for _kind in ("Domain", "Team", "Service", "Channel", "Store", "Recipient"):
    router.add_api_route(
        f"/{s.PLURALS[_kind]}", _listing(_kind), methods=["GET"], summary=f"List {s.PLURALS[_kind]}"
    )


@router.get("/domains/{ident}", summary="One domain")
def get_domain(request: Request, ident: str) -> Response:
    """A domain with its owner, sub-domains, services and events."""
    return send_json(request, views_of(request).domain(ident))


@router.get("/teams/{ident}", summary="One team")
def get_team(request: Request, ident: str) -> Response:
    """A team, its people, and everything it owns."""
    return send_json(request, views_of(request).team(ident))


@router.get("/services/{ident}", summary="One service")
def get_service(request: Request, ident: str) -> Response:
    """A service with its produced and consumed events, versions resolved."""
    return send_json(request, views_of(request).service(ident))


@router.get("/channels/{ident}", summary="One channel")
def get_channel(request: Request, ident: str) -> Response:
    """A channel with its retention, the events it carries, producers and consumers."""
    return send_json(request, views_of(request).channel(ident))


@router.get("/stores/{ident}", summary="One data store")
def get_store(request: Request, ident: str) -> Response:
    """A store with the consumer edges that write to it."""
    return send_json(request, views_of(request).holder("Store", ident))


@router.get("/recipients/{ident}", summary="One external recipient")
def get_recipient(request: Request, ident: str) -> Response:
    """An external recipient with the consumer edges that disclose data to it."""
    return send_json(request, views_of(request).holder("Recipient", ident))


@router.get("/edges", summary="Producer and consumer edges")
def get_edges(
    request: Request,
    event: str | None = None,
    service: str | None = None,
    channel: str | None = None,
    role: Annotated[str | None, Query(pattern="^(produces|consumes)$")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Response:
    """Edges filtered by event, service, channel and role, with resolved versions."""
    edges = views_of(request).edges(event=event, service=service, channel=channel, role=role)
    return send_page(request, edges, limit, offset)


@router.get("/lineage", summary="Data-flow graph around one resource")
def get_lineage(
    request: Request,
    event: str | None = None,
    service: str | None = None,
    channel: str | None = None,
    store: str | None = None,
    recipient: str | None = None,
    depth: Annotated[int, Query(ge=1, le=20)] = 2,
    direction: Annotated[str, Query(pattern="^(downstream|upstream|both)$")] = "both",
) -> Response:
    """Nodes and links within ``depth`` hops of the one resource named."""
    named = {
        "event": event,
        "service": service,
        "channel": channel,
        "store": store,
        "recipient": recipient,
    }
    given = [(kind, value) for kind, value in named.items() if value is not None]
    if len(given) != 1:
        raise CatalogInputError("Name exactly one of event, service, channel, store or recipient")
    kind, value = given[0]
    catalog = catalog_of(request)
    if kind == "event":
        with read_session(catalog.engine) as session:
            value = views_of(request).resolve_event(session, value, catalog.snapshot())
    start = f"{kind}:{value}"
    with read_session(catalog.engine) as session:
        links = lineage.links(session)
        if kind != "event" and not any(start in (link.source, link.target) for link in links):
            # Unlinked is fine for a declared resource; a typo must not answer an empty graph.
            views_of(request).document(session, kind.capitalize(), value)
    graph = lineage.around(links, start, depth, direction)  # type: ignore[arg-type]
    return send_json(request, graph)
