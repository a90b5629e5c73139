"""``/v1/events``: events, their versions and fields, schema text for CloudEvents
``dataschema`` URLs, the CloudEvents envelope and its sample validator.

``{name}`` is an event's full name, or its last segment when that is unique.
"""

from __future__ import annotations

import base64
import json
from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from evcat.catalog import cloudevents as ce
from evcat.catalog import spec as s
from evcat.catalog import store
from evcat.catalog.errors import CatalogInputError
from evcat.catalog.http import Limit, Offset, catalog_of, send, send_json, send_page, views_of
from evcat.db import read_session

router = APIRouter()


@router.get("/events", summary="List events")
def list_events(
    request: Request,
    domain: str | None = None,
    owner: str | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Response:
    """Every event, declared in the catalog or only registered, with its versions."""
    return send_page(request, views_of(request).events(domain=domain, owner=owner), limit, offset)


@router.get("/events/{name}", summary="One event")
def get_event(request: Request, name: str) -> Response:
    """An event with owner, versions, producers, consumers, channels and derivations."""
    return send_json(request, views_of(request).event(name))


@router.get("/events/{name}/versions", summary="An event's versions")
def get_versions(request: Request, name: str) -> Response:
    view = views_of(request).event(name)
    return send_json(request, {"event": view["id"], "versions": view["versions"]})


@router.get("/events/{name}/versions/{version}", summary="One version of an event")
def get_version(request: Request, name: str, version: str) -> Response:
    """A version (a number or ``latest``) with its subject, schema id and schema text."""
    views = views_of(request)
    full, chosen = views.version(name, version)
    schema = catalog_of(request).registry.schema_by_id(chosen.schema_id)
    return send_json(
        request,
        {
            "event": full,
            "version": chosen.version,
            "subject": chosen.subject,
            "schema_id": chosen.schema_id,
            "schema_type": chosen.schema_type,
            "schema": schema.text,
        },
    )


@router.get("/events/{name}/versions/{version}/schema", summary="Schema text (dataschema URL)")
def get_schema(request: Request, name: str, version: str) -> Response:
    """The exact schema text of one version, with its format's media type and a strong ETag."""
    catalog = catalog_of(request)
    _full, chosen = views_of(request).version(name, version)
    schema = catalog.registry.schema_by_id(chosen.schema_id)
    media_type = ce.SCHEMA_MEDIA_TYPES[schema.schema_type]
    return send(request, schema.text.encode(), media_type)


def _envelope(request: Request, name: str) -> tuple[dict[str, Any], s.Event | None]:
    catalog = catalog_of(request)
    snapshot = catalog.snapshot()
    with read_session(catalog.engine) as session:
        full = views_of(request).resolve_event(session, name, snapshot)
        found = store.read_all(session, ["Event"], only=full).get(("Event", full))
    event = found if isinstance(found, s.Event) else None
    versions = snapshot.versions(full, event.subject if event else None)
    return ce.envelope(full, event, versions, str(request.base_url)), event


@router.get("/events/{name}/cloudevents", summary="CloudEvents envelope of an event")
def get_envelope(request: Request, name: str) -> Response:
    """Type, source pattern, subject template, content mode, dataschema URLs, classification."""
    return send_json(request, _envelope(request, name)[0])


class Sample(BaseModel):
    """A sample event: structured JSON, or Kafka binary mode headers and value."""

    mode: Literal["structured", "binary"]
    event: dict[str, Any] | None = Field(None, description="Structured mode: the whole event")
    headers: dict[str, str] = Field(default_factory=dict, description="Binary mode headers")
    value_base64: str = Field("", description="Binary mode: the record value, base64")
    key: str | None = None


@router.post("/events/{name}/cloudevents/validate", summary="Validate a sample CloudEvent")
def validate_sample(request: Request, name: str, sample: Sample) -> Response:
    """Findings (errors and warnings) for a sample event; ``valid`` when there is no error."""
    expected, event = _envelope(request, name)
    if sample.mode == "structured":
        if sample.event is None:
            raise CatalogInputError("Structured mode needs the whole event in 'event'")
        # The stdlib's json: orjson refuses integers beyond 64 bits, which JSON allows.
        findings = ce.validate_structured(json.dumps(sample.event).encode(), expected, event)
    else:
        try:
            value = base64.b64decode(sample.value_base64, validate=True)
        except ValueError:  # binascii.Error, or a character outside ASCII
            raise CatalogInputError(
                "value_base64 is not base64: send the record value in standard base64"
            ) from None
        headers = {k: v.encode() for k, v in sample.headers.items()}
        key = sample.key.encode() if sample.key is not None else None
        findings = ce.validate_binary(headers, value, key, expected, event)
    return send_json(
        request,
        {
            "valid": not any(f.level == "error" for f in findings),
            "findings": [
                {"level": f.level, "attribute": f.attribute, "message": f.message} for f in findings
            ],
        },
    )
