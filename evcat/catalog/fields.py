"""The fields of a schema version as dotted paths, for every format.

A path names record fields (Avro), message fields (Protobuf) or properties (JSON Schema) from
the top: ``address.city``. Arrays, maps and unions are transparent, so ``lines.sku`` is the
``sku`` of every element of ``lines``; this is the notation consumers use in ``fields`` and
derivations. Containers are listed as well as their children. Recursive types stop where they
repeat, and well-known Protobuf types are leaves.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from evcat.formats import AVRO, JSON, PROTOBUF, ParsedSchema
from evcat.formats.protobuf.printer import SCALARS

MAX_DEPTH = 32


@dataclass(frozen=True)
class SchemaField:
    """One field path of a schema version."""

    path: str
    type: str
    doc: str | None = None
    optional: bool = False
    tags: tuple[str, ...] = ()


def schema_fields(parsed: ParsedSchema) -> list[SchemaField]:
    """Every field path of the schema's top-level record, message or object, in order."""
    if parsed.schema_type == AVRO:
        return list(_AvroFields(parsed.model.named).walk(parsed.model.schema, "", 0, ()))
    if parsed.schema_type == PROTOBUF:
        model = parsed.model
        if not model.file.message_type:
            return []
        package = f"{model.file.package}." if model.file.package else ""
        top = model.message_descriptor(package + model.file.message_type[0].name)
        return list(_protobuf_fields(top, "", 0, ()))
    if parsed.schema_type == JSON:
        model = parsed.model
        return list(_JsonFields(model).walk(model.document, model.resolver(), "", 0))
    return []


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _tags(node: Any) -> tuple[str, ...]:
    tags = node.get("confluent:tags") if isinstance(node, dict) else None
    return tuple(str(tag) for tag in tags) if isinstance(tags, list) else ()


class _AvroFields:
    def __init__(self, named: Any) -> None:
        self.named = named

    def resolve(self, node: Any) -> Any:
        if isinstance(node, str) and node in self.named:
            return self.named[node]
        return node

    def describe(self, node: Any) -> str:
        if isinstance(node, str):
            return node
        if isinstance(node, list):
            return " | ".join(self.describe(branch) for branch in node)
        kind = node.get("type")
        if kind in ("record", "error", "fixed"):
            return str(node["name"])
        if kind == "enum":
            return f"enum {node['name']}"
        if kind == "array":
            return f"array<{self.describe(node['items'])}>"
        if kind == "map":
            return f"map<{self.describe(node['values'])}>"
        logical = node.get("logicalType")
        return f"{kind} ({logical})" if logical else str(kind)

    def records(self, node: Any, depth: int) -> Iterator[Any]:
        """The records a value of this type may hold, through arrays, maps and unions."""
        node = self.resolve(node)
        if depth > MAX_DEPTH:
            return
        if isinstance(node, list):
            for branch in node:
                yield from self.records(branch, depth + 1)
        elif isinstance(node, dict):
            kind = node.get("type")
            if kind in ("record", "error"):
                yield node
            elif kind == "array":
                yield from self.records(node["items"], depth + 1)
            elif kind == "map":
                yield from self.records(node["values"], depth + 1)

    def walk(
        self, schema: Any, prefix: str, depth: int, seen: tuple[str, ...]
    ) -> Iterator[SchemaField]:
        for record in self.records(schema, depth):
            if record["name"] in seen or depth > MAX_DEPTH:
                continue
            for avro_field in record.get("fields", []):
                path = _join(prefix, avro_field["name"])
                kind = avro_field["type"]
                optional = isinstance(kind, list) and "null" in kind
                yield SchemaField(
                    path, self.describe(kind), avro_field.get("doc"), optional, _tags(avro_field)
                )
                yield from self.walk(kind, path, depth + 1, (*seen, record["name"]))


_GROUP, _MESSAGE, _ENUM = 10, 11, 14


def _proto_type(field: Any) -> str:
    if field.type == _MESSAGE:
        return str(field.message_type.full_name)
    if field.type == _ENUM:
        return f"enum {field.enum_type.full_name}"
    if field.type == _GROUP:
        return "group"
    return SCALARS.get(field.type, str(field.type))


def _protobuf_fields(
    message: Any, prefix: str, depth: int, seen: tuple[str, ...]
) -> Iterator[SchemaField]:
    if depth > MAX_DEPTH or message.full_name in seen:
        return
    for proto_field in message.fields:
        path = _join(prefix, proto_field.name)
        target = proto_field.message_type if proto_field.type == _MESSAGE else None
        if target is not None and target.GetOptions().map_entry:
            key, value = target.fields_by_name["key"], target.fields_by_name["value"]
            described = f"map<{_proto_type(key)}, {_proto_type(value)}>"
            target = value.message_type if value.type == _MESSAGE else None
        elif proto_field.is_repeated:
            described = f"repeated {_proto_type(proto_field)}"
        else:
            described = _proto_type(proto_field)
        optional = not proto_field.is_required
        yield SchemaField(path, described, None, optional, ())
        if target is not None and not target.full_name.startswith("google.protobuf."):
            yield from _protobuf_fields(target, path, depth + 1, (*seen, message.full_name))


_COMBINATORS = ("allOf", "anyOf", "oneOf")


class _JsonFields:
    def __init__(self, model: Any) -> None:
        self.model = model

    def follow(self, node: Any, resolver: Any) -> tuple[Any, Any]:
        """The subschema after ``$ref`` hops (bounded), with the resolver scoped at it."""
        for _ in range(MAX_DEPTH):
            if not isinstance(node, dict) or not isinstance(node.get("$ref"), str):
                break
            resolver = self.model.enter(node, resolver)
            node, resolver = self.model.lookup(node["$ref"], resolver)
        return node, self.model.enter(node, resolver)

    def describe(self, node: Any) -> str:
        if not isinstance(node, dict):
            return "any"
        if isinstance(node.get("$ref"), str):
            return str(node["$ref"])
        kind = node.get("type")
        if isinstance(kind, list):
            return " | ".join(str(k) for k in kind)
        if kind == "array" and isinstance(node.get("items"), dict):
            return f"array<{self.describe(node['items'])}>"
        if kind is None and any(key in node for key in _COMBINATORS):
            return next(key for key in _COMBINATORS if key in node)
        text = str(kind or "any")
        return f"{text} ({node['format']})" if "format" in node else text

    def objects(self, node: Any, resolver: Any, depth: int) -> Iterator[tuple[Any, Any]]:
        """The object schemas a value may match, through refs, arrays, maps and combinators."""
        node, resolver = self.follow(node, resolver)
        if depth > MAX_DEPTH or not isinstance(node, dict):
            return
        if "properties" in node:
            yield node, resolver
        for key in _COMBINATORS:
            for branch in node.get(key, []) or []:
                yield from self.objects(branch, resolver, depth + 1)
        items = node.get("items")
        if isinstance(items, dict):
            yield from self.objects(items, resolver, depth + 1)
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            yield from self.objects(extra, resolver, depth + 1)

    def walk(
        self, schema: Any, resolver: Any, prefix: str, depth: int, seen: tuple[int, ...] = ()
    ) -> Iterator[SchemaField]:
        listed: set[str] = set()
        for node, scope in self.objects(schema, resolver, depth):
            if id(node) in seen:
                continue
            required = set(node.get("required", []) or [])
            for name, child in (node.get("properties") or {}).items():
                path = _join(prefix, name)
                if path in listed:
                    continue
                listed.add(path)
                doc = child.get("description") if isinstance(child, dict) else None
                yield SchemaField(
                    path, self.describe(child), doc, name not in required, _tags(child)
                )
                if depth < MAX_DEPTH:
                    yield from self.walk(child, scope, path, depth + 1, (*seen, id(node)))
