"""AC-STATIC: upcasters are checked against the schemas they connect when they are registered."""

from __future__ import annotations

import json
from typing import Any

import pytest

from evcat.formats import get_format
from evcat.upcast import SpecError, parse_spec
from evcat.upcast.edges.checking import check_spec
from evcat.upcast.graph.schemas import SchemaIndex
from tests.upcast.order_schemas import ORDER, SCHEMAS

INDEX = SchemaIndex.from_schemas(SCHEMAS)


def problems(document: dict[str, Any], index: SchemaIndex = INDEX) -> list[tuple[str, str]]:
    return [(p.code, p.path) for p in check_spec(parse_spec(document), index).problems]


def test_ac_static_renaming_a_field_absent_from_the_source_is_unknown_source_path() -> None:
    found = problems(
        {
            "event": ORDER,
            "from": 1,
            "to": 2,
            "ops": [{"rename": {"from": "customer_nam", "to": "customer.full_name"}}],
        }
    )

    assert ("UNKNOWN_SOURCE_PATH", "customer_nam") in found


def test_ac_static_writing_a_path_absent_from_the_target_is_unknown_target_path() -> None:
    found = problems(
        {
            "event": ORDER,
            "from": 1,
            "to": 2,
            "ops": [{"rename": {"from": "customer_name", "to": "customer.fullname"}}],
        }
    )

    assert ("UNKNOWN_TARGET_PATH", "customer.fullname") in found


def test_ac_static_an_expression_calling_now_is_nondeterministic_expr() -> None:
    with pytest.raises(SpecError) as raised:
        parse_spec(
            {
                "event": ORDER,
                "from": 4,
                "to": 5,
                "ops": [{"derive": {"path": "placed_at", "expr": "str(now())"}}],
            }
        )

    assert raised.value.code == "NONDETERMINISTIC_EXPR"


def test_a_required_target_field_nothing_produces_is_reported() -> None:
    found = problems(
        {
            "event": ORDER,
            "from": 4,
            "to": 5,
            "ops": [{"derive": {"path": "item_count", "expr": "len(items)"}}],
        }
    )

    assert found == [("MISSING_TARGET_FIELD", "placed_at")]


def test_an_expression_of_the_wrong_kind_is_a_type_mismatch() -> None:
    found = problems(
        {
            "event": ORDER,
            "from": 4,
            "to": 5,
            "ops": [
                {"derive": {"path": "item_count", "expr": "upper(id)"}},
                {"set": {"path": "placed_at", "value": "2024-01-01"}},
            ],
        }
    )

    assert found == [("TYPE_MISMATCH", "item_count")]


def test_an_expression_reading_an_unknown_field_is_unknown_source_path() -> None:
    found = problems(
        {
            "event": ORDER,
            "from": 4,
            "to": 5,
            "ops": [
                {"derive": {"path": "item_count", "expr": "len(lines)"}},
                {"set": {"path": "placed_at", "value": "x"}},
            ],
        }
    )

    assert found == [("UNKNOWN_SOURCE_PATH", "item_count")]


def test_a_field_carried_over_with_a_changed_type_needs_an_operation() -> None:
    parse = get_format("AVRO").parse
    index = SchemaIndex.from_schemas(
        {
            ("e.E", 1): parse(
                json.dumps(
                    {"type": "record", "name": "e.E", "fields": [{"name": "n", "type": "long"}]}
                )
            ),
            ("e.E", 2): parse(
                json.dumps(
                    {"type": "record", "name": "e.E", "fields": [{"name": "n", "type": "string"}]}
                )
            ),
        }
    )

    assert problems({"event": "e.E", "from": 1, "to": 2}, index) == [("TYPE_MISMATCH", "n")]
    assert (
        problems(
            {
                "event": "e.E",
                "from": 1,
                "to": 2,
                "ops": [{"convert": {"path": "n", "using": "to_string"}}],
            },
            index,
        )
        == []
    )


def test_a_constant_that_is_not_an_enum_symbol_is_refused() -> None:
    parse = get_format("AVRO").parse
    enum = {"type": "enum", "name": "S", "symbols": ["A", "B"]}
    index = SchemaIndex.from_schemas(
        {
            ("e.E", 1): parse(json.dumps({"type": "record", "name": "e.E", "fields": []})),
            ("e.E", 2): parse(
                json.dumps(
                    {"type": "record", "name": "e.E", "fields": [{"name": "s", "type": enum}]}
                )
            ),
        }
    )

    found = problems(
        {"event": "e.E", "from": 1, "to": 2, "ops": [{"set": {"path": "s", "value": "C"}}]}, index
    )

    assert found == [("TYPE_MISMATCH", "s")]


def test_writing_a_field_twice_without_reading_it_is_reported() -> None:
    found = problems(
        {
            "event": ORDER,
            "from": 4,
            "to": 5,
            "ops": [
                {"set": {"path": "placed_at", "value": "a"}},
                {"set": {"path": "placed_at", "value": "b"}},
                {"derive": {"path": "item_count", "expr": "len(items)"}},
            ],
        }
    )

    assert found == [("OVERWRITTEN", "placed_at")]


def test_fields_the_target_lacks_and_defaults_it_has_are_generated() -> None:
    checked = check_spec(
        parse_spec(
            {
                "event": ORDER,
                "from": 2,
                "to": 3,
                "ops": [{"rename": {"from": "currency", "to": "currency_code"}}],
            }
        ),
        INDEX,
    )

    assert checked.problems == []
    assert [op.spec() for op in checked.generated] == [
        {"set_default": {"path": "channel", "value": "web"}}
    ]


def test_json_schema_targets_are_checked_too() -> None:
    parse = get_format("JSON").parse
    v1 = parse(
        json.dumps(
            {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}
        )
    )
    v2 = parse(
        json.dumps(
            {
                "type": "object",
                "properties": {"full_name": {"type": "string"}},
                "required": ["full_name"],
                "additionalProperties": False,
            }
        )
    )
    index = SchemaIndex.from_schemas({("j.E", 1): v1, ("j.E", 2): v2})

    assert problems({"event": "j.E", "from": 1, "to": 2, "ops": []}, index) == [
        ("MISSING_TARGET_FIELD", "full_name")
    ]
    assert (
        problems(
            {
                "event": "j.E",
                "from": 1,
                "to": 2,
                "ops": [{"rename": {"from": "name", "to": "full_name"}}],
            },
            index,
        )
        == []
    )
