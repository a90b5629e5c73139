"""JSON Schema compatibility: Confluent's difference types, under STRICT and LENIENT.

Each table row is one change from an old schema (the writer, in a BACKWARD check) to a new
one (the reader), the difference type it must produce, and whether STRICT and LENIENT accept it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from evcat.compat.base import LENIENT, STRICT
from evcat.compat.jsonschema.check import check_json, json_differences
from evcat.compat.levels import CompatibilityLevel, check_pair
from evcat.errors import InvalidSchemaError
from evcat.formats.base import ParsedSchema
from evcat.formats.jsonschema.format import JSON_FORMAT

D2019 = "https://json-schema.org/draft/2019-09/schema"
D2020 = "https://json-schema.org/draft/2020-12/schema"
S = {"type": "string"}
N = {"type": "number"}


def parse(document: Any, **dependencies: ParsedSchema) -> ParsedSchema:
    return JSON_FORMAT.parse(json.dumps(document), dependencies=dependencies)


def found(old: Any, new: Any, policy: str = STRICT) -> list[str]:
    """Every difference type from old to new, compatible or not."""
    return [d.rule for d in json_differences(parse(new), parse(old), policy)]


def broken(old: Any, new: Any, policy: str = STRICT) -> list[str]:
    """The difference types that stop the new schema from reading data of the old one."""
    issues = check_json(parse(new), parse(old), reader_role="new", writer_role="old", policy=policy)
    return [issue.rule for issue in issues]


def typed(kind: str, **keywords: Any) -> dict[str, Any]:
    return {"type": kind, **keywords}


def obj(closed: bool | None = None, **properties: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if closed is not None:
        schema["additionalProperties"] = not closed
    return schema


def tup(*items: Any, rest: Any = None, draft: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "array"}
    if draft == D2020:
        schema.update({"$schema": D2020, "prefixItems": list(items)})
        if rest is not None:
            schema["items"] = rest
    else:
        schema["items"] = list(items)
        if rest is not None:
            schema["additionalItems"] = rest
    return schema


def bounds(keyword: str, kind: str, before: int | None, after: int | None) -> Any:
    def make(value: int | None) -> dict[str, Any]:
        return typed(kind) if value is None else typed(kind, **{keyword: value})

    return make(before), make(after)


def row(rule: str, old: Any, new: Any, strict: bool, lenient: bool, tag: str = "") -> Any:
    return pytest.param(old, new, rule, strict, lenient, id=(tag or rule).lower())


def limit_rows(keyword: str, prefix: str, kind: str, upper: bool) -> list[Any]:
    """ADDED, INCREASED, DECREASED, REMOVED for one numeric bound."""
    tighter = "DECREASED" if upper else "INCREASED"
    looser = "INCREASED" if upper else "DECREASED"
    small, large = 5, 8
    tight_pair = (large, small) if upper else (small, large)
    loose_pair = (small, large) if upper else (large, small)
    return [
        row(f"{prefix}_ADDED", *bounds(keyword, kind, None, small), False, False),
        row(f"{prefix}_{tighter}", *bounds(keyword, kind, *tight_pair), False, False),
        row(f"{prefix}_{looser}", *bounds(keyword, kind, *loose_pair), True, True),
        row(f"{prefix}_REMOVED", *bounds(keyword, kind, small, None), True, True),
    ]


def contains_rows(keyword: str, prefix: str, upper: bool) -> list[Any]:
    rows = []
    for param in limit_rows(keyword, prefix, "array", upper):
        old, new, rule, strict, lenient = param.values
        contains = {"$schema": D2019, "contains": S}
        rows.append(row(rule, {**old, **contains}, {**new, **contains}, strict, lenient))
    return rows


TYPES = [
    row("TYPE_EXTENDED", typed("integer"), typed("number"), True, True, "integer_to_number"),
    row("TYPE_EXTENDED", S, typed(["string", "null"]), True, True, "type_null_added"),
    row("TYPE_NARROWED", N, typed("integer"), False, False, "number_to_integer"),
    row("TYPE_NARROWED", typed(["string", "null"]), S, False, False, "type_null_removed"),
    row("TYPE_NARROWED", {}, typed("object"), False, False, "type_added"),
    row("TYPE_CHANGED", S, typed("integer"), False, False),
    row("TYPE_CHANGED", S, False, False, False, "reader_false"),
]

STRINGS = [
    *limit_rows("maxLength", "MAX_LENGTH", "string", upper=True),
    *limit_rows("minLength", "MIN_LENGTH", "string", upper=False),
    row("PATTERN_ADDED", S, typed("string", pattern="^a"), False, False),
    row(
        "PATTERN_CHANGED",
        typed("string", pattern="^a"),
        typed("string", pattern="^b"),
        False,
        False,
    ),
    row("PATTERN_REMOVED", typed("string", pattern="^a"), S, True, True),
]

NUMBERS = [
    *limit_rows("maximum", "MAXIMUM", "number", upper=True),
    *limit_rows("minimum", "MINIMUM", "number", upper=False),
    *limit_rows("exclusiveMaximum", "EXCLUSIVE_MAXIMUM", "number", upper=True),
    *limit_rows("exclusiveMinimum", "EXCLUSIVE_MINIMUM", "number", upper=False),
    row("MULTIPLE_OF_ADDED", N, typed("number", multipleOf=5), False, False),
    row(
        "MULTIPLE_OF_REDUCED",
        typed("number", multipleOf=10),
        typed("number", multipleOf=5),
        True,
        True,
    ),
    row(
        "MULTIPLE_OF_REDUCED",
        typed("number", multipleOf=0.1),
        typed("number", multipleOf=0.01),
        True,
        True,
        "multiple_of_reduced_decimal",
    ),
    row(
        "MULTIPLE_OF_EXPANDED",
        typed("number", multipleOf=5),
        typed("number", multipleOf=10),
        False,
        False,
    ),
    row(
        "MULTIPLE_OF_CHANGED",
        typed("number", multipleOf=4),
        typed("number", multipleOf=6),
        False,
        False,
    ),
    row("MULTIPLE_OF_REMOVED", typed("number", multipleOf=5), N, True, True),
]

QTY = {"type": "integer"}
QTY_DEFAULT = {"type": "integer", "default": 1}

OBJECTS = [
    row(
        "REQUIRED_ATTRIBUTE_ADDED",
        obj(qty=QTY),
        {**obj(qty=QTY), "required": ["qty"]},
        False,
        False,
    ),
    row(
        "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED",
        obj(qty=QTY_DEFAULT),
        {**obj(qty=QTY_DEFAULT), "required": ["qty"]},
        True,
        True,
    ),
    row(
        "REQUIRED_ATTRIBUTE_REMOVED",
        {**obj(qty=QTY), "required": ["qty"]},
        obj(qty=QTY),
        True,
        True,
    ),
    *limit_rows("maxProperties", "MAX_PROPERTIES", "object", upper=True),
    *limit_rows("minProperties", "MIN_PROPERTIES", "object", upper=False),
    row("DEPENDENCY_ARRAY_ADDED", {}, {"dependencies": {"a": ["b"]}}, False, False),
    row(
        "DEPENDENCY_ARRAY_ADDED",
        {"$schema": D2019},
        {"$schema": D2019, "dependentRequired": {"a": ["b"]}},
        False,
        False,
        "dependent_required_added",
    ),
    row(
        "DEPENDENCY_ARRAY_EXTENDED",
        {"dependencies": {"a": ["b"]}},
        {"dependencies": {"a": ["b", "c"]}},
        False,
        False,
    ),
    row(
        "DEPENDENCY_ARRAY_NARROWED",
        {"dependencies": {"a": ["b", "c"]}},
        {"dependencies": {"a": ["b"]}},
        True,
        True,
    ),
    row(
        "DEPENDENCY_ARRAY_CHANGED",
        {"dependencies": {"a": ["b"]}},
        {"dependencies": {"a": ["c"]}},
        False,
        False,
    ),
    row("DEPENDENCY_ARRAY_REMOVED", {**obj(), "dependencies": {"a": ["b"]}}, obj(), True, True),
    row("DEPENDENCY_SCHEMA_ADDED", {}, {"dependencies": {"a": {"required": ["b"]}}}, False, False),
    row(
        "DEPENDENCY_SCHEMA_ADDED",
        {"$schema": D2020},
        {"$schema": D2020, "dependentSchemas": {"a": {"required": ["b"]}}},
        False,
        False,
        "dependent_schemas_added",
    ),
    row(
        "DEPENDENCY_SCHEMA_REMOVED",
        {**obj(), "dependencies": {"a": {"required": ["b"]}}},
        obj(),
        True,
        True,
    ),
    row("ADDITIONAL_PROPERTIES_ADDED", obj(closed=True), obj(), True, True),
    row("ADDITIONAL_PROPERTIES_REMOVED", obj(), obj(closed=True), False, True),
    row("ADDITIONAL_PROPERTIES_NARROWED", obj(), {**obj(), "additionalProperties": S}, False, True),
    row("ADDITIONAL_PROPERTIES_EXTENDED", {**obj(), "additionalProperties": S}, obj(), True, True),
]


def unevaluated(value: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"$schema": D2019, "type": "object"}
    if value is not None:
        schema["unevaluatedProperties"] = value
    return schema


UNEVALUATED = [
    row("UNEVALUATED_PROPERTIES_ADDED", unevaluated(False), unevaluated(None), True, True),
    row("UNEVALUATED_PROPERTIES_REMOVED", unevaluated(None), unevaluated(False), False, True),
    row("UNEVALUATED_PROPERTIES_NARROWED", unevaluated(None), unevaluated(S), False, True),
    row("UNEVALUATED_PROPERTIES_EXTENDED", unevaluated(S), unevaluated(True), True, True),
]

OPEN_SKU = obj(sku=S)
CLOSED_SKU = obj(closed=True, sku=S)


def with_required(schema: dict[str, Any], *names: str) -> dict[str, Any]:
    return {**schema, "required": list(names)}


def partial(**properties: Any) -> dict[str, Any]:
    return {**obj(sku=S, **properties), "additionalProperties": S}


PATTERNED = {
    "type": "object",
    "properties": {"sku": S},
    "patternProperties": {"^I_": typed("integer")},
    "additionalProperties": False,
}

CONTENT_MODELS = [
    row(
        "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL",
        OPEN_SKU,
        obj(sku=S, qty={}),
        True,
        True,
    ),
    row(
        "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", OPEN_SKU, obj(sku=S, qty=QTY), False, True
    ),
    row(
        "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
        OPEN_SKU,
        with_required(obj(sku=S, qty=QTY), "qty"),
        False,
        False,
    ),
    row(
        "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL",
        OPEN_SKU,
        with_required(obj(sku=S, qty=QTY_DEFAULT), "qty"),
        False,
        True,
    ),
    row(
        "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
        CLOSED_SKU,
        obj(True, sku=S, qty=QTY),
        True,
        True,
    ),
    row(
        "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL",
        CLOSED_SKU,
        with_required(obj(True, sku=S, qty=QTY_DEFAULT), "qty"),
        True,
        True,
    ),
    row(
        "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
        CLOSED_SKU,
        with_required(obj(True, sku=S, qty=QTY), "qty"),
        False,
        False,
    ),
    row("PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL", obj(sku=S, qty=QTY), OPEN_SKU, True, True),
    row(
        "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL",
        obj(True, sku=S, qty=QTY),
        CLOSED_SKU,
        False,
        True,
    ),
    row(
        "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
        obj(True, sku=S, qty=False),
        CLOSED_SKU,
        True,
        True,
    ),
    row(
        "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
        partial(),
        partial(note=S),
        True,
        True,
    ),
    row(
        "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
        PATTERNED,
        {**PATTERNED, "properties": {"sku": S, "I_count": N}},
        True,
        True,
        "property_added_is_covered_by_pattern_properties",
    ),
    row(
        "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
        obj(True, sku=S, I_count=typed("integer")),
        {**PATTERNED, "patternProperties": {"^I_": N}},
        True,
        True,
    ),
]

ARRAY = typed("array")


def items_left(value: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"$schema": D2019, "type": "array"}
    if value is not None:
        schema["unevaluatedItems"] = value
    return schema


ARRAYS = [
    *limit_rows("maxItems", "MAX_ITEMS", "array", upper=True),
    *limit_rows("minItems", "MIN_ITEMS", "array", upper=False),
    *contains_rows("maxContains", "MAX_CONTAINS", upper=True),
    *contains_rows("minContains", "MIN_CONTAINS", upper=False),
    row("UNIQUE_ITEMS_ADDED", ARRAY, typed("array", uniqueItems=True), False, False),
    row("UNIQUE_ITEMS_REMOVED", typed("array", uniqueItems=True), ARRAY, True, True),
    row("SCHEMA_ADDED", ARRAY, typed("array", items=S), False, False, "items_added"),
    row("SCHEMA_REMOVED", typed("array", items=S), ARRAY, True, True, "items_removed"),
    row("SCHEMA_ADDED", ARRAY, typed("array", contains=S), False, False, "contains_added"),
    row("SCHEMA_REMOVED", typed("array", contains=S), ARRAY, True, True, "contains_removed"),
    row("ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL", tup(N), tup(N, True), True, True),
    row("ITEM_ADDED_TO_OPEN_CONTENT_MODEL", tup(N), tup(N, S), False, False),
    row(
        "ITEM_ADDED_TO_OPEN_CONTENT_MODEL",
        tup(N, draft=D2020),
        tup(N, S, draft=D2020),
        False,
        False,
        "prefix_item_added_to_open_content_model",
    ),
    row(
        "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL", tup(N, rest=False), tup(N, S, rest=False), True, True
    ),
    row(
        "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
        tup(S, rest=S),
        tup(S, S, rest=S),
        True,
        True,
    ),
    row(
        "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
        tup(S, rest=S),
        tup(S, N, rest=S),
        False,
        False,
    ),
    row("ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL", tup(S, N), tup(S), True, True),
    row(
        "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL",
        tup(S, N, rest=False),
        tup(S, rest=False),
        False,
        False,
    ),
    row(
        "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
        tup(S, False, rest=False),
        tup(S, rest=False),
        True,
        True,
    ),
    row(
        "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
        tup(S, S, rest=S),
        tup(S, rest=S),
        True,
        True,
    ),
    row(
        "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
        tup(S, N, rest=S),
        tup(S, rest=S),
        False,
        False,
    ),
    row("ADDITIONAL_ITEMS_ADDED", tup(S, rest=False), tup(S, rest=True), True, True),
    row("ADDITIONAL_ITEMS_REMOVED", tup(S, rest=True), tup(S, rest=False), False, False),
    row("ADDITIONAL_ITEMS_NARROWED", tup(S), tup(S, rest=S), False, False),
    row("ADDITIONAL_ITEMS_EXTENDED", tup(S, rest=S), tup(S), True, True),
    row(
        "ADDITIONAL_ITEMS_REMOVED",
        tup(S, rest=N, draft=D2020),
        tup(S, rest=False, draft=D2020),
        False,
        False,
        "items_after_prefix_items_removed",
    ),
    row("UNEVALUATED_ITEMS_ADDED", items_left(False), items_left(None), True, True),
    row("UNEVALUATED_ITEMS_REMOVED", items_left(None), items_left(False), False, False),
    row("UNEVALUATED_ITEMS_NARROWED", items_left(None), items_left(S), False, False),
    row("UNEVALUATED_ITEMS_EXTENDED", items_left(S), items_left(None), True, True),
]

ENUMS = [
    row("ENUM_ARRAY_EXTENDED", {"enum": ["red"]}, {"enum": ["red", "blue"]}, True, True),
    row(
        "ENUM_ARRAY_EXTENDED",
        {"const": "red"},
        {"enum": ["red", "blue"]},
        True,
        True,
        "const_to_enum",
    ),
    row("ENUM_ARRAY_EXTENDED", {**S, "enum": ["red"]}, S, True, True, "enum_removed"),
    row("ENUM_ARRAY_NARROWED", {"enum": ["red", "blue"]}, {"enum": ["red"]}, False, False),
    row("ENUM_ARRAY_NARROWED", S, {**S, "enum": ["red"]}, False, False, "enum_added"),
    row("ENUM_ARRAY_CHANGED", {"enum": ["red"]}, {"enum": ["blue"]}, False, False),
    row("ENUM_ARRAY_CHANGED", {"const": 1}, {"const": 2}, False, False, "const_changed"),
]

COMBINED = [
    row("SUM_TYPE_EXTENDED", {"anyOf": [S]}, {"anyOf": [S, N]}, True, True),
    row("SUM_TYPE_EXTENDED", S, {"oneOf": [S, typed("null")]}, True, True, "plain_to_one_of"),
    row("SUM_TYPE_NARROWED", {"oneOf": [S, N]}, {"oneOf": [S]}, False, False),
    row("SUM_TYPE_NARROWED", {"oneOf": [S, typed("null")]}, S, False, False, "one_of_to_plain"),
    row("PRODUCT_TYPE_NARROWED", {"allOf": [S, {"maxLength": 5}]}, {"allOf": [S]}, True, True),
    row("PRODUCT_TYPE_EXTENDED", {"allOf": [S]}, {"allOf": [S, {"maxLength": 5}]}, False, False),
    row(
        "PRODUCT_TYPE_EXTENDED",
        S,
        {**S, "anyOf": [{"maxLength": 5}]},
        False,
        False,
        "condition_added",
    ),
    row("COMBINED_TYPE_CHANGED", {"anyOf": [S, N]}, {"oneOf": [S, N]}, False, False),
    row("COMBINED_TYPE_EXTENDED", {"oneOf": [S, N]}, {"anyOf": [S, N]}, True, True),
    row(
        "COMBINED_TYPE_SUBSCHEMAS_CHANGED",
        {"oneOf": [S, N]},
        {"oneOf": [S, typed("boolean")]},
        False,
        False,
    ),
    row("NOT_TYPE_NARROWED", {"not": N}, {"not": typed("integer")}, True, True),
    row("NOT_TYPE_EXTENDED", {"not": typed("integer")}, {"not": N}, False, False),
    row("NOT_TYPE_EXTENDED", {}, {"not": S}, False, False, "not_added"),
]

ALL_ROWS = (
    TYPES + STRINGS + NUMBERS + OBJECTS + UNEVALUATED + CONTENT_MODELS + ARRAYS + ENUMS + COMBINED
)


@pytest.mark.parametrize(("old", "new", "rule", "strict", "lenient"), ALL_ROWS)
def test_difference_type_under_strict(
    old: Any, new: Any, rule: str, strict: bool, lenient: bool
) -> None:
    assert rule in found(old, new, STRICT)
    if strict:
        assert broken(old, new, STRICT) == []
    else:
        assert rule in broken(old, new, STRICT)


@pytest.mark.parametrize(("old", "new", "rule", "strict", "lenient"), ALL_ROWS)
def test_difference_type_under_lenient(
    old: Any, new: Any, rule: str, strict: bool, lenient: bool
) -> None:
    assert rule in found(old, new, LENIENT)
    if lenient:
        assert broken(old, new, LENIENT) == []
    else:
        assert rule in broken(old, new, LENIENT)


def test_adding_an_optional_property_to_an_open_model_breaks_strict_but_not_lenient() -> None:
    old = {"type": "object", "properties": {"sku": S}}
    new = {"type": "object", "properties": {"sku": S, "qty": QTY}}
    [issue] = check_json(
        parse(new), parse(old), reader_role="new", writer_role="old", policy=STRICT
    )
    assert issue.rule == "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
    assert issue.path == "#/properties/qty"
    assert "old schema's content model is open" in issue.message
    assert "additionalProperties: false" in issue.fix
    assert "compatibilityPolicy LENIENT" in issue.fix
    assert broken(old, new, LENIENT) == []


def test_a_required_property_without_default_names_the_property_in_the_fix() -> None:
    old = obj(True, sku=S)
    new = with_required(obj(True, sku=S, qty=QTY), "qty")
    [issue] = check_json(
        parse(new), parse(old), reader_role="new", writer_role="old", policy=STRICT
    )
    assert issue.fix == "give 'qty' a default, or do not list it in 'required'"


def test_a_keyword_fix_restores_the_old_value_in_the_new_schema() -> None:
    [issue] = check_json(
        parse(typed("string", maxLength=5)),
        parse(typed("string", maxLength=10)),
        reader_role="new",
        writer_role="old",
        policy=STRICT,
    )
    assert issue.path == "#/maxLength"
    assert issue.message.startswith("The new schema has 'maxLength' 5")
    assert issue.fix == "use 'maxLength': 10 in the new schema, as the old one does"


def test_forward_direction_swaps_the_roles_in_messages() -> None:
    old, new = CLOSED_SKU, obj(True, sku=S, qty=QTY)
    assert broken(old, new, STRICT) == []
    [issue] = check_json(
        parse(old), parse(new), reader_role="old", writer_role="new", policy=STRICT
    )
    assert issue.rule == "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"
    assert "the old schema rejects new data that carries 'qty'" in issue.message
    lenient = check_json(
        parse(old), parse(new), reader_role="old", writer_role="new", policy=LENIENT
    )
    assert lenient == []


@pytest.mark.parametrize(
    ("old", "new", "backward", "forward"),
    [
        (typed("string", maxLength=10), typed("string", maxLength=5), ["MAX_LENGTH_DECREASED"], []),
        ({"enum": ["a"]}, {"enum": ["a", "b"]}, [], ["ENUM_ARRAY_NARROWED"]),
        (typed("integer"), N, [], ["TYPE_NARROWED"]),
        (obj(sku=S), obj(), [], ["OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"]),
    ],
)
def test_both_directions(old: Any, new: Any, backward: list[str], forward: list[str]) -> None:
    assert broken(old, new) == backward
    assert broken(new, old) == forward


def test_full_compatibility_reports_the_forward_failure_with_its_direction() -> None:
    issues = check_pair(
        parse(obj(True, sku=S, qty=QTY)), parse(CLOSED_SKU), CompatibilityLevel.FULL
    )
    assert [(issue.rule, issue.direction) for issue in issues] == [
        ("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", "FORWARD")
    ]


def test_nested_paths_point_at_the_changed_keyword() -> None:
    old = obj(address=obj(zip=typed("string", maxLength=10)))
    new = obj(address=obj(zip=typed("string", maxLength=5)))
    [issue] = check_json(
        parse(new), parse(old), reader_role="new", writer_role="old", policy=STRICT
    )
    assert issue.path == "#/properties/address/properties/zip/maxLength"


def test_internal_refs_are_followed() -> None:
    def schema(zip_type: str) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {"home": {"$ref": "#/definitions/address"}},
            "definitions": {"address": obj(zip=typed(zip_type))},
        }

    assert broken(schema("string"), schema("string")) == []
    assert broken(schema("string"), schema("integer")) == ["TYPE_CHANGED"]
    changes = json_differences(parse(schema("integer")), parse(schema("string")))
    assert [change.path for change in changes] == ["#/properties/home/properties/zip"]


def test_moving_a_schema_into_definitions_is_compatible_both_ways() -> None:
    inline = obj(home=obj(zip=S))
    moved = {
        "type": "object",
        "properties": {"home": {"$ref": "#/$defs/address"}},
        "$defs": {"address": obj(zip=S)},
        "$schema": D2020,
    }
    assert found(inline, moved) == []
    assert found(moved, inline) == []


def test_refs_into_references_are_followed() -> None:
    address_v1 = parse(obj(zip=typed("string", maxLength=10)))
    address_v2 = parse(obj(zip=typed("string", maxLength=5)))
    order = {"type": "object", "properties": {"home": {"$ref": "address.json"}}}
    old = parse(order, **{"address.json": address_v1})
    new = parse(order, **{"address.json": address_v2})
    issues = check_json(new, old, reader_role="new", writer_role="old", policy=STRICT)
    assert [(i.rule, i.path) for i in issues] == [
        ("MAX_LENGTH_DECREASED", "#/properties/home/properties/zip/maxLength")
    ]


def test_in_2019_and_later_a_ref_applies_beside_its_sibling_keywords() -> None:
    def schema(limit: int) -> dict[str, Any]:
        return {"$schema": D2020, "$defs": {"s": S}, "$ref": "#/$defs/s", "maxLength": limit}

    assert "MAX_LENGTH_DECREASED" in broken(schema(10), schema(5))


def test_up_to_draft_07_keywords_beside_a_ref_are_ignored() -> None:
    def schema(limit: int) -> dict[str, Any]:
        return {"definitions": {"s": S}, "$ref": "#/definitions/s", "maxLength": limit}

    assert found(schema(10), schema(5)) == []


def test_draft_04_and_draft_07_exclusive_bounds_compare_by_meaning() -> None:
    draft4 = {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "maximum": 10,
        "exclusiveMaximum": True,
    }
    draft7 = {"exclusiveMaximum": 10}
    assert found(draft4, draft7) == []
    assert broken({"maximum": 10}, draft4) == ["EXCLUSIVE_MAXIMUM_ADDED"]


def linked_list(value: dict[str, Any]) -> dict[str, Any]:
    return {
        "$ref": "#/definitions/node",
        "definitions": {"node": obj(value=value, next={"$ref": "#/definitions/node"})},
    }


def test_recursive_schemas_terminate_and_report_inner_changes_once() -> None:
    assert broken(linked_list(S), linked_list(S)) == []
    assert broken(linked_list(S), linked_list(typed("integer"))) == ["TYPE_CHANGED"]


def test_recursions_of_different_periods_terminate() -> None:
    two = {
        "$ref": "#/definitions/a",
        "definitions": {
            "a": obj(next={"$ref": "#/definitions/b"}),
            "b": obj(next={"$ref": "#/definitions/a"}),
        },
    }
    three = {
        "$ref": "#/definitions/a",
        "definitions": {
            "a": obj(next={"$ref": "#/definitions/b"}),
            "b": obj(next={"$ref": "#/definitions/c"}),
            "c": obj(next={"$ref": "#/definitions/a"}, extra=S),
        },
    }
    assert "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL" in broken(two, three)
    assert broken(three, two) == []


def test_a_recursive_anyof_terminates() -> None:
    tree = {
        "$ref": "#/definitions/tree",
        "definitions": {
            "tree": {"anyOf": [S, typed("array", items={"$ref": "#/definitions/tree"})]}
        },
    }
    wider = {
        "$ref": "#/definitions/tree",
        "definitions": {
            "tree": {"anyOf": [S, N, typed("array", items={"$ref": "#/definitions/tree"})]}
        },
    }
    assert broken(tree, wider) == []
    assert broken(wider, tree) == ["SUM_TYPE_NARROWED"]


def test_an_absurdly_deep_ref_chain_is_reported_not_crashed_on() -> None:
    depth = 400
    definitions = {f"d{i}": obj(x={"$ref": f"#/definitions/d{i + 1}"}) for i in range(depth)}
    definitions[f"d{depth}"] = S
    schema = {"definitions": definitions, "$ref": "#/definitions/d0"}
    assert broken(schema, schema) == ["COMPARISON_TOO_DEEP"]


def test_true_reads_everything_and_false_is_read_by_anything() -> None:
    assert broken(obj(True, a=S), True) == []
    assert broken(False, obj(True, a=S)) == []
    assert broken(True, typed("string")) == ["TYPE_NARROWED"]


def test_incompatibilities_print_the_way_confluent_does() -> None:
    [issue] = check_json(parse(S), parse(N), reader_role="new", writer_role="old", policy=STRICT)
    assert issue.confluent_message() == (
        "{errorType:'TYPE_CHANGED', description:'The type at '#/' is number in the old schema "
        "but string in the new schema'}"
    )


keywords = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["string", "integer", "number", "object", "array", "null"]),
        "maxLength": st.integers(0, 20),
        "minimum": st.integers(-5, 5),
        "enum": st.lists(st.integers(0, 3), min_size=1, max_size=3, unique=True),
        "required": st.lists(st.sampled_from(["a", "b"]), max_size=2, unique=True),
        "additionalProperties": st.booleans(),
        "uniqueItems": st.booleans(),
        "multipleOf": st.sampled_from([1, 2, 0.5]),
    },
)
schemas = st.recursive(
    keywords,
    lambda inner: st.one_of(
        st.builds(
            lambda props: {"type": "object", "properties": props},
            st.dictionaries(st.sampled_from(["a", "b", "c"]), inner, max_size=3),
        ),
        st.builds(lambda items: {"type": "array", "items": items}, inner),
        st.builds(lambda branches: {"anyOf": branches}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda branches: {"allOf": branches}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda branch: {"not": branch}, inner),
    ),
    max_leaves=8,
)


def parses(document: Any) -> ParsedSchema | None:
    try:
        return parse(document)
    except InvalidSchemaError:
        return None


@settings(max_examples=200, deadline=None)
@given(schemas)
def test_every_schema_can_read_its_own_data(document: Any) -> None:
    parsed = parses(document)
    assume(parsed is not None)
    assert parsed is not None
    assert check_json(parsed, parsed, reader_role="new", writer_role="old", policy=STRICT) == []
    copy = parse(json.loads(json.dumps(document)))
    assert check_json(copy, parsed, reader_role="new", writer_role="old", policy=STRICT) == []


@settings(max_examples=200, deadline=None)
@given(schemas, schemas)
def test_every_pair_of_schemas_gets_a_verdict(first: Any, second: Any) -> None:
    one, two = parses(first), parses(second)
    assume(one is not None and two is not None)
    assert one is not None and two is not None
    for policy in (STRICT, LENIENT):
        for issue in check_json(one, two, reader_role="new", writer_role="old", policy=policy):
            assert issue.message and issue.fix and issue.path.startswith("#/")


def test_a_plain_schema_is_compared_with_the_one_alternative_of_its_type() -> None:
    old = typed("string", maxLength=10)
    new = {"oneOf": [typed("string", maxLength=5), typed("null")]}
    [issue] = check_json(
        parse(new), parse(old), reader_role="new", writer_role="old", policy=STRICT
    )
    assert (issue.rule, issue.path) == ("MAX_LENGTH_DECREASED", "#/oneOf/0/maxLength")


def test_a_plain_schema_no_alternative_can_read_is_a_type_change() -> None:
    old = typed("boolean")
    new = {"anyOf": [S, N]}
    assert broken(old, new) == ["TYPE_CHANGED"]


def test_an_uncovered_property_names_the_inner_reason() -> None:
    issues = check_json(
        parse(partial(qty=QTY)),
        parse(partial()),
        reader_role="new",
        writer_role="old",
        policy=STRICT,
    )
    assert [issue.rule for issue in issues] == [
        "TYPE_CHANGED",
        "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    ]
    assert issues[1].additional_info == "TYPE_CHANGED at #/properties/qty"


def test_the_inner_change_of_an_uncovered_property_breaks_lenient_too() -> None:
    assert broken(partial(), partial(qty=QTY), LENIENT) == ["TYPE_CHANGED"]
