"""Keyword-level JSON Schema differences: types, values, numbers, strings, not, if/then/else.

Each function compares one family of keywords of a writer node with a reader node and records
what changed through a ``Comparer``; recursion into subschemas goes back through it.
"""

from __future__ import annotations

import json
import re
from fractions import Fraction
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from evcat.compat.jsonschema.rules import Difference
from evcat.formats.jsonschema.drafts import escape, join
from evcat.formats.jsonschema.format import JsonSchemaModel

if TYPE_CHECKING:
    from referencing._core import Resolver

# Keywords that restrict what validates; a schema holding none of them accepts every value.
CONSTRAINING = frozenset(
    [
        "type",
        "enum",
        "const",
        "multipleOf",
        "maximum",
        "exclusiveMaximum",
        "minimum",
        "exclusiveMinimum",
        "maxLength",
        "minLength",
        "pattern",
        "format",
        "items",
        "prefixItems",
        "additionalItems",
        "unevaluatedItems",
        "contains",
        "maxContains",
        "minContains",
        "maxItems",
        "minItems",
        "uniqueItems",
        "properties",
        "patternProperties",
        "additionalProperties",
        "unevaluatedProperties",
        "required",
        "propertyNames",
        "maxProperties",
        "minProperties",
        "dependencies",
        "dependentRequired",
        "dependentSchemas",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "if",
        "$ref",
        "$recursiveRef",
        "$dynamicRef",
    ]
)
COMBINATORS = ("allOf", "anyOf", "oneOf")
SUMS = frozenset({"anyOf", "oneOf"})

NUMERIC = frozenset({"number", "integer"})
STRING = frozenset({"string"})
ARRAY = frozenset({"array"})
OBJECT = frozenset({"object"})


class Node(NamedTuple):
    """A subschema together with the scope its ``$ref``s resolve in."""

    schema: Any
    resolver: Resolver[Any]
    model: JsonSchemaModel

    def child(self, schema: Any) -> Node:
        """A subschema of this node."""
        return Node(schema, self.model.enter(schema, self.resolver), self.model)


class Comparer(Protocol):
    """What keyword comparisons need from the walker."""

    def add(
        self,
        rule: str,
        path: str,
        subject: str = "",
        writer_value: Any = None,
        reader_value: Any = None,
        info: str = "",
    ) -> None: ...

    def compare(self, writer: Node, reader: Node, path: str) -> None: ...

    def accepts(self, writer: Node, reader: Node, path: str) -> Difference | None: ...

    def covers(self, writer: Node, reader: Node, path: str) -> Difference | None: ...

    def deref(self, node: Node) -> Node: ...


def is_empty(schema: Any) -> bool:
    """Does ``schema`` accept every value (``true``, ``{}``, or only annotations)?"""
    if isinstance(schema, bool):
        return schema
    return isinstance(schema, dict) and CONSTRAINING.isdisjoint(schema)


def pure_combinator(schema: Any) -> str | None:
    """``allOf``/``anyOf``/``oneOf`` when that is the only constraint of ``schema``."""
    if not isinstance(schema, dict):
        return None
    constraining: list[str] = [key for key in schema if key in CONSTRAINING]
    if len(constraining) == 1 and constraining[0] in COMBINATORS:
        return constraining[0]
    return None


def summary(reason: Difference) -> str:
    """A nested reason in a few words, for ``additional_info``."""
    return f"{reason.rule} at {reason.path}"


def type_set(schema: Any) -> frozenset[str] | None:
    """The types ``schema`` allows (``number`` includes ``integer``); None when unrestricted."""
    if not isinstance(schema, dict):
        return None
    declared = schema.get("type")
    if isinstance(declared, str):
        types = frozenset({declared})
    elif isinstance(declared, list):
        types = frozenset(item for item in declared if isinstance(item, str))
    else:
        return None
    return types | {"integer"} if "number" in types else types


def applies(common: frozenset[str] | None, family: frozenset[str]) -> bool:
    """Do keywords for ``family`` matter when the values can only be of ``common`` types?"""
    return common is None or not common.isdisjoint(family)


def compare_types(
    diff: Comparer, ws: dict[str, Any], rs: dict[str, Any], path: str
) -> frozenset[str] | None:
    """Record a type change; return the types both accept (None: any, empty: none)."""
    wt, rt = type_set(ws), type_set(rs)
    if rt is None:
        if wt is not None:
            diff.add("TYPE_EXTENDED", path, "type", ws.get("type"), None)
        return wt
    if wt is None:
        diff.add("TYPE_NARROWED", path, "type", "any type", rs.get("type"))
        return rt
    common = wt & rt
    if wt == rt:
        return common
    if wt <= rt:
        rule = "TYPE_EXTENDED"
    elif common:
        rule = "TYPE_NARROWED"
    else:
        rule = "TYPE_CHANGED"
    diff.add(rule, path, "type", ws.get("type"), rs.get("type"))
    return common


def _value_key(value: Any) -> str:
    # JSON equality: 1 and 1.0 are the same value, true and 1 are not, key order is irrelevant.
    if isinstance(value, float) and value.is_integer():
        return json.dumps(int(value))
    if isinstance(value, list):
        return "[" + ",".join(_value_key(item) for item in value) + "]"
    if isinstance(value, dict):
        items = sorted(value.items())
        return "{" + ",".join(f"{json.dumps(k)}:{_value_key(v)}" for k, v in items) + "}"
    return json.dumps(value)


def _allowed_values(schema: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    allowed: dict[str, Any] | None = None
    keyword = ""
    if isinstance(schema.get("enum"), list):
        keyword, allowed = "enum", {_value_key(value): value for value in schema["enum"]}
    if "const" in schema:
        key = _value_key(schema["const"])
        allowed = {key: schema["const"]} if allowed is None or key in allowed else {}
        keyword = "const"
    return None if allowed is None else (keyword, allowed)


def compare_values(diff: Comparer, ws: dict[str, Any], rs: dict[str, Any], path: str) -> None:
    """``enum`` and ``const``: the reader must allow every value the writer allows."""
    written, readable = _allowed_values(ws), _allowed_values(rs)
    if readable is None:
        if written is not None:
            at = join(path, written[0])
            diff.add("ENUM_ARRAY_EXTENDED", at, written[0], ws.get(written[0]), None)
        return
    keyword, reader_values = readable
    at = join(path, keyword)
    if written is None:
        diff.add("ENUM_ARRAY_NARROWED", at, keyword, None, rs.get(keyword), "any value was allowed")
        return
    writer_values = written[1]
    missing = [value for key, value in writer_values.items() if key not in reader_values]
    extra = [key for key in reader_values if key not in writer_values]
    if not missing:
        if extra:
            diff.add("ENUM_ARRAY_EXTENDED", at, keyword, ws.get(written[0]), rs.get(keyword))
        return
    rule = "ENUM_ARRAY_CHANGED" if extra else "ENUM_ARRAY_NARROWED"
    info = "missing: " + ", ".join(json.dumps(value, ensure_ascii=False) for value in missing)
    diff.add(rule, at, keyword, ws.get(written[0]), rs.get(keyword), info)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _rule_prefix(keyword: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", keyword).upper()


def compare_limit(diff: Comparer, path: str, keyword: str, written: Any, readable: Any) -> None:
    """A numeric bound; whether raising or lowering it breaks reading is the rule table's call."""
    written = written if _is_number(written) else None
    readable = readable if _is_number(readable) else None
    if written == readable:
        return
    if readable is None:
        change = "REMOVED"
    elif written is None:
        change = "ADDED"
    else:
        change = "INCREASED" if readable > written else "DECREASED"
    diff.add(f"{_rule_prefix(keyword)}_{change}", join(path, keyword), keyword, written, readable)


def _bounds(schema: dict[str, Any]) -> dict[str, Any]:
    bounds = {key: schema.get(key) for key in ("maximum", "minimum")}
    for bound, exclusive in (("maximum", "exclusiveMaximum"), ("minimum", "exclusiveMinimum")):
        value = schema.get(exclusive)
        if isinstance(value, bool):
            # draft-04: a boolean flag turns the plain bound into an exclusive one.
            value = bounds[bound] if value else None
            if value is not None:
                bounds[bound] = None
        bounds[exclusive] = value
    return bounds


_BOUNDS = ("maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum")


def compare_numbers(diff: Comparer, ws: dict[str, Any], rs: dict[str, Any], path: str) -> None:
    """``maximum``, ``minimum``, their exclusive forms and ``multipleOf``."""
    written, readable = _bounds(ws), _bounds(rs)
    for keyword in _BOUNDS:
        compare_limit(diff, path, keyword, written[keyword], readable[keyword])
    factor, divisor = ws.get("multipleOf"), rs.get("multipleOf")
    if not _is_number(factor):
        factor = None
    if not _is_number(divisor):
        divisor = None
    if factor == divisor:
        return
    if divisor is None:
        rule = "MULTIPLE_OF_REMOVED"
    elif factor is None:
        rule = "MULTIPLE_OF_ADDED"
    elif (Fraction(str(factor)) / Fraction(str(divisor))).denominator == 1:
        rule = "MULTIPLE_OF_REDUCED"
    elif (Fraction(str(divisor)) / Fraction(str(factor))).denominator == 1:
        rule = "MULTIPLE_OF_EXPANDED"
    else:
        rule = "MULTIPLE_OF_CHANGED"
    diff.add(rule, join(path, "multipleOf"), "multipleOf", factor, divisor)


def compare_strings(diff: Comparer, ws: dict[str, Any], rs: dict[str, Any], path: str) -> None:
    """``maxLength``, ``minLength`` and ``pattern``."""
    compare_limit(diff, path, "maxLength", ws.get("maxLength"), rs.get("maxLength"))
    compare_limit(diff, path, "minLength", ws.get("minLength"), rs.get("minLength"))
    written, readable = ws.get("pattern"), rs.get("pattern")
    if written == readable:
        return
    if readable is None:
        rule = "PATTERN_REMOVED"
    elif written is None:
        rule = "PATTERN_ADDED"
    else:
        rule = "PATTERN_CHANGED"
    diff.add(rule, join(path, "pattern"), "pattern", written, readable)


def compare_subschema(diff: Comparer, writer: Node, reader: Node, path: str, keyword: str) -> None:
    """A keyword holding one subschema that constrains (part of) the value when present."""
    written, readable = writer.schema.get(keyword), reader.schema.get(keyword)
    if readable is None or is_empty(readable):
        if written is not None and not is_empty(written):
            diff.add("SCHEMA_REMOVED", join(path, keyword), keyword, written, readable)
        return
    if written is None:
        diff.add("SCHEMA_ADDED", join(path, keyword), keyword, None, readable)
        return
    diff.compare(writer.child(written), reader.child(readable), join(path, escape(keyword)))


def compare_not(diff: Comparer, writer: Node, reader: Node, path: str) -> None:
    """``not``: the reader may exclude only values the writer excluded too."""
    written, readable = writer.schema.get("not"), reader.schema.get("not")
    at = join(path, "not")
    if readable is None or readable is False or written == readable:
        if written is not None and written is not False and written != readable:
            diff.add("NOT_TYPE_NARROWED", at, "not", written, readable)
        return
    if written is None or written is False:
        diff.add("NOT_TYPE_EXTENDED", at, "not", written, readable)
        return
    # What the reader excludes must already be excluded by the writer: the roles swap.
    reason = diff.accepts(reader.child(readable), writer.child(written), at)
    if reason is None:
        diff.add("NOT_TYPE_NARROWED", at, "not", written, readable)
    else:
        diff.add("NOT_TYPE_EXTENDED", at, "not", written, readable, summary(reason))


def compare_conditionals(diff: Comparer, writer: Node, reader: Node, path: str) -> None:
    """``if``/``then``/``else``: branches are compared only while the condition is unchanged."""
    written, readable = writer.schema.get("if"), reader.schema.get("if")
    if readable is None:
        return
    if written != readable:
        before = "no if/then/else" if written is None else "one if condition"
        diff.add("COMBINED_TYPE_CHANGED", join(path, "if"), "if", before, "a different condition")
        return
    for keyword in ("then", "else"):
        compare_subschema(diff, writer, reader, path, keyword)
