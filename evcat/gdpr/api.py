"""The data map's ``/v1`` routes: classified fields, overlays, audit, reports, diff.

Translation only: rules live in the ``evcat.gdpr`` modules. Errors are evcat errors, which
the app renders as RFC 7807 problems; reports answer JSON, CSV or text (``format=``).

``/v1/gdpr/events/{name}/versions/{v}/fields`` answers a superset of the catalog's field
listing (``/v1/events/...``): the same keys plus a merged ``classification`` per field.
"""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Request, Response
from pydantic import AfterValidator, BaseModel, Field
from starlette.concurrency import run_in_threadpool

from evcat.catalog.categories import CATEGORIES
from evcat.catalog.http import catalog_of, send, send_json
from evcat.gdpr import erasure as erasure_report
from evcat.gdpr import overlay, retention
from evcat.gdpr import where as where_report
from evcat.gdpr.diff import diff_versions
from evcat.gdpr.fields import fields_view, resolve
from evcat.gdpr.render import render
from evcat.gdpr.report_schemas import SCHEMAS
from evcat.gdpr.vocabulary import IDENTIFIERS, PROTECTIONS, SUBJECT_TYPES
from evcat.http.context import actor_of

router = APIRouter(prefix="/v1", tags=["gdpr"])
Output = Annotated[str, Query(pattern="^(json|csv|text)$", description="json, csv or text")]
_MEDIA = {"json": "application/json", "csv": "text/csv; charset=utf-8", "text": "text/plain"}


def _without_nul(text: str) -> str:
    if "\x00" in text:
        raise ValueError("holds a NUL character (\\u0000), which no database can store; remove it")
    return text


Text = Annotated[str, AfterValidator(_without_nul)]
"""A string of a request body: stored or looked up, so it must not hold a NUL character."""


def _report(request: Request, report: dict[str, Any], columns: Any, output: str) -> Response:
    if output == "json":
        return send_json(request, report)
    body = render(report, columns, output, report["report"]).encode()
    return send(request, body, _MEDIA[output])


@router.get(
    "/gdpr/events/{name}/versions/{version}/fields", summary="Classified fields of a version"
)
def get_fields(request: Request, name: str, version: str) -> Response:
    """Field paths with type, doc, inline tags, declarations and merged classification."""
    return send_json(request, fields_view(catalog_of(request), name, version))


@router.get("/events/{name}/versions/{version}/fields", summary="Fields of an event version")
def get_event_fields(request: Request, name: str, version: str) -> Response:
    """Every field path with type, doc, optionality, tags, declaration and GDPR classification.

    The catalog's field listing, served from here because its classification is the data
    map's: the GDPR map builds on the catalog, not the other way round.
    """
    return send_json(request, fields_view(catalog_of(request), name, version))


@router.get("/events/{name}/diff", summary="Semantic diff of two versions")
def get_diff(
    request: Request,
    name: str,
    from_: Annotated[str, Query(alias="from")],
    to: str = "latest",
) -> Response:
    """Fields added, removed, changed; verdicts per level; privacy changes; touched consumers."""
    return send_json(request, diff_versions(catalog_of(request), name, from_, to))


class ClassificationBody(BaseModel):
    """An overlay classification of one field path, from one version on."""

    event: Text
    version: Text = "latest"
    path: Text
    categories: list[Text] = Field(default_factory=list)
    subject_types: list[Text] = Field(default_factory=list)
    identifier: Text | None = None
    protection: Text | None = None
    key_scope: Text | None = None
    actor: Text | None = Field(
        default=None,
        description=(
            "Deprecated: the audit trail records the signed-in principal. A name sent here is "
            "kept as `claimed_actor` in the record's `after`, never as its principal"
        ),
    )


@router.put("/gdpr/classifications", summary="Set an overlay classification")
def put_classification(request: Request, body: ClassificationBody) -> Response:
    """Classify a field from a version on; schema text, ids and versions never change."""
    catalog = catalog_of(request)
    full, chosen, _ = resolve(catalog, body.event, body.version)
    value = overlay.Classification(
        tuple(body.categories),
        tuple(body.subject_types),
        body.identifier,
        body.protection,
        body.key_scope,
    )
    saved = overlay.set_overlay(
        catalog, full, chosen, body.path, value, actor_of(request), body.actor
    )
    return send_json(
        request, {"event": full, "version": chosen.version, "path": body.path, **saved}
    )


@router.delete("/gdpr/classifications", summary="Remove an overlay classification")
def delete_classification(
    request: Request,
    event: str,
    path: str,
    actor: Annotated[
        str | None, Query(description="Deprecated: kept as `claimed_actor` in the audit record")
    ] = None,
    version: str = "latest",
) -> Response:
    catalog = catalog_of(request)
    full, chosen, _ = resolve(catalog, event, version)
    removed = overlay.delete_overlay(catalog, full, chosen, path, actor_of(request), actor)
    return send_json(request, {"removed": removed})


class TagBody(BaseModel):
    category: Text
    actor: Text | None = Field(
        default=None, description="Deprecated: kept as `claimed_actor` in the audit record"
    )


@router.put("/gdpr/tags/{tag}", summary="Map a tag to a category")
def put_tag(request: Request, tag: str, body: TagBody) -> Response:
    """Every field carrying ``tag`` (inline or by metadata pattern) gets the category."""
    overlay.set_tag_category(catalog_of(request), tag, body.category, actor_of(request), body.actor)
    return send_json(request, {"tag": tag, "category": body.category})


@router.get("/gdpr/audit", summary="Classification and tag changes (a view of the audit trail)")
def get_audit(request: Request, object: str = "") -> Response:
    """The data map's records of ``/v1/audit`` in this route's older shape; prefer that route."""
    return send_json(request, {"items": overlay.audit_entries(catalog_of(request), object)})


@router.get("/gdpr/vocabulary", summary="Categories, subject types and other lists")
def get_vocabulary(request: Request) -> Response:
    return send_json(
        request,
        {
            "categories": [
                {"id": c.id, "label": c.label, "parent": c.parent, "special": c.special}
                for c in CATEGORIES.values()
            ],
            "subject_types": list(SUBJECT_TYPES),
            "identifiers": list(IDENTIFIERS),
            "protections": list(PROTECTIONS),
        },
    )


@router.get("/gdpr/schemas/{report}", summary="JSON Schema of a report")
def get_schema(request: Request, report: str) -> Response:
    if report not in SCHEMAS:
        from evcat.gdpr.errors import unknown

        raise unknown("report", report, SCHEMAS, list_all=True)
    body = orjson.dumps(SCHEMAS[report](), option=orjson.OPT_INDENT_2)
    return send(request, body, "application/schema+json")


@router.get("/gdpr/where", summary="Where is a personal-data category")
async def get_where(
    request: Request, category: str, subject_type: str | None = None, format: Output = "json"
) -> Response:
    catalog = catalog_of(request)
    report = await run_in_threadpool(where_report.where, catalog, category, subject_type)
    return _report(request, report, where_report.COLUMNS, format)


@router.get("/gdpr/erasure", summary="Erasure impact report")
async def get_erasure(
    request: Request, subject_type: str, key: str, format: Output = "json"
) -> Response:
    catalog = catalog_of(request)
    report = await run_in_threadpool(erasure_report.erasure, catalog, subject_type, key)
    return _report(request, report, erasure_report.COLUMNS, format)


class PolicyBody(BaseModel):
    category: Text | None = None
    special_category: bool = False
    max_retention: Text | None = None
    residency: list[Text] = Field(default_factory=list)


@router.put("/gdpr/retention-policies/{ident}", summary="Set a retention policy")
def put_policy(request: Request, ident: str, body: PolicyBody) -> Response:
    policy = retention.Policy(
        ident, body.category, body.special_category, body.max_retention, tuple(body.residency)
    )
    retention.save_policy(catalog_of(request), policy, actor_of(request))
    return send_json(request, policy.as_dict())


@router.get("/gdpr/retention-policies", summary="Retention policies")
def get_policies(request: Request) -> Response:
    policies = retention.load_policies(catalog_of(request))
    return send_json(request, {"items": [p.as_dict() for p in policies]})


@router.get("/gdpr/retention-check", summary="Check retention and residency policies")
async def get_retention_check(request: Request) -> Response:
    catalog = catalog_of(request)
    violations = await run_in_threadpool(retention.check_catalog, catalog)
    return send_json(request, {"violations": [v.as_dict() for v in violations]})
