"""Every table of an evcat database, in a fixed order, with values that survive JSON.

Export and restore know no table by name: they take whatever the database holds (reflected,
so a table added by a future migration is covered without a code change), parents before
children, columns and rows in an order both backends agree on.
"""

from __future__ import annotations

import base64
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Engine, MetaData, String, Table, Text, collate, text
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from evcat.transfer.errors import TransferError

ALEMBIC_TABLE = "alembic_version"


def reflect(bind: Engine | Connection) -> dict[str, Table]:
    """Every table the database holds except Alembic's own, by name."""
    metadata = MetaData()
    metadata.reflect(bind)
    return {name: table for name, table in metadata.tables.items() if name != ALEMBIC_TABLE}


def in_dependency_order(tables: dict[str, Table]) -> list[Table]:
    """Tables with every table they reference first; ties broken by name, so always the same."""
    ordered: list[Table] = []
    placed: set[str] = set()
    remaining = sorted(tables)
    while remaining:
        ready = [
            name
            for name in remaining
            if all(
                fk.column.table.name in placed or fk.column.table.name == name
                for fk in tables[name].foreign_keys
            )
        ]
        if not ready:
            raise TransferError(f"tables {', '.join(remaining)} reference each other in a cycle")
        for name in ready:
            ordered.append(tables[name])
            placed.add(name)
        remaining = [name for name in remaining if name not in placed]
    return ordered


def column_names(table: Table) -> list[str]:
    """Columns by name: the order both backends agree on whatever order migrations made."""
    return sorted(column.name for column in table.columns)


def row_order(table: Table, dialect: str) -> list[ColumnElement[Any]]:
    """ORDER BY the primary key (every column when there is none), in code point order.

    PostgreSQL sorts text by its locale unless told ``COLLATE "C"``; SQLite compares bytes.
    Both then order UTF-8 text by code point, so the two exports list rows identically.
    """
    keys: list[Column[Any]] = list(table.primary_key.columns) or [
        table.columns[name] for name in column_names(table)
    ]
    if dialect != "postgresql":
        return list(keys)
    return [collate(key, "C") if isinstance(key.type, (String, Text)) else key for key in keys]


def alembic_revision(connection: Connection) -> str | None:
    """The database's migration revision; None when it was never migrated."""
    if not connection.dialect.has_table(connection, ALEMBIC_TABLE):
        return None
    value = connection.execute(text(f"SELECT version_num FROM {ALEMBIC_TABLE}")).scalar()
    return None if value is None else str(value)


def encode(value: Any) -> Any:
    """A column value as JSON: most are already; bytes, times and decimals become strings."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TransferError(f"a column holds a {type(value).__name__} value, which export cannot write")


def decoder(column: Column[Any]) -> Any:
    """The function turning a JSON value back into what ``column`` stores."""
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        return None
    if python_type is bytes:
        return base64.b64decode
    if python_type is datetime:
        return datetime.fromisoformat
    if python_type is date:
        return date.fromisoformat
    if python_type is Decimal:
        return Decimal
    return None
