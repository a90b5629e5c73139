"""Persistence of schemas, subject versions, references, config and modes.

Plain functions over a SQLModel session: no rules live here, only reads and writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, TypeVar

import orjson
from sqlalchemy import ColumnElement, Table, case, delete, func, insert, update
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.selectable import GenerativeSelect
from sqlmodel import Session, SQLModel, col, select

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
        return _versions(
            session, col(SubjectVersionRow.subject).startswith(subject_prefix, autoescape=True)
        )
    return _versions(session)


Sliceable = TypeVar("Sliceable", bound=GenerativeSelect)

LIVE: Final = "live"
EVERY: Final = "every"
DELETED: Final = "deleted"
Which = Literal["live", "every", "deleted"]
"""Which versions a listing shows: live ones, every one, or only soft-deleted ones. For
subjects: those with a live version, every subject, or those whose versions are all deleted."""


@dataclass(frozen=True, slots=True)
class Page:
    """A slice of a sorted listing, cut by the database: ``limit`` None reads to the end."""

    offset: int = 0
    limit: int | None = None

    def cut(self, query: Sliceable) -> Sliceable:
        query = query.offset(self.offset) if self.offset else query
        return query if self.limit is None else query.limit(self.limit)


def subject_names(session: Session, prefix: str, which: Which, page: Page) -> list[str]:
    """Subject names in order, filtered and sliced in SQL (one grouped query)."""
    subject = col(SubjectVersionRow.subject)
    query = sa_select(subject).group_by(subject).order_by(subject)
    if prefix:
        query = query.where(subject.startswith(prefix, autoescape=True))
    has_live = func.max(case((col(SubjectVersionRow.deleted).is_(False), 1), else_=0))
    if which == LIVE:
        query = query.having(has_live == 1)
    elif which == DELETED:
        query = query.having(has_live == 0)
    return list(session.scalars(page.cut(query)))


def _visible(which: Which, table: Any = SubjectVersionRow) -> list[ColumnElement[bool]]:
    deleted = col(table.deleted)
    if which == LIVE:
        return [deleted.is_(False)]
    if which == DELETED:
        return [deleted.is_(True)]
    return []


def versions_page(
    session: Session,
    which: Which,
    page: Page,
    *,
    subject: str | None = None,
    prefix: str = "",
    latest_only: bool = False,
) -> list[VersionRecord]:
    """Versions ordered by subject and version, filtered and sliced in SQL.

    ``latest_only`` keeps each subject's highest version among those ``which`` shows.
    """
    conditions = _visible(which)
    if subject is not None:
        conditions.append(col(SubjectVersionRow.subject) == subject)
    if prefix:
        conditions.append(col(SubjectVersionRow.subject).startswith(prefix, autoescape=True))
    if latest_only:
        newer = aliased(SubjectVersionRow)
        conditions.append(
            ~sa_select(col(newer.version))
            .where(
                col(newer.subject) == col(SubjectVersionRow.subject),
                col(newer.version) > col(SubjectVersionRow.version),
                *_visible(which, newer),
            )
            .exists()
        )
    query = (
        sa_select(*_VERSION_COLUMNS)
        .where(*conditions)
        .order_by(col(SubjectVersionRow.subject), col(SubjectVersionRow.version))
    )
    return [VersionRecord(*row) for row in session.execute(page.cut(query))]


def has_versions(session: Session, subject: str, which: Which) -> bool:
    """Does ``subject`` have a version ``which`` shows?"""
    query = sa_select(col(SubjectVersionRow.version)).where(
        col(SubjectVersionRow.subject) == subject, *_visible(which)
    )
    return session.execute(query.limit(1)).first() is not None


def stored_schemas(session: Session, schema_ids: Iterable[int]) -> dict[int, StoredSchema]:
    """The schemas with these ids (absent ones left out), one query per 500."""
    ids = sorted(set(schema_ids))
    found: dict[int, StoredSchema] = {}
    # Chunks keep each IN list far below every backend's parameter limit.
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = session.exec(select(SchemaRow).where(col(SchemaRow.id).in_(chunk)))
        found.update((row.id, to_stored(row)) for row in rows)
    return found


def referencing_schema_ids(session: Session, subject: str, version: int) -> list[int]:
    """Ids of every schema referencing subject-version, whether or not a version holds it live."""
    return sorted(
        session.exec(
            select(ReferenceRow.schema_id).where(
                ReferenceRow.subject == subject, ReferenceRow.version == version
            )
        )
    )


def live_referrers(
    session: Session, subject: str, version: int, *, besides: str | None = None
) -> list[int]:
    """Ids of the schemas referencing subject-version that a live version holds.

    This is Confluent's reference index: a soft-deleted referrer drops out of it, so it neither
    shows in ``referencedby`` nor stops its target from being deleted. Versions of ``besides``
    do not count (a subject's own references do not stop deleting the whole subject).
    """
    holders = [
        col(SubjectVersionRow.schema_id) == col(ReferenceRow.schema_id),
        col(SubjectVersionRow.deleted).is_(False),
    ]
    if besides is not None:
        holders.append(col(SubjectVersionRow.subject) != besides)
    query = (
        sa_select(col(ReferenceRow.schema_id))
        .where(
            col(ReferenceRow.subject) == subject,
            col(ReferenceRow.version) == version,
            sa_select(col(SubjectVersionRow.version)).where(*holders).exists(),
        )
        .order_by(col(ReferenceRow.schema_id))
    )
    return list(session.scalars(query))


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


def _schema_values(schema: StoredSchema, fingerprint: str) -> dict[str, Any]:
    return {
        "id": schema.id,
        "schema_type": schema.schema_type,
        "schema_text": schema.text,
        "references_json": orjson.dumps(
            [
                {"name": r.name, "subject": r.subject, "version": r.version}
                for r in schema.references
            ]
        ).decode(),
        "metadata_json": _dumps(schema.metadata),
        "ruleset_json": _dumps(schema.ruleset),
        "fingerprint": fingerprint,
        "guid": schema.guid,
        "created_ms": schema.created_ms,
    }


def insert_schema(
    session: Session,
    schema: StoredSchema,
    fingerprint: str,
) -> None:
    session.add(SchemaRow(**_schema_values(schema, fingerprint)))
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


def _table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def insert_schemas(session: Session, schemas: Sequence[tuple[StoredSchema, str]]) -> None:
    """Insert many schemas (with their fingerprints) and their references in a few statements.

    Imports write tens of thousands of rows; one flush per row would dominate their time.
    """
    if not schemas:
        return
    # Core inserts: the ORM's bulk path costs several times more per row.
    connection = session.connection()
    connection.execute(insert(_table("schemas")), [_schema_values(s, f) for s, f in schemas])
    references = [
        {"schema_id": s.id, "name": r.name, "subject": r.subject, "version": r.version}
        for s, _ in schemas
        for r in s.references
    ]
    if references:
        connection.execute(insert(_table("schema_references")), references)


def insert_versions(session: Session, records: Sequence[VersionRecord]) -> None:
    """Insert many subject versions as given (imports keep numbers and deleted flags)."""
    if records:
        session.connection().execute(
            insert(_table("subject_versions")),
            [
                {
                    "subject": r.subject,
                    "version": r.version,
                    "schema_id": r.schema_id,
                    "deleted": r.deleted,
                    "created_ms": r.created_ms,
                }
                for r in records
            ],
        )


def schema_fingerprints(session: Session) -> dict[int, str]:
    """Every stored schema id with its content fingerprint."""
    query = sa_select(col(SchemaRow.id), col(SchemaRow.fingerprint))
    return {schema_id: fingerprint for schema_id, fingerprint in session.execute(query)}


def all_configs(session: Session) -> dict[str, dict[str, Any]]:
    """Every stored config by subject (``""`` for the global one)."""
    rows = session.execute(sa_select(col(ConfigRow.subject), col(ConfigRow.config_json)))
    return {subject: dict(orjson.loads(text)) for subject, text in rows}


def all_modes(session: Session) -> dict[str, str]:
    """Every stored mode by subject (``""`` for the global one)."""
    rows = session.execute(sa_select(col(ModeRow.subject), col(ModeRow.mode)))
    return {subject: mode for subject, mode in rows}


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


def mark_live(session: Session, subject: str, versions: Sequence[int]) -> None:
    """Undo a soft delete (imports copy a source where the version is live again)."""
    session.execute(
        update(SubjectVersionRow)
        .where(
            col(SubjectVersionRow.subject) == subject, col(SubjectVersionRow.version).in_(versions)
        )
        .values(deleted=False)
    )


def remove_versions(session: Session, subject: str, versions: Sequence[int]) -> None:
    """Hard-delete versions; schemas no version holds any more disappear with them."""
    doomed = set(versions)
    rows = [r for r in versions_of(session, subject) if r.version in doomed]
    session.execute(
        delete(SubjectVersionRow).where(
            col(SubjectVersionRow.subject) == subject, col(SubjectVersionRow.version).in_(versions)
        )
    )
    session.flush()
    drop_unheld(session, {r.schema_id for r in rows})


def replace_version(
    session: Session, subject: str, version: int, schema_id: int, now_ms: int
) -> None:
    """Make an existing version hold another schema (an IMPORT naming a taken version)."""
    session.execute(
        update(SubjectVersionRow)
        .where(col(SubjectVersionRow.subject) == subject, col(SubjectVersionRow.version) == version)
        .values(schema_id=schema_id, deleted=False, created_ms=now_ms)
    )
    session.flush()


def drop_unheld(session: Session, schema_ids: Iterable[int]) -> None:
    """Remove the schemas of ``schema_ids`` that no version holds any more.

    Bumps ``delete_epoch`` so every process drops its cached answers by id.
    """
    candidates = set(schema_ids)
    still_held = {r.schema_id for r in any_holders(session, candidates)}
    orphans = sorted(candidates - still_held)
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


def schema_metadata(session: Session, schema_ids: Iterable[int]) -> dict[int, Any]:
    """The ``metadata`` of each schema in ``schema_ids``, in one query."""
    ids = sorted(set(schema_ids))
    if not ids:
        return {}
    query = sa_select(col(SchemaRow.id), col(SchemaRow.metadata_json)).where(
        col(SchemaRow.id).in_(ids)
    )
    return {schema_id: _loads(text) for schema_id, text in session.execute(query)}
