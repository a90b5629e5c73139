"""Format-neutral shapes of decoded payloads, read from Avro, JSON Schema and Protobuf schemas.

The static checker and the sample validator need the same few facts from every format: which
fields a record has, their kinds, which are required and what default they take. A ``Shape``
holds exactly that; ``shape_of`` builds one from a parsed schema.

Kinds: ``record``, ``map``, ``array``, ``union``, ``enum``, ``string``, ``bytes``, ``int``,
``long``, ``float``, ``double``, ``boolean``, ``null`` and ``any`` (JSON without a type).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from evcat.formats import AVRO, JSON, PROTOBUF, ParsedSchema
from evcat.upcast.shapes.jsonschema import json_shape
from evcat.upcast.shapes.model import ANY, FieldShape, Shape, record
from evcat.upcast.shapes.protobuf import proto_shape

__all__ = ["ANY", "FieldShape", "SchemaShape", "Shape", "record", "shape_of"]

_AVRO_PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}


@dataclass(frozen=True)
class SchemaShape:
    """The payload shape of one schema version, with the format it came from."""

    schema_type: str
    shape: Shape
    named: Mapping[str, Shape] = field(default_factory=dict)


class _AvroShapes:
    """Walks the normalized Avro tree; named types are built once (recursion stays finite)."""

    def __init__(self, named: Mapping[str, Any]) -> None:
        self.definitions = named
        self.built: dict[str, Shape] = {}

    def shape(self, node: Any) -> Shape:
        if isinstance(node, str):
            if node in _AVRO_PRIMITIVES:
                return Shape(node)
            return self.named(node)
        if isinstance(node, list):
            return Shape("union", branches=tuple(self.shape(branch) for branch in node))
        kind = node.get("type")
        logical = node.get("logicalType")
        if kind in ("record", "error"):
            return self.named_record(node)
        if kind == "enum":
            return Shape(
                "enum",
                name=node["name"],
                symbols=tuple(node["symbols"]),
                default=node.get("default"),
            )
        if kind == "fixed":
            return Shape("bytes", name=node["name"], logical=logical)
        if kind == "array":
            return Shape("array", items=self.shape(node["items"]))
        if kind == "map":
            return Shape("map", items=self.shape(node["values"]))
        if isinstance(kind, str) and kind in _AVRO_PRIMITIVES:
            return Shape(kind, logical=logical)
        return self.shape(kind)

    def named(self, name: str) -> Shape:
        if name in self.built:
            return self.built[name]
        definition = self.definitions.get(name)
        if definition is None:
            return ANY
        return self.shape(definition)

    def named_record(self, node: Mapping[str, Any]) -> Shape:
        name = node["name"]
        if name in self.built:
            return self.built[name]
        # A placeholder first, so a recursive reference inside resolves to a finite shape.
        self.built[name] = Shape("record", name=name)
        fields = {}
        for each in node.get("fields", []):
            fields[each["name"]] = FieldShape(
                shape=self.shape(each["type"]),
                required="default" not in each,
                has_default="default" in each,
                default=each.get("default"),
                aliases=tuple(each.get("aliases", ())),
            )
        built = record(fields, name=name, aliases=tuple(node.get("aliases", ())), open=False)
        self.built[name] = built
        return built


def shape_of(parsed: ParsedSchema) -> SchemaShape:
    """The payload shape of a parsed schema (for Protobuf: of its first message)."""
    if parsed.schema_type == AVRO:
        builder = _AvroShapes(parsed.model.named)
        return SchemaShape(AVRO, builder.shape(parsed.model.schema), builder.built)
    if parsed.schema_type == JSON:
        return SchemaShape(JSON, json_shape(parsed.model))
    if parsed.schema_type == PROTOBUF:
        return SchemaShape(PROTOBUF, proto_shape(parsed.model))
    return SchemaShape(parsed.schema_type, ANY)
