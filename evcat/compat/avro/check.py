"""Avro reader/writer compatibility: Apache Avro's schema resolution, explained.

The rules live in ``rules`` and the wording in ``explain``; this module is the entry
point the level logic calls, plus a cache of verdicts. Schemas are immutable, so a verdict for
one (reader, writer) pair of canonical forms never changes: transitive checks and CI gates
that repeat a comparison get it from the cache.
"""

from __future__ import annotations

from collections import OrderedDict
from hashlib import blake2b
from threading import Lock
from weakref import WeakKeyDictionary

from evcat.compat.avro.explain import explain
from evcat.compat.avro.rules import Resolver
from evcat.compat.base import Incompatibility
from evcat.formats.avro import AvroModel
from evcat.formats.base import ParsedSchema

_CACHE_SIZE = 8192

_Key = tuple[bytes, bytes, str, str]


class _Verdicts:
    """A bounded least-recently-used map from schema pairs to their incompatibilities."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[_Key, tuple[Incompatibility, ...]] = OrderedDict()
        self._lock = Lock()

    def get(self, key: _Key) -> tuple[Incompatibility, ...] | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: _Key, value: tuple[Incompatibility, ...]) -> None:
        with self._lock:
            self._items[key] = value
            if len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_VERDICTS = _Verdicts(_CACHE_SIZE)


# Digests rather than texts key the cache, so it never keeps large schemas alive.
_DIGESTS: WeakKeyDictionary[ParsedSchema, bytes] = WeakKeyDictionary()


def _identity(schema: ParsedSchema) -> bytes:
    """A digest of the canonical text and of what each reference resolved to."""
    digest = _DIGESTS.get(schema)
    if digest is None:
        hasher = blake2b(schema.canonical.encode(), digest_size=16)
        # JSON text never holds a raw NUL, so the separators keep the parts apart.
        for name in sorted(schema.dependencies):
            hasher.update(b"\0" + name.encode() + b"\0" + _identity(schema.dependencies[name]))
        digest = hasher.digest()
        _DIGESTS[schema] = digest
    return digest


def _model(schema: ParsedSchema) -> AvroModel:
    model = schema.model
    if not isinstance(model, AvroModel):
        raise TypeError(f"expected an Avro schema, got {schema.schema_type}")
    return model


def check_avro(
    reader: ParsedSchema,
    writer: ParsedSchema,
    *,
    reader_role: str,
    writer_role: str,
    policy: str,
) -> list[Incompatibility]:
    """Every reason ``reader`` cannot read data written with ``writer``, in Avro's order.

    Verdicts follow Apache Avro's ``SchemaCompatibility`` (what Confluent runs). ``policy``
    does not change Avro's rules; it is accepted for the common checker contract.
    """
    reader_id, writer_id = _identity(reader), _identity(writer)
    if reader_id == writer_id:
        return []
    key = (reader_id, writer_id, reader_role, writer_role)
    cached = _VERDICTS.get(key)
    if cached is None:
        reader_model, writer_model = _model(reader), _model(writer)
        findings = Resolver(reader_model.named, writer_model.named).compare(
            reader_model.schema, writer_model.schema
        )
        unique = dict.fromkeys(explain(f, reader_role, writer_role) for f in findings)
        cached = tuple(unique)
        _VERDICTS.put(key, cached)
    return list(cached)


def clear_cache() -> None:
    """Forget remembered verdicts (benchmarks use it to measure the comparison itself)."""
    _VERDICTS.clear()
