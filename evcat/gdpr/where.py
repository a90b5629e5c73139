"""The "where is category X" report (F4): every location holding a category, with details.

Rows are one per (location, event field): the event fields themselves, their producers, the
channels carrying them (address, cluster, retention, cleanup policy, residency), consumers
(purpose, legal basis), stores and external recipients (transfer mechanism). A category
includes its narrower ones (``contact`` finds ``email-address``). ``direct`` rows come from a
field classified on the event itself, ``propagated`` ones through derivations, with hops.
"""

from __future__ import annotations

from typing import Any

from evcat.catalog.categories import CATEGORIES, within
from evcat.catalog.service import Catalog
from evcat.gdpr.errors import unknown
from evcat.gdpr.owners import Owners
from evcat.gdpr.propagation import Fact, propagate
from evcat.gdpr.vocabulary import SUBJECT_TYPES

COLUMNS = (
    "category",
    "kind",
    "id",
    "event",
    "field",
    "provenance",
    "protection",
    "subject_types",
    "channel",
    "purpose",
    "legal_basis",
    "cluster",
    "retention",
    "cleanup_policy",
    "residency",
    "transfer_mechanism",
    "owner",
    "contact",
    "hops",
)


def check_category(category: str) -> None:
    if category not in CATEGORIES:
        raise unknown("category", category, CATEGORIES)


def check_subject_type(subject_type: str | None) -> None:
    if subject_type is not None and subject_type not in SUBJECT_TYPES:
        raise unknown("subject type", subject_type, SUBJECT_TYPES)


def subject_filter(subject_type: str | None) -> Any:
    """Fields with no declared subject type match every filter: a report must not miss them."""

    def accept(types: tuple[str, ...]) -> bool:
        return subject_type is None or not types or subject_type in types

    return accept


def where(catalog: Catalog, category: str, subject_type: str | None = None) -> dict[str, Any]:
    """The report for ``category`` (and narrower ones), optionally for one subject type."""
    check_category(category)
    check_subject_type(subject_type)
    data = propagate(
        catalog,
        categories=lambda c: within(c, category),
        subjects=subject_filter(subject_type),
    )
    owners = Owners(catalog)
    rows = [_row(fact, owners) for fact in data.facts]
    return {
        "report": "where",
        "category": category,
        "subject_type": subject_type,
        "rows": rows,
        "stopped": [
            {
                "category": s.category,
                "event": s.event,
                "field": s.field,
                "service": s.service,
                "transformation": s.transformation,
                "to_event": s.to_event,
                "to_field": s.to_field,
                "hops": list(s.hops),
            }
            for s in data.stops
        ],
    }


def _row(fact: Fact, owners: Owners) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row.update(
        {
            "category": fact.category,
            "kind": fact.kind,
            "id": fact.id,
            "event": fact.event,
            "field": fact.field,
            "provenance": fact.provenance,
            "protection": fact.protection,
            "subject_types": list(fact.subject_types),
            "hops": list(fact.hops),
        }
    )
    row["owner"], row["contact"] = owners.of(fact.kind, fact.id, fact.event)
    if fact.kind == "channel":
        channel = owners.channels.get(fact.id, {})
        row["channel"] = channel.get("address") or fact.id
        for name in ("cluster", "retention", "cleanup_policy", "residency"):
            row[name] = channel.get(name)
    elif fact.kind in ("producer", "consumer"):
        channel_hop = [h for h in fact.hops if h.startswith("channel:")]
        row["channel"] = channel_hop[-1].removeprefix("channel:") if channel_hop else None
        if fact.kind == "consumer":
            edge = _edge(owners, fact)
            row["purpose"], row["legal_basis"] = edge.get("purpose"), edge.get("legal_basis")
    elif fact.kind == "store":
        store = owners.stores.get(fact.id, {})
        row["retention"], row["residency"] = store.get("retention"), store.get("residency")
    elif fact.kind == "recipient":
        recipient = owners.recipients.get(fact.id, {})
        row["residency"] = recipient.get("residency") or recipient.get("country")
        row["transfer_mechanism"] = recipient.get("transfer_mechanism")
        row["contact"] = recipient.get("contact") or row["contact"]
    return row


def _edge(owners: Owners, fact: Fact) -> dict[str, Any]:
    return owners.consumer_edges.get((fact.id, fact.edge or 0), {})
