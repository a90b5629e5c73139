"""Sample payloads of a schema version: seeded random ones plus boundary values.

- Avro: fastavro's own generator, plus boundary records (zero, min and max numbers, empty and
  non-ASCII text, empty containers, every union branch, first and last enum symbol);
- Protobuf: a walk of the message descriptor with values in each field type's range;
- JSON Schema: hypothesis-jsonschema when it is installed, else a walk of the payload shape.

Every sample is passed through the format itself (encode and decode, or validate), so it has
exactly the form an upcaster sees when reading stored events; a candidate the schema refuses
is dropped. The same seed gives the same samples.
"""

from __future__ import annotations

import io
import random
import string
import uuid
from collections.abc import Iterator
from typing import Any

import fastavro
import fastavro.utils

from evcat.formats import AVRO, JSON, PROTOBUF, ParsedSchema
from evcat.formats.jsonschema import patterns as jsonschema_patterns
from evcat.upcast.codecs.protobuf import fill_message, message_class, message_to_dict
from evcat.upcast.codecs.resolution import named_types
from evcat.upcast.shapes.model import NUMBERS
from evcat.upcast.shapes.schema import Shape, shape_of

BOUNDARY_VARIANTS = 4
_TEXT = ["", "ünïcødé ✓ 名前", "x", " spaced  text "]
_RANGES = {"int": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}


def samples(schema: ParsedSchema, count: int = 200, seed: int = 0) -> list[Any]:
    """``count`` seeded random samples followed by the boundary samples, all decoded forms."""
    if schema.schema_type == AVRO:
        return _avro(schema, count, seed)
    if schema.schema_type == PROTOBUF:
        return _protobuf(schema, count, seed)
    if schema.schema_type == JSON:
        return _json(schema, count, seed)
    return []


# -- Avro --------------------------------------------------------------------------------------


def _avro_boundary(schema: Any, named: dict[str, Any], variant: int, depth: int = 0) -> Any:
    if isinstance(schema, str) and schema in named:
        schema = named[schema]
    if isinstance(schema, list):
        # Deep down, take null where a union offers it: a recursive type must end somewhere.
        deep = depth > 4 and "null" in schema
        branch = "null" if deep else schema[variant % len(schema)]
        return _avro_boundary(branch, named, variant, depth + 1)
    kind = schema["type"] if isinstance(schema, dict) else schema
    if isinstance(kind, dict | list):
        return _avro_boundary(kind, named, variant, depth)
    logical = schema.get("logicalType") if isinstance(schema, dict) else None
    if logical == "uuid" and kind == "string":
        return str(uuid.UUID(int=0 if variant % 2 == 0 else 2**128 - 1))
    if logical and kind in _RANGES:
        # Dates and times are read back as such: the extremes of int and long are not dates.
        return variant % 2
    simple = {
        "null": None,
        "boolean": variant % 2 == 0,
        "float": [0.0, -1.5, 3.0e38, 1.0e-30][variant % 4],
        "double": [0.0, -1.0e308, 1.0e308, 5e-324][variant % 4],
        "string": _TEXT[variant % len(_TEXT)],
        "bytes": [b"", b"\x00\xff", b"abc", b"\x7f"][variant % 4],
    }
    if kind in simple:
        return simple[kind]
    if kind in _RANGES:
        low, high = _RANGES[kind]
        return [0, low, high, -1][variant % 4]
    if kind == "enum":
        return schema["symbols"][0 if variant % 2 == 0 else -1]
    if kind == "fixed":
        return bytes([0 if variant % 2 == 0 else 255]) * schema["size"]
    if kind == "array":
        if variant % 2 == 0 or depth > 4:
            return []
        return [_avro_boundary(schema["items"], named, variant, depth + 1)]
    if kind == "map":
        if variant % 2 == 0 or depth > 4:
            return {}
        return {"k": _avro_boundary(schema["values"], named, variant, depth + 1)}
    return {
        f["name"]: _avro_boundary(f["type"], named, variant, depth + 1)
        for f in schema.get("fields", [])
    }


def _avro(parsed: ParsedSchema, count: int, seed: int) -> list[Any]:
    schema = parsed.model.fastavro_schema
    named: dict[str, Any] = dict(parsed.model.fastavro_named)
    named_types(schema, named)
    state = random.getstate()
    random.seed(seed)  # fastavro's generator draws from the module-level generator
    try:
        candidates = list(fastavro.utils.generate_many(schema, count))
    finally:
        random.setstate(state)
    candidates += [_avro_boundary(schema, named, v) for v in range(BOUNDARY_VARIANTS)]
    out = []
    for candidate in candidates:
        buffer = io.BytesIO()
        try:
            fastavro.schemaless_writer(buffer, schema, candidate)
            buffer.seek(0)
            # Logical types are checked on reading (a uuid string, a date in range).
            out.append(fastavro.schemaless_reader(buffer, schema, None))
        except (ValueError, TypeError, OverflowError, AttributeError):
            continue
    return out


# -- Protobuf ----------------------------------------------------------------------------------

_PROTO_RANGES = {
    "TYPE_INT32": (-(2**31), 2**31 - 1),
    "TYPE_SINT32": (-(2**31), 2**31 - 1),
    "TYPE_SFIXED32": (-(2**31), 2**31 - 1),
    "TYPE_UINT32": (0, 2**32 - 1),
    "TYPE_FIXED32": (0, 2**32 - 1),
    "TYPE_INT64": (-(2**63), 2**63 - 1),
    "TYPE_SINT64": (-(2**63), 2**63 - 1),
    "TYPE_SFIXED64": (-(2**63), 2**63 - 1),
    "TYPE_UINT64": (0, 2**64 - 1),
    "TYPE_FIXED64": (0, 2**64 - 1),
}


def _proto_value(field: Any, rng: random.Random, variant: int | None, depth: int) -> Any:
    from google.protobuf.descriptor import FieldDescriptor as F

    names = {getattr(F, name): name for name in dir(F) if name.startswith("TYPE_")}
    kind = names[field.type]
    if kind in _PROTO_RANGES:
        low, high = _PROTO_RANGES[kind]
        return rng.randint(low, high) if variant is None else [0, low, high][variant % 3]
    if kind in ("TYPE_DOUBLE", "TYPE_FLOAT"):
        return rng.uniform(-1e6, 1e6) if variant is None else [0.0, -1.5, 1e30][variant % 3]
    if kind == "TYPE_BOOL":
        return rng.random() < 0.5 if variant is None else variant % 2 == 0
    if kind == "TYPE_STRING":
        return _random_text(rng) if variant is None else _TEXT[variant % len(_TEXT)]
    if kind == "TYPE_BYTES":
        return rng.randbytes(rng.randint(0, 8)) if variant is None else b"\x00\xff"[: variant % 3]
    if kind == "TYPE_ENUM":
        values = field.enum_type.values
        return (rng.choice(values) if variant is None else values[variant % len(values)]).name
    return _proto_message(field.message_type, rng, variant, depth + 1)


def _proto_message(descriptor: Any, rng: random.Random, variant: int | None, depth: int) -> Any:
    out: dict[str, Any] = {}
    if depth > 3:
        return out
    for field in descriptor.fields:
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            key = field.message_type.fields_by_name["key"]
            value = field.message_type.fields_by_name["value"]
            size = rng.randint(0, 2) if variant is None else variant % 2
            out[field.name] = {
                _proto_value(key, rng, None, depth): _proto_value(value, rng, variant, depth)
                for _ in range(size)
            }
        elif field.is_repeated:
            size = rng.randint(0, 3) if variant is None else variant % 2
            out[field.name] = [_proto_value(field, rng, variant, depth) for _ in range(size)]
        elif field.has_presence and (variant or 0) % 2 == 1:
            continue
        else:
            out[field.name] = _proto_value(field, rng, variant, depth)
    return out


def _protobuf(parsed: ParsedSchema, count: int, seed: int) -> list[Any]:
    model = parsed.model
    if not model.message_names:
        return []
    descriptor = model.message_descriptor(model.message_names[0])
    cls = message_class(descriptor)
    rng = random.Random(seed)
    variants: list[int | None] = [None] * count + list(range(BOUNDARY_VARIANTS))
    out = []
    for variant in variants:
        message = fill_message(cls(), _proto_message(descriptor, rng, variant, 0))
        out.append(message_to_dict(cls.FromString(message.SerializeToString())))
    return out


# -- JSON Schema -------------------------------------------------------------------------------


def _random_text(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_letters + " é✓") for _ in range(rng.randint(0, 12)))


def _shape_value(shape: Shape, rng: random.Random, depth: int, boundary: int | None) -> Any:
    kind = shape.kind
    if kind == "union" and shape.branches:
        index = rng.randrange(len(shape.branches)) if boundary is None else boundary
        return _shape_value(shape.branches[index % len(shape.branches)], rng, depth, boundary)
    if kind == "enum":
        return rng.choice(shape.symbols) if boundary is None else shape.symbols[boundary % 2 - 1]
    if kind in NUMBERS:
        integer = kind in ("int", "long")
        if boundary is not None:
            return (
                [0, -1, 2**31 - 1, 1][boundary % 4] if integer else [0.0, -0.5, 1e9][boundary % 3]
            )
        return rng.randint(-(10**6), 10**6) if integer else rng.uniform(-1e6, 1e6)
    if kind == "boolean":
        return rng.random() < 0.5
    if kind == "null":
        return None
    if kind == "string":
        return _random_text(rng) if boundary is None else _TEXT[boundary % len(_TEXT)]
    if kind == "array" and shape.items is not None and depth < 4:
        size = rng.randint(0, 3) if boundary is None else boundary % 2
        return [_shape_value(shape.items, rng, depth + 1, boundary) for _ in range(size)]
    if kind == "record" and depth < 5:
        out = {}
        for name, field in shape.fields.items():
            if field.required or (rng.random() < 0.6 if boundary is None else boundary % 2 == 1):
                out[name] = _shape_value(field.shape, rng, depth + 1, boundary)
        return out
    if kind == "map":
        return {}
    return _random_text(rng) if boundary is None else None


def _hypothesis_json(document: Any, count: int) -> Iterator[Any]:
    """Up to ``count`` documents from hypothesis-jsonschema, derandomized (the same every run)."""
    try:
        from hypothesis import HealthCheck, given, settings
        from hypothesis_jsonschema import from_schema
    except ImportError:
        return iter(())
    drawn: list[Any] = []

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(from_schema(document))
    def collect(value: Any) -> None:
        drawn.append(value)

    try:
        collect()
    except Exception:  # an unsupported keyword costs these samples, nothing more
        return iter(())
    return iter(drawn[:count])


def _has_patterns(document: Any) -> bool:
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "pattern" in node or "patternProperties" in node:
                return True
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def _json(parsed: ParsedSchema, count: int, seed: int) -> list[Any]:
    model = parsed.model
    validator = jsonschema_patterns.validator(model)
    shape = shape_of(parsed).shape
    rng = random.Random(seed)
    # hypothesis-jsonschema matches patterns with `re`, which backtracks: not on user patterns.
    drawn = [] if _has_patterns(model.document) else list(_hypothesis_json(model.document, count))
    candidates = drawn
    while len(candidates) < count:
        candidates.append(_shape_value(shape, rng, 0, None))
    candidates += [_shape_value(shape, rng, 0, v) for v in range(BOUNDARY_VARIANTS)]
    return [candidate for candidate in candidates if validator.is_valid(candidate)]
