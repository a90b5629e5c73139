"""Reserved fields: names a subject promises never to use, listed in ``confluent:reserved``.

With config ``validateFields`` on, Confluent 8 refuses (409) a new version whose top-level
fields include one of its own reserved names, or whose metadata drops a name the latest version
reserved. The names are the property's comma-separated, trimmed values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evcat.compat import Incompatibility
from evcat.formats import AVRO, JSON, ParsedSchema
from evcat.formats.avro import AvroModel
from evcat.formats.jsonschema.format import JsonSchemaModel
from evcat.formats.protobuf.format import ProtobufModel
from evcat.registry.contracts import property_of

RESERVED = "confluent:reserved"
REMOVED = "RESERVED_FIELD_REMOVED"
CONFLICT = "FIELD_CONFLICTS_WITH_RESERVED_FIELD"
RULES = frozenset({REMOVED, CONFLICT})


def reserved_fields(metadata: Mapping[str, Any] | None) -> set[str]:
    """The names ``metadata`` reserves."""
    listed = property_of(metadata, RESERVED) or ""
    return {name.strip() for name in listed.split(",") if name.strip()}


def top_level_fields(schema: ParsedSchema) -> set[str]:
    """Fields of the record (Avro), properties of the object (JSON), fields of the first
    message (Protobuf): the names Confluent checks against reserved ones."""
    model = schema.model
    if schema.schema_type == AVRO and isinstance(model, AvroModel):
        tree = model.schema
        if isinstance(tree, dict) and isinstance(tree.get("fields"), list):
            return {field["name"] for field in tree["fields"]}
    elif schema.schema_type == JSON and isinstance(model, JsonSchemaModel):
        document = model.document
        if isinstance(document, dict) and isinstance(document.get("properties"), dict):
            return set(document["properties"])
    elif isinstance(model, ProtobufModel) and model.file.message_type:
        return {field.name for field in model.file.message_type[0].field}
    return set()


def reserved_field_issues(
    new: ParsedSchema,
    new_metadata: Mapping[str, Any] | None,
    latest_metadata: Mapping[str, Any] | None,
    *,
    has_latest: bool,
) -> list[Incompatibility]:
    """Why ``new`` breaks the reserved names of its own metadata or of the latest version's."""
    issues: list[Incompatibility] = []
    reserved = reserved_fields(new_metadata)
    if has_latest:
        for name in sorted(reserved_fields(latest_metadata) - reserved):
            issues.append(
                Incompatibility(
                    rule=REMOVED,
                    path=f"metadata.properties.{RESERVED}",
                    message=(
                        f"The new schema has reserved field {name} removed from its metadata "
                        "which is present in the old schema's metadata."
                    ),
                    fix=f"keep '{name}' in the '{RESERVED}' metadata property",
                )
            )
    for name in sorted(reserved & top_level_fields(new)):
        issues.append(
            Incompatibility(
                rule=CONFLICT,
                path=name,
                message=f"The new schema has field that conflicts with the reserved field {name}.",
                fix=f"rename the field '{name}', or stop reserving its name",
            )
        )
    return issues
