"""Persistence of schemas, subject versions, references, config and modes.

Plain functions over a SQLModel session: no rules live here, only reads and writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import ColumnElement, case, delete, func, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from evcat.formats.base import SchemaReference
from evcat.registry.entities import StoredSchema
from evcat.registry.models import (
    ConfigRow,
    ModeRow,
    ReferenceRow,
    RegistryStateRow,
    SchemaRow,
    SubjectVersionRow,
)


def _loads(text: str | None) -> Any:
    return None if text is None else orjson.loads(text)


def _dumps(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value).decode()


def to_stored(row: SchemaRow) -> StoredSchema:
    references = tuple(
        SchemaReference(name=r["name"], subject=r["subject"], version=r["version"])
        for r in orjson.loads(row.references_json)
    )
    return StoredSchema(
        id=row.id,
        schema_type=row.schema_type,
        text=row.schema_text,
        references=references,
        metadata=_loads(row.metadata_json),
        ruleset=_loads(row.ruleset_json),
        guid=row.guid,
        created_ms=row.created_ms,
    )


def get_schema(session: Session, schema_id: int) -> SchemaRow | None:
    return session.get(SchemaRow, schema_id)


def get_schema_by_guid(session: Session, guid: str) -> SchemaRow | None:
    return session.exec(
        select(SchemaRow).where(SchemaRow.guid == guid).order_by(col(SchemaRow.id))
    ).first()


def schema_ids_with_fingerprint(session: Session, fingerprint: str) -> list[int]:
    return list(
        session.exec(
            select(SchemaRow.id)
            .where(SchemaRow.fingerprint == fingerprint)
            .order_by(col(SchemaRow.id))
        )
    )


@dataclass(frozen=True, slots=True)
class VersionRecord:
    """A subject version as plain values: loading these is several times cheaper than ORM rows."""

    subject: str
    version: int
    schema_id: int
    deleted: bool
    created_ms: int


_VERSION_COLUMNS = (
    col(SubjectVersionRow.subject),
    col(SubjectVersionRow.version),
    col(SubjectVersionRow.schema_id),
    col(SubjectVersionRow.deleted),
    col(SubjectVersionRow.created_ms),
)


def _versions(session: Session, *conditions: ColumnElement[bool]) -> list[VersionRecord]:
    query = (
        sa_select(*_VERSION_COLUMNS)
        .where(*conditions)
        .order_by(col(SubjectVersionRow.subject), col(SubjectVersionRow.version))
    )
    return [VersionRecord(*row) for row in session.execute(query)]


def versions_of(session: Session, subject: str) -> list[VersionRecord]:
    """Every version of ``subject``, live and soft-deleted, oldest first."""
    return _versions(session, col(SubjectVersionRow.subject) == subject)


def versions_holding(session: Session, schema_id: int) -> list[VersionRecord]:
    return _versions(session, col(SubjectVersionRow.schema_id) == schema_id)


def versions_with_fingerprint(
    session: Session, subject: str, fingerprint: str
) -> list[VersionRecord]:
    """The versions of ``subject`` holding a schema with this content fingerprint."""
    holding = sa_select(col(SchemaRow.id)).where(col(SchemaRow.fingerprint) == fingerprint)
    return _versions(
        session,
        col(SubjectVersionRow.subject) == subject,
        col(SubjectVersionRow.schema_id).in_(holding.scalar_subquery()),
    )


def all_versions(session: Session, subject_prefix: str = "") -> list[VersionRecord]:
    if subject_prefix:
        return _versions(session, col(SubjectVersionRow.subject).startswith(subject_prefix))
    return _versions(session)


def subjects_summary(session: Session) -> list[tuple[str, bool]]:
    """Each subject with whether it still has a live version."""
    live = func.max(case((col(SubjectVersionRow.deleted).is_(False), 1), else_=0))
    rows = session.exec(
        select(SubjectVersionRow.subject, live)
        .group_by(col(SubjectVersionRow.subject))
        .order_by(col(SubjectVersionRow.subject))
    )
    return [(subject, bool(has_live)) for subject, has_live in rows]


def referencing_schema_ids(session: Session, subject: str, version: int) -> list[int]:
    return sorted(
        session.exec(
            select(ReferenceRow.schema_id).where(
                ReferenceRow.subject == subject, ReferenceRow.version == version
            )
        )
    )


def live_holders(session: Session, schema_ids: Iterable[int]) -> list[VersionRecord]:
    ids = list(schema_ids)
    if not ids:
        return []
    return _versions(
        session,
        col(SubjectVersionRow.schema_id).in_(ids),
        col(SubjectVersionRow.deleted).is_(False),
    )


def any_holders(session: Session, schema_ids: Iterable[int]) -> list[VersionRecord]:
    ids = list(schema_ids)
    if not ids:
        return []
    return _versions(session, col(SubjectVersionRow.schema_id).in_(ids))


def allocate_schema_id(session: Session, requested: int | None = None) -> int:
    """The next global id (or ``requested`` in IMPORT mode), never reusing a deleted one."""
    state = session.get(RegistryStateRow, 1)
    assert state is not None, "registry_state row missing: run `evcat db upgrade`"
    schema_id = requested if requested is not None else state.max_schema_id + 1
    state.max_schema_id = max(state.max_schema_id, schema_id)
    session.add(state)
    return schema_id


def insert_schema(
    session: Session,
    schema: StoredSchema,
    fingerprint: str,
) -> None:
    session.add(
        SchemaRow(
            id=schema.id,
            schema_type=schema.schema_type,
            schema_text=schema.text,
            references_json=orjson.dumps(
                [
                    {"name": r.name, "subject": r.subject, "version": r.version}
                    for r in schema.references
                ]
            ).decode(),
            metadata_json=_dumps(schema.metadata),
            ruleset_json=_dumps(schema.ruleset),
            fingerprint=fingerprint,
            guid=schema.guid,
            created_ms=schema.created_ms,
        )
    )
    # No ORM relationships tie the rows together, so flush the schema before its references
    # to satisfy the foreign key.
    session.flush()
    for reference in schema.references:
        session.add(
            ReferenceRow(
                schema_id=schema.id,
                name=reference.name,
                subject=reference.subject,
                version=reference.version,
            )
        )
    session.flush()


def insert_version(
    session: Session, subject: str, version: int, schema_id: int, now_ms: int
) -> None:
    session.add(
        SubjectVersionRow(
            subject=subject, version=version, schema_id=schema_id, deleted=False, created_ms=now_ms
        )
    )
    session.flush()


def mark_deleted(session: Session, subject: str, versions: Sequence[int]) -> None:
    session.execute(
        update(SubjectVersionRow)
        .where(
            col(SubjectVersionRow.subject) == subject, col(SubjectVersionRow.version).in_(versions)
        )
        .values(deleted=True)
    )


def remove_versions(session: Session, subject: str, versions: Sequence[int]) -> None:
    """Hard-delete versions; schemas no version holds any more disappear with them."""
    doomed = set(versions)
    rows = [r for r in versions_of(session, subject) if r.version in doomed]
    schema_ids = {r.schema_id for r in rows}
    session.execute(
        delete(SubjectVersionRow).where(
            col(SubjectVersionRow.subject) == subject, col(SubjectVersionRow.version).in_(versions)
        )
    )
    session.flush()
    still_held = {r.schema_id for r in any_holders(session, schema_ids)}
    orphans = sorted(schema_ids - still_held)
    if orphans:
        session.execute(delete(ReferenceRow).where(col(ReferenceRow.schema_id).in_(orphans)))
        session.execute(delete(SchemaRow).where(col(SchemaRow.id).in_(orphans)))
    state = session.get(RegistryStateRow, 1)
    assert state is not None
    state.delete_epoch += 1
    session.add(state)
    session.flush()


def delete_epoch(session: Session) -> int:
    state = session.get(RegistryStateRow, 1)
    return state.delete_epoch if state else 0


def max_schema_id(session: Session) -> int:
    state = session.get(RegistryStateRow, 1)
    return state.max_schema_id if state else 0


def get_config(session: Session, subject: str) -> dict[str, Any] | None:
    row = session.get(ConfigRow, subject)
    return None if row is None else dict(orjson.loads(row.config_json))


def put_config(session: Session, subject: str, config: dict[str, Any]) -> None:
    row = session.get(ConfigRow, subject)
    text = orjson.dumps(config).decode()
    if row is None:
        session.add(ConfigRow(subject=subject, config_json=text))
    else:
        row.config_json = text
        session.add(row)
    session.flush()


def delete_config(session: Session, subject: str) -> None:
    session.execute(delete(ConfigRow).where(col(ConfigRow.subject) == subject))


def get_mode(session: Session, subject: str) -> str | None:
    row = session.get(ModeRow, subject)
    return None if row is None else row.mode


def put_mode(session: Session, subject: str, mode: str) -> None:
    row = session.get(ModeRow, subject)
    if row is None:
        session.add(ModeRow(subject=subject, mode=mode))
    else:
        row.mode = mode
        session.add(row)
    session.flush()


def delete_mode(session: Session, subject: str) -> None:
    session.execute(delete(ModeRow).where(col(ModeRow.subject) == subject))
