"""JSON events: orjson load, 4 declarative operations, orjson dump, one process.

The order event as a JSON Schema v1 -> v2 with ``rename``, ``convert`` (cents to a decimal
string), ``set_default`` and ``drop``. Target (docs: upcasting reference, AC-PERF): at least
250k events/s. The baseline is the orjson load and dump of the same line alone, in the same
run. Run alone: ``python -m bench.upcast_json``.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import orjson

from bench.options import Options
from bench.report import Result, say, table
from bench.upcast_common import RECORD, per_second, rate
from evcat.formats import get_format
from evcat.upcast import Upcaster, parse_spec, upcaster_for

COUNT = 200_000
TARGET = 250_000
T = "shop.OrderPlacedJson"
TEXT = {"type": "string"}
V1 = {
    "type": "object",
    "properties": {
        "order_id": TEXT,
        "customer": TEXT,
        "amount_cents": {"type": "integer"},
        "currency": TEXT,
        "items": {"type": "array", "items": TEXT},
        "quantity": {"type": "integer"},
    },
    "required": ["order_id", "customer", "amount_cents", "currency"],
}
V2 = {
    "type": "object",
    "properties": {
        "order_id": TEXT,
        "customer_name": TEXT,
        "amount": TEXT,
        "items": {"type": "array", "items": TEXT},
        "quantity": {"type": "integer"},
        "channel": TEXT,
    },
    "required": ["order_id", "customer_name", "amount", "channel"],
    "additionalProperties": False,
}
FOUR_OPS = {
    "event": T,
    "from": 1,
    "to": 2,
    "ops": [
        {"rename": {"from": "customer", "to": "customer_name"}},
        {"convert": {"path": "amount_cents", "using": "cents_to_decimal_str", "to": "amount"}},
        {"set_default": {"path": "channel", "value": "web"}},
        {"drop": {"paths": ["currency"]}},
    ],
}


def json_upcaster() -> Upcaster:
    parse = get_format("JSON").parse
    schemas = {(T, 1): parse(json.dumps(V1)), (T, 2): parse(json.dumps(V2))}
    return upcaster_for(schemas, [parse_spec(FOUR_OPS)])


def run(options: Options | None = None) -> list[Result]:
    up = json_upcaster()
    line = orjson.dumps(RECORD)
    upcast = up.upcast_data
    out: Any = orjson.loads(orjson.dumps(upcast(T, 1, orjson.loads(line))))
    assert out["amount"] == "19.99" and out["channel"] == "web" and "currency" not in out
    raw = rate(lambda: orjson.dumps(orjson.loads(line)), COUNT)
    ours = rate(lambda: orjson.dumps(upcast(T, 1, orjson.loads(line))), COUNT)
    say(f"  orjson load + dump {per_second(raw)}; load + 4 ops + dump {per_second(ours)}")
    return [
        Result(
            "upcast: JSON load + 4 declarative ops + dump",
            per_second(ours),
            ">= 250k ev/s",
            ours >= TARGET,
            f"orjson load + dump {per_second(raw)}",
            f"{ours / raw:.2f}x",
        )
    ]


if __name__ == "__main__":
    results = run()
    say(table(results))
    sys.exit(0 if all(r.passed is not False for r in results) else 1)
