"""Targeted reads for the API views: edges by event, service or channel; rows by id.

``store.read_all`` rebuilds whole documents; a page about one event needs only the edges that
touch it, so these queries select by the indexed columns. They are plain SQL statements built
once and cached: building SQLAlchemy expressions costs three times more than running these
small queries, and an event view runs about ten of them. Results are sorted in Python so both
backends order text the same way (PostgreSQL collations differ from SQLite's byte order).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from sqlalchemy import TextClause, bindparam, text
from sqlmodel import Session, SQLModel

from evcat.catalog import models as m

Row = dict[str, Any]
EdgeKey = tuple[str, str, int]

EDGES = m.EdgeRow.__tablename__
FIELDS = m.EdgeFieldRow.__tablename__
TARGETS = m.EdgeTargetRow.__tablename__
DERIVATIONS = m.DerivationRow.__tablename__
INPUTS = m.DerivationInputRow.__tablename__
_EDGE_ORDER = ("service", "role", "position")


@lru_cache(maxsize=256)
def statement(sql: str, expanding: tuple[str, ...] = ()) -> TextClause:
    """A compiled-once SQL statement; ``expanding`` names list parameters (``IN :ids``)."""
    built = text(sql)
    if expanding:
        built = built.bindparams(*(bindparam(name, expanding=True) for name in expanding))
    return built


def fetch(
    session: Session, sql: str, params: Mapping[str, Any], expanding: tuple[str, ...] = ()
) -> list[Row]:
    return [dict(row._mapping) for row in session.execute(statement(sql, expanding), params)]


def _sorted(rows: list[Row], *keys: str) -> list[Row]:
    return sorted(rows, key=lambda row: tuple(row[k] for k in keys))


def by_ids(session: Session, table: type[SQLModel], ids: Iterable[str]) -> dict[str, Row]:
    """Rows of ``table`` whose ``id`` is one of ``ids``."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    sql = f"SELECT * FROM {table.__tablename__} WHERE id IN :ids"
    return {row["id"]: row for row in fetch(session, sql, {"ids": wanted}, ("ids",))}


def all_rows(session: Session, table: type[SQLModel]) -> list[Row]:
    return _sorted(fetch(session, f"SELECT * FROM {table.__tablename__}", {}), "id")


def events(session: Session) -> list[Row]:
    """Every event row, by id."""
    return all_rows(session, m.EventRow)


def stores(session: Session) -> list[Row]:
    """Every data store row, by id."""
    return all_rows(session, m.StoreRow)


def recipients(session: Session) -> list[Row]:
    """Every recipient row, by id."""
    return all_rows(session, m.RecipientRow)


def field_declarations(session: Session) -> list[Row]:
    """Every declared field of every event (personal data, identifiers), unsorted."""
    return fetch(session, f"SELECT * FROM {m.FieldDeclarationRow.__tablename__}", {})


def _edge_filter(filters: Mapping[str, str | None]) -> tuple[str, dict[str, Any]]:
    """The WHERE clause on ``e`` (catalog_edges) for the given filters, and its parameters."""
    clauses: list[str] = []
    params: dict[str, Any] = {}
    for column in ("event", "service", "channel", "role"):
        value = filters.get(column)
        if value is not None:
            clauses.append(f"e.{column} = :{column}")
            params[column] = value
    if filters.get("target") is not None:
        clauses.append(f"e.service IN (SELECT service FROM {TARGETS} WHERE target = :target)")
        params["target"] = filters["target"]
    return (" AND ".join(clauses) or "1 = 1"), params


def edges(
    session: Session,
    *,
    event: str | None = None,
    service: str | None = None,
    channel: str | None = None,
    role: str | None = None,
    target: str | None = None,
) -> list[Row]:
    """Edges matching every given filter, each with its ``fields``, ``stores``, ``recipients``."""
    filters = {"event": event, "service": service, "channel": channel, "role": role}
    where, params = _edge_filter({**filters, "target": target})
    found = _sorted(
        fetch(session, f"SELECT e.* FROM {EDGES} e WHERE {where}", params), *_EDGE_ORDER
    )
    if not found:
        return []
    fields = _children(session, FIELDS, where, params)
    chosen = _children(session, TARGETS, where, params)
    for edge in found:
        key = (edge["service"], edge["role"], edge["position"])
        edge["fields"] = [row["path"] for row in fields.get(key, [])]
        picked = chosen.get(key, [])
        edge["stores"] = [row["target"] for row in picked if row["kind"] == "store"]
        edge["recipients"] = [row["target"] for row in picked if row["kind"] == "recipient"]
    if target is not None:
        found = [e for e in found if target in e["stores"] or target in e["recipients"]]
    return found


def _children(
    session: Session, table: str, where: str, params: Mapping[str, Any]
) -> dict[EdgeKey, list[Row]]:
    """Rows of an edge child table for the edges ``where`` selects (one join)."""
    sql = (
        f"SELECT c.* FROM {table} c JOIN {EDGES} e "
        "ON c.service = e.service AND c.role = e.role AND c.edge = e.position "
        f"WHERE {where}"
    )
    order = (
        ("service", "role", "edge", "kind", "position")
        if table == TARGETS
        else (
            "service",
            "role",
            "edge",
            "position",
        )
    )
    grouped: dict[EdgeKey, list[Row]] = defaultdict(list)
    for row in _sorted(fetch(session, sql, params), *order):
        grouped[(row["service"], row["role"], row["edge"])].append(row)
    return grouped


def derivations(
    session: Session, *, service: str | None = None, event: str | None = None
) -> list[Row]:
    """Derivations (with their ``from`` inputs) of a service, or producing or reading an event."""
    if event is not None:
        # Two indexed lookups rather than an OR, which would scan every derivation.
        sql = (
            f"SELECT d.* FROM {DERIVATIONS} d WHERE d.event = :event UNION "
            f"SELECT d.* FROM {DERIVATIONS} d JOIN {INPUTS} i "
            "ON i.service = d.service AND i.derivation = d.position WHERE i.event = :event"
        )
        found = fetch(session, sql, {"event": event})
    elif service is not None:
        found = fetch(
            session, f"SELECT * FROM {DERIVATIONS} WHERE service = :service", {"service": service}
        )
    else:
        found = fetch(session, f"SELECT * FROM {DERIVATIONS}", {})
    if service is not None:
        found = [row for row in found if row["service"] == service]
    found = _sorted(found, "service", "position")
    if not found:
        return []
    if service is None and event is None:
        inputs = fetch(session, f"SELECT * FROM {INPUTS}", {})
    else:
        services = sorted({row["service"] for row in found})
        inputs = fetch(
            session,
            f"SELECT * FROM {INPUTS} WHERE service IN :services",
            {"services": services},
            ("services",),
        )
    grouped: dict[tuple[str, int], list[Row]] = defaultdict(list)
    for row in _sorted(inputs, "service", "derivation", "position"):
        grouped[(row["service"], row["derivation"])].append(
            {"event": row["event"], "field": row["field"]}
        )
    for row in found:
        row["from"] = grouped.get((row["service"], row["position"]), [])
    return found


def event_ids_ending(session: Session, short: str) -> list[str]:
    """Declared events named ``short`` or ``<namespace>.short``."""
    sql = f"SELECT id FROM {m.EventRow.__tablename__} WHERE id = :short OR id LIKE :suffix"
    rows = fetch(session, sql, {"short": short, "suffix": f"%.{short}"})
    return sorted(row["id"] for row in rows)
