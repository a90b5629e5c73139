"""Persistence of catalog documents: each resource to its rows and back, and bulk writes.

``read_all`` rebuilds every document exactly as ``spec.dump`` would print it, so a plan is a
comparison of documents and an export is a dump of what this returns. No rules live here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import orjson
from sqlalchemy import delete, insert
from sqlmodel import Session, SQLModel

from evcat.catalog import models as m
from evcat.catalog import queries
from evcat.catalog import spec as s

Key = tuple[str, str]
"""A resource's identity: ``(kind, id)``."""

_SIMPLE: dict[str, tuple[type[s.Resource], type[SQLModel]]] = {
    "Domain": (s.Domain, m.DomainRow),
    "Channel": (s.Channel, m.ChannelRow),
    "Store": (s.Store, m.StoreRow),
    "Recipient": (s.Recipient, m.RecipientRow),
}
# Child tables and the column that names their parent resource.
_CHILDREN: dict[str, tuple[tuple[type[SQLModel], str], ...]] = {
    "Team": ((m.PersonRow, "team"),),
    "Service": (
        (m.EdgeRow, "service"),
        (m.EdgeFieldRow, "service"),
        (m.EdgeTargetRow, "service"),
        (m.DerivationRow, "service"),
        (m.DerivationInputRow, "service"),
    ),
    "Event": ((m.FieldDeclarationRow, "event"),),
}
_TABLES: dict[str, type[SQLModel]] = {
    "Domain": m.DomainRow,
    "Team": m.TeamRow,
    "Service": m.ServiceRow,
    "Event": m.EventRow,
    "Channel": m.ChannelRow,
    "Store": m.StoreRow,
    "Recipient": m.RecipientRow,
    "Policy": m.PolicyRow,
}
_CHUNK = 500


def _columns(table: type[SQLModel]) -> list[str]:
    return list(table.model_fields)


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


def rows_of(resource: s.Resource) -> Iterator[tuple[type[SQLModel], dict[str, Any]]]:
    """The rows that store ``resource``, as (table, column values)."""
    data = resource.model_dump(mode="json")
    if isinstance(resource, s.Team):
        yield m.TeamRow, {k: data[k] for k in _columns(m.TeamRow)}
        for position, member in enumerate(resource.members):
            yield m.PersonRow, {**member.model_dump(), "team": resource.id, "position": position}
    elif isinstance(resource, s.Service):
        row = {k: data[k] for k in _columns(m.ServiceRow) if k != "depends_on_json"}
        yield m.ServiceRow, {**row, "depends_on_json": _json(resource.depends_on)}
        yield from _edges_of(resource)
    elif isinstance(resource, s.Event):
        row = {k: data[k] for k in _columns(m.EventRow) if k != "cloudevents_json"}
        envelope = resource.cloudevents
        row["cloudevents_json"] = (
            None if envelope is None else _json(envelope.model_dump(exclude_defaults=True))
        )
        yield m.EventRow, row
        for position, declared in enumerate(resource.fields):
            yield (
                m.FieldDeclarationRow,
                {
                    "event": resource.id,
                    "path": declared.path,
                    "position": position,
                    "categories_json": _json(declared.categories),
                    "subject_types_json": _json(declared.subject_types),
                    "identifier": declared.identifier,
                    "protection": declared.protection,
                    "key_scope": declared.key_scope,
                },
            )
    elif isinstance(resource, s.Policy):
        yield m.PolicyRow, {"id": resource.id, "require_owner_json": _json(data["require_owner"])}
    else:
        _, table = _SIMPLE[resource.kind]
        yield table, {k: data[k] for k in _columns(table)}


def _edges_of(service: s.Service) -> Iterator[tuple[type[SQLModel], dict[str, Any]]]:
    edges: list[tuple[str, s.Produce | s.Consume]] = [
        *(("produces", edge) for edge in service.produces),
        *(("consumes", edge) for edge in service.consumes),
    ]
    counters: dict[str, int] = defaultdict(int)
    for role, edge in edges:
        position = counters[role]
        counters[role] += 1
        head = {"service": service.id, "role": role}
        consume = edge if isinstance(edge, s.Consume) else None
        yield (
            m.EdgeRow,
            {
                **head,
                "position": position,
                "event": edge.event,
                "version": edge.version,
                "channel": edge.channel,
                "key": getattr(edge, "key", None),
                "purpose": consume.purpose if consume else None,
                "legal_basis": consume.legal_basis if consume else None,
                "group_id": consume.group_id if consume else None,
                "description": edge.description,
            },
        )
        if consume is None:
            continue
        for index, path in enumerate(consume.fields):
            yield m.EdgeFieldRow, {**head, "edge": position, "position": index, "path": path}
        for kind, targets in (("store", consume.stores), ("recipient", consume.recipients)):
            for index, target in enumerate(targets):
                yield (
                    m.EdgeTargetRow,
                    {
                        **head,
                        "edge": position,
                        "kind": kind,
                        "position": index,
                        "target": target,
                    },
                )
    for position, derivation in enumerate(service.derivations):
        yield (
            m.DerivationRow,
            {
                "service": service.id,
                "position": position,
                "event": derivation.event,
                "field": derivation.field,
                "transformation": derivation.transformation,
                "description": derivation.description,
            },
        )
        for index, source in enumerate(derivation.from_):
            yield (
                m.DerivationInputRow,
                {
                    "service": service.id,
                    "derivation": position,
                    "position": index,
                    "event": source.event,
                    "field": source.field,
                },
            )


class _Reader:
    """Reads rows, optionally only those of one resource id (``only``)."""

    def __init__(self, session: Session, only: str | None) -> None:
        self.session = session
        self.only = only

    def rows(self, table: type[SQLModel], parent: str, *order: str) -> list[dict[str, Any]]:
        sql = f"SELECT * FROM {table.__tablename__}"
        params: dict[str, Any] = {}
        if self.only is not None:
            sql += f" WHERE {parent} = :only"
            params["only"] = self.only
        found = queries.fetch(self.session, sql, params)
        # Sorted here, not in SQL, so that both backends order text alike.
        return sorted(found, key=lambda row: tuple(row[name] for name in order))


def _grouped(rows: Iterable[dict[str, Any]], *key: str) -> dict[Any, list[dict[str, Any]]]:
    groups: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[tuple(row[k] for k in key) if len(key) > 1 else row[key[0]]].append(row)
    return groups


def _clean(row: dict[str, Any], *drop: str) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in drop and v is not None}


def read_all(
    session: Session, kinds: Iterable[str] | None = None, only: str | None = None
) -> dict[Key, s.Resource]:
    """Stored resources rebuilt as documents: all, those of ``kinds``, or the one id ``only``."""
    wanted = set(kinds) if kinds is not None else set(s.KIND_NAMES)
    reader = _Reader(session, only)
    found: dict[Key, s.Resource] = {}
    for kind, (model, table) in _SIMPLE.items():
        if kind in wanted:
            for row in reader.rows(table, "id", "id"):
                found[(kind, row["id"])] = model.model_validate({"kind": kind, **_clean(row)})
    if "Team" in wanted:
        people = _grouped(reader.rows(m.PersonRow, "team", "team", "position"), "team")
        for row in reader.rows(m.TeamRow, "id", "id"):
            members = [_clean(p, "team", "position") for p in people.get(row["id"], [])]
            found[("Team", row["id"])] = s.Team(kind="Team", **_clean(row), members=members)
    if "Event" in wanted:
        found.update(_read_events(reader))
    if "Policy" in wanted:
        for row in reader.rows(m.PolicyRow, "id", "id"):
            require = orjson.loads(row["require_owner_json"])
            found[("Policy", row["id"])] = s.Policy(
                kind="Policy", id=row["id"], require_owner=require
            )
    if "Service" in wanted:
        for service in _read_services(reader):
            found[("Service", service.id)] = service
    return found


def _read_events(reader: _Reader) -> Iterator[tuple[Key, s.Event]]:
    declared = _grouped(reader.rows(m.FieldDeclarationRow, "event", "event", "position"), "event")
    for row in reader.rows(m.EventRow, "id", "id"):
        envelope = row.pop("cloudevents_json")
        fields = [
            {
                **_clean(d, "event", "position", "categories_json", "subject_types_json"),
                "categories": orjson.loads(d["categories_json"]),
                "subject_types": orjson.loads(d["subject_types_json"]),
            }
            for d in declared.get(row["id"], [])
        ]
        yield (
            ("Event", row["id"]),
            s.Event.model_validate(
                {
                    "kind": "Event",
                    **_clean(row),
                    "cloudevents": None if envelope is None else orjson.loads(envelope),
                    "fields": fields,
                }
            ),
        )


def _read_services(reader: _Reader) -> Iterator[s.Service]:
    edges = _grouped(reader.rows(m.EdgeRow, "service", "service", "role", "position"), "service")
    fields = _grouped(
        reader.rows(m.EdgeFieldRow, "service", "service", "role", "edge", "position"),
        "service",
        "role",
        "edge",
    )
    targets = _grouped(
        reader.rows(m.EdgeTargetRow, "service", "service", "role", "edge", "kind", "position"),
        "service",
        "role",
        "edge",
    )
    derivations = _grouped(
        reader.rows(m.DerivationRow, "service", "service", "position"), "service"
    )
    inputs = _grouped(
        reader.rows(m.DerivationInputRow, "service", "service", "derivation", "position"),
        "service",
        "derivation",
    )
    for row in reader.rows(m.ServiceRow, "id", "id"):
        service_id = row["id"]
        produces: list[dict[str, Any]] = []
        consumes: list[dict[str, Any]] = []
        for edge in edges.get(service_id, []):
            key = (service_id, edge["role"], edge["position"])
            data = _clean(edge, "service", "role", "position")
            if edge["role"] == "produces":
                produces.append(data)
                continue
            data["fields"] = [f["path"] for f in fields.get(key, [])]
            chosen = targets.get(key, [])
            data["stores"] = [t["target"] for t in chosen if t["kind"] == "store"]
            data["recipients"] = [t["target"] for t in chosen if t["kind"] == "recipient"]
            consumes.append(data)
        derived = [
            {
                **_clean(d, "service", "position"),
                "from": [
                    _clean(i, "service", "derivation", "position")
                    for i in inputs.get((service_id, d["position"]), [])
                ],
            }
            for d in derivations.get(service_id, [])
        ]
        depends_on = orjson.loads(row.pop("depends_on_json"))
        yield s.Service.model_validate(
            {
                "kind": "Service",
                **_clean(row),
                "depends_on": depends_on,
                "produces": produces,
                "consumes": consumes,
                "derivations": derived,
            }
        )


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def remove(session: Session, keys: Iterable[Key]) -> None:
    """Delete the rows of these resources (children included)."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, ident in keys:
        by_kind[kind].append(ident)
    for kind, idents in by_kind.items():
        targets = [*_CHILDREN.get(kind, ()), (_TABLES[kind], "id")]
        for table, column in targets:
            column_object = table.__table__.c[column]  # type: ignore[attr-defined]
            for chunk in _chunks(idents):
                session.execute(delete(table).where(column_object.in_(chunk)))


def insert_all(session: Session, resources: Iterable[s.Resource]) -> None:
    """Insert the rows of these resources, one bulk statement per table."""
    batches: dict[type[SQLModel], list[dict[str, Any]]] = defaultdict(list)
    for resource in resources:
        for table, values in rows_of(resource):
            batches[table].append(values)
    for table in m.RESOURCE_TABLES:
        rows = batches.get(table)
        for chunk in _chunks(rows or []):
            session.execute(insert(table), list(chunk))
