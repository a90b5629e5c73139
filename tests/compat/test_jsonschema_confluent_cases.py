"""JSON Schema verdicts against Confluent's own labelled cases, BACKWARD and FORWARD.

The rows restate, in our own words, cases of Confluent's ``diff-schema-examples`` files on
partially open content models, ``unevaluatedProperties``/``unevaluatedItems`` and ``required``,
with the verdict Confluent's differ gives under STRICT and under LENIENT. BACKWARD is the case
as labelled (the new schema reads data of the old); FORWARD runs the same differ with the roles
swapped, as Confluent's FORWARD check does. Each row is ``(strict, lenient)`` per direction.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from evcat.compat.base import LENIENT, STRICT
from evcat.compat.levels import CompatibilityLevel, check_pair
from evcat.formats.jsonschema.format import JSON_FORMAT

S = {"type": "string"}
N = {"type": "number"}
INT = {"type": "integer"}
NULL_OR_STRING = {"oneOf": [{"type": "null"}, {"type": "string"}]}
D2019 = "https://json-schema.org/draft/2019-09/schema"
D2020 = "https://json-schema.org/draft/2020-12/schema"
BOTH = (True, True)
NEITHER = (False, False)
LENIENT_ONLY = (False, True)


def compatible(old: Any, new: Any, level: CompatibilityLevel, policy: str) -> bool:
    def parse(document: Any) -> Any:
        return JSON_FORMAT.parse(json.dumps(document))

    return not check_pair(parse(new), parse(old), level, policy)


def case(
    tag: str, old: Any, new: Any, backward: tuple[bool, bool], forward: tuple[bool, bool]
) -> Any:
    return pytest.param(old, new, backward, forward, id=tag)


def props(*, rest: Any = None, patterns: Any = None, required: Any = None, **named: Any) -> Any:
    schema: dict[str, Any] = {"properties": named}
    if rest is not None:
        schema["additionalProperties"] = rest
    if patterns is not None:
        schema["patternProperties"] = patterns
    if required is not None:
        schema["required"] = required
    return schema


def tuple_of(*items: Any, rest: Any) -> Any:
    return {"type": "array", "items": list(items), "additionalItems": rest}


def unevaluated(keyword: str, value: Any, **extra: Any) -> Any:
    schema: dict[str, Any] = {"$schema": D2019, **extra}
    if value is not None:
        schema[keyword] = value
    return schema


PATTERNS = {"^S_": S, "^I_": INT}
WIDER_PATTERNS = {"^S_": S, "^I_": N}

PARTIALLY_OPEN = [
    case(
        "property_added_covered_by_a_pattern",
        props(rest=False, patterns=PATTERNS, foo=S),
        props(rest=False, patterns=PATTERNS, foo=S, I_123=N),
        BOTH,
        NEITHER,
    ),
    case(
        "property_added_covered_by_additional_properties",
        props(rest=S, foo=S),
        props(rest=S, foo=S, bar=S),
        BOTH,
        BOTH,
    ),
    case(
        "property_added_not_covered_by_additional_properties",
        props(rest=S, foo=S),
        props(rest=S, foo=S, bar=N),
        NEITHER,
        NEITHER,
    ),
    case(
        "required_property_added_to_a_partially_open_model",
        props(rest=S, foo=S),
        props(rest=S, required=["bar"], foo=S, bar=S),
        NEITHER,
        BOTH,
    ),
    case(
        "property_removed_covered_by_a_pattern",
        props(rest=False, foo=S, I_123=INT),
        props(rest=False, patterns=WIDER_PATTERNS, foo=S),
        BOTH,
        NEITHER,
    ),
    case(
        "property_removed_covered_by_additional_properties",
        props(rest=False, foo=S, bar=S),
        props(rest=S, foo=S),
        BOTH,
        LENIENT_ONLY,
    ),
    case(
        "property_removed_not_covered_by_additional_properties",
        props(rest=False, foo=S, bar=N),
        props(rest=S, foo=S),
        NEITHER,
        NEITHER,
    ),
    case(
        "property_removed_covered_by_the_same_one_of",
        props(rest=False, foo=S, bar=NULL_OR_STRING),
        props(rest=NULL_OR_STRING, foo=S),
        BOTH,
        LENIENT_ONLY,
    ),
    case(
        "property_removed_covered_by_a_wider_one_of",
        props(rest=False, foo=S, bar=S),
        props(rest=NULL_OR_STRING, foo=S),
        BOTH,
        NEITHER,
    ),
    case("additional_properties_false_dropped", props(rest=False), props(), BOTH, LENIENT_ONLY),
    case(
        "additional_properties_narrowed_to_a_schema",
        {"additionalProperties": True},
        {"additionalProperties": N},
        LENIENT_ONLY,
        BOTH,
    ),
    case(
        "additional_properties_schema_changed",
        {"additionalProperties": S},
        {"additionalProperties": N},
        NEITHER,
        NEITHER,
    ),
    case(
        "item_added_covered_by_additional_items",
        tuple_of(S, N, rest=S),
        tuple_of(S, N, S, rest=S),
        BOTH,
        BOTH,
    ),
    case(
        "item_added_not_covered_by_additional_items",
        tuple_of(S, N, rest=S),
        tuple_of(S, N, N, rest=S),
        NEITHER,
        NEITHER,
    ),
    case(
        "item_removed_into_a_schema_for_the_rest",
        tuple_of(S, N, rest=False),
        tuple_of(S, rest=N),
        BOTH,
        NEITHER,
    ),
    case(
        "item_added_from_a_schema_for_the_rest_that_opens",
        tuple_of(S, rest=N),
        tuple_of(S, N, rest=True),
        BOTH,
        NEITHER,
    ),
]

UNEVALUATED = [
    case(
        "unevaluated_properties_false_added",
        unevaluated("unevaluatedProperties", None, type="object"),
        unevaluated("unevaluatedProperties", False, type="object"),
        LENIENT_ONLY,
        BOTH,
    ),
    case(
        "unevaluated_properties_schema_added",
        unevaluated("unevaluatedProperties", None, type="object"),
        unevaluated("unevaluatedProperties", S, type="object"),
        LENIENT_ONLY,
        BOTH,
    ),
    case(
        "unevaluated_properties_true_added",
        unevaluated("unevaluatedProperties", None, type="object"),
        unevaluated("unevaluatedProperties", True, type="object"),
        LENIENT_ONLY,
        BOTH,
    ),
    case(
        "unevaluated_properties_schema_changed",
        unevaluated("unevaluatedProperties", S, type="object"),
        unevaluated("unevaluatedProperties", N, type="object"),
        NEITHER,
        NEITHER,
    ),
    case(
        "property_added_covered_by_unevaluated_properties",
        unevaluated("unevaluatedProperties", S, properties={"foo": S}),
        unevaluated("unevaluatedProperties", S, properties={"foo": S, "bar": S}),
        BOTH,
        BOTH,
    ),
    case(
        "property_added_not_covered_by_unevaluated_properties",
        unevaluated("unevaluatedProperties", S, properties={"foo": S}),
        unevaluated("unevaluatedProperties", S, properties={"foo": S, "bar": N}),
        NEITHER,
        NEITHER,
    ),
    case(
        "unevaluated_items_false_added",
        unevaluated("unevaluatedItems", None, type="array"),
        unevaluated("unevaluatedItems", False, type="array"),
        NEITHER,
        BOTH,
    ),
    case(
        "item_added_covered_by_unevaluated_items",
        {"$schema": D2020, "prefixItems": [S], "unevaluatedItems": N},
        {"$schema": D2020, "prefixItems": [S, N], "unevaluatedItems": N},
        BOTH,
        BOTH,
    ),
    case(
        "item_added_to_a_model_closed_by_unevaluated_items",
        {"$schema": D2020, "prefixItems": [S], "unevaluatedItems": False},
        {"$schema": D2020, "prefixItems": [S, N], "unevaluatedItems": False},
        BOTH,
        NEITHER,
    ),
]

REQUIRED = [
    case(
        "required_removed",
        props(required=["foo"], foo=S),
        props(foo=S),
        BOTH,
        NEITHER,
    ),
    case(
        "required_added",
        props(foo=S),
        props(required=["foo"], foo=S),
        NEITHER,
        BOTH,
    ),
    case(
        "required_switched_to_an_undeclared_name",
        props(required=["foo"], foo=S),
        props(required=["bar"], foo=S),
        BOTH,
        NEITHER,
    ),
    case(
        "required_with_default_added",
        props(foo=S),
        props(required=["foo"], foo=S | {"default": "x"}),
        BOTH,
        BOTH,
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "backward", "forward"), PARTIALLY_OPEN + UNEVALUATED + REQUIRED
)
def test_verdict_matches_confluent_both_ways(
    old: Any, new: Any, backward: tuple[bool, bool], forward: tuple[bool, bool]
) -> None:
    got_backward = tuple(
        compatible(old, new, CompatibilityLevel.BACKWARD, policy) for policy in (STRICT, LENIENT)
    )
    got_forward = tuple(
        compatible(old, new, CompatibilityLevel.FORWARD, policy) for policy in (STRICT, LENIENT)
    )
    assert (got_backward, got_forward) == (backward, forward)
