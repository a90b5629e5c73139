"""Field paths of schema versions, cached per process and loaded in bulk.

Schema contents never change, so the field list of a schema id, once computed, stays right.
An apply of a large catalog needs the fields of thousands of versions: they are read from the
registry a few queries at a time and parsed here; only schemas with references go through the
registry's own parser, which resolves them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from evcat.catalog.fields import SchemaField, schema_fields
from evcat.formats import get_format
from evcat.registry.service import Registry


class FieldCache:
    """``schema id -> field paths``, filled on demand."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._fields: dict[int, list[SchemaField]] = {}
        self._lock = threading.Lock()

    def prefetch(self, schema_ids: Iterable[int]) -> None:
        """Load and parse every schema id not yet cached, in bulk."""
        missing = sorted(set(schema_ids) - self._fields.keys())
        if not missing:
            return
        found: dict[int, list[SchemaField]] = {}
        for schema_id, stored in self.registry.schemas_by_ids(missing).items():
            parsed = (
                self.registry.parsed_by_id(schema_id)
                if stored.references
                else get_format(stored.schema_type).parse(stored.text)
            )
            found[schema_id] = schema_fields(parsed)
        with self._lock:
            self._fields.update(found)

    def fields(self, schema_id: int) -> list[SchemaField]:
        """The field paths of one schema id."""
        cached = self._fields.get(schema_id)
        if cached is None:
            self.prefetch([schema_id])
            cached = self._fields.get(schema_id, [])
        return cached

    def paths(self, schema_id: int) -> set[str]:
        return {field.path for field in self.fields(schema_id)}
