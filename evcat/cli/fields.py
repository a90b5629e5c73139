"""The fields of a parsed schema, flattened, so two versions can be compared field by field.

Avro fields are keyed by their path of names (``customer.address.city``), Protobuf fields by
message and tag (``Order = 3``: Protobuf matches fields by tag, so a rename is a change), JSON
Schema properties by their pointer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from evcat.formats.protobuf.printer import SCALARS


@dataclass(frozen=True, slots=True)
class Field:
    key: str
    name: str
    type: str
    details: str = ""

    def describe(self) -> str:
        return self.type + (f", {self.details}" if self.details else "")


def _avro_type(node: Any) -> str:
    if isinstance(node, str):
        return node
    if isinstance(node, list):
        return " | ".join(_avro_type(branch) for branch in node)
    if isinstance(node, dict):
        kind = node.get("type")
        if kind == "array":
            return f"array<{_avro_type(node.get('items'))}>"
        if kind == "map":
            return f"map<{_avro_type(node.get('values'))}>"
        if kind in ("record", "error", "enum", "fixed"):
            return str(node.get("name", kind))
        logical = node.get("logicalType")
        return f"{kind} ({logical})" if logical else str(kind)
    return str(node)


def _avro_records(node: Any) -> list[dict[str, Any]]:
    """The records defined inline in a type (directly, or inside unions, arrays and maps)."""
    if isinstance(node, list):
        return [record for branch in node for record in _avro_records(branch)]
    if isinstance(node, dict):
        if node.get("type") in ("record", "error"):
            return [node]
        return _avro_records(node.get("items")) + _avro_records(node.get("values"))
    return []


def _avro_fields(record: dict[str, Any], prefix: str, into: dict[str, Field]) -> None:
    for item in record.get("fields", []):
        name = f"{prefix}{item['name']}"
        details = f"default {json.dumps(item['default'])}" if "default" in item else ""
        into[name] = Field(name, name, _avro_type(item["type"]), details)
        for nested in _avro_records(item["type"]):
            _avro_fields(nested, name + ".", into)


def _proto_fields(messages: Any, prefix: str, into: dict[str, Field]) -> None:
    for message in messages:
        if message.options.map_entry:
            continue
        owner = prefix + message.name
        for item in message.field:
            kind = SCALARS.get(item.type) or item.type_name.lstrip(".")
            label = "repeated " if item.label == 3 else "optional " if item.proto3_optional else ""
            oneof = ""
            if item.HasField("oneof_index") and not item.proto3_optional:
                oneof = f"oneof {message.oneof_decl[item.oneof_index].name}"
            key = f"{owner} = {item.number}"
            into[key] = Field(key, f"{owner}.{item.name} = {item.number}", label + kind, oneof)
        _proto_fields(message.nested_type, owner + ".", into)


def _json_type(node: Any) -> str:
    if not isinstance(node, dict):
        return json.dumps(node)
    if "$ref" in node:
        return f"$ref {node['$ref']}"
    kind = node.get("type")
    if isinstance(kind, list):
        return " | ".join(map(str, kind))
    for combinator in ("oneOf", "anyOf", "allOf"):
        if combinator in node:
            return combinator
    return str(kind or "any")


def _json_fields(node: Any, pointer: str, prefix: str, into: dict[str, Field]) -> None:
    if not isinstance(node, dict):
        return
    listed = node.get("required")
    required: list[Any] = listed if isinstance(listed, list) else []
    for name, child in (node.get("properties") or {}).items():
        key = f"{pointer}/properties/{name.replace('~', '~0').replace('/', '~1')}"
        shown = f"{prefix}{name}"
        details = ", ".join(
            part
            for part in (
                "required" if name in required else "",
                f"format {child['format']}"
                if isinstance(child, dict) and "format" in child
                else "",
                f"enum {json.dumps(child['enum'])}"
                if isinstance(child, dict) and "enum" in child
                else "",
            )
            if part
        )
        into[key] = Field(key, shown, _json_type(child), details)
        _json_fields(child, key, shown + ".", into)
    if isinstance(node.get("items"), dict):
        _json_fields(node["items"], f"{pointer}/items", f"{prefix}[].", into)


def fields_of(schema: Any) -> dict[str, Field]:
    """Every field of a ``ParsedSchema``, keyed so that the same field matches across versions."""
    found: dict[str, Field] = {}
    if schema.schema_type == "AVRO":
        document = json.loads(schema.canonical)
        for record in _avro_records(document):
            _avro_fields(record, "", found)
    elif schema.schema_type == "PROTOBUF":
        _proto_fields(schema.model.file.message_type, "", found)
    else:
        _json_fields(schema.model.document, "#", "", found)
    return found


@dataclass(frozen=True, slots=True)
class FieldChanges:
    added: list[Field]
    removed: list[Field]
    changed: list[tuple[Field, Field]]


def compare_fields(old: dict[str, Field], new: dict[str, Field]) -> FieldChanges:
    return FieldChanges(
        added=[field for key, field in new.items() if key not in old],
        removed=[field for key, field in old.items() if key not in new],
        changed=[
            (old[key], field) for key, field in new.items() if key in old and old[key] != field
        ],
    )
