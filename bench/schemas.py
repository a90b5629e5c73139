"""The Avro schemas the benchmarks register, generated so that every one is distinct."""

from __future__ import annotations

from typing import Any

import orjson

_FILLER = "set by the producer, see the contract"


def _field(name: str, kind: str, index: int) -> dict[str, Any]:
    """One field of a realistic mix of types, all of them with a doc."""
    doc = f"{name}: {_FILLER}"
    if kind == "string":
        return {"name": name, "type": "string", "doc": doc}
    if kind == "long":
        return {"name": name, "type": "long", "doc": doc}
    if kind == "optional":
        return {"name": name, "type": ["null", "string"], "default": None, "doc": doc}
    if kind == "decimal":
        decimal = {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 2}
        return {"name": name, "type": decimal, "doc": doc}
    if kind == "array":
        return {"name": name, "type": {"type": "array", "items": "string"}, "doc": doc}
    if kind == "map":
        return {"name": name, "type": {"type": "map", "values": "long"}, "doc": doc}
    if kind == "enum":
        symbols = ["NEW", "ACTIVE", "SUSPENDED", "CLOSED"]
        enum = {"type": "enum", "name": f"Status{index}", "symbols": symbols}
        return {"name": name, "type": enum, "doc": doc}
    if kind == "record":
        fields = [{"name": "street", "type": "string"}, {"name": "city", "type": "string"}]
        return {
            "name": name,
            "type": {"type": "record", "name": f"Address{index}", "fields": fields},
        }
    raise ValueError(kind)


_KINDS = ("string", "long", "optional", "decimal", "array", "map", "enum", "record")


def _fields(count: int) -> list[dict[str, Any]]:
    return [_field(f"field_{i:02d}", _KINDS[i % len(_KINDS)], i) for i in range(count)]


def typical(number: int) -> str:
    """A ~1.5 KB event schema (12 documented fields of mixed types); ``number`` makes it unique."""
    schema = {
        "type": "record",
        "name": f"Event{number}",
        "namespace": "bench.events",
        "doc": f"Benchmark event number {number}.",
        "fields": _fields(12),
    }
    return orjson.dumps(schema).decode()


def growing(extra: int, *, added: str | None = None) -> str:
    """A 10-field record plus ``extra`` defaulted fields: version ``extra`` of a subject.

    Each version adds one field with a default, so every version is backward compatible with
    all the earlier ones. ``added`` names one more defaulted field, for measured registrations.
    """
    fields = _fields(10)
    names = [f"added_{k:04d}" for k in range(extra)] + ([added] if added else [])
    fields += [{"name": name, "type": "long", "default": 0} for name in names]
    schema = {
        "type": "record",
        "name": "Growing",
        "namespace": "bench.transitive",
        "fields": fields,
    }
    return orjson.dumps(schema).decode()


def wide(revision: int, *, added: str | None = None) -> str:
    """A 50-field record; versions differ in the default of its ``revision`` field.

    Each version is structurally different (not only in docs), so the compatibility engine
    compares every pair in full. ``added`` appends one more defaulted field.
    """
    fields = _fields(49)
    fields.append({"name": "revision", "type": "long", "default": revision})
    if added:
        fields.append({"name": added, "type": ["null", "string"], "default": None})
    schema = {"type": "record", "name": "Wide", "namespace": "bench.transitive", "fields": fields}
    return orjson.dumps(schema).decode()
