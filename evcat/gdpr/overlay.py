"""Writes of the data map: classification overlays and tag mappings, each with an audit row.

Every write checks its input against the vocabulary and the schema version first, so a bad
request changes nothing and answers 422 naming the bad value with the valid or nearest ones.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlmodel import Session, select

from evcat.catalog.discovery import EventVersion
from evcat.catalog.service import Catalog
from evcat.db import read_session, write_session
from evcat.gdpr.errors import unknown
from evcat.gdpr.models import AuditRow, OverlayRow, TagCategoryRow
from evcat.gdpr.vocabulary import CATEGORIES, IDENTIFIERS, PROTECTIONS, SUBJECT_TYPES

KEY_SCOPES = ("per-subject", "shared")


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


def _audit(session: Session, actor: str, action: str, obj: str, before: Any, after: Any) -> None:
    session.add(
        AuditRow(
            at_ms=now_ms(),
            actor=actor,
            action=action,
            object=obj,
            before_json=None if before is None else orjson.dumps(before).decode(),
            after_json=None if after is None else orjson.dumps(after).decode(),
        )
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
    actor: str,
) -> dict[str, Any]:
    """Classify ``path`` from ``version`` on; the schema, its id and versions stay untouched."""
    value.check()
    check_path(catalog, version, path)
    obj = f"{event}/v{version.version}/{path}"
    with write_session(catalog.engine) as session:
        catalog.registry.refuse_if_read_only(session, None, "classification overlay")
        row = session.get(OverlayRow, (event, path, version.version))
        before = _state(row)
        if row is None:
            row = OverlayRow(
                event=event, path=path, since_version=version.version, actor=actor, updated_ms=0
            )
        row.categories_json = orjson.dumps(list(value.categories)).decode()
        row.subject_types_json = orjson.dumps(list(value.subject_types)).decode()
        row.identifier, row.protection, row.key_scope = (
            value.identifier,
            value.protection,
            value.key_scope,
        )
        row.actor, row.updated_ms = actor, now_ms()
        session.add(row)
        _audit(session, actor, "classify", obj, before, value.as_dict())
    return value.as_dict()


def delete_overlay(
    catalog: Catalog, event: str, version: EventVersion, path: str, actor: str
) -> bool:
    """Remove the overlay set at ``version`` for ``path``; False when there was none."""
    obj = f"{event}/v{version.version}/{path}"
    with write_session(catalog.engine) as session:
        catalog.registry.refuse_if_read_only(session, None, "classification overlay")
        row = session.get(OverlayRow, (event, path, version.version))
        if row is None:
            return False
        _audit(session, actor, "declassify", obj, _state(row), None)
        session.delete(row)
    return True


def set_tag_category(catalog: Catalog, tag: str, category: str, actor: str) -> None:
    """Map a free tag (``PII``) to a category for every schema that carries it."""
    if category not in CATEGORIES:
        raise unknown("category", category, CATEGORIES, list_all=True)
    with write_session(catalog.engine) as session:
        catalog.registry.refuse_if_read_only(session, None, "tag map")
        row = session.get(TagCategoryRow, tag)
        before = None if row is None else {"category": row.category}
        session.merge(TagCategoryRow(tag=tag, category=category))
        _audit(session, actor, "map-tag", f"tag/{tag}", before, {"category": category})


def audit_entries(catalog: Catalog, obj_prefix: str = "") -> list[dict[str, Any]]:
    """Audit rows, oldest first, optionally for objects under a prefix (``event/v1/email``)."""
    with read_session(catalog.engine) as session:
        rows: Sequence[AuditRow] = session.exec(select(AuditRow)).all()
    return [
        {
            "id": row.id,
            "at_ms": row.at_ms,
            "actor": row.actor,
            "action": row.action,
            "object": row.object,
            "before": None if row.before_json is None else orjson.loads(row.before_json),
            "after": None if row.after_json is None else orjson.loads(row.after_json),
        }
        for row in sorted(rows, key=lambda r: r.id or 0)
        if row.object.startswith(obj_prefix)
    ]
