"""Implicit Avro edges: free changes need no upcaster (AC-AVRO-FREE), unsafe ones are refused
(AC-AVRO-UNSAFE), and the compiled conversion equals fastavro's resolution (AC-RESOLUTION-DIFF)."""

from __future__ import annotations

import copy
import io
import json
import math
import random
from collections.abc import Iterator
from typing import Any

import fastavro
import fastavro.utils
import pytest

from evcat.formats import get_format
from evcat.upcast import GraphError, UpcastFailed, upcaster_for
from evcat.upcast.codecs.resolution import resolve_avro
from tests.upcast.order_schemas import avro

T = "acme.Shipment"


def encode(schema: Any, record: Any) -> bytes:
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, schema, record)
    return buffer.getvalue()


def decode(schema: Any, payload: bytes, reader: Any = None) -> Any:
    return fastavro.schemaless_reader(io.BytesIO(payload), schema, reader)


def test_ac_avro_free_default_and_alias_need_no_upcaster() -> None:
    v1 = avro([{"name": "id", "type": "string"}, {"name": "dest", "type": "string"}], T)
    v2 = avro(
        [
            {"name": "id", "type": "string"},
            {"name": "destination", "type": "string", "aliases": ["dest"]},
            {"name": "carrier", "type": "string", "default": "post"},
        ],
        T,
    )
    up = upcaster_for({(T, 1): v1, (T, 2): v2})
    payload = encode(v1.model.fastavro_schema, {"id": "s-1", "dest": "Paris"})

    out = up.upcast_data(T, 1, decode(v1.model.fastavro_schema, payload))

    assert [label.split(" ")[0] for label in up.plan(T, 1)] == ["resolution"]
    assert out == {"id": "s-1", "destination": "Paris", "carrier": "post"}


def test_ac_avro_unsafe_a_rename_without_alias_is_not_an_implicit_edge() -> None:
    v1 = avro([{"name": "id", "type": "string"}, {"name": "dest", "type": "string"}], T)
    v2 = avro(
        [
            {"name": "id", "type": "string"},
            {"name": "destination", "type": "string", "default": ""},
        ],
        T,
    )
    up = upcaster_for({(T, 1): v1, (T, 2): v2})

    with pytest.raises(GraphError) as raised:
        up.check()

    assert raised.value.code == "UNSAFE_RESOLUTION"
    assert raised.value.problems[0].versions == (1, 2)
    assert "dest" in raised.value.problems[0].message


def test_a_data_dependent_union_is_unsafe() -> None:
    v1 = avro([{"name": "v", "type": ["null", "int", "string"]}], T)
    v2 = avro([{"name": "v", "type": ["null", "int"]}], T)

    assert resolve_avro(v1, v2).unsafe


def test_an_unsafe_edge_is_fine_once_an_upcaster_covers_the_step() -> None:
    from evcat.upcast import parse_spec

    v1 = avro([{"name": "dest", "type": "string"}], T)
    v2 = avro([{"name": "destination", "type": "string", "default": ""}], T)
    spec = parse_spec(
        {"event": T, "from": 1, "to": 2, "ops": [{"rename": {"from": "dest", "to": "destination"}}]}
    )

    up = upcaster_for({(T, 1): v1, (T, 2): v2}, [spec])

    assert up.upcast_data(T, 1, {"dest": "Oslo"}) == {"destination": "Oslo"}


# -- AC-RESOLUTION-DIFF -------------------------------------------------------------------------

ADDRESS = {
    "type": "record",
    "name": "acme.Address",
    "fields": [{"name": "city", "type": "string"}, {"name": "zip", "type": ["null", "int"]}],
}
STATUS = {"type": "enum", "name": "acme.Status", "symbols": ["NEW", "SENT", "LOST"]}
BASE = {
    "type": "record",
    "name": T,
    "fields": [
        {"name": "id", "type": "string"},
        {"name": "weight", "type": "int"},
        {"name": "volume", "type": "float"},
        {"name": "count", "type": "long"},
        {"name": "label", "type": "string"},
        {"name": "blob", "type": "bytes"},
        {"name": "status", "type": STATUS},
        {"name": "to", "type": ADDRESS},
        {
            "name": "stops",
            "type": {
                "type": "array",
                "items": {
                    "type": "record",
                    "name": "acme.Stop",
                    "fields": [{"name": "at", "type": "long"}],
                },
            },
        },
        {"name": "tags", "type": {"type": "map", "values": "int"}},
        {"name": "note", "type": ["null", "string"]},
    ],
}
PROMOTIONS = {
    "int": ["long", "float", "double"],
    "long": ["float", "double"],
    "float": ["double"],
    "string": ["bytes"],
    "bytes": ["string"],
}
DEFAULTS = [
    ("string", "x"),
    ("int", 7),
    ("double", 1.5),
    (["null", "string"], None),
    ({"type": "array", "items": "int"}, [1, 2]),
    ({"type": "map", "values": "string"}, {"a": "b"}),
    ("boolean", True),
]


def _records(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield schema
    for f in schema["fields"]:
        kind = f["type"]
        if isinstance(kind, dict) and kind.get("type") == "array":
            kind = kind["items"]
        if isinstance(kind, dict) and kind.get("type") == "record":
            yield from _records(kind)


def _fields(schema: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return [(record, f) for record in _records(schema) for f in record["fields"]]


def mutate(schema: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """A reader schema the writer's data should resolve to (most of the time)."""
    out = copy.deepcopy(schema)
    for _ in range(rng.randint(1, 4)):
        choice = rng.randrange(7)
        record, field = rng.choice(_fields(out))
        promotable = [
            (r, f)
            for r, f in _fields(out)
            if isinstance(f["type"], str) and f["type"] in PROMOTIONS
        ]
        if choice == 0:
            kind, default = rng.choice(DEFAULTS)
            record["fields"].insert(
                rng.randrange(len(record["fields"]) + 1),
                {"name": f"added_{rng.randrange(10**6)}", "type": kind, "default": default},
            )
        elif choice == 1 and len(record["fields"]) > 1:
            record["fields"].remove(field)
        elif choice == 2 and not field["name"].startswith("renamed"):
            field["aliases"] = [field["name"]]
            field["name"] = f"renamed_{field['name']}"
        elif choice == 3 and promotable:
            _, field = rng.choice(promotable)
            field["type"] = rng.choice(PROMOTIONS[field["type"]])
        elif choice == 4:
            for _, f in _fields(out):
                if f["type"] == STATUS:
                    f["type"] = {
                        "type": "enum",
                        "name": "acme.Status",
                        "symbols": ["NEW", "SENT", "GONE"],
                        "default": "GONE",
                    }
        elif choice == 5 and promotable:
            _, field = rng.choice(promotable)
            field["type"] = ["null", field["type"]]
        elif choice == 6:
            rng.shuffle(record["fields"])
    return out


def same(left: Any, right: Any) -> bool:
    if isinstance(left, float) and isinstance(right, float):
        return left == right or (math.isnan(left) and math.isnan(right))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(same(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(same, left, right))
    return type(left) is type(right) and left == right


def test_ac_resolution_diff_compiled_edges_equal_fastavro_resolution() -> None:
    rng = random.Random(20240506)
    parse = get_format("AVRO").parse
    writer = parse(json.dumps(BASE))
    checked = 0
    for _ in range(250):
        reader = parse(json.dumps(mutate(BASE, rng)))
        up = upcaster_for({(T, 1): writer, (T, 2): reader})
        if up.graph.problems():
            continue  # unsafe or incompatible: no implicit edge to compare
        random.seed(rng.randrange(10**9))
        for record in fastavro.utils.generate_many(writer.model.fastavro_schema, 8):
            payload = encode(writer.model.fastavro_schema, record)
            written = decode(writer.model.fastavro_schema, payload)
            try:
                expected = decode(
                    writer.model.fastavro_schema, payload, reader.model.fastavro_schema
                )
            except ValueError:  # bytes that are not UTF-8, read as a string
                with pytest.raises(UpcastFailed):
                    up.upcast_data(T, 1, written)
                continue
            actual = up.upcast_data(T, 1, written)
            assert same(actual, expected), (reader.canonical, record)
            checked += 1
    assert checked > 1500  # most mutations give a usable edge; the comparison ran for real
