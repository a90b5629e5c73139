"""Avro compatibility, one rule per test: verdicts, paths, Avro's details and the fixes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from evcat.compat import CompatibilityLevel, check
from evcat.compat.avro.check import check_avro
from evcat.compat.base import Incompatibility
from evcat.formats.avro import AVRO_FORMAT
from evcat.formats.base import ParsedSchema, SchemaReference


def parse(schema: Any, **kwargs: Any) -> ParsedSchema:
    return AVRO_FORMAT.parse(json.dumps(schema), **kwargs)


def record(*fields: dict[str, Any], name: str = "com.acme.Order", **extra: Any) -> ParsedSchema:
    return parse({"type": "record", "name": name, "fields": list(fields), **extra})


def field(name: str, type_: Any, **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": type_, **extra}


def backward(new: ParsedSchema, old: ParsedSchema) -> list[Incompatibility]:
    """What stops the new schema from reading old data."""
    return check_avro(new, old, reader_role="new", writer_role="old", policy="STRICT")


def forward(new: ParsedSchema, old: ParsedSchema) -> list[Incompatibility]:
    """What stops the old schema from reading new data."""
    return check_avro(old, new, reader_role="old", writer_role="new", policy="STRICT")


def only(issues: list[Incompatibility]) -> Incompatibility:
    assert len(issues) == 1, issues
    return issues[0]


ENUM = {"type": "enum", "name": "com.acme.Status", "symbols": ["NEW", "PAID", "SHIPPED"]}


def test_identical_schemas_are_compatible() -> None:
    schema = record(field("id", "string"), field("qty", "int"))
    assert backward(schema, record(field("id", "string"), field("qty", "int"))) == []


def test_added_field_without_default_breaks_backward() -> None:
    old = record(field("id", "string"))
    new = record(field("id", "string"), field("qty", "int"))
    issue = only(backward(new, old))
    assert issue.rule == "READER_FIELD_MISSING_DEFAULT_VALUE"
    assert issue.path == "/fields/1"
    assert issue.additional_info == "qty"
    assert issue.message == (
        "The field 'qty' at path '/fields/1' in the new schema has no default value and is "
        "missing in the old schema"
    )
    assert issue.fix == "give 'qty' a default"


def test_added_field_with_default_is_backward_compatible() -> None:
    old = record(field("id", "string"))
    assert backward(record(field("id", "string"), field("qty", "int", default=1)), old) == []


def test_null_default_counts_as_a_default() -> None:
    old = record(field("id", "string"))
    new = record(field("id", "string"), field("note", ["null", "string"], default=None))
    assert backward(new, old) == []


def test_removed_field_is_backward_compatible_but_breaks_forward_without_default() -> None:
    old = record(field("id", "string"), field("qty", "int"))
    new = record(field("id", "string"))
    assert backward(new, old) == []
    issue = only(forward(new, old))
    assert issue.rule == "READER_FIELD_MISSING_DEFAULT_VALUE"
    assert "in the old schema has no default value and is missing in the new schema" in (
        issue.message
    )
    assert (
        issue.fix == "keep the field 'qty' in the new schema; the old schema has no default for it"
    )


@pytest.mark.parametrize(
    ("writer", "reader"),
    [
        ("int", "long"),
        ("int", "float"),
        ("int", "double"),
        ("long", "float"),
        ("long", "double"),
        ("float", "double"),
        ("string", "bytes"),
        ("bytes", "string"),
    ],
)
def test_int_promotes_to_long_and_the_other_avro_promotions(writer: str, reader: str) -> None:
    assert backward(record(field("v", reader)), record(field("v", writer))) == []


def test_int_promotes_to_long() -> None:
    assert backward(record(field("qty", "long")), record(field("qty", "int"))) == []


def test_long_does_not_narrow_to_int() -> None:
    issue = only(backward(record(field("qty", "int")), record(field("qty", "long"))))
    assert issue.rule == "TYPE_MISMATCH"
    assert issue.path == "/fields/0/type"
    assert issue.additional_info == "reader type: INT not compatible with writer type: LONG"
    assert issue.fix == "keep the type 'long', or a type Avro promotes it to: float or double"


def test_type_fix_in_forward_direction_names_the_new_schema() -> None:
    issue = only(forward(record(field("qty", "string")), record(field("qty", "long"))))
    assert issue.fix == "keep the type 'long' in the new schema, or a type Avro promotes to it: int"


def test_logical_type_does_not_change_resolution() -> None:
    old = record(field("at", {"type": "long", "logicalType": "timestamp-millis"}))
    assert backward(record(field("at", "long")), old) == []


def test_field_rename_with_alias_is_backward_but_not_forward() -> None:
    old = record(field("qty", "int"))
    new = record(field("quantity", "int", aliases=["qty"]))
    assert backward(new, old) == []
    issue = only(forward(new, old))
    assert issue.rule == "READER_FIELD_MISSING_DEFAULT_VALUE"
    assert issue.additional_info == "qty"


def test_field_rename_without_alias_suggests_the_alias() -> None:
    old = record(field("id", "string"), field("qty", "int"))
    new = record(field("id", "string"), field("quantity", "int"))
    assert only(backward(new, old)).fix == "add alias 'qty' to 'quantity'"


def test_alias_is_not_suggested_for_a_field_of_another_type() -> None:
    old = record(field("qty", "string"))
    new = record(field("quantity", "int"))
    assert only(backward(new, old)).fix == "give 'quantity' a default"


def test_record_rename_without_alias_is_a_name_mismatch() -> None:
    old = record(field("id", "string"))
    new = record(field("id", "string"), name="com.acme.Purchase")
    issue = only(backward(new, old))
    assert issue.rule == "NAME_MISMATCH"
    assert issue.path == "/name"
    assert issue.additional_info == "expected: com.acme.Order"
    assert issue.fix == "add alias 'com.acme.Order' to 'com.acme.Purchase'"


def test_record_rename_with_alias_is_backward_but_not_forward() -> None:
    old = record(field("id", "string"))
    new = record(field("id", "string"), name="com.acme.Purchase", aliases=["com.acme.Order"])
    assert backward(new, old) == []
    assert only(forward(new, old)).rule == "NAME_MISMATCH"


def test_unqualified_record_alias_takes_the_namespace_of_its_record() -> None:
    # Java's Avro (Confluent) qualifies aliases; Python's avro compares them as written.
    old = record(field("id", "string"))
    new = record(field("id", "string"), name="Purchase", namespace="com.acme", aliases=["Order"])
    assert backward(new, old) == []


def test_namespace_change_alone_keeps_records_compatible() -> None:
    old = record(field("id", "string"))
    assert backward(record(field("id", "string"), name="org.other.Order"), old) == []


def test_removed_enum_symbol_breaks_backward() -> None:
    old = record(field("status", ENUM))
    new = record(field("status", {**ENUM, "symbols": ["NEW", "PAID"]}))
    issue = only(backward(new, old))
    assert issue.rule == "MISSING_ENUM_SYMBOLS"
    assert issue.path == "/fields/0/type/symbols"
    assert issue.additional_info == "[SHIPPED]"
    assert issue.fix == "keep symbol 'SHIPPED' or give the enum 'com.acme.Status' a default"


def test_reader_enum_default_absorbs_unknown_symbols() -> None:
    old = record(field("status", ENUM))
    new = record(field("status", {**ENUM, "symbols": ["NEW", "PAID"], "default": "NEW"}))
    assert backward(new, old) == []


def test_added_enum_symbol_breaks_forward_unless_old_enum_has_a_default() -> None:
    added = {**ENUM, "symbols": [*ENUM["symbols"], "RETURNED"]}
    assert only(forward(record(field("s", added)), record(field("s", ENUM)))).fix == (
        "drop symbol 'RETURNED' from the new schema: the old enum 'com.acme.Status' has no "
        "default to read unknown symbols as"
    )
    with_default = {**ENUM, "default": "NEW"}
    assert (
        forward(record(field("s", {**added, "default": "NEW"})), record(field("s", with_default)))
        == []
    )


def test_enum_default_does_not_stand_in_for_a_missing_field_default() -> None:
    old = record(field("id", "string"))
    new = record(field("id", "string"), field("status", {**ENUM, "default": "NEW"}))
    issue = only(backward(new, old))
    assert issue.rule == "TYPE_MISMATCH"
    assert issue.path == "/fields/1/type"
    assert issue.additional_info == "reader type: ENUM not compatible with writer type: RECORD"
    assert issue.fix.startswith("give the field 'status' a default")


def test_fixed_size_change_is_a_size_mismatch() -> None:
    old = record(field("hash", {"type": "fixed", "name": "com.acme.Hash", "size": 16}))
    new = record(field("hash", {"type": "fixed", "name": "com.acme.Hash", "size": 32}))
    issue = only(backward(new, old))
    assert issue.rule == "FIXED_SIZE_MISMATCH"
    assert issue.path == "/fields/0/type/size"
    assert issue.additional_info == "expected: 16, found: 32"
    assert issue.fix == "keep size 16 for 'com.acme.Hash'"


def test_fixed_rename_is_a_name_mismatch() -> None:
    old = record(field("hash", {"type": "fixed", "name": "com.acme.Hash", "size": 16}))
    new = record(field("hash", {"type": "fixed", "name": "com.acme.Digest", "size": 16}))
    assert only(backward(new, old)).path == "/fields/0/type/name"


def test_removing_null_from_a_union_breaks_backward() -> None:
    old = record(field("note", ["null", "string"], default=None))
    new = record(field("note", ["string", "int"]))
    issue = only(backward(new, old))
    assert issue.rule == "MISSING_UNION_BRANCH"
    assert issue.path == "/fields/0/type/0"
    assert issue.additional_info == "reader union lacking writer type: NULL"
    assert issue.fix == "make the union keep 'null'"


def test_adding_a_union_branch_is_backward_but_not_forward() -> None:
    old = record(field("v", ["null", "string"]))
    new = record(field("v", ["null", "string", "long"]))
    assert backward(new, old) == []
    issue = only(forward(new, old))
    assert issue.path == "/fields/0/type/2"
    assert issue.fix == "stop writing 'long' in the new schema: no branch of the old union reads it"


def test_non_union_writer_must_match_some_reader_branch() -> None:
    issue = only(backward(record(field("v", ["null", "int"])), record(field("v", "string"))))
    assert issue.rule == "MISSING_UNION_BRANCH"
    assert issue.path == "/fields/0/type"
    assert issue.additional_info == "reader union lacking writer type: STRING"


def test_union_branch_reads_a_promoted_writer_type() -> None:
    assert backward(record(field("v", ["null", "double"])), record(field("v", "int"))) == []


def test_making_a_field_optional_is_backward_but_not_forward() -> None:
    old = record(field("v", "string"))
    new = record(field("v", ["null", "string"], default=None))
    assert backward(new, old) == []
    issue = only(forward(new, old))
    assert issue.rule == "TYPE_MISMATCH"
    assert issue.path == "/fields/0/type/0"  # the number picks the writer's union branch
    assert issue.additional_info == "reader type: STRING not compatible with writer type: NULL"


def test_array_items_are_compared() -> None:
    old = record(field("tags", {"type": "array", "items": "string"}))
    issue = only(backward(record(field("tags", {"type": "array", "items": "int"})), old))
    assert issue.path == "/fields/0/type/items"


def test_map_values_are_compared() -> None:
    old = record(field("attrs", {"type": "map", "values": "long"}))
    issue = only(backward(record(field("attrs", {"type": "map", "values": "int"})), old))
    assert issue.path == "/fields/0/type/values"


def test_array_and_map_do_not_read_each_other() -> None:
    old = record(field("v", {"type": "map", "values": "string"}))
    issue = only(backward(record(field("v", {"type": "array", "items": "string"})), old))
    assert issue.additional_info == "reader type: ARRAY not compatible with writer type: MAP"


def address(*fields: dict[str, Any]) -> dict[str, Any]:
    return {"type": "record", "name": "com.acme.Address", "fields": list(fields)}


def test_nested_record_field_is_reported_with_its_full_path() -> None:
    old = record(field("id", "string"), field("ship", address(field("city", "string"))))
    new = record(
        field("id", "string"),
        field("ship", address(field("street", "string"), field("city", "string"))),
    )
    issue = only(backward(new, old))
    assert issue.path == "/fields/1/type/fields/0"
    assert issue.additional_info == "street"


def test_named_type_used_twice_is_reported_at_each_use() -> None:
    old = record(
        field("ship", address(field("city", "string"))),
        field("bill", "com.acme.Address"),
    )
    new = record(
        field("ship", address(field("city", "int"))),
        field("bill", "com.acme.Address"),
    )
    paths = [issue.path for issue in backward(new, old)]
    assert paths == ["/fields/0/type/fields/0/type", "/fields/1/type/fields/0/type"]


NODE_FIELDS = [
    field("children", {"type": "array", "items": "com.acme.Node"}),
    field("next", ["null", "com.acme.Node"], default=None),
]


def node(value_type: str) -> ParsedSchema:
    return record(field("value", value_type), *NODE_FIELDS, name="com.acme.Node")


def test_recursive_type_is_compatible_with_itself_changed_compatibly() -> None:
    assert backward(node("long"), node("int")) == []


def test_recursive_type_reports_its_incompatibility_once() -> None:
    issue = only(backward(node("int"), node("string")))
    assert (issue.rule, issue.path) == ("TYPE_MISMATCH", "/fields/0/type")


def test_every_incompatibility_is_reported_in_schema_order() -> None:
    old = record(field("id", "string"), field("qty", "int"), field("hash", "bytes"))
    new = record(
        field("id", "int"),
        field("qty", "int"),
        field("note", "string"),
        field("hash", "boolean"),
        name="com.acme.Purchase",
    )
    assert [(i.rule, i.path) for i in backward(new, old)] == [
        ("NAME_MISMATCH", "/name"),
        ("TYPE_MISMATCH", "/fields/0/type"),
        ("READER_FIELD_MISSING_DEFAULT_VALUE", "/fields/2"),
        ("TYPE_MISMATCH", "/fields/3/type"),
    ]


def test_root_type_change_is_reported_at_the_root() -> None:
    issue = only(backward(parse("string"), parse("int")))
    assert issue.path == "/"
    assert issue.message == (
        "The type (path '/') of a field in the new schema does not match with the old schema"
    )


def test_types_from_references_are_resolved() -> None:
    def order_with(money: ParsedSchema) -> ParsedSchema:
        return parse(
            {
                "type": "record",
                "name": "com.acme.Order",
                "fields": [field("total", "com.acme.Money")],
            },
            references=[SchemaReference("com.acme.Money", "money", 1)],
            dependencies={"com.acme.Money": money},
        )

    money_v1 = parse(address(field("units", "long")) | {"name": "com.acme.Money"})
    money_v2 = parse(address(field("units", "int")) | {"name": "com.acme.Money"})
    issue = only(backward(order_with(money_v2), order_with(money_v1)))
    assert issue.path == "/fields/0/type/fields/0/type"


def test_confluent_message_carries_error_type_description_and_info() -> None:
    issue = only(backward(record(field("qty", "int")), record(field("qty", "string"))))
    assert issue.confluent_message() == (
        "{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/0/type') of a field in "
        "the new schema does not match with the old schema', additionalInfo:'reader type: INT "
        "not compatible with writer type: STRING'}"
    )


def test_returned_list_can_be_changed_without_affecting_the_next_answer() -> None:
    old, new = record(field("qty", "string")), record(field("qty", "int"))
    backward(new, old).clear()
    assert len(backward(new, old)) == 1


def test_full_level_checks_both_directions_through_the_level_logic() -> None:
    old = record(field("id", "string"), field("qty", "int"))
    new = record(field("id", "string"), field("note", "string"))
    issues = check(new, [(1, old)], CompatibilityLevel.FULL)
    assert [(i.direction, i.additional_info, i.version) for i in issues] == [
        ("FORWARD", "qty", 1),
        ("BACKWARD", "note", 1),
    ]
