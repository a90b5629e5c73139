"""Confluent's JSON Schema difference types: which are compatible, and how each one reads.

The checker records a ``Difference`` for every change it sees between the writer (the schema
the data was written with) and the reader; the policy decides which differences break reading.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from evcat.compat.base import LENIENT, Incompatibility

# fmt: off
STRICT_COMPATIBLE = frozenset((
    "ID_CHANGED", "DESCRIPTION_CHANGED", "TITLE_CHANGED", "DEFAULT_CHANGED", "SCHEMA_REMOVED",
    "TYPE_EXTENDED", "MAX_LENGTH_INCREASED", "MAX_LENGTH_REMOVED", "MIN_LENGTH_DECREASED",
    "MIN_LENGTH_REMOVED", "PATTERN_REMOVED", "MAXIMUM_INCREASED", "MAXIMUM_REMOVED",
    "MINIMUM_DECREASED", "MINIMUM_REMOVED", "EXCLUSIVE_MAXIMUM_INCREASED",
    "EXCLUSIVE_MAXIMUM_REMOVED", "EXCLUSIVE_MINIMUM_DECREASED", "EXCLUSIVE_MINIMUM_REMOVED",
    "MULTIPLE_OF_REDUCED", "MULTIPLE_OF_REMOVED", "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED",
    "REQUIRED_ATTRIBUTE_REMOVED", "DEPENDENCY_ARRAY_NARROWED", "DEPENDENCY_ARRAY_REMOVED",
    "DEPENDENCY_SCHEMA_REMOVED", "MAX_PROPERTIES_INCREASED", "MAX_PROPERTIES_REMOVED",
    "MIN_PROPERTIES_DECREASED", "MIN_PROPERTIES_REMOVED", "ADDITIONAL_PROPERTIES_ADDED",
    "ADDITIONAL_PROPERTIES_EXTENDED", "UNEVALUATED_PROPERTIES_ADDED",
    "UNEVALUATED_PROPERTIES_EXTENDED", "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL",
    "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL",
    "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
    "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
    "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL",
    "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", "MAX_ITEMS_INCREASED",
    "MAX_ITEMS_REMOVED", "MIN_ITEMS_DECREASED", "MIN_ITEMS_REMOVED", "MAX_CONTAINS_INCREASED",
    "MAX_CONTAINS_REMOVED", "MIN_CONTAINS_DECREASED", "MIN_CONTAINS_REMOVED",
    "UNIQUE_ITEMS_REMOVED", "ADDITIONAL_ITEMS_ADDED", "ADDITIONAL_ITEMS_EXTENDED",
    "UNEVALUATED_ITEMS_ADDED", "UNEVALUATED_ITEMS_EXTENDED",
    "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL", "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL",
    "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL", "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL",
    "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", "ENUM_ARRAY_EXTENDED",
    "COMBINED_TYPE_EXTENDED", "PRODUCT_TYPE_NARROWED", "SUM_TYPE_EXTENDED", "NOT_TYPE_NARROWED",
))

LENIENT_COMPATIBLE = STRICT_COMPATIBLE | frozenset((
    "ADDITIONAL_PROPERTIES_NARROWED", "ADDITIONAL_PROPERTIES_REMOVED",
    "UNEVALUATED_PROPERTIES_NARROWED", "UNEVALUATED_PROPERTIES_REMOVED",
    "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
    "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL",
    "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL",
    "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
))
# fmt: on


def compatible_rules(policy: str) -> frozenset[str]:
    """The difference types that do not break reading under ``policy`` (STRICT or LENIENT)."""
    return LENIENT_COMPATIBLE if policy.upper() == LENIENT else STRICT_COMPATIBLE


@dataclass(frozen=True, slots=True)
class Difference:
    """One change from the writer schema to the reader schema, at ``path``.

    ``subject`` is the keyword, property name or item index the change is about;
    ``writer_value``/``reader_value`` are that keyword's values (None when absent) and ``info``
    names a nested reason, such as why a property is not covered by ``additionalProperties``.
    """

    rule: str
    path: str
    subject: str = ""
    writer_value: Any = None
    reader_value: Any = None
    info: str = ""


_LENIENT = "or use compatibilityPolicy LENIENT"
_CLOSE = "close the content model (additionalProperties: false) in both schemas"

# Templates: {r}/{w} reader and writer roles, {s} subject, {rv}/{wv} values, {p} path,
# {i} nested reason; a fix of "{restore}" says how to bring the old value back.
_TEMPLATES: dict[str, tuple[str, str]] = {
    "TYPE_NARROWED": (
        "The type at '{p}' is {wv} in the {w} schema but only {rv} in the {r} schema",
        "let the new schema accept every type the old one accepted",
    ),
    "TYPE_CHANGED": (
        "The type at '{p}' is {wv} in the {w} schema but {rv} in the {r} schema",
        "keep the type the old schema had, or register the change under a new subject",
    ),
    "SCHEMA_ADDED": (
        "'{s}' at '{p}' constrains the {r} schema but is absent from the {w} schema",
        "{restore}",
    ),
    "REQUIRED_ATTRIBUTE_ADDED": (
        "Property '{s}' is required by the {r} schema ('{p}') but optional in the {w} schema, "
        "so {w} data may lack it",
        "give '{s}' a default, or keep it optional",
    ),
    "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL": (
        "Property '{s}' at '{p}' is declared by the {r} schema only, but the {w} schema's "
        "content model is open, so {w} data may already carry '{s}' with any value",
        f"{_CLOSE}, give '{{s}}' an empty schema {{{{}}}}, {_LENIENT}",
    ),
    "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL": (
        "Required property '{s}' at '{p}' is declared by the {r} schema only, but the {w} "
        "schema's content model is open, so {w} data may already carry '{s}' with any value",
        f"{_CLOSE}, {_LENIENT}",
    ),
    "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL": (
        "Required property '{s}' at '{p}' has no default and is declared by the {r} schema "
        "only, while the {w} schema's content model is open",
        f"give '{{s}}' a default and {_CLOSE} ({_LENIENT}), or do not require it",
    ),
    "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL": (
        "Required property '{s}' at '{p}' has no default and is absent from the {w} schema, "
        "so {w} data never carries it",
        "give '{s}' a default, or do not list it in 'required'",
    ),
    "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL": (
        "Property '{s}' at '{p}' is declared by the {w} schema but not by the {r} schema, "
        "whose content model is closed, so the {r} schema rejects {w} data that carries '{s}'",
        f"declare '{{s}}' in both schemas or open the content model, {_LENIENT}",
    ),
    "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL": (
        "Property '{s}' at '{p}' is declared by the {r} schema only, and its schema does not "
        "accept everything the {w} schema's patternProperties/additionalProperties allow for it",
        f"make '{{s}}' accept what the {{w}} schema allowed for it, {_LENIENT}",
    ),
    "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL": (
        "Property '{s}' at '{p}' is declared by the {w} schema only, and the {r} schema's "
        "patternProperties/additionalProperties do not accept every value it allowed",
        f"declare '{{s}}' in both schemas, {_LENIENT}",
    ),
    "ADDITIONAL_PROPERTIES_REMOVED": (
        "The {r} schema forbids additional properties at '{p}' that the {w} schema allowed",
        f"keep additionalProperties as the old schema had it, {_LENIENT}",
    ),
    "ADDITIONAL_PROPERTIES_NARROWED": (
        "The {r} schema restricts additional properties at '{p}' more than the {w} schema",
        f"keep additionalProperties as the old schema had it, {_LENIENT}",
    ),
    "UNEVALUATED_PROPERTIES_REMOVED": (
        "The {r} schema forbids unevaluated properties at '{p}' that the {w} schema allowed",
        f"keep unevaluatedProperties as the old schema had it, {_LENIENT}",
    ),
    "UNEVALUATED_PROPERTIES_NARROWED": (
        "The {r} schema restricts unevaluated properties at '{p}' more than the {w} schema",
        f"keep unevaluatedProperties as the old schema had it, {_LENIENT}",
    ),
    "ADDITIONAL_ITEMS_REMOVED": (
        "The {r} schema forbids array items after the tuple at '{p}' that the {w} schema allowed",
        "keep the schema for the remaining items as the old schema had it",
    ),
    "ADDITIONAL_ITEMS_NARROWED": (
        "The {r} schema restricts array items after the tuple at '{p}' more than the {w} schema",
        "keep the schema for the remaining items as the old schema had it",
    ),
    "UNEVALUATED_ITEMS_REMOVED": (
        "The {r} schema forbids unevaluated items at '{p}' that the {w} schema allowed",
        "keep unevaluatedItems as the old schema had it",
    ),
    "UNEVALUATED_ITEMS_NARROWED": (
        "The {r} schema restricts unevaluated items at '{p}' more than the {w} schema",
        "keep unevaluatedItems as the old schema had it",
    ),
    "ITEM_ADDED_TO_OPEN_CONTENT_MODEL": (
        "Tuple item {s} at '{p}' is declared by the {r} schema only, but the {w} schema allowed "
        "any value there",
        "give the item an empty schema {{}}, or forbid extra items in both schemas",
    ),
    "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL": (
        "Tuple item {s} at '{p}' is declared by the {w} schema only, and the {r} schema forbids "
        "items after its tuple",
        "declare the item in both schemas, or allow extra items",
    ),
    "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL": (
        "Tuple item {s} at '{p}' is declared by the {r} schema only, and its schema does not "
        "accept everything the {w} schema allowed for extra items",
        "make the item accept what the extra-items schema allowed",
    ),
    "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL": (
        "Tuple item {s} at '{p}' is declared by the {w} schema only, and the {r} schema's "
        "extra-items schema does not accept every value it allowed",
        "declare the item in both schemas",
    ),
    "ENUM_ARRAY_NARROWED": (
        "'{s}' at '{p}' allows fewer values in the {r} schema than in the {w} schema ({i})",
        "{restore}",
    ),
    "ENUM_ARRAY_CHANGED": (
        "'{s}' at '{p}' allows other values in the {r} schema than in the {w} schema ({i})",
        "{restore}",
    ),
    "COMBINED_TYPE_CHANGED": (
        "The combination at '{p}' is {wv} in the {w} schema but {rv} in the {r} schema",
        "keep the allOf/anyOf/oneOf (and if/then/else) structure of the old schema",
    ),
    "PRODUCT_TYPE_EXTENDED": (
        "'{s}' at '{p}' holds a condition in the {r} schema that data valid under the {w} "
        "schema may fail",
        "drop the extra condition, or make it accept everything the old schema allowed",
    ),
    "SUM_TYPE_NARROWED": (
        "'{s}' at '{p}' accepts fewer alternatives in the {r} schema than in the {w} schema",
        "keep every alternative of the old schema readable",
    ),
    "COMBINED_TYPE_SUBSCHEMAS_CHANGED": (
        "The branches of '{s}' at '{p}' in the {r} schema do not match those of the {w} schema",
        "change branches only compatibly, so that each old one stays readable by a new one",
    ),
    "NOT_TYPE_EXTENDED": (
        "'not' at '{p}' excludes more values in the {r} schema than in the {w} schema",
        "{restore}",
    ),
    "COMPARISON_TOO_DEEP": (
        "The schemas nest too deeply at '{p}' to be compared",
        "flatten the schema with definitions and $ref",
    ),
}

_KEYWORD_TEMPLATE = (
    "The {r} schema has '{s}' {rv} at '{p}' where the {w} schema has {wv}, so data written "
    "with the {w} schema may not be valid for the {r} schema",
    "{restore}",
)


def _show(value: Any) -> str:
    if value is None:
        return "none"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    # Messages travel in 409 bodies and logs: a whole subschema would drown the point.
    return text if len(text) <= 80 else text[:77] + "..."


def _restore(difference: Difference, reader_is_new: bool) -> str:
    old = difference.writer_value if reader_is_new else difference.reader_value
    if old is None:
        return f"remove '{difference.subject}' from the new schema"
    return f"use '{difference.subject}': {_show(old)} in the new schema, as the old one does"


def describe(difference: Difference, reader_role: str, writer_role: str) -> Incompatibility:
    """The ``Incompatibility`` for ``difference``, worded for the given roles."""
    message, fix = _TEMPLATES.get(difference.rule, _KEYWORD_TEMPLATE)
    fields = {
        "r": reader_role,
        "w": writer_role,
        "p": difference.path,
        "s": difference.subject,
        "rv": _show(difference.reader_value),
        "wv": _show(difference.writer_value),
        "i": difference.info,
    }
    return Incompatibility(
        rule=difference.rule,
        path=difference.path,
        message=message.format(**fields),
        fix=fix.format(restore=_restore(difference, reader_role == "new"), **fields),
        additional_info=difference.info,
    )
