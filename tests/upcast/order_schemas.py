"""The shop.OrderPlaced lineage most upcast tests share: five Avro versions and their edges.

v1 -> v2  declarative: customer_name moves into a customer record
v2 -> v3  implicit: currency renamed by an alias, channel added with a default
v3 -> v4  code (tests.upcast.order_upcasters): cents and currency become an amount record
v4 -> v5  declarative: item_count derived, placed_at from the envelope time
"""

from __future__ import annotations

import json
from typing import Any

from evcat.formats import ParsedSchema, get_format
from evcat.upcast import UpcasterSpec, parse_spec
from evcat.upcast.edges.code import CodeUpcaster, registered

ORDER = "shop.OrderPlaced"
CUSTOMER = {
    "type": "record",
    "name": "shop.Customer",
    "fields": [{"name": "full_name", "type": "string"}],
}
AMOUNT = {
    "type": "record",
    "name": "shop.Amount",
    "fields": [{"name": "value", "type": "string"}, {"name": "currency", "type": "string"}],
}


def avro(fields: list[dict[str, Any]], name: str = ORDER) -> ParsedSchema:
    return get_format("AVRO").parse(json.dumps({"type": "record", "name": name, "fields": fields}))


ID = {"name": "id", "type": "string"}
ITEMS = {"name": "items", "type": {"type": "array", "items": "string"}}
V1 = avro(
    [
        ID,
        {"name": "customer_name", "type": "string"},
        {"name": "amount_cents", "type": "long"},
        {"name": "currency", "type": "string"},
        ITEMS,
    ]
)
V2 = avro(
    [
        ID,
        {"name": "customer", "type": CUSTOMER},
        {"name": "amount_cents", "type": "long"},
        {"name": "currency", "type": "string"},
        ITEMS,
    ]
)
V3 = avro(
    [
        ID,
        {"name": "customer", "type": CUSTOMER},
        {"name": "amount_cents", "type": "long"},
        {"name": "currency_code", "type": "string", "aliases": ["currency"]},
        ITEMS,
        {"name": "channel", "type": "string", "default": "web"},
    ]
)
V4 = avro(
    [
        ID,
        {"name": "customer", "type": CUSTOMER},
        {"name": "amount", "type": AMOUNT},
        ITEMS,
        {"name": "channel", "type": "string", "default": "web"},
    ]
)
V5 = avro(
    [
        ID,
        {"name": "customer", "type": CUSTOMER},
        {"name": "amount", "type": AMOUNT},
        ITEMS,
        {"name": "channel", "type": "string", "default": "web"},
        {"name": "item_count", "type": "int"},
        {"name": "placed_at", "type": "string"},
    ]
)
SCHEMAS = {(ORDER, 1): V1, (ORDER, 2): V2, (ORDER, 3): V3, (ORDER, 4): V4, (ORDER, 5): V5}

SPEC_1_2 = {
    "event": ORDER,
    "from": 1,
    "to": 2,
    "ops": [{"rename": {"from": "customer_name", "to": "customer.full_name"}}],
}
SPEC_4_5 = {
    "event": ORDER,
    "from": 4,
    "to": 5,
    "ops": [
        {"derive": {"path": "item_count", "expr": "len(items)"}},
        {"from_metadata": {"path": "placed_at", "source": "time", "using": "iso8601"}},
    ],
}

V1_EVENT = {
    "id": "o-1",
    "customer_name": "Ada Lovelace",
    "amount_cents": 1234,
    "currency": "EUR",
    "items": ["book", "pen"],
}
TIME = "2024-05-06T07:08:09Z"


def specs() -> list[UpcasterSpec]:
    return [parse_spec(SPEC_1_2), parse_spec(SPEC_4_5)]


def code() -> list[CodeUpcaster]:
    module = "tests.upcast.order_upcasters"
    return [item for item in registered([module]) if item.module == module]
