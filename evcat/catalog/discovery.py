"""Which events the registry holds, computed on read from the registry's own data.

A schema registered through the Confluent API is a catalog event with no extra step: its event
name is read from the schema itself (Avro record full name, the first Protobuf message's full
name, JSON Schema ``title`` or else ``$id``). Nothing is written when a schema is registered;
the catalog asks the registry for its subject versions and names each schema id once per
process. Schema contents never change, so a name, once computed, stays right; the subject
versions are mutable and are re-read whenever the registry's write epoch moves.

Computing on read rather than hooking registration keeps the registry unaware of the catalog
(every path that writes schemas, including IMPORT mode and deletes, is covered without
code in it) and guarantees that catalog data can never change what Confluent clients see.

Key subjects (``...-key``, TopicNameStrategy) hold record keys, not events, and are skipped.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import orjson

from evcat.catalog.errors import CatalogInputError
from evcat.formats import AVRO, JSON, PROTOBUF
from evcat.registry.entities import StoredSchema
from evcat.registry.service import Registry


@dataclass(frozen=True)
class EventVersion:
    """Version ``version`` of an event: the subject version holding it."""

    version: int
    subject: str
    schema_id: int
    schema_type: str


def event_name(schema: StoredSchema, registry: Registry) -> str | None:
    """The event a schema describes, or None (a primitive, or JSON without title or $id)."""
    if schema.schema_type == PROTOBUF:
        file = registry.parsed_by_id(schema.id).model.file
        if not file.message_type:
            return None
        package = f"{file.package}." if file.package else ""
        return f"{package}{file.message_type[0].name}"
    try:
        document = orjson.loads(schema.text)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(document, dict):
        return None
    if schema.schema_type == AVRO:
        name = document.get("name")
        if document.get("type") not in ("record", "error") or not isinstance(name, str):
            return None
        namespace = document.get("namespace")
        return name if "." in name or not namespace else f"{namespace}.{name}"
    if schema.schema_type == JSON:
        for key in ("title", "$id"):
            value = document.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return None


@dataclass(frozen=True)
class Snapshot:
    """The registry's events at one write epoch."""

    # event name -> subject -> [(version, schema id)] of live versions, ascending
    subjects: dict[str, dict[str, list[tuple[int, int]]]] = field(default_factory=dict)
    schema_types: dict[int, str] = field(default_factory=dict)

    def names(self) -> list[str]:
        return sorted(self.subjects)

    def has(self, name: str) -> bool:
        return name in self.subjects

    def primary_subject(self, name: str, declared: str | None = None) -> str | None:
        """The subject that numbers the event's versions.

        The declared subject when it holds the event; otherwise the subject holding the
        event's oldest schema (lowest id), ties broken by name.
        """
        held = self.subjects.get(name, {})
        if declared is not None:
            return declared if declared in held else None
        if not held:
            return None
        return min(held, key=lambda subject: (held[subject][0][1], subject))

    def versions(self, name: str, declared_subject: str | None = None) -> list[EventVersion]:
        """The event's versions, numbered by its primary subject."""
        subject = self.primary_subject(name, declared_subject)
        if subject is None:
            return []
        return [
            EventVersion(version, subject, schema_id, self.schema_types[schema_id])
            for version, schema_id in self.subjects[name][subject]
        ]


class EventIndex:
    """Discovered events, cached per process and refreshed when the registry changes."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._names: dict[int, tuple[str | None, str]] = {}
        self._snapshot = Snapshot()
        self._epoch = -1
        self._lock = threading.Lock()

    @property
    def epoch(self) -> int:
        """The registry write epoch of the current snapshot (-1 before the first)."""
        return self._epoch

    def snapshot(self) -> Snapshot:
        """The current snapshot; costs one small query when nothing changed."""
        epoch = self.registry.change_epoch()
        if epoch == self._epoch:
            return self._snapshot
        with self._lock:
            if epoch != self._epoch:
                self._snapshot = self._build()
                self._epoch = epoch
            return self._snapshot

    def _build(self) -> Snapshot:
        rows = [
            row
            for row in self.registry.version_index()
            if not row[3] and not row[0].endswith("-key")
        ]
        missing = sorted({row[2] for row in rows} - self._names.keys())
        for schema_id, schema in self.registry.schemas_by_ids(missing).items():
            self._names[schema_id] = (event_name(schema, self.registry), schema.schema_type)
        subjects: dict[str, dict[str, list[tuple[int, int]]]] = {}
        schema_types: dict[int, str] = {}
        for subject, version, schema_id, _deleted in rows:
            name, schema_type = self._names.get(schema_id, (None, ""))
            if name is None:
                continue
            subjects.setdefault(name, {}).setdefault(subject, []).append((version, schema_id))
            schema_types[schema_id] = schema_type
        return Snapshot(subjects, schema_types)


def resolve_versions(spec: str, available: Sequence[int]) -> list[int]:
    """The versions a spec selects: ``latest``, ``3``, ``^2`` (2 and later) or ``2.x`` (2)."""
    if spec == "latest":
        return [max(available)] if available else []
    try:
        if spec.startswith("^"):
            floor = int(spec[1:])
            return [v for v in available if v >= floor]
        number = int(spec.removesuffix(".x"))
    except ValueError:
        raise CatalogInputError(
            f"'{spec}' is not a version spec: use latest, 3, ^2 or 2.x"
        ) from None
    return [number] if number in available else []
