"""Classified field listings of event versions, for the fields endpoint and the CLI."""

from __future__ import annotations

from typing import Any

from evcat.catalog import spec as s
from evcat.catalog.discovery import EventVersion
from evcat.catalog.service import Catalog
from evcat.catalog.views import Views
from evcat.db import read_session
from evcat.gdpr.classify import Classifier, load_inputs


def resolve(
    catalog: Catalog, name: str, version: str
) -> tuple[str, EventVersion, list[EventVersion]]:
    """The event's full name, the chosen version (number or ``latest``) and all versions."""
    views = Views(catalog)
    full, chosen = views.version(name, version)
    with read_session(catalog.engine) as session:
        versions = views.event_versions(session, [full], catalog.snapshot())[full]
    return full, chosen, versions


def fields_view(catalog: Catalog, name: str, version: str) -> dict[str, Any]:
    """Every field path with type, doc, optionality, inline tags, declaration and classification.

    A superset of the catalog's own listing: the same keys, plus ``classification``.
    """
    full, chosen, versions = resolve(catalog, name, version)
    found = catalog.resource("Event", full)
    with read_session(catalog.engine) as session:
        inputs = load_inputs(session, [full])
    declared = {f.path: f for f in found.fields} if isinstance(found, s.Event) else {}
    classified = Classifier(catalog, inputs).version(full, chosen, versions)
    rows: list[dict[str, Any]] = []
    for field in catalog.fields(chosen):
        row: dict[str, Any] = {
            "path": field.path,
            "type": field.type,
            "doc": field.doc,
            "optional": field.optional,
            "tags": list(classified[field.path].tags),
        }
        declaration = declared.get(field.path)
        if declaration is not None:
            row["declared"] = declaration.model_dump(exclude={"path"}, exclude_defaults=True)
        row["classification"] = classified[field.path].as_dict()
        rows.append(row)
    return {"event": full, "version": chosen.version, "fields": rows}
