"""Payload shapes from JSON Schema documents.

JSON Schema describes what a document may be, not one layout, so the shape is an
approximation good enough for static checks: ``type`` gives the kind (``integer`` is ``long``,
``number`` is ``double``), ``properties``/``required`` give record fields, ``anyOf``/``oneOf``
and type lists give unions, ``allOf`` merges records, string-only ``enum``s are enums. Anything
it cannot describe is ``any``, which every check accepts; the sample validator, which runs the
real JSON Schema validator, catches the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from referencing.exceptions import Unresolvable

from evcat.upcast.shapes.model import ANY, FieldShape, Shape, record

if TYPE_CHECKING:
    from referencing._core import Resolver

    from evcat.formats.jsonschema.format import JsonSchemaModel

_MAX_DEPTH = 32
_KINDS = {
    "string": "string",
    "integer": "long",
    "number": "double",
    "boolean": "boolean",
    "null": "null",
}


class _JsonShapes:
    def __init__(self, model: JsonSchemaModel) -> None:
        self.model = model

    def shape(self, node: Any, resolver: Resolver[Any], depth: int) -> Shape:
        if depth > _MAX_DEPTH or not isinstance(node, dict):
            return ANY
        resolver = self.model.enter(node, resolver)
        ref = node.get("$ref")
        if isinstance(ref, str):
            try:
                target, inner = self.model.lookup(ref, resolver)
            except Unresolvable:  # parsing guarantees refs resolve; be safe all the same
                return ANY
            return self.shape(target, inner, depth + 1)
        for keyword in ("anyOf", "oneOf"):
            options = node.get(keyword)
            if isinstance(options, list) and options:
                branches = tuple(self.shape(option, resolver, depth + 1) for option in options)
                return Shape("union", branches=branches)
        parts = node.get("allOf")
        if isinstance(parts, list) and parts:
            return self.merge(
                [self.shape(part, resolver, depth + 1) for part in parts], node, resolver, depth
            )
        return self.typed(node, resolver, depth)

    def typed(self, node: dict[str, Any], resolver: Resolver[Any], depth: int) -> Shape:
        symbols = node.get("enum")
        if isinstance(symbols, list) and symbols and all(isinstance(s, str) for s in symbols):
            return Shape("enum", symbols=tuple(symbols))
        if "const" in node and isinstance(node["const"], str):
            return Shape("enum", symbols=(node["const"],))
        kind = node.get("type")
        if isinstance(kind, list):
            branches = tuple(self.typed({**node, "type": k}, resolver, depth) for k in kind)
            return Shape("union", branches=branches)
        if kind == "object" or (kind is None and "properties" in node):
            return self.object(node, resolver, depth)
        if kind == "array":
            items = node.get("items")
            return Shape("array", items=self.shape(items, resolver, depth + 1) if items else ANY)
        if isinstance(kind, str) and kind in _KINDS:
            return Shape(_KINDS[kind])
        return ANY

    def object(self, node: dict[str, Any], resolver: Resolver[Any], depth: int) -> Shape:
        properties = node.get("properties")
        if not isinstance(properties, dict) or not properties:
            extra = node.get("additionalProperties")
            if isinstance(extra, dict):
                return Shape("map", items=self.shape(extra, resolver, depth + 1))
            return ANY
        required = node.get("required")
        wanted = set(required) if isinstance(required, list) else set()
        fields = {}
        for name, sub in properties.items():
            has_default = isinstance(sub, dict) and "default" in sub
            fields[name] = FieldShape(
                shape=self.shape(sub, resolver, depth + 1),
                required=name in wanted,
                has_default=has_default,
                default=sub.get("default") if has_default else None,
            )
        closed = node.get("additionalProperties") is False
        return record(fields, name=str(node.get("title", "")), open=not closed)

    def merge(
        self, parts: list[Shape], node: dict[str, Any], resolver: Resolver[Any], depth: int
    ) -> Shape:
        own = self.typed(node, resolver, depth)
        records = [part for part in [*parts, own] if part.kind == "record"]
        if not records:
            return own if own.kind != "any" else (parts[0] if len(parts) == 1 else ANY)
        fields: dict[str, FieldShape] = {}
        for part in records:
            fields.update(part.fields)
        return record(fields, open=all(part.open for part in records))


def json_shape(model: JsonSchemaModel) -> Shape:
    """The payload shape of a JSON Schema document."""
    return _JsonShapes(model).shape(model.document, model.resolver(), 0)
