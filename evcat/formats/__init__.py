"""Schema formats: parse, validate and print Avro, Protobuf and JSON Schema schemas.

Owns one ``ParsedSchema`` shape for all of them, their canonical and normalized text, and
their references. ``avro``, ``jsonschema/`` and ``protobuf/`` hold one format each; ``base``
the shared types. The bottom layer: it imports only ``evcat.errors``.
"""

from __future__ import annotations

from evcat.errors import InvalidSchemaError
from evcat.formats.avro import AVRO_FORMAT
from evcat.formats.base import (
    AVRO,
    JSON,
    PROTOBUF,
    SCHEMA_TYPES,
    ParsedSchema,
    SchemaFormat,
    SchemaReference,
)
from evcat.formats.jsonschema.format import JSON_FORMAT
from evcat.formats.protobuf.format import PROTOBUF_FORMAT

_FORMATS: dict[str, SchemaFormat] = {
    AVRO: AVRO_FORMAT,
    PROTOBUF: PROTOBUF_FORMAT,
    JSON: JSON_FORMAT,
}


def get_format(schema_type: str) -> SchemaFormat:
    """The format for a Confluent ``schemaType`` value (exact upper-case names)."""
    try:
        return _FORMATS[schema_type]
    except KeyError:
        raise InvalidSchemaError(
            f"Invalid schema type {schema_type}; use one of {', '.join(SCHEMA_TYPES)}"
        ) from None


__all__ = [
    "AVRO",
    "JSON",
    "PROTOBUF",
    "SCHEMA_TYPES",
    "ParsedSchema",
    "SchemaFormat",
    "SchemaReference",
    "avro",
    "base",
    "get_format",
    "jsonschema",
    "protobuf",
]
