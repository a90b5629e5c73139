"""Confluent's JSON shapes for a schema version, a config and a mode, checked and converted.

The ``_schemas`` topic and the REST API carry the same shapes, so a dump line and a
``GET /subjects/{s}/versions/{v}`` answer are read by the same functions.
"""

from __future__ import annotations

from typing import Any

from evcat.errors import EvcatError
from evcat.formats import SCHEMA_TYPES, SchemaReference
from evcat.formats.base import AVRO
from evcat.registry import policy
from evcat.transfer.snapshot import SchemaEntry


class BadValue(ValueError):
    """A value that is not what Confluent writes there; the message says why."""


def positive(value: Any, name: str) -> int:
    """An id or version: an integer from 1 up (never a boolean)."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise BadValue(f"'{name}' must be a positive integer, not {value!r:.60}")
    return value


def _references(value: Any) -> tuple[SchemaReference, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise BadValue("'references' must be a list")
    references = []
    for item in value:
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("name"), str)
            or not isinstance(item.get("subject"), str)
        ):
            raise BadValue(f"invalid reference {item!r:.80}: it needs name, subject, version")
        references.append(
            SchemaReference(item["name"], item["subject"], positive(item.get("version"), "version"))
        )
    return tuple(references)


def _optional_object(value: Any, name: str) -> dict[str, Any] | None:
    if value is None or value == {}:
        return None
    if not isinstance(value, dict):
        raise BadValue(f"'{name}' must be a JSON object")
    return value


def schema_entry(value: Any) -> tuple[SchemaEntry, bool]:
    """A schema version object (``id``, ``schema``, ``schemaType``...) and its deleted flag."""
    if not isinstance(value, dict):
        raise BadValue("a schema version must be a JSON object")
    schema_type = value.get("schemaType") or AVRO
    if schema_type not in SCHEMA_TYPES:
        raise BadValue(f"unknown schemaType {schema_type!r:.40}; use {', '.join(SCHEMA_TYPES)}")
    text = value.get("schema")
    if not isinstance(text, str) or not text.strip():
        raise BadValue("'schema' must be the schema text")
    deleted = value.get("deleted", False)
    if not isinstance(deleted, bool):
        raise BadValue("'deleted' must be true or false")
    entry = SchemaEntry(
        id=positive(value.get("id"), "id"),
        schema_type=schema_type,
        text=text,
        references=_references(value.get("references")),
        metadata=_optional_object(value.get("metadata"), "metadata"),
        ruleset=_optional_object(value.get("ruleSet"), "ruleSet"),
    )
    return entry, deleted


def config_value(value: Any) -> dict[str, Any]:
    """A config object in evcat's stored form (``compatibilityLevel`` and the known fields)."""
    if not isinstance(value, dict):
        raise BadValue("a config must be a JSON object")
    given = {k: v for k, v in value.items() if v is not None and k != "subject"}
    try:
        return policy.merge_config_update(None, given)
    except EvcatError as error:
        raise BadValue(error.message) from None


def mode_value(value: Any) -> str:
    """A mode object's mode, upper-case; a mode evcat lacks (FORWARD) is a BadValue."""
    if not isinstance(value, dict):
        raise BadValue("a mode must be a JSON object")
    try:
        return policy.parse_mode(value.get("mode"))
    except EvcatError as error:
        raise BadValue(error.message) from None
