"""evcat's upcast routes: batch upcasting and upcaster CRUD under an event's versions.

Translation between HTTP and ``UpcastService`` only. Errors made of problems (spec, graph,
validation) are rendered like every other error: RFC 7807 answers whose ``problems`` member
lists each one with its code.
"""

from __future__ import annotations

import base64
import json
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Request
from pydantic import BaseModel, Field

from evcat.errors import BadRequestError
from evcat.http.context import actor_of
from evcat.registry.requests import schema_request
from evcat.upcast.codecs.jsonio import jsonable
from evcat.upcast.errors import InvalidWireFormat
from evcat.upcast.gate import register_version
from evcat.upcast.graph.version_graph import MAX_VERSION, Target
from evcat.upcast.read.cloudevents import CloudEventUpcaster
from evcat.upcast.read.dicts import StoredEvent, UpcastEvent
from evcat.upcast.read.wire import WireUpcaster
from evcat.upcast.service import EdgeRecord, UpcastService

router = APIRouter(prefix="/v1", tags=["upcast"])

# Bounded so that a number no version can have is a 422, not an overflow in the database.
Version = Annotated[int, Path(ge=1, le=MAX_VERSION, description="A version of the event")]
FromVersion = Annotated[int, Path(ge=1, le=MAX_VERSION, description="The upcaster's source")]


class EventIn(BaseModel):
    type: str
    version: int | None = Field(default=None, description="or schema_id")
    schema_id: int | None = None
    data: Any = None
    id: str | None = None
    time: str | None = None
    source: str | None = None
    subject: str | None = None
    stream_id: str | None = None
    position: int | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class UpcastRequest(BaseModel):
    target: str | int | dict[str, int | str] = Field(default="latest")
    events: list[EventIn] = Field(default_factory=list)
    wire: list[str] = Field(default_factory=list, description="base64 Confluent frames")
    cloudevents: list[dict[str, Any]] = Field(
        default_factory=list, description="structured-mode JSON CloudEvents"
    )


class EventOut(BaseModel):
    type: str
    version: int
    schema_id: int | None
    id: str | None
    parent_id: str | None
    data: Any


class UpcastResponse(BaseModel):
    events: list[EventOut]
    wire: list[str]
    cloudevents: list[dict[str, Any]]


def service(request: Request) -> UpcastService:
    """The app's upcast service (a FastAPI dependency)."""
    upcast: UpcastService = request.app.state.upcast
    return upcast


def _event_out(event: UpcastEvent) -> EventOut:
    return EventOut(
        type=event.event_type,
        version=event.version,
        schema_id=event.schema_id,
        id=event.id,
        parent_id=event.parent_id,
        data=jsonable(event.data),
    )


@router.post("/upcast", response_model=UpcastResponse, summary="Upcast a batch of events")
def upcast(request: Request, body: UpcastRequest) -> UpcastResponse:
    """Events (dicts), Confluent frames (base64) and CloudEvents, each to the target version."""
    upcast_service = service(request)
    limit = upcast_service.registry.settings.upcaster_max_batch
    if len(body.events) + len(body.wire) + len(body.cloudevents) > limit:
        raise BadRequestError(f"at most {limit} events per request; split the batch")
    target: Target = body.target
    upcaster = upcast_service.upcaster(target)
    events: list[EventOut] = []
    for item in body.events:
        version = item.version
        if version is None:
            if item.schema_id is None:
                raise BadRequestError(f"event {item.id or item.type}: give version or schema_id")
            version = upcaster.index.node_for_id(item.schema_id, item.type)[1]
        stored = StoredEvent(
            item.type,
            version,
            item.data,
            item.id,
            item.time,
            item.source,
            item.subject,
            item.stream_id,
            item.position,
            item.metadata,
        )
        events.extend(_event_out(result) for result in upcaster.upcast(stored))
    wire = WireUpcaster(upcaster)
    frames: list[str] = []
    for text in body.wire:
        try:
            frame = base64.b64decode(text, validate=True)
        except ValueError:  # binascii.Error, or a character outside ASCII
            raise InvalidWireFormat(
                "a wire entry is not base64: send each frame in standard base64"
            ) from None
        frames.extend(base64.b64encode(out).decode() for _, out in wire.upcast_events(frame))
    ce = CloudEventUpcaster(upcaster)
    # The stdlib's json, as the CloudEvents SDK uses: orjson refuses integers beyond 64 bits.
    cloudevents = [
        json.loads(out)
        for item in body.cloudevents
        for out in ce.upcast_structured(json.dumps(item).encode())
    ]
    return UpcastResponse(events=events, wire=frames, cloudevents=cloudevents)


@router.get("/upcasters", summary="Every stored upcaster")
def all_upcasters(request: Request) -> list[EdgeRecord]:
    """Every edge with its document (or code pin) and fingerprint, by event and version.

    What a client needs to build the same upcaster locally (``evcat upcast --registry``).
    """
    return service(request).all_edges()


@router.get("/events/{event}/versions/{version}/upcasters", summary="Upcasters of a version")
def list_upcasters(request: Request, event: str, version: Version) -> list[EdgeRecord]:
    """Upcasters arriving at this version, and emit edges leaving it."""
    return service(request).edges_at(event, version)


@router.post(
    "/events/{event}/versions/{version}/upcasters",
    status_code=201,
    summary="Register an upcaster arriving at a version",
)
def add_upcaster(
    request: Request,
    event: str,
    version: Version,
    document: Annotated[dict[str, Any], Body(description="the upcaster document (JSON)")],
    replace: bool = False,
) -> EdgeRecord:
    """Checked against both schemas, validated on samples; the report is stored with it."""
    return service(request).register(
        document, event=event, to_version=version, replace=replace, actor=actor_of(request)
    )


@router.get("/events/{event}/versions/{version}/upcasters/{from_version}", summary="One upcaster")
def get_upcaster(
    request: Request, event: str, version: Version, from_version: FromVersion
) -> EdgeRecord:
    return service(request).edge(event, version, from_version)


@router.delete(
    "/events/{event}/versions/{version}/upcasters/{from_version}", summary="Delete an upcaster"
)
def delete_upcaster(
    request: Request, event: str, version: Version, from_version: FromVersion
) -> EdgeRecord:
    return service(request).delete(event, version, from_version, actor=actor_of(request))


@router.get("/events/{event}/plan", summary="The route of a stored version to the target")
def plan(
    request: Request,
    event: str,
    version: Annotated[int, Query(ge=1, le=MAX_VERSION, description="The stored version")],
    target: Annotated[str, Query(description="latest or a version")] = "latest",
) -> dict[str, Any]:
    upcaster = service(request).upcaster(target)
    return {
        "event": event,
        "version": version,
        "target": list(upcaster.target_of(event)),
        "plan": [
            {"edge": label, "steps": steps} for label, steps in upcaster.explain(event, version)
        ],
    }


@router.get("/events/{event}/ancestors", summary="Types and versions readable as this type")
def ancestors(request: Request, event: str) -> list[dict[str, Any]]:
    return [
        {"type": name, "versions": versions}
        for name, versions in service(request).upcaster().ancestors(event)
    ]


@router.get("/upcast/problems", summary="Problems of the version graph")
def problems(request: Request) -> list[dict[str, Any]]:
    return [problem.as_dict() for problem in service(request).problems()]


@router.get("/events/{event}/upcast-policy", summary="The event's registration policy")
def get_policy(request: Request, event: str) -> dict[str, Any]:
    return {"event": event, "policy": service(request).policy(event)}


@router.put("/events/{event}/upcast-policy", summary="Set the registration policy")
def put_policy(
    request: Request, event: str, body: Annotated[dict[str, Any], Body()]
) -> dict[str, Any]:
    service(request).set_policy(event, body.get("policy"), actor=actor_of(request))
    return {"event": event, "policy": body.get("policy")}


@router.post(
    "/events/{event}/versions",
    status_code=201,
    summary="Register a version, with an upcaster from the previous one",
)
def register(
    request: Request, event: str, body: Annotated[dict[str, Any], Body()]
) -> dict[str, Any]:
    """Under BACKWARD_OR_UPCASTABLE an incompatible version needs a valid ``upcaster``."""
    upcaster = body.get("upcaster")
    result = register_version(
        service(request), event, schema_request(body), upcaster, actor=actor_of(request)
    )
    return {
        "subject": event,
        "version": result.version.version,
        "id": result.version.schema.id,
        "upcaster": None if result.edge is None else jsonable(vars(result.edge)),
    }
