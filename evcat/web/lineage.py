"""The lineage page's rows: producer -> channel -> event -> consumer -> stores and recipients,
each with the personal-data categories of the fields that travel along it."""

from __future__ import annotations

from typing import Any

from evcat.catalog.views import View, Views

Flow = dict[str, Any]


def _categories(declared: list[View], fields: list[str]) -> list[str]:
    """Categories of the declared fields read; a consumer that names no fields reads them all.

    A declaration on ``address`` covers ``address.city`` too: reading a part of a personal
    field is reading personal data.
    """
    found: set[str] = set()
    for declaration in declared:
        path = declaration["path"]
        if not fields or any(f == path or f.startswith(f"{path}.") for f in fields):
            found.update(declaration.get("categories", []))
    return sorted(found)


def flows(views: Views) -> tuple[list[Flow], list[View]]:
    """One row per consumer edge (and per producer edge nobody consumes), and every
    derivation with the service that computes it."""
    events = {e["id"]: e for e in views.documents("Event")}
    edges = views.edges()
    producers: dict[tuple[str, str | None], list[str]] = {}
    for edge in edges:
        if edge["role"] == "produces":
            producers.setdefault((edge["event"], edge.get("channel")), []).append(edge["service"])
    consumed: set[tuple[str, str | None]] = set()
    rows: list[Flow] = []
    for edge in edges:
        if edge["role"] != "consumes":
            continue
        key = (edge["event"], edge.get("channel"))
        consumed.add(key)
        declared = events.get(edge["event"], {}).get("fields", [])
        rows.append(
            {
                "producers": sorted(set(producers.get(key, []))),
                "channel": edge.get("channel"),
                "event": edge["event"],
                "consumer": edge["service"],
                "fields": edge.get("fields", []),
                "categories": _categories(declared, edge.get("fields", [])),
                "stores": edge.get("stores", []),
                "recipients": edge.get("recipients", []),
                "purpose": edge.get("purpose"),
                "legal_basis": edge.get("legal_basis"),
            }
        )
    for (event, channel), services in producers.items():
        if (event, channel) not in consumed:
            declared = events.get(event, {}).get("fields", [])
            rows.append(
                {
                    "producers": sorted(set(services)),
                    "channel": channel,
                    "event": event,
                    "consumer": None,
                    "fields": [],
                    "categories": _categories(declared, []),
                    "stores": [],
                    "recipients": [],
                    "purpose": None,
                    "legal_basis": None,
                }
            )
    rows.sort(key=lambda r: (r["producers"], r["channel"] or "", r["event"], r["consumer"] or ""))
    derivations = [
        {**d, "service": service["id"]}
        for service in views.documents("Service")
        for d in service.get("derivations", [])
    ]
    return rows, derivations
