"""The schema versions upcasting works over: event type and version <-> schema id <-> schema.

An event type is a registry subject (with Confluent's RecordNameStrategy the subject *is* the
record's full name, e.g. ``shop.OrderPlaced``); its versions are the subject's live versions.
Schemas are parsed and turned into shapes lazily and kept, since schema contents never change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from evcat.formats import ParsedSchema
from evcat.upcast.errors import UnknownEventVersion
from evcat.upcast.shapes.schema import SchemaShape, shape_of

NodeKey = tuple[str, int]


@dataclass
class SchemaIndex:
    """Live versions of every event type, their schema ids, and their parsed schemas."""

    ids: dict[NodeKey, int]
    load: Callable[[int], ParsedSchema]
    versions: dict[str, list[int]] = field(default_factory=dict)
    nodes_by_id: dict[int, list[NodeKey]] = field(default_factory=dict)
    _parsed: dict[int, ParsedSchema] = field(default_factory=dict)
    _shapes: dict[int, SchemaShape] = field(default_factory=dict)

    def __post_init__(self) -> None:
        versions: dict[str, list[int]] = defaultdict(list)
        by_id: dict[int, list[NodeKey]] = defaultdict(list)
        for (event, version), schema_id in sorted(self.ids.items()):
            versions[event].append(version)
            by_id[schema_id].append((event, version))
        self.versions = dict(versions)
        self.nodes_by_id = dict(by_id)

    @classmethod
    def from_rows(
        cls, rows: Iterable[tuple[str, int, int, bool]], load: Callable[[int], ParsedSchema]
    ) -> SchemaIndex:
        """From ``Registry.version_index()`` rows; soft-deleted versions are left out."""
        ids = {
            (subject, version): schema_id
            for subject, version, schema_id, deleted in rows
            if not deleted
        }
        return cls(ids, load)

    @classmethod
    def from_schemas(cls, schemas: Mapping[NodeKey, ParsedSchema]) -> SchemaIndex:
        """An index over schemas held in memory (tests, offline checks); ids are invented."""
        ids = {node: index + 1 for index, node in enumerate(sorted(schemas))}
        by_id = {ids[node]: schemas[node] for node in schemas}
        return cls(ids, by_id.__getitem__)

    def has(self, node: NodeKey) -> bool:
        return node in self.ids

    def schema_id(self, node: NodeKey) -> int:
        try:
            return self.ids[node]
        except KeyError:
            raise UnknownEventVersion(
                f"{node[0]} v{node[1]} is not a registered version "
                f"(known: {self.versions.get(node[0], [])})"
            ) from None

    def parsed(self, node: NodeKey) -> ParsedSchema:
        schema_id = self.schema_id(node)
        parsed = self._parsed.get(schema_id)
        if parsed is None:
            parsed = self._parsed[schema_id] = self.load(schema_id)
        return parsed

    def shape(self, node: NodeKey) -> SchemaShape:
        schema_id = self.schema_id(node)
        shape = self._shapes.get(schema_id)
        if shape is None:
            shape = self._shapes[schema_id] = shape_of(self.parsed(node))
        return shape

    def node_for_id(self, schema_id: int, hint: str | None = None) -> NodeKey:
        """The event type and version a schema id stands for.

        One schema may be registered under several subjects; ``hint`` (a type name) picks
        one, else the first subject in name order.
        """
        nodes = self.nodes_by_id.get(schema_id)
        if not nodes:
            raise UnknownEventVersion(f"schema id {schema_id} is not a live event version")
        if hint is not None:
            for node in nodes:
                if node[0] == hint:
                    return node
        return nodes[0]

    def latest(self, event_type: str) -> int:
        known = self.versions.get(event_type)
        if not known:
            raise UnknownEventVersion(f"{event_type} has no registered versions")
        return known[-1]
