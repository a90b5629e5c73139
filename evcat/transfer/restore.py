"""``evcat import --from-export``: an export file back into an empty database, all or nothing.

The target must be at the export's migration revision (a new database is migrated first) and
hold nothing but what its migrations put there. Every row goes in within one transaction; a
truncated or altered file rolls it back. On PostgreSQL, identity sequences are moved past the
restored ids, so the next row written gets a fresh one.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import orjson
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, Integer, Table, func, inspect, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from evcat.db import make_engine, write_session
from evcat.migrations import alembic_config, upgrade
from evcat.transfer.errors import TransferError
from evcat.transfer.export import FORMAT, FORMAT_VERSION
from evcat.transfer.tables import (
    alembic_revision,
    column_names,
    decoder,
    encode,
    in_dependency_order,
    reflect,
)

BATCH_ROWS = 1000


@dataclass(frozen=True)
class RestoreSummary:
    revision: str
    tables: int
    rows: int


class _Lines:
    """The export's lines as JSON values, each error naming its line number."""

    def __init__(self, source: BinaryIO) -> None:
        self._lines = iter(source)
        self.number = 0

    def next(self, what: str) -> Any:
        for raw in self._lines:
            self.number += 1
            if raw.strip():
                try:
                    return orjson.loads(raw)
                except orjson.JSONDecodeError:
                    raise self.error(f"{what} is not JSON") from None
        raise TransferError(
            f"the export ends after line {self.number}, before its closing line: the file is "
            "truncated; export again"
        )

    def rest(self) -> Iterator[bytes]:
        for raw in self._lines:
            self.number += 1
            if raw.strip():
                yield raw

    def error(self, message: str) -> TransferError:
        return TransferError(f"line {self.number}: {message}")


def head_revision() -> str:
    """The newest migration revision this evcat knows."""
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def read_header(lines: _Lines) -> str:
    """The export's revision, after checking the header says this is an export evcat reads."""
    header = lines.next("the header")
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise TransferError(
            "this file is not an evcat export (its first line lacks "
            f'"format": "{FORMAT}"); write one with `evcat export registry FILE`'
        )
    if header.get("format_version") != FORMAT_VERSION:
        raise TransferError(
            f"the export has format version {header.get('format_version')!r}; this evcat reads "
            f"version {FORMAT_VERSION}"
        )
    revision = header.get("alembic_revision")
    if not isinstance(revision, str):
        raise TransferError("the export header names no alembic_revision")
    return revision


def _rows(connection: Connection, table: Table) -> list[list[Any]]:
    names = column_names(table)
    query = select(*(table.columns[n] for n in names))
    return sorted(([encode(v) for v in row] for row in connection.execute(query)), key=repr)


def seed_rows(revision: str) -> dict[str, list[list[Any]]]:
    """What a database fresh at ``revision`` holds, seen from inside a write transaction.

    That is the write-lock row, and whatever a later migration seeds; taking the write lock
    bumps its counter, and the target is checked from inside the same kind of transaction.
    """
    with tempfile.TemporaryDirectory(prefix="evcat-seed-") as scratch:
        url = f"sqlite:///{Path(scratch) / 'seed.db'}"
        upgrade(url, revision)
        engine = make_engine(url)
        try:
            with write_session(engine) as session:
                connection = session.connection()
                return {
                    name: _rows(connection, table) for name, table in reflect(connection).items()
                }
        finally:
            engine.dispose()


def _prepare(engine: Engine, url: str, revision: str) -> None:
    """Migrate a new database to the export's revision; refuse any other revision."""
    with engine.connect() as connection:
        current = alembic_revision(connection)
        tables = inspect(connection).get_table_names()
    if current is None:
        if tables:
            raise TransferError(
                f"the database holds tables ({', '.join(sorted(tables)[:3])}...) but no evcat "
                "migration revision: restore into a new or empty evcat database"
            )
        if revision != head_revision():
            raise TransferError(
                f"the export was written at database revision {revision}, this evcat creates "
                f"databases at {head_revision()}: restore with the evcat version that wrote it"
            )
        upgrade(url)
        return
    if current != revision:
        raise TransferError(
            f"the export was written at database revision {revision}, the target database is "
            f"at {current}: restore with the evcat version that wrote the export into a "
            "database at that revision, then upgrade it"
        )


def _refuse_unless_empty(connection: Connection, seed: dict[str, list[list[Any]]]) -> None:
    holding = []
    for name, table in sorted(reflect(connection).items()):
        expected = seed.get(name, [])
        count = connection.execute(select(func.count()).select_from(table)).scalar_one()
        # Rows are read only where the count matches a seeded table: a full one is not read.
        if count != len(expected) or (count and _rows(connection, table) != expected):
            holding.append(name)
    if holding:
        # Tables a fresh database leaves empty say more than the write-lock row's counters.
        holding.sort(key=lambda name: bool(seed.get(name)))
        raise TransferError(
            f"the target database is not empty ({', '.join(holding[:3])} hold rows): a "
            "restore writes into a new database only; create one, or pass another --db"
        )


def _insert(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    try:
        connection.execute(table.insert(), rows)
    except DBAPIError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise TransferError(f"the database refused rows of table {table.name}: {reason}") from None


def _restore_table(
    connection: Connection, lines: _Lines, tables: dict[str, Table], section: dict[str, Any]
) -> int:
    table = tables.get(section["table"])
    if table is None:
        raise lines.error(f"the database has no table {section['table']!r}")
    columns, count = section.get("columns"), section.get("rows")
    if not isinstance(columns, list) or sorted(map(str, columns)) != column_names(table):
        raise lines.error(f"the columns of table {table.name} differ from the database's")
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise lines.error(f"table {table.name} has no row count")
    decoders = [decoder(table.columns[name]) for name in columns]
    batch: list[dict[str, Any]] = []
    for _ in range(count):
        values = lines.next(f"a row of table {table.name}")
        if not isinstance(values, list) or len(values) != len(columns):
            raise lines.error(f"a row of table {table.name} needs {len(columns)} values")
        batch.append(
            {
                name: value if decode is None or value is None else decode(value)
                for name, decode, value in zip(columns, decoders, values, strict=True)
            }
        )
        if len(batch) >= BATCH_ROWS:
            _insert(connection, table, batch)
            batch = []
    if batch:
        _insert(connection, table, batch)
    return count


def _advance_sequences(connection: Connection, tables: dict[str, Table]) -> None:
    """Move each serial/identity sequence past the largest restored id (PostgreSQL)."""
    quote = connection.dialect.identifier_preparer.quote
    for table in tables.values():
        for column in table.primary_key.columns:
            if not isinstance(column.type, Integer):
                continue
            sequence = connection.execute(
                text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": quote(table.name), "column": column.name},
            ).scalar()
            if sequence:
                connection.execute(
                    text(
                        f"SELECT setval(:sequence, COALESCE(MAX({quote(column.name)}), 0) + 1, "
                        f"false) FROM {quote(table.name)}"
                    ),
                    {"sequence": sequence},
                )


def restore_database(url: str, engine: Engine, source: BinaryIO) -> RestoreSummary:
    """Restore the export read from ``source`` into the empty database at ``url``."""
    lines = _Lines(source)
    revision = read_header(lines)
    _prepare(engine, url, revision)
    seed = seed_rows(revision)
    with write_session(engine) as session:
        connection = session.connection()
        _refuse_unless_empty(connection, seed)
        tables = reflect(connection)
        for table in reversed(in_dependency_order(tables)):
            connection.execute(table.delete())
        restored: set[str] = set()
        total = 0
        while True:
            section = lines.next("a table line")
            if isinstance(section, dict) and section.get("end") is True:
                break
            if not isinstance(section, dict) or not isinstance(section.get("table"), str):
                raise lines.error('expected {"table": ..., "columns": ..., "rows": ...}')
            if section["table"] in restored:
                raise lines.error(f"table {section['table']} appears twice")
            total += _restore_table(connection, lines, tables, section)
            restored.add(section["table"])
        missing = sorted(set(tables) - restored)
        if missing:
            raise lines.error(f"the export lacks table {missing[0]}: it is not a whole export")
        if section.get("rows") != total or section.get("tables") != len(tables):
            raise lines.error("the closing line's totals differ from the rows read")
        if next(lines.rest(), None) is not None:
            raise lines.error("lines follow the closing line")
        if connection.dialect.name == "postgresql":
            _advance_sequences(connection, tables)
    return RestoreSummary(revision, len(tables), total)
