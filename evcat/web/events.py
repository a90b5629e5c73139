"""The schema-facing pages: an event with the fields of one version, a diff between two
versions, and a registry subject with every version's schema text."""

from __future__ import annotations

import difflib
from datetime import UTC, datetime
from typing import Any

import orjson

from evcat.catalog import cloudevents as ce
from evcat.catalog import spec as s
from evcat.catalog.discovery import EventVersion
from evcat.catalog.service import Catalog
from evcat.catalog.views import View, Views
from evcat.formats import AVRO, JSON
from evcat.registry.entities import StoredSchema
from evcat.web.render import Page
from evcat.web.upcasting import Upcasting


def readable(schema: StoredSchema) -> str:
    """Schema text to read: JSON formats indented (key order kept), Protobuf as registered.

    Registered Avro is often one compact line; indenting it changes no meaning and makes
    both the page and a line diff between versions legible.
    """
    if schema.schema_type in (AVRO, JSON):
        try:
            return orjson.dumps(orjson.loads(schema.text), option=orjson.OPT_INDENT_2).decode()
        except orjson.JSONDecodeError:
            return schema.text
    return schema.text


def _classification(view: View) -> dict[str, str]:
    # ``classification`` reads only the declared categories; construct() skips validating an
    # id that, for an event only registered (a JSON Schema title), may not be a catalog id.
    declared = [s.FieldDeclaration.model_construct(**f) for f in view.get("fields", [])]
    return ce.classification(s.Event.model_construct(kind="Event", id=view["id"], fields=declared))


def _field_rows(catalog: Catalog, view: View, chosen: EventVersion) -> list[dict[str, Any]]:
    """The version's fields with their declarations and the consumers that read each."""
    declared = {f["path"]: f for f in view.get("fields", [])}
    readers: dict[str, list[str]] = {}
    for edge in view["consumers"]:
        if chosen.version in edge.get("resolved_versions", []):
            for path in edge.get("fields", []):
                readers.setdefault(path, []).append(edge["service"])
    return [
        {
            "field": found,
            "depth": found.path.count("."),
            "declared": declared.get(found.path),
            "readers": readers.get(found.path, []),
        }
        for found in catalog.fields(chosen)
    ]


def event_page(
    catalog: Catalog, views: Views, upcasting: Upcasting, name: str, version: int | None
) -> Page:
    """An event: owner, domain, versions, one version's fields and schema, its data flows,
    and how each backing subject's old versions are read as its latest."""
    view = views.event(name)
    full = view["id"]
    chosen: EventVersion | None = None
    if view["versions"] or version is not None:
        _full, chosen = views.version(full, "latest" if version is None else str(version))
    context: dict[str, Any] = {
        "event": view,
        "chosen": chosen,
        "fields": _field_rows(catalog, view, chosen) if chosen else [],
        "schema": readable(catalog.registry.schema_by_id(chosen.schema_id)) if chosen else None,
        "classification": _classification(view),
        "numbers": [v["version"] for v in view["versions"]],
        "readings": upcasting.readings([held["subject"] for held in view["subjects"]]),
    }
    return Page("event.html", view.get("name") or full, context)


def _diff_lines(old: str, new: str, old_label: str, new_label: str) -> list[tuple[str, str]]:
    """A unified diff as ``(kind, line)``, kind one of head, hunk, add, del, same."""
    lines: list[tuple[str, str]] = []
    diff = difflib.unified_diff(
        old.splitlines(), new.splitlines(), old_label, new_label, lineterm="", n=3
    )
    for line in diff:
        if line.startswith(("+++", "---")):
            kind = "head"
        elif line.startswith("@@"):
            kind = "hunk"
        elif line.startswith("+"):
            kind = "add"
        elif line.startswith("-"):
            kind = "del"
        else:
            kind = "same"
        lines.append((kind, line))
    return lines


def diff_page(catalog: Catalog, views: Views, name: str, old: int, new: int) -> Page:
    """What changed between two versions of an event: fields, then the schema text."""
    full, before = views.version(name, str(old))
    _full, after = views.version(full, str(new))
    registry = catalog.registry
    old_fields = {f.path: f for f in catalog.fields(before)}
    new_fields = {f.path: f for f in catalog.fields(after)}
    context = {
        "event": views.event(full),
        "old": before,
        "new": after,
        "added": [f for path, f in new_fields.items() if path not in old_fields],
        "removed": [f for path, f in old_fields.items() if path not in new_fields],
        "changed": [
            (old_fields[path], f)
            for path, f in new_fields.items()
            if path in old_fields
            and (old_fields[path].type, old_fields[path].optional) != (f.type, f.optional)
        ],
        "lines": _diff_lines(
            readable(registry.schema_by_id(before.schema_id)),
            readable(registry.schema_by_id(after.schema_id)),
            f"version {before.version}",
            f"version {after.version}",
        ),
    }
    return Page("diff.html", f"{full}: version {old} to {new}", context)


def _when(created_ms: int) -> str:
    if not created_ms:
        return ""
    return datetime.fromtimestamp(created_ms / 1000, UTC).strftime("%Y-%m-%d %H:%M UTC")


def subject_page(catalog: Catalog, subject: str) -> Page:
    """A registry subject: compatibility level, the events it holds, every live version."""
    registry = catalog.registry
    records = registry.versions(subject)
    held = catalog.snapshot().subjects
    versions = []
    for record in reversed(records):
        found = registry.version(subject, record.version)
        versions.append(
            {
                "version": found.version,
                "schema": found.schema,
                "text": readable(found.schema),
                "registered": _when(found.created_ms or found.schema.created_ms),
            }
        )
    context = {
        "subject": subject,
        "level": registry.effective_level(subject),
        "events": sorted(name for name, subjects in held.items() if subject in subjects),
        "versions": versions,
    }
    return Page("subject.html", subject, context)
