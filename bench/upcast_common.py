"""What the upcast benchmarks share: an order event in four versions, its frames, and a timer.

The record has the shape the research measured (six fields, 55 bytes in Avro). Every
benchmark also times raw ``fastavro.schemaless_reader`` on the same v1 payload in the same
run, and reports its own rate against that baseline.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable
from typing import Any

import fastavro

from evcat.formats import get_format
from evcat.upcast import Upcaster, UpcasterSpec, parse_spec, upcaster_for
from evcat.upcast.read.wire import fastavro_schema, header

T = "shop.OrderPlaced"
ITEMS = {"name": "items", "type": {"type": "array", "items": "string"}}
V1 = [
    {"name": "order_id", "type": "string"},
    {"name": "customer", "type": "string"},
    {"name": "amount_cents", "type": "long"},
    {"name": "currency", "type": "string"},
    ITEMS,
    {"name": "quantity", "type": "int"},
]
V2 = [
    {"name": "order_id", "type": "string"},
    {"name": "customer_name", "type": "string"},
    {"name": "amount", "type": "string"},
    {"name": "currency", "type": "string"},
    ITEMS,
    {"name": "quantity", "type": "int"},
    {"name": "item_count", "type": "int"},
]
V3 = [
    *V2[:5],
    {"name": "quantity", "type": "long"},
    V2[6],
    {"name": "channel", "type": "string", "default": "web"},
]
V4 = [
    *V3[:3],
    *V3[4:],
    {
        "name": "money",
        "type": {
            "type": "record",
            "name": "shop.Money",
            "fields": [{"name": "currency", "type": "string"}],
        },
    },
]
RECORD = {
    "order_id": "o-1042",
    "customer": "Ada Lovelace",
    "amount_cents": 1999,
    "currency": "EUR",
    "items": ["book", "pen", "ink"],
    "quantity": 3,
}
THREE_OPS = {
    "event": T,
    "from": 1,
    "to": 2,
    "ops": [
        {"rename": {"from": "customer", "to": "customer_name"}},
        {"convert": {"path": "amount_cents", "using": "cents_to_decimal_str", "to": "amount"}},
        {"derive": {"path": "item_count", "expr": "len(items)"}},
    ],
}
NEST = {
    "event": T,
    "from": 3,
    "to": 4,
    "ops": [{"move": {"from": "currency", "to": "money.currency"}}],
}


def schemas() -> dict[tuple[str, int], Any]:
    parse = get_format("AVRO").parse
    return {
        (T, n + 1): parse(json.dumps({"type": "record", "name": T, "fields": fields}))
        for n, fields in enumerate((V1, V2, V3, V4))
    }


def specs() -> list[UpcasterSpec]:
    return [parse_spec(THREE_OPS), parse_spec(NEST)]


def upcaster(target: int | str = "latest") -> Upcaster:
    return upcaster_for(schemas(), specs(), target=target)


def payload(version: int = 1, record: dict[str, Any] | None = None) -> bytes:
    """The Avro body (no frame) of ``record`` written with version ``version``."""
    buffer = io.BytesIO()
    fastavro.schemaless_writer(
        buffer, schemas()[(T, version)].model.fastavro_schema, record or RECORD
    )
    return buffer.getvalue()


def frame(up: Upcaster, version: int, body: bytes) -> bytes:
    return header(up.index.schema_id((T, version))) + body


def rate(work: Callable[[], object], count: int, rounds: int = 5) -> float:
    """Best events per second over ``rounds`` runs of ``count`` calls (best of: less noise)."""
    best = 0.0
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(count):
            work()
        best = max(best, count / (time.perf_counter() - started))
    return best


def raw_decode_rate(count: int) -> float:
    """Raw fastavro decoding of the v1 payload: the baseline every ratio is measured against."""
    schema = fastavro_schema(schemas()[(T, 1)])
    body = payload()
    reader = fastavro.schemaless_reader
    return rate(lambda: reader(io.BytesIO(body), schema, None), count)


def per_second(value: float) -> str:
    return f"{value / 1000:,.0f}k ev/s" if value < 10**6 else f"{value / 10**6:.2f}M ev/s"
