"""The erasure impact report (F5, GDPR Art. 17): where one person's data can be and how to erase it.

For a subject type and the field that keys the person (``customer_id``), every channel,
store and recipient that holds personal data of that subject type (directly or through
propagation) gets one row with its mechanism, checked against the one-month deadline of
Art. 12(3) (taken as 30 days):

- ``tombstone``: a compacted topic keyed by the identifier; the row shows the tombstone
  retention (``delete.retention.ms``), the time consumers have to see the delete.
- ``expires``: a delete-policy topic whose retention is within the deadline.
- ``crypto-shred``: every personal field on the topic is encrypted with a per-subject key.
- ``delete-in-store``: a store a consumer writes to; its owner deletes on request.
- ``notify-recipient``: an external recipient, told to erase under Art. 19.
- ``blocked``: none of these (a long delete topic with personal data in clear text).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from evcat.catalog.durations import to_days
from evcat.catalog.service import Catalog
from evcat.gdpr.errors import unknown
from evcat.gdpr.owners import Owners
from evcat.gdpr.propagation import DataMap, Fact, propagate
from evcat.gdpr.where import check_subject_type, subject_filter

DEADLINE_DAYS = 30
KAFKA_DEFAULT_TOMBSTONE_DAYS = 1.0
MECHANISMS = (
    "tombstone",
    "expires",
    "crypto-shred",
    "delete-in-store",
    "notify-recipient",
    "blocked",
)
COLUMNS = (
    "kind",
    "id",
    "mechanism",
    "days",
    "meets_deadline",
    "detail",
    "events",
    "fields",
    "categories",
    "owner",
    "contact",
)
_LOCATIONS = ("channel", "store", "recipient")


def check_key(catalog: Catalog, key: str) -> None:
    """The key must be a field of some event (the identifier producers key records by)."""
    snapshot = catalog.snapshot()
    paths: set[str] = set()
    for name in snapshot.names():
        versions = snapshot.versions(name)
        if versions:
            paths |= catalog.field_cache.paths(versions[-1].schema_id)
    if key not in paths:
        raise unknown("key field", key, paths)


def erasure(catalog: Catalog, subject_type: str, key: str) -> dict[str, Any]:
    """One row per location that can hold a person's data, with its erasure mechanism."""
    check_subject_type(subject_type)
    check_key(catalog, key)
    data = propagate(catalog, subjects=subject_filter(subject_type))
    owners = Owners(catalog)
    grouped: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for fact in data.facts:
        if fact.kind in _LOCATIONS:
            grouped[(fact.kind, fact.id)].append(fact)
    rows = [
        _row(kind, ident, facts, key, data, owners)
        for (kind, ident), facts in sorted(
            grouped.items(), key=lambda item: (_LOCATIONS.index(item[0][0]), item[0][1])
        )
    ]
    return {
        "report": "erasure",
        "subject_type": subject_type,
        "key": key,
        "deadline_days": DEADLINE_DAYS,
        "blocked": sum(1 for row in rows if row["mechanism"] == "blocked"),
        "rows": rows,
    }


def _row(
    kind: str, ident: str, facts: list[Fact], key: str, data: DataMap, owners: Owners
) -> dict[str, Any]:
    owner, contact = owners.of(kind, ident)
    row: dict[str, Any] = {
        "kind": kind,
        "id": ident,
        "events": sorted({f.event for f in facts}),
        "fields": sorted({f"{f.event}#{f.field}" for f in facts}),
        "categories": sorted({f.category for f in facts}),
        "owner": owner,
        "contact": contact,
    }
    if kind == "store":
        store = owners.stores.get(ident, {})
        days = to_days(store["retention"]) if store.get("retention") else None
        row.update(
            mechanism="delete-in-store",
            days=days,
            meets_deadline=True,
            detail=f"delete on request in {store.get('technology') or 'the store'}; "
            f"owner {owner or 'unknown'}",
        )
    elif kind == "recipient":
        recipient = owners.recipients.get(ident, {})
        row["contact"] = recipient.get("contact") or contact
        row.update(
            mechanism="notify-recipient",
            days=None,
            meets_deadline=True,
            detail=f"Art. 19: ask {recipient.get('name') or ident} to erase "
            f"({recipient.get('role', 'processor')}, {recipient.get('country') or '?'})",
        )
    else:
        row.update(_channel_mechanism(owners.channels.get(ident, {}), facts, key, data, owners))
    return {name: row.get(name) for name in COLUMNS}


def _channel_mechanism(
    channel: dict[str, Any], facts: list[Fact], key: str, data: DataMap, owners: Owners
) -> dict[str, Any]:
    policy = channel.get("cleanup_policy") or "delete"
    retention = channel.get("retention")
    days = to_days(retention) if retention else None
    producer_keys = {
        e.get("key") for f in facts for e in owners.producer_edges.get((f.event, channel["id"]), [])
    }
    keyed = channel.get("key") == key or producer_keys == {key}
    if "compact" in policy and keyed:
        tombstone = channel.get("tombstone_retention")
        shown = to_days(tombstone) if tombstone else KAFKA_DEFAULT_TOMBSTONE_DAYS
        return {
            "mechanism": "tombstone",
            "days": shown,
            "meets_deadline": shown is not None and shown <= DEADLINE_DAYS,
            "detail": f"tombstone keyed by {key}; delete.retention.ms "
            f"{tombstone or 'P1D (Kafka default)'}",
        }
    if policy == "delete" and days is not None and days <= DEADLINE_DAYS:
        return {
            "mechanism": "expires",
            "days": days,
            "meets_deadline": True,
            "detail": f"expires in {_days_text(days)} d (retention {retention})",
        }
    if all(_per_subject_encrypted(f, data) for f in facts):
        return {
            "mechanism": "crypto-shred",
            "days": 0.0,
            "meets_deadline": True,
            "detail": "delete the subject's key: every personal field is encrypted per subject",
        }
    return {
        "mechanism": "blocked",
        "days": days,
        "meets_deadline": False,
        "detail": f"retention {retention or 'unknown'} ({policy}), not keyed by {key} "
        "for compaction, personal data not encrypted per subject",
    }


def _per_subject_encrypted(fact: Fact, data: DataMap) -> bool:
    found = data.classified.get(fact.event, {}).get(fact.field)
    return (
        fact.protection == "encrypted"
        and found is not None
        and found.protection == "encrypted"
        and found.key_scope == "per-subject"
    )


def _days_text(days: float) -> str:
    return str(int(days)) if days == int(days) else f"{days:g}"
