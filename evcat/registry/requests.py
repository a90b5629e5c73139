"""Request bodies as registry values: a RegisterSchemaRequest body becomes a ``SchemaRequest``.

Shared by every route family that registers schemas (the Confluent router, evcat's ``/v1``
and the upcast gate), so it sits below all of them.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from evcat.errors import InvalidSchemaError
from evcat.formats import SCHEMA_TYPES, SchemaReference
from evcat.formats.base import AVRO
from evcat.registry.contracts import metadata_problem, ruleset_problem
from evcat.registry.entities import SchemaRequest

MAX_ID = 2**31 - 1


def schema_request(body: dict[str, Any]) -> SchemaRequest:
    """A RegisterSchemaRequest body; unknown fields are ignored, as Confluent does."""
    schema = body.get("schema")
    if schema is not None and not isinstance(schema, str):
        raise InvalidSchemaError("'schema' must be a string holding the schema text")
    schema_type = body.get("schemaType") or AVRO
    if not isinstance(schema_type, str) or schema_type not in SCHEMA_TYPES:
        raise InvalidSchemaError(
            f"Invalid schema type {schema_type}; use one of {', '.join(SCHEMA_TYPES)}"
        )
    references_in = body.get("references") or []
    if not isinstance(references_in, list):
        raise InvalidSchemaError("'references' must be a list of {name, subject, version}")
    references = tuple(_reference(item) for item in references_in)
    uses = Counter(reference.name for reference in references)
    twice = sorted(name for name, count in uses.items() if count > 1)
    if twice:
        raise InvalidSchemaError(
            f"Reference name {twice[0]!r} is given more than once; each reference needs its "
            "own name"
        )
    for key in ("id", "version"):
        value = body.get(key)
        if value is not None and (
            not isinstance(value, int)
            or isinstance(value, bool)
            or not (value == -1 or 1 <= value <= MAX_ID)
        ):
            raise InvalidSchemaError(f"'{key}' must be an integer from 1 to {MAX_ID} (or -1)")
    metadata, ruleset = body.get("metadata"), body.get("ruleSet")
    for value, problem_of in ((metadata, metadata_problem), (ruleset, ruleset_problem)):
        problem = None if value is None else problem_of(value)
        if problem:
            raise InvalidSchemaError(problem)
    return SchemaRequest(
        schema=schema,
        schema_type=schema_type,
        references=references,
        # An empty object is kept: it means "none", where an absent one inherits the latest's.
        metadata=metadata,
        ruleset=ruleset,
        id=body.get("id"),
        version=body.get("version"),
    )


def _reference(item: Any) -> SchemaReference:
    if (
        not isinstance(item, dict)
        or not isinstance(item.get("name"), str)
        or not item["name"]
        or not isinstance(item.get("subject"), str)
        or not isinstance(item.get("version"), int)
        or isinstance(item["version"], bool)
    ):
        raise InvalidSchemaError(
            f"Invalid reference {item!r}: each needs 'name' (a non-empty string), 'subject' "
            "(string) and 'version' (integer)"
        )
    if "\x00" in item["name"] or "\x00" in item["subject"]:
        raise InvalidSchemaError(
            f"Invalid reference {item!r}: its name or subject holds a NUL character; remove it"
        )
    return SchemaReference(item["name"], item["subject"], item["version"])
