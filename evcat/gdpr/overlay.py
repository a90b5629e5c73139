"""Writes of the data map: classification overlays and tag mappings, each audited.

Every write checks its input against the vocabulary and the schema version first, so a bad
request changes nothing and answers 422 naming the bad value with the valid or nearest ones.
Each change appends an audit record (``evcat.audit``) naming the verified principal; a name
the client typed (the old ``actor`` field) is kept only as ``claimed_actor`` in ``after``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import orjson
from sqlmodel import Session

from evcat.audit import Actor, record, resources
from evcat.audit.chain import ms_of
from evcat.audit.query import Filters, every_entry
from evcat.catalog.categories import CATEGORIES
from evcat.catalog.discovery import EventVersion
from evcat.catalog.service import Catalog
from evcat.db import write_session
from evcat.gdpr.errors import unknown
from evcat.gdpr.models import OverlayRow, TagCategoryRow
from evcat.gdpr.vocabulary import IDENTIFIERS, PROTECTIONS, SUBJECT_TYPES

KEY_SCOPES = ("per-subject", "shared")
MAX_AUTHOR = 255  # the overlay row's ``actor`` column


@dataclass(frozen=True)
class Classification:
    """A classification as a steward sets it."""

    categories: tuple[str, ...] = ()
    subject_types: tuple[str, ...] = ()
    identifier: str | None = None
    protection: str | None = None
    key_scope: str | None = None

    def check(self) -> None:
        """Raise 422 on the first value outside the vocabulary."""
        for category in self.categories:
            if category not in CATEGORIES:
                raise unknown("category", category, CATEGORIES, list_all=True)
        for subject_type in self.subject_types:
            if subject_type not in SUBJECT_TYPES:
                raise unknown("subject type", subject_type, SUBJECT_TYPES, list_all=True)
        for name, value, valid in (
            ("identifier", self.identifier, IDENTIFIERS),
            ("protection", self.protection, PROTECTIONS),
            ("key scope", self.key_scope, KEY_SCOPES),
        ):
            if value is not None and value not in valid:
                raise unknown(name, value, valid, list_all=True)

    def as_dict(self) -> dict[str, Any]:
        return {
            "categories": list(self.categories),
            "subject_types": list(self.subject_types),
            "identifier": self.identifier,
            "protection": self.protection,
            "key_scope": self.key_scope,
        }


def now_ms() -> int:
    return int(time.time() * 1000)


def _state(row: OverlayRow | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return Classification(
        tuple(orjson.loads(row.categories_json)),
        tuple(orjson.loads(row.subject_types_json)),
        row.identifier,
        row.protection,
        row.key_scope,
    ).as_dict()


def _with_claim(after: dict[str, Any] | None, claimed_actor: str | None) -> dict[str, Any] | None:
    """``after`` plus the name the client typed, if it typed one (kept, never trusted)."""
    if claimed_actor is None:
        return after
    return {**(after or {}), "claimed_actor": claimed_actor}


def _audit(
    session: Session,
    actor: Actor,
    action: str,
    resource: str,
    before: Any,
    after: dict[str, Any] | None,
    claimed_actor: str | None,
) -> None:
    record(
        session,
        actor,
        action,
        resource,
        before=before,
        after=_with_claim(after, claimed_actor),
    )


def check_path(catalog: Catalog, version: EventVersion, path: str) -> None:
    """Raise 422 naming the nearest existing paths when ``path`` is not in the version."""
    paths = [f.path for f in catalog.fields(version)]
    if path not in paths:
        raise unknown(f"field path of version {version.version}", path, paths)


def set_overlay(
    catalog: Catalog,
    event: str,
    version: EventVersion,
    path: str,
    value: Classification,
    actor: Actor,
    claimed_actor: str | None = None,
) -> dict[str, Any]:
    """Classify ``path`` from ``version`` on; the schema, its id and versions stay untouched."""
    value.check()
    check_path(catalog, version, path)
    resource = resources.classification(event, version.version, path)
    author = actor.principal[:MAX_AUTHOR]
    with write_session(catalog.engine) as session:
        catalog.registry.refuse_if_read_only(session, None, "classification overlay")
        row = session.get(OverlayRow, (event, path, version.version))
        before = _state(row)
        if row is None:
            row = OverlayRow(
                event=event, path=path, since_version=version.version, actor=author, updated_ms=0
            )
        row.categories_json = orjson.dumps(list(value.categories)).decode()
        row.subject_types_json = orjson.dumps(list(value.subject_types)).decode()
        row.identifier, row.protection, row.key_scope = (
            value.identifier,
            value.protection,
            value.key_scope,
        )
        row.actor, row.updated_ms = author, now_ms()
        session.add(row)
        _audit(
            session,
            actor,
            "classification.set",
            resource,
            before,
            value.as_dict(),
            claimed_actor,
        )
    return value.as_dict()


def delete_overlay(
    catalog: Catalog,
    event: str,
    version: EventVersion,
    path: str,
    actor: Actor,
    claimed_actor: str | None = None,
) -> bool:
    """Remove the overlay set at ``version`` for ``path``; False when there was none."""
    resource = resources.classification(event, version.version, path)
    with write_session(catalog.engine) as session:
        catalog.registry.refuse_if_read_only(session, None, "classification overlay")
        row = session.get(OverlayRow, (event, path, version.version))
        if row is None:
            return False
        _audit(session, actor, "classification.delete", resource, _state(row), None, claimed_actor)
        session.delete(row)
    return True


def set_tag_category(
    catalog: Catalog, tag: str, category: str, actor: Actor, claimed_actor: str | None = None
) -> None:
    """Map a free tag (``PII``) to a category for every schema that carries it."""
    if category not in CATEGORIES:
        raise unknown("category", category, CATEGORIES, list_all=True)
    with write_session(catalog.engine) as session:
        catalog.registry.refuse_if_read_only(session, None, "tag map")
        row = session.get(TagCategoryRow, tag)
        before = None if row is None else {"category": row.category}
        session.merge(TagCategoryRow(tag=tag, category=category))
        after = {"category": category}
        _audit(session, actor, "tag.map", resources.tag(tag), before, after, claimed_actor)


_OLD_ACTIONS = {
    "classification.set": "classify",
    "classification.delete": "declassify",
    "tag.map": "map-tag",
}


def _object(resource: str) -> str:
    family, _, name = resource.partition(":")
    return f"tag/{name}" if family == "tag" else name


def audit_entries(catalog: Catalog, obj_prefix: str = "") -> list[dict[str, Any]]:
    """The data map's records of the audit trail, oldest first, in the shape of
    ``GET /v1/gdpr/audit``; optionally for objects under a prefix (``event/v1/email``)."""
    found: list[dict[str, Any]] = []
    for action, old_action in _OLD_ACTIONS.items():
        for entry in every_entry(catalog.engine, Filters(action=action)):
            obj = _object(entry.resource)
            if obj.startswith(obj_prefix):
                found.append(
                    {
                        "id": entry.seq,
                        "at_ms": ms_of(entry.time),
                        "actor": entry.principal,
                        "action": old_action,
                        "object": obj,
                        "before": orjson.loads(entry.before),
                        "after": orjson.loads(entry.after),
                    }
                )
    return sorted(found, key=lambda item: int(item["id"]))
