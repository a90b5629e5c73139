"""for_each: operations on every record of a list (or every value of a map), checked against
the element shapes of both schemas, compiled once, and run without changing the input."""

from __future__ import annotations

import copy
import io
import json
from typing import Any

import fastavro
import orjson
import pytest

from evcat.formats import ParsedSchema, get_format
from evcat.upcast import (
    SpecError,
    StoredEvent,
    UpcastContext,
    UpcastFailed,
    parse_spec,
    upcaster_for,
)
from evcat.upcast.codecs.protobuf import fill_message, message_class, message_to_dict
from evcat.upcast.edges.assemble import spec_edge
from evcat.upcast.edges.checking import check_spec
from evcat.upcast.edges.validation import validate_edge
from evcat.upcast.graph.schemas import SchemaIndex
from evcat.upcast.ops.catalogue import compile_ops, parse_ops
from evcat.upcast.ops.each import ForEach
from evcat.upcast.read.wire import (
    WireUpcaster,
    header,
    message_index_bytes,
    read_header,
    read_message_index,
)

CONTEXT = UpcastContext(event_id="e-1", time="2024-05-06T07:08:09+00:00")
PRICE_OPS: list[dict[str, Any]] = [
    {"convert": {"path": "price_cents", "using": "cents_to_decimal_str", "to": "price"}},
    {"set_default": {"path": "currency", "value": "EUR"}},
]
ORDER_DATA: dict[str, Any] = {
    "id": "o-1",
    "items": [
        {"sku": "book", "price_cents": 1250, "meta": {"gift": True}},
        {"sku": "pen", "price_cents": 5, "currency": "USD", "meta": {"gift": False}},
    ],
}


def run(ops: list[dict[str, Any]], data: dict[str, Any]) -> dict[str, Any]:
    parsed, problems = parse_ops(ops)
    assert problems == []
    out = dict(data)
    compile_ops(parsed)(out, CONTEXT)
    return out


# -- golden input and output -------------------------------------------------------------------


def test_for_each_applies_the_operations_to_every_list_item_in_order() -> None:
    original = copy.deepcopy(ORDER_DATA)

    out = run([{"for_each": {"path": "items", "ops": PRICE_OPS}}], ORDER_DATA)

    assert out == {
        "id": "o-1",
        "items": [
            {"sku": "book", "price": "12.50", "currency": "EUR", "meta": {"gift": True}},
            {"sku": "pen", "price": "0.05", "currency": "USD", "meta": {"gift": False}},
        ],
    }
    assert original == ORDER_DATA


def test_for_each_never_changes_nested_records_of_the_input() -> None:
    original = copy.deepcopy(ORDER_DATA)
    items, first_meta = ORDER_DATA["items"], ORDER_DATA["items"][0]["meta"]
    ops = [{"for_each": {"path": "items", "ops": [{"set": {"path": "meta.gift", "value": None}}]}}]

    out = run(ops, ORDER_DATA)

    assert [item["meta"] for item in out["items"]] == [{"gift": None}, {"gift": None}]
    assert original == ORDER_DATA
    assert ORDER_DATA["items"] is items and items[0]["meta"] is first_meta
    assert out["items"] is not items


def test_for_each_over_a_map_applies_the_operations_to_every_value_by_key() -> None:
    data = {"prices": {"eu": {"cents": 100}, "us": {"cents": 250}}}
    original = copy.deepcopy(data)
    ops = [{"for_each": {"path": "prices", "ops": [{"rename": {"from": "cents", "to": "c"}}]}}]

    out = run(ops, data)

    assert out == {"prices": {"eu": {"c": 100}, "us": {"c": 250}}}
    assert list(out["prices"]) == ["eu", "us"]
    assert data == original


def test_a_null_list_passes_through_and_a_missing_one_is_skipped() -> None:
    ops = [{"for_each": {"path": "items", "ops": PRICE_OPS}}]

    assert run(ops, {"id": "o", "items": None}) == {"id": "o", "items": None}
    assert run(ops, {"id": "o"}) == {"id": "o"}
    assert run(ops, {"items": []}) == {"items": []}


def test_null_elements_of_a_nullable_item_type_stay_null() -> None:
    ops = [{"for_each": {"path": "items", "ops": PRICE_OPS}}]

    out = run(ops, {"items": [None, {"price_cents": 1}]})

    assert out == {"items": [None, {"price": "0.01", "currency": "EUR"}]}


def test_nested_for_each_reaches_lists_inside_list_items_under_a_nested_path() -> None:
    data = {
        "order": {
            "id": "o",
            "items": [
                {"parts": [{"grams": 1500}, {"grams": 20}]},
                {"parts": []},
            ],
        }
    }
    original = copy.deepcopy(data)
    ops = [
        {
            "for_each": {
                "path": "order.items",
                "ops": [
                    {
                        "for_each": {
                            "path": "parts",
                            "ops": [{"cast": {"path": "grams", "to": "double"}}],
                        }
                    },
                    {"set_default": {"path": "note", "value": ""}},
                ],
            }
        }
    ]

    out = run(ops, data)

    assert out == {
        "order": {
            "id": "o",
            "items": [
                {"parts": [{"grams": 1500.0}, {"grams": 20.0}], "note": ""},
                {"parts": [], "note": ""},
            ],
        }
    }
    assert data == original


def test_a_value_that_is_not_a_list_or_map_fails_naming_the_operation() -> None:
    with pytest.raises(UpcastFailed, match=r"op #0 for_each\(path=items.*'items' is str"):
        run([{"for_each": {"path": "items", "ops": PRICE_OPS}}], {"items": "book"})


def test_a_failing_element_is_named_with_its_position_and_nested_operation() -> None:
    ops = [{"for_each": {"path": "items", "ops": [{"cast": {"path": "n", "to": "int"}}]}}]

    with pytest.raises(UpcastFailed, match=r"for_each.*items\[1\]: cast\(path=n, to=int\)"):
        run(ops, {"items": [{"n": 1}, {"n": 2**40}]})
    with pytest.raises(UpcastFailed, match=r"items\[0\]: the element is int, not a record"):
        run(ops, {"items": [7]})


# -- parsing -----------------------------------------------------------------------------------


def test_the_canonical_form_round_trips_with_nested_operations() -> None:
    spec = {"for_each": {"path": "items", "ops": PRICE_OPS}}
    [op], _ = parse_ops([spec])

    assert op.spec() == spec
    assert parse_ops([op.spec()])[0][0].spec() == spec


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        ({"path": "items", "ops": []}, "INVALID_OP", "non-empty list of operations"),
        ({"path": "items"}, "INVALID_OP", "for_each needs ops"),
        ({"path": "", "ops": PRICE_OPS}, "INVALID_OP", "for_each.path"),
        ({"path": "items", "ops": [{"explode": {}}]}, "UNKNOWN_OP", "for_each.ops #0"),
        (
            {"path": "items", "ops": [{"drop_event": {"when": "sku == 'x'"}}]},
            "INVALID_OP",
            "drop_event takes the whole event out",
        ),
        (
            {"path": "items", "ops": [{"emit": [{"type": "x", "version": 1}]}]},
            "INVALID_OP",
            "one element cannot become several events",
        ),
        (
            {
                "path": "items",
                "ops": [{"for_each": {"path": "parts", "ops": [{"drop_event": None}]}}],
            },
            "INVALID_OP",
            "for_each.ops #0: for_each.ops #0: drop_event",
        ),
    ],
    ids=["empty", "no-ops", "bad-path", "unknown-op", "drop-event", "emit", "nested-drop-event"],
)
def test_bad_for_each_arguments_are_structured_problems(args: Any, code: str, says: str) -> None:
    _, problems = parse_ops([{"rename": {"from": "a", "to": "b"}}, {"for_each": args}])

    assert [(p.code, p.op) for p in problems] == [(code, 1)]
    assert says in problems[0].message


def test_drop_event_inside_for_each_refuses_the_upcaster_document() -> None:
    with pytest.raises(SpecError) as raised:
        parse_spec(
            {
                "event": "shop.Order",
                "from": 1,
                "to": 2,
                "ops": [{"for_each": {"path": "items", "ops": [{"drop_event": None}]}}],
            }
        )

    assert raised.value.codes == ["INVALID_OP"]


# -- schemas -----------------------------------------------------------------------------------

ORDER = "shop.Order"


def avro_order(line_fields: list[dict[str, Any]], items_type: Any = None) -> ParsedSchema:
    line = {"type": "record", "name": "shop.Line", "fields": line_fields}
    items = items_type(line) if items_type else {"type": "array", "items": line}
    return get_format("AVRO").parse(
        json.dumps(
            {
                "type": "record",
                "name": ORDER,
                "fields": [{"name": "id", "type": "string"}, {"name": "items", "type": items}],
            }
        )
    )


LINE_1 = [
    {"name": "sku", "type": "string"},
    {"name": "price_cents", "type": "long"},
    {"name": "legacy", "type": "boolean"},
]
LINE_2 = [
    {"name": "sku", "type": "string"},
    {"name": "price", "type": "string"},
    {"name": "currency", "type": "string", "default": "EUR"},
]
AVRO_1, AVRO_2 = avro_order(LINE_1), avro_order(LINE_2)
AVRO = SchemaIndex.from_schemas({(ORDER, 1): AVRO_1, (ORDER, 2): AVRO_2})


def order_spec(ops: list[dict[str, Any]], event: str = ORDER) -> dict[str, Any]:
    return {"event": event, "from": 1, "to": 2, "ops": ops}


def for_each(ops: list[dict[str, Any]], path: str = "items") -> dict[str, Any]:
    return {"for_each": {"path": path, "ops": ops}}


CONVERT_PRICE = {"convert": {"path": "price_cents", "using": "cents_to_decimal_str", "to": "price"}}


def problems(document: dict[str, Any], index: SchemaIndex = AVRO) -> list[tuple[str, str, Any]]:
    return [(p.code, p.path, p.op) for p in check_spec(parse_spec(document), index).problems]


# -- static check ------------------------------------------------------------------------------


def test_a_correct_for_each_checks_clean_and_carries_the_element_conformance() -> None:
    checked = check_spec(parse_spec(order_spec([for_each([CONVERT_PRICE])])), AVRO)

    assert checked.problems == []
    assert checked.generated == []
    [op] = checked.ops
    assert isinstance(op, ForEach)
    assert [o.spec() for o in op.conform] == [
        {"drop": ["legacy"]},
        {"set_default": {"path": "currency", "value": "EUR"}},
    ]
    assert op.spec() == for_each([CONVERT_PRICE])  # generated ops are not in the document


def test_an_unknown_path_inside_elements_is_reported_with_the_full_path() -> None:
    typo = {"convert": {"path": "price_cent", "using": "cents_to_decimal_str", "to": "price"}}
    document = order_spec([{"set": {"path": "id", "value": "x"}}, for_each([typo])])

    found = problems(document)

    assert ("UNKNOWN_SOURCE_PATH", "items[].price_cent", 1) in found
    [problem] = [
        p
        for p in check_spec(parse_spec(document), AVRO).problems
        if p.code == "UNKNOWN_SOURCE_PATH"
    ]
    assert problem.message.startswith("for_each 'items[]' op #0: reads 'price_cent'")


def test_writing_an_element_field_the_target_lacks_is_unknown_target_path() -> None:
    wrong = {"convert": {"path": "price_cents", "using": "cents_to_decimal_str", "to": "prise"}}

    assert ("UNKNOWN_TARGET_PATH", "items[].prise", 0) in problems(order_spec([for_each([wrong])]))


def test_an_element_missing_a_required_target_field_is_reported() -> None:
    found = problems(order_spec([for_each([{"drop": ["legacy"]}])]))

    assert ("MISSING_TARGET_FIELD", "items[].price", 0) in found


def test_an_element_field_of_the_wrong_type_is_a_type_mismatch() -> None:
    found = problems(order_spec([for_each([{"rename": {"from": "price_cents", "to": "price"}}])]))

    assert ("TYPE_MISMATCH", "items[].price", 0) in found


def test_for_each_over_a_field_that_is_not_a_list_is_a_type_mismatch() -> None:
    found = problems(order_spec([for_each([CONVERT_PRICE], path="id"), for_each([CONVERT_PRICE])]))

    assert found == [("TYPE_MISMATCH", "id", 0)]


def test_for_each_over_an_unknown_path_is_unknown_source_path() -> None:
    found = problems(
        order_spec([for_each([CONVERT_PRICE], path="lines"), for_each([CONVERT_PRICE])])
    )

    assert found == [("UNKNOWN_SOURCE_PATH", "lines", 0)]


def test_a_nullable_list_into_a_non_null_target_is_a_type_mismatch() -> None:
    nullable = avro_order(LINE_1, lambda line: ["null", {"type": "array", "items": line}])
    index = SchemaIndex.from_schemas({(ORDER, 1): nullable, (ORDER, 2): AVRO_2})

    assert problems(order_spec([for_each([CONVERT_PRICE])]), index) == [
        ("TYPE_MISMATCH", "items", 0)
    ]


def test_a_nullable_list_into_a_nullable_target_checks_clean() -> None:
    def nullable(line: Any) -> Any:
        return ["null", {"type": "array", "items": line}]

    index = SchemaIndex.from_schemas(
        {(ORDER, 1): avro_order(LINE_1, nullable), (ORDER, 2): avro_order(LINE_2, nullable)}
    )
    spec = parse_spec(order_spec([for_each([CONVERT_PRICE])]))

    assert problems(order_spec([for_each([CONVERT_PRICE])]), index) == []
    assert validate_edge(spec_edge(spec), index, count=50, seed=4).passed


def test_null_elements_need_a_target_element_type_that_takes_null() -> None:
    def null_items(line: Any) -> Any:
        return {"type": "array", "items": ["null", line]}

    nullable_1, nullable_2 = avro_order(LINE_1, null_items), avro_order(LINE_2, null_items)
    refused = SchemaIndex.from_schemas({(ORDER, 1): nullable_1, (ORDER, 2): AVRO_2})
    accepted = SchemaIndex.from_schemas({(ORDER, 1): nullable_1, (ORDER, 2): nullable_2})
    document = order_spec([for_each([CONVERT_PRICE])])

    assert problems(document, refused) == [("TYPE_MISMATCH", "items", 0)]
    assert problems(document, accepted) == []
    report = validate_edge(spec_edge(parse_spec(document)), accepted, count=50, seed=6)
    assert report.passed, report.failures[:1]


def test_map_values_are_checked_with_a_map_path() -> None:
    def as_map(line: Any) -> Any:
        return {"type": "map", "values": line}

    index = SchemaIndex.from_schemas(
        {(ORDER, 1): avro_order(LINE_1, as_map), (ORDER, 2): avro_order(LINE_2, as_map)}
    )

    assert problems(order_spec([for_each([{"drop": ["legacy"]}])]), index) == [
        ("MISSING_TARGET_FIELD", "items{}.price", 0)
    ]
    spec = parse_spec(order_spec([for_each([CONVERT_PRICE])]))
    report = validate_edge(spec_edge(spec), index, count=50, seed=2)
    assert report.passed, report.failures[:1]


PART = {"type": "record", "name": "shop.Part", "fields": [{"name": "grams", "type": "int"}]}
KG_PART = {"type": "record", "name": "shop.Part", "fields": [{"name": "kg", "type": "double"}]}


def with_parts(part: dict[str, Any]) -> ParsedSchema:
    parts = {"name": "parts", "type": {"type": "array", "items": part}}
    return avro_order([{"name": "sku", "type": "string"}, parts])


NESTED = SchemaIndex.from_schemas({(ORDER, 1): with_parts(PART), (ORDER, 2): with_parts(KG_PART)})
GRAMS_TO_KG: list[dict[str, Any]] = [
    {"derive": {"path": "kg", "expr": "grams / 1000"}},
    {"drop": ["grams"]},
]


def test_nested_for_each_problems_carry_both_levels_of_the_path() -> None:
    wrong = [{"derive": {"path": "kg", "expr": "gram / 1000"}}]

    found = problems(order_spec([for_each([for_each(wrong, path="parts")])]), NESTED)

    assert ("UNKNOWN_SOURCE_PATH", "items[].parts[].kg", 0) in found


def test_nested_for_each_upcasts_and_validates() -> None:
    spec = parse_spec(order_spec([for_each([for_each(GRAMS_TO_KG, path="parts")])]))
    up = upcaster_for(NESTED, [spec])

    out = up.upcast_data(ORDER, 1, {"id": "o", "items": [{"sku": "s", "parts": [{"grams": 250}]}]})

    assert out == {"id": "o", "items": [{"sku": "s", "parts": [{"kg": 0.25}]}]}
    assert validate_edge(spec_edge(spec), NESTED, count=50, seed=3).passed


# -- end to end: Avro, JSON Schema, Protobuf ----------------------------------------------------


def avro_frame(schema_id: int, schema: ParsedSchema, record: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    buffer.write(header(schema_id))
    fastavro.schemaless_writer(buffer, schema.model.fastavro_schema, record)
    return buffer.getvalue()


def test_an_avro_for_each_edge_upcasts_wire_frames_bytes_to_bytes() -> None:
    up = upcaster_for(AVRO, [parse_spec(order_spec([for_each([CONVERT_PRICE])]))])
    record = {
        "id": "o-1",
        "items": [
            {"sku": "book", "price_cents": 1250, "legacy": True},
            {"sku": "pen", "price_cents": 5, "legacy": False},
        ],
    }

    out = WireUpcaster(up).upcast(avro_frame(AVRO.schema_id((ORDER, 1)), AVRO_1, record))

    assert read_header(out) == AVRO.schema_id((ORDER, 2))
    decoded = fastavro.schemaless_reader(io.BytesIO(out[5:]), AVRO_2.model.fastavro_schema, None)
    assert decoded == {
        "id": "o-1",
        "items": [
            {"sku": "book", "price": "12.50", "currency": "EUR"},
            {"sku": "pen", "price": "0.05", "currency": "EUR"},
        ],
    }


def test_from_metadata_inside_for_each_reads_the_event_envelope() -> None:
    line_2 = [*LINE_1, {"name": "seen_at", "type": "string"}]
    index = SchemaIndex.from_schemas({(ORDER, 1): AVRO_1, (ORDER, 2): avro_order(line_2)})
    stamp = {"from_metadata": {"path": "seen_at", "source": "time", "using": "iso8601"}}
    up = upcaster_for(index, [parse_spec(order_spec([for_each([stamp])]))])
    data = {"id": "o", "items": [{"sku": "s", "price_cents": 1, "legacy": False}]}

    [event] = up.upcast(StoredEvent(ORDER, 1, data, id="e", time="2024-05-06T07:08:09+00:00"))

    assert event.data["items"][0]["seen_at"] == "2024-05-06T07:08:09Z"


def json_schema(line: dict[str, Any]) -> ParsedSchema:
    return get_format("JSON").parse(
        json.dumps(
            {
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    "items": {"type": "array", "items": line},
                },
                "required": ["id", "items"],
                "additionalProperties": False,
            }
        )
    )


JSON_1 = json_schema(
    {
        "type": "object",
        "properties": {"sku": {"type": "string"}, "price_cents": {"type": "integer"}},
        "required": ["sku", "price_cents"],
    }
)


def json_2(price: dict[str, Any]) -> ParsedSchema:
    return json_schema(
        {
            "type": "object",
            "properties": {
                "sku": {"type": "string"},
                "price": price,
                "currency": {"type": "string", "default": "EUR"},
            },
            "required": ["sku", "price", "currency"],
            "additionalProperties": False,
        }
    )


DECIMAL = {"type": "string", "pattern": "^-?[0-9]+\\.[0-9]{2}$"}
JSON_INDEX = SchemaIndex.from_schemas({("j.Order", 1): JSON_1, ("j.Order", 2): json_2(DECIMAL)})


def test_a_json_schema_for_each_edge_projects_open_elements_and_validates() -> None:
    spec = parse_spec(order_spec([for_each([CONVERT_PRICE])], event="j.Order"))
    up = upcaster_for(JSON_INDEX, [spec])
    document = {"id": "o", "items": [{"sku": "a", "price_cents": 1999, "junk": 1}]}
    frame = header(JSON_INDEX.schema_id(("j.Order", 1))) + orjson.dumps(document)

    out = WireUpcaster(up).upcast(frame)

    assert read_header(out) == JSON_INDEX.schema_id(("j.Order", 2))
    assert orjson.loads(out[5:]) == {
        "id": "o",
        "items": [{"sku": "a", "price": "19.99", "currency": "EUR"}],
    }
    report = validate_edge(spec_edge(spec), JSON_INDEX, count=50, seed=2)
    assert report.passed, report.failures[:1]


def test_sample_validation_reports_a_for_each_whose_elements_do_not_validate() -> None:
    to_string = {"convert": {"path": "price_cents", "using": "to_string", "to": "price"}}
    spec = parse_spec(order_spec([for_each([to_string])], event="j.Order"))
    assert check_spec(spec, JSON_INDEX).problems == []  # the shapes fit; the values do not

    report = validate_edge(spec_edge(spec), JSON_INDEX, count=50, seed=2)

    assert not report.passed
    assert "items" in report.failures[0]["error"]


def test_sample_validation_reports_an_avro_for_each_failing_on_boundary_values() -> None:
    line_2 = [{"name": "sku", "type": "string"}, {"name": "price_cents", "type": "int"}]
    index = SchemaIndex.from_schemas({(ORDER, 1): AVRO_1, (ORDER, 2): avro_order(line_2)})
    narrow = [{"cast": {"path": "price_cents", "to": "int"}}]
    spec = parse_spec(order_spec([for_each(narrow)]))
    assert check_spec(spec, index).problems == []

    report = validate_edge(spec_edge(spec), index, count=50, seed=1)

    assert not report.passed
    assert "for_each" in report.failures[0]["error"]
    assert "does not fit in an Avro int" in report.failures[0]["error"]


PROTO_1 = """syntax = "proto3";
package shop;
message Order { string id = 1; repeated Line items = 2; }
message Line { string sku = 1; int64 price_cents = 2; bool legacy = 3; }
"""
PROTO_2 = """syntax = "proto3";
package shop;
message Order { string id = 1; repeated Line items = 2; }
message Line { string sku = 1; string price = 4; string currency = 5; }
"""


def test_a_protobuf_repeated_message_for_each_edge_upcasts_frames_and_validates() -> None:
    parse = get_format("PROTOBUF").parse
    v1, v2 = parse(PROTO_1), parse(PROTO_2)
    index = SchemaIndex.from_schemas({(ORDER, 1): v1, (ORDER, 2): v2})
    ops = [CONVERT_PRICE, {"set_default": {"path": "currency", "value": "EUR"}}]
    spec = parse_spec(order_spec([for_each(ops)]))
    assert check_spec(spec, index).problems == []
    order_1 = message_class(v1.model.message_descriptor("shop.Order"))
    body = fill_message(
        order_1(),
        {"id": "o", "items": [{"sku": "a", "price_cents": 250, "legacy": True}, {"sku": "b"}]},
    )
    frame = (
        header(index.schema_id((ORDER, 1))) + message_index_bytes((0,)) + (body.SerializeToString())
    )

    out = WireUpcaster(upcaster_for(index, [spec])).upcast(frame)

    assert read_header(out) == index.schema_id((ORDER, 2))
    _, offset = read_message_index(out)
    order_2 = message_class(v2.model.message_descriptor("shop.Order"))
    assert message_to_dict(order_2.FromString(out[offset:])) == {
        "id": "o",
        "items": [
            {"sku": "a", "price": "2.50", "currency": "EUR"},
            {"sku": "b", "price": "0.00", "currency": "EUR"},
        ],
    }
    report = validate_edge(spec_edge(spec), index, count=50, seed=5)
    assert report.passed, report.failures[:1]


def test_a_correct_avro_for_each_edge_passes_sample_validation() -> None:
    spec = parse_spec(order_spec([for_each([CONVERT_PRICE])]))

    report = validate_edge(spec_edge(spec), AVRO, count=200, seed=7)

    assert report.passed, report.failures[:1]
    assert report.sample_count >= 200
