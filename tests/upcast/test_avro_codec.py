"""The generated Avro codecs equal fastavro: same bytes written, same values read.

Schemas are drawn at random (records, every primitive, enums, fixed, arrays, maps, nullable
and mixed unions, nested and recursive records), their data comes from fastavro's own
generator plus boundary values (``evcat.upcast.edges.samples``); each sample is written by both
and read by both.
"""

from __future__ import annotations

import io
import json
import math
import random
from typing import Any

import fastavro
import pytest

from evcat.formats import ParsedSchema, get_format
from evcat.upcast import InvalidWireFormat, upcaster_for
from evcat.upcast.codecs.avro import AvroCodec, AvroDataError, generate_codec
from evcat.upcast.edges.samples import samples
from evcat.upcast.read.wire import WireUpcaster, generated_codec, header

PRIMITIVES = ["null", "boolean", "int", "long", "float", "double", "bytes", "string"]


def parse(schema: Any) -> ParsedSchema:
    return get_format("AVRO").parse(json.dumps(schema))


def codec_of(schema: ParsedSchema) -> AvroCodec:
    codec = generated_codec(schema)
    assert codec is not None, schema.canonical
    return codec


def fastavro_bytes(schema: ParsedSchema, value: Any) -> bytes:
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, schema.model.fastavro_schema, value)
    return buffer.getvalue()


def fastavro_value(schema: ParsedSchema, data: bytes) -> Any:
    return fastavro.schemaless_reader(io.BytesIO(data), schema.model.fastavro_schema, None)


def encoded(codec: AvroCodec, value: Any) -> bytes:
    out = bytearray()
    codec.encode(out, value)
    return bytes(out)


def same(left: Any, right: Any) -> bool:
    """Equality that takes NaN as equal to NaN and keeps bool apart from int."""
    if isinstance(left, float) and isinstance(right, float):
        return (math.isnan(left) and math.isnan(right)) or left == right
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return list(left) == list(right) and all(same(left[k], right[k]) for k in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(map(same, left, right))
    return bool(left == right)


class SchemaDrawer:
    """Random Avro schemas: every type, nesting bounded by depth, one recursive record."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.names = 0

    def name(self, prefix: str) -> str:
        self.names += 1
        return f"{prefix}{self.names}"

    def union(self, depth: int) -> list[Any]:
        shape = self.rng.choice(["nullable", "nullable", "primitives", "mixed"])
        if shape == "nullable":
            return ["null", self.draw(depth + 1, unions=False)]
        if shape == "primitives":
            return self.rng.sample(["null", "boolean", "long", "double", "string", "bytes"], 3)
        return ["null", "string", {"type": "array", "items": "long"}, self.record(depth + 1)]

    def record(self, depth: int) -> dict[str, Any]:
        name = self.name("R")
        fields: list[dict[str, Any]] = []
        for index in range(self.rng.randint(0 if depth else 1, 5)):
            field: dict[str, Any] = {"name": f"f{index}", "type": self.draw(depth + 1)}
            fields.append(field)
        if depth == 0 and self.rng.random() < 0.3:  # a linked list of this very record
            fields.append({"name": "next", "type": ["null", name], "default": None})
        return {"type": "record", "name": name, "fields": fields}

    def draw(self, depth: int, unions: bool = True) -> Any:
        kinds = ["primitive"] * 4 + ["enum", "fixed"]
        if depth < 3:
            kinds += ["array", "map", "record"] + (["union"] if unions else [])
        kind = self.rng.choice(kinds)
        if kind == "primitive":
            return self.rng.choice(PRIMITIVES)
        if kind == "enum":
            symbols = [f"S{n}" for n in range(self.rng.randint(1, 4))]
            return {"type": "enum", "name": self.name("E"), "symbols": symbols}
        if kind == "fixed":
            return {"type": "fixed", "name": self.name("F"), "size": self.rng.randint(0, 4)}
        if kind == "array":
            return {"type": "array", "items": self.draw(depth + 1)}
        if kind == "map":
            return {"type": "map", "values": self.draw(depth + 1)}
        if kind == "record":
            return self.record(depth)
        return self.union(depth)


def test_generated_codecs_write_and_read_what_fastavro_does_on_random_schemas() -> None:
    rng = random.Random(20261130)
    checked = 0
    for _ in range(120):
        schema = parse(SchemaDrawer(rng).record(0))
        codec = codec_of(schema)
        for value in samples(schema, count=12, seed=rng.randrange(10**6)):
            expected = fastavro_bytes(schema, value)
            assert encoded(codec, value) == expected, (schema.canonical, value)
            assert same(codec.decode(expected, 0), fastavro_value(schema, expected))
            checked += 1
    assert checked > 1000


def test_a_top_level_schema_need_not_be_a_record() -> None:
    for document in [
        "string",
        {"type": "array", "items": "int"},
        ["null", "long"],
        {"type": "map", "values": "double"},
    ]:
        schema = parse(document)
        codec = codec_of(schema)
        for value in samples(schema, count=20):
            data = fastavro_bytes(schema, value)
            assert encoded(codec, value) == data
            assert same(codec.decode(data, 0), fastavro_value(schema, data))


def test_union_branches_are_chosen_as_fastavro_chooses_them() -> None:
    schema = parse(["null", "int", "long", "double", "string", "boolean"])
    codec = codec_of(schema)
    for value in [None, 0, 2**31 - 1, 2**31, -(2**31) - 1, 2**62, 1.5, 3, True, False, "x"]:
        assert encoded(codec, value) == fastavro_bytes(schema, value), value


def test_a_missing_field_takes_its_default_or_null_as_fastavro_writes_it() -> None:
    schema = parse(
        {
            "type": "record",
            "name": "R",
            "fields": [
                {"name": "channel", "type": "string", "default": "web"},
                {"name": "note", "type": ["null", "string"]},
                {"name": "ratio", "type": "double"},
            ],
        }
    )
    codec = codec_of(schema)
    for value in [{"ratio": 1}, {"ratio": "NaN", "note": "n"}, {"channel": "app", "ratio": 2.5}]:
        assert encoded(codec, value) == fastavro_bytes(schema, value), value


def test_a_missing_field_without_default_is_refused() -> None:
    schema = parse(
        {"type": "record", "name": "R", "fields": [{"name": "order_id", "type": "string"}]}
    )
    with pytest.raises(KeyError, match="order_id"):
        encoded(codec_of(schema), {})


@pytest.mark.parametrize(
    ("field_type", "value"),
    [
        ("int", 2**31),
        ("long", 2**63),
        ("long", 1.5),
        ("string", 7),
        ("bytes", "text"),
        ({"type": "fixed", "name": "F", "size": 2}, b"abc"),
        ({"type": "enum", "name": "E", "symbols": ["A"]}, "B"),
        ({"type": "array", "items": "long"}, "abc"),
        (["null", "long"], "text"),
    ],
)
def test_a_value_the_schema_cannot_hold_is_an_error_not_garbage_bytes(
    field_type: Any, value: Any
) -> None:
    schema = parse({"type": "record", "name": "R", "fields": [{"name": "f", "type": field_type}]})
    with pytest.raises((ValueError, TypeError, KeyError, AttributeError)):
        encoded(codec_of(schema), {"f": value})


@pytest.mark.parametrize(
    ("field_type", "data", "problem"),
    [
        ("string", b"\x0aab", "ends before"),
        ("string", b"\x03", "ends before"),
        ("string", b"\x04\xff\xfe", "not UTF-8"),
        ("long", b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", "longer than 10 bytes"),
        ("long", b"\x80", "ends before"),
        ("double", b"\x00\x00", "ends before"),
        ({"type": "enum", "name": "E", "symbols": ["A"]}, b"\x02", "enum index 1"),
        (["null", "long"], b"\x04", "union index 2"),
        ({"type": "array", "items": "long"}, b"\x7e", "ends before"),
        ({"type": "array", "items": "null"}, b"\xfe\xff\xff\xff\x0f", "ends before"),
    ],
)
def test_bad_data_is_an_avro_data_error_naming_the_problem(
    field_type: Any, data: bytes, problem: str
) -> None:
    schema = parse({"type": "record", "name": "R", "fields": [{"name": "f", "type": field_type}]})
    with pytest.raises(AvroDataError, match=problem):
        codec_of(schema).decode(data, 0)


@pytest.mark.parametrize(
    "document",
    [
        {"type": "long", "logicalType": "timestamp-millis"},
        ["null", {"type": "record", "name": "A", "fields": []}, {"type": "map", "values": "int"}],
        ["float", "double"],
    ],
)
def test_schemas_the_generator_leaves_to_fastavro_get_no_codec(document: Any) -> None:
    schema = parse(document)
    assert generate_codec(schema.model.fastavro_schema) is None


def test_a_schema_left_to_fastavro_still_upcasts_frames() -> None:
    v1 = parse(
        {
            "type": "record",
            "name": "T",
            "fields": [{"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}}],
        }
    )
    v2 = parse(
        {
            "type": "record",
            "name": "T",
            "fields": [
                {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
                {"name": "source", "type": "string", "default": "legacy"},
            ],
        }
    )
    up = upcaster_for({("T", 1): v1, ("T", 2): v2}, [])
    wire = WireUpcaster(up)
    frame = header(up.index.schema_id(("T", 1))) + fastavro_bytes(v1, {"at": 1_700_000_000_000})
    out = wire.upcast(frame)
    assert out[:5] == header(up.index.schema_id(("T", 2)))
    assert fastavro_value(v2, out[5:])["source"] == "legacy"


@pytest.mark.parametrize("logical", [False, True])
def test_a_frame_whose_data_does_not_decode_is_invalid_wire_format(logical: bool) -> None:
    long_type: Any = {"type": "long", "logicalType": "timestamp-millis"} if logical else "long"
    fields = [{"name": "at", "type": long_type}, {"name": "name", "type": "string"}]
    v1 = parse({"type": "record", "name": "T", "fields": fields})
    v2 = parse(
        {
            "type": "record",
            "name": "T",
            "fields": [*fields, {"name": "source", "type": "string", "default": "legacy"}],
        }
    )
    up = upcaster_for({("T", 1): v1, ("T", 2): v2}, [])
    truncated = header(up.index.schema_id(("T", 1))) + b"\x02\x40ab"
    with pytest.raises(InvalidWireFormat, match="not valid for schema id"):
        WireUpcaster(up).upcast(truncated)
