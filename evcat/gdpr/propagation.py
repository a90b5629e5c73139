"""Where each category of personal data goes: propagation along the catalog's lineage (F3).

Computed on read from the catalog rows, never stored, so a changed derivation shows on the
next read. From every classified field of an event's latest version the walk visits: the
producers and the channels carrying the event, each consumer edge that reads the field (or
the whole event, when it declares no fields), the stores it writes and recipients it
discloses to, and the fields its service derives from it, which are walked in turn. ``copy``
and ``derive`` keep the category; ``hash``, ``tokenise`` and ``encrypt`` keep it as protected
(pseudonymised data is still personal data, Recital 26); ``aggregate``, ``anonymise`` and
``drop`` stop it, and the stop is reported. The walk is breadth-first and visits each field
once per category, so every fact carries its shortest hop path and cycles end.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from evcat.catalog import queries
from evcat.catalog.service import Catalog
from evcat.db import read_session
from evcat.gdpr.classify import Classifier, FieldClass, load_inputs
from evcat.gdpr.vocabulary import KEEPS, PROTECTS

Row = dict[str, Any]
KIND_ORDER = ("field", "producer", "channel", "consumer", "store", "recipient")


@dataclass(frozen=True)
class Fact:
    """One location holding one category, and how the category got there."""

    category: str
    kind: str
    id: str
    event: str
    field: str
    provenance: str
    protection: str
    subject_types: tuple[str, ...]
    origin: str
    hops: tuple[str, ...]
    edge: int | None = None

    def sort_key(self) -> tuple[Any, ...]:
        return (self.category, KIND_ORDER.index(self.kind), self.id, self.event, self.field)


@dataclass(frozen=True)
class Stop:
    """A derivation that ends a category's lineage."""

    category: str
    event: str
    field: str
    service: str
    transformation: str
    to_event: str
    to_field: str
    hops: tuple[str, ...]


@dataclass(frozen=True)
class Holding:
    event: str
    field: str
    protection: str
    subject_types: tuple[str, ...]
    origin: str
    hops: tuple[str, ...]


@dataclass
class DataMap:
    """The facts and stops of one propagation, plus the classified fields it started from."""

    facts: list[Fact]
    stops: list[Stop]
    classified: dict[str, dict[str, FieldClass]]


def related(a: str, b: str) -> bool:
    """Do two field paths overlap (equal, or one holds the other)?"""
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def field_hop(event: str, path: str) -> str:
    return f"field:{event}#{path}"


def classified_fields(catalog: Catalog) -> dict[str, dict[str, FieldClass]]:
    """Each event's personal fields (latest version), by event and path."""
    snapshot = catalog.snapshot()
    with read_session(catalog.engine) as session:
        subjects = {r["id"]: r["subject"] for r in queries.events(session)}
        inputs = load_inputs(session)
    classifier = Classifier(catalog, inputs)
    versions = {name: snapshot.versions(name, subjects.get(name)) for name in snapshot.names()}
    catalog.field_cache.prefetch(v[-1].schema_id for v in versions.values() if v)
    found: dict[str, dict[str, FieldClass]] = {}
    for name, held in sorted(versions.items()):
        if not held:
            continue
        fields = classifier.version(name, held[-1], held)
        personal = {path: c for path, c in fields.items() if c.personal}
        if personal:
            found[name] = personal
    return found


class _Graph:
    """The catalog's edges and derivations, indexed for the walk."""

    def __init__(self, edges: list[Row], derivations: list[Row]) -> None:
        self.producers: dict[str, list[Row]] = defaultdict(list)
        self.consumers: dict[str, list[Row]] = defaultdict(list)
        for edge in edges:
            role = self.producers if edge["role"] == "produces" else self.consumers
            role[edge["event"]].append(edge)
        self.derived: dict[str, list[tuple[Row, str]]] = defaultdict(list)
        for row in derivations:
            for source in row["from"]:
                self.derived[source["event"]].append((row, source["field"]))


def propagate(
    catalog: Catalog,
    *,
    categories: Callable[[str], bool] = lambda _c: True,
    subjects: Callable[[tuple[str, ...]], bool] = lambda _s: True,
) -> DataMap:
    """Every fact for the categories and subject types the predicates accept."""
    classified = classified_fields(catalog)
    with read_session(catalog.engine) as session:
        graph = _Graph(queries.edges(session), queries.derivations(session))
    seeds: dict[str, list[Holding]] = defaultdict(list)
    for event, fields in classified.items():
        for path, value in fields.items():
            if not subjects(value.subject_types):
                continue
            hop = field_hop(event, path)
            holding = Holding(event, path, value.protection, value.subject_types, hop, (hop,))
            for category in value.categories:
                if categories(category):
                    seeds[category].append(holding)
    facts: list[Fact] = []
    stops: list[Stop] = []
    for category in sorted(seeds):
        _walk(category, seeds[category], graph, facts, stops)
    facts.sort(key=Fact.sort_key)
    stops.sort(key=lambda s: (s.category, s.to_event, s.to_field, s.event, s.field))
    return DataMap(facts, stops, classified)


def _walk(
    category: str, seeds: Iterable[Holding], graph: _Graph, facts: list[Fact], stops: list[Stop]
) -> None:
    seen_fields: set[tuple[str, str]] = set()
    seen_facts: set[tuple[str, str, str, str]] = set()
    queue: deque[tuple[Holding, bool]] = deque()
    for seed in sorted(seeds, key=lambda h: (h.event, h.field)):
        seen_fields.add((seed.event, seed.field))
        queue.append((seed, True))

    def add(
        kind: str,
        ident: str,
        held: Holding,
        hops: tuple[str, ...],
        direct: bool,
        edge: int | None = None,
    ) -> None:
        key = (kind, ident, held.event, held.field)
        if key in seen_facts:
            return
        seen_facts.add(key)
        facts.append(
            Fact(
                category,
                kind,
                ident,
                held.event,
                held.field,
                "direct" if direct else "propagated",
                held.protection,
                held.subject_types,
                held.origin,
                hops,
                edge,
            )
        )

    while queue:
        held, direct = queue.popleft()
        add("field", f"{held.event}#{held.field}", held, held.hops, direct)
        for edge in sorted(graph.producers.get(held.event, []), key=_edge_key):
            add(
                "producer",
                edge["service"],
                held,
                (*held.hops, f"producer:{edge['service']}"),
                direct,
                edge["position"],
            )
            if edge["channel"]:
                add(
                    "channel",
                    edge["channel"],
                    held,
                    (*held.hops, f"channel:{edge['channel']}"),
                    direct,
                )
        for edge in sorted(graph.consumers.get(held.event, []), key=_edge_key):
            if edge["fields"] and not any(related(held.field, f) for f in edge["fields"]):
                continue
            via = (*held.hops, f"channel:{edge['channel']}") if edge["channel"] else held.hops
            reached = (*via, f"consumer:{edge['service']}")
            add("consumer", edge["service"], held, reached, direct, edge["position"])
            for store in edge["stores"]:
                add("store", store, held, (*reached, f"store:{store}"), direct, edge["position"])
            for recipient in edge["recipients"]:
                add(
                    "recipient",
                    recipient,
                    held,
                    (*reached, f"recipient:{recipient}"),
                    direct,
                    edge["position"],
                )
        for row, source in sorted(
            graph.derived.get(held.event, []), key=lambda d: (d[0]["service"], d[0]["position"])
        ):
            if not related(held.field, source):
                continue
            step = f"derive:{row['service']}({row['transformation']})"
            target = field_hop(row["event"], row["field"])
            hops = (*held.hops, step, target)
            transformation = row["transformation"]
            if transformation not in KEEPS and transformation not in PROTECTS:
                stops.append(
                    Stop(
                        category,
                        held.event,
                        held.field,
                        row["service"],
                        transformation,
                        row["event"],
                        row["field"],
                        hops,
                    )
                )
                continue
            if (row["event"], row["field"]) in seen_fields:
                continue
            seen_fields.add((row["event"], row["field"]))
            protection = PROTECTS.get(transformation, held.protection)
            queue.append(
                (
                    Holding(
                        row["event"],
                        row["field"],
                        protection,
                        held.subject_types,
                        held.origin,
                        hops,
                    ),
                    False,
                )
            )


def _edge_key(edge: Row) -> tuple[str, int]:
    return (edge["service"], edge["position"])
