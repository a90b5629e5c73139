"""Field paths of schema versions: arrays, maps and unions are transparent, recursion stops."""

from __future__ import annotations

import json

import pytest

from evcat.catalog.durations import from_ms, to_ms
from evcat.catalog.fields import schema_fields
from evcat.formats import get_format


def paths(schema_type: str, text: str) -> list[tuple[str, str]]:
    return [(f.path, f.type) for f in schema_fields(get_format(schema_type).parse(text))]


def test_avro_paths_go_through_arrays_maps_and_unions() -> None:
    line = {"type": "record", "name": "Line", "fields": [{"name": "sku", "type": "string"}]}
    schema = {
        "type": "record",
        "name": "Order",
        "namespace": "shop",
        "fields": [
            {"name": "lines", "type": {"type": "array", "items": line}},
            {"name": "by_sku", "type": {"type": "map", "values": "Line"}},
            {"name": "gift", "type": ["null", "Line"], "default": None},
            {"name": "parent", "type": ["null", "Order"], "default": None},
        ],
    }
    assert paths("AVRO", json.dumps(schema)) == [
        ("lines", "array<shop.Line>"),
        ("lines.sku", "string"),
        ("by_sku", "map<shop.Line>"),
        ("by_sku.sku", "string"),
        ("gift", "null | shop.Line"),
        ("gift.sku", "string"),
        ("parent", "null | shop.Order"),
    ]


def test_json_paths_follow_refs_items_and_combinators() -> None:
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Order",
        "type": "object",
        "$defs": {
            "Address": {"type": "object", "properties": {"city": {"type": "string"}}},
            "Node": {
                "type": "object",
                "properties": {"next": {"$ref": "#/$defs/Node"}, "v": {"type": "integer"}},
            },
        },
        "properties": {
            "ship_to": {"$ref": "#/$defs/Address"},
            "items": {"type": "array", "items": {"allOf": [{"$ref": "#/$defs/Address"}]}},
            "chain": {"$ref": "#/$defs/Node"},
        },
        "required": ["ship_to"],
    }
    assert paths("JSON", json.dumps(schema)) == [
        ("ship_to", "#/$defs/Address"),
        ("ship_to.city", "string"),
        ("items", "array<allOf>"),
        ("items.city", "string"),
        ("chain", "#/$defs/Node"),
        ("chain.next", "#/$defs/Node"),
        ("chain.v", "integer"),
    ]


def test_protobuf_paths_cover_nested_repeated_maps_and_oneof() -> None:
    proto = """syntax = "proto3";
package shop;
message Order {
  repeated Line lines = 1;
  map<string, Line> by_sku = 2;
  oneof payment { string card = 3; Wallet wallet = 4; }
  Order parent = 5;
}
message Line { string sku = 1; }
message Wallet { string id = 1; }
"""
    assert paths("PROTOBUF", proto) == [
        ("lines", "repeated shop.Line"),
        ("lines.sku", "string"),
        ("by_sku", "map<string, shop.Line>"),
        ("by_sku.sku", "string"),
        ("card", "string"),
        ("wallet", "shop.Wallet"),
        ("wallet.id", "string"),
        ("parent", "shop.Order"),
    ]


@pytest.mark.parametrize(
    ("text", "ms"),
    [("P7D", 604_800_000), ("PT1H", 3_600_000), ("P1Y", 31_536_000_000), ("infinite", -1)],
)
def test_durations_convert_to_kafka_milliseconds(text: str, ms: int) -> None:
    assert to_ms(text) == ms


@pytest.mark.parametrize(
    ("ms", "text"),
    [
        (604_800_000, "P7D"),
        (43_200_000, "PT12H"),
        (90_000, "PT90S"),
        (1_500, "PT1.5S"),
        (-1, "infinite"),
    ],
)
def test_milliseconds_convert_back_exactly(ms: int, text: str) -> None:
    assert from_ms(ms) == text
    assert to_ms(text) == ms
