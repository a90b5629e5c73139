"""Events already at the target: dicts and Confluent frames pass through untouched.

Target (issue 5): at least 1M events/s for each, one process.
Run alone: ``python -m bench.upcast_passthrough``.
"""

from __future__ import annotations

import sys

from bench.options import Options
from bench.report import Result, say, table
from bench.upcast_common import T, frame, payload, per_second, rate, raw_decode_rate, upcaster
from evcat.upcast.read.wire import WireUpcaster

COUNT = 1_000_000
TARGET = 1_000_000


def run(options: Options | None = None) -> list[Result]:
    up = upcaster(target=2)
    wire = WireUpcaster(up)
    latest = frame(
        up,
        2,
        payload(
            2,
            {
                "order_id": "o",
                "customer_name": "A",
                "amount": "1.00",
                "currency": "EUR",
                "items": [],
                "quantity": 1,
                "item_count": 0,
            },
        ),
    )
    data = {"order_id": "o"}
    assert wire.upcast(latest) is latest and up.upcast_data(T, 2, data) is data
    raw = raw_decode_rate(COUNT // 10)
    dicts = rate(lambda: up.upcast_data(T, 2, data), COUNT)
    frames = rate(lambda: wire.upcast(latest), COUNT)
    say(
        f"  raw fastavro decode {per_second(raw)}; dicts {per_second(dicts)}; "
        f"frames {per_second(frames)}"
    )
    baseline = f"raw fastavro decode {per_second(raw)}"
    return [
        Result(
            "upcast: dict already at the target",
            per_second(dicts),
            ">= 1M ev/s",
            dicts >= TARGET,
            baseline,
            f"{dicts / raw:.1f}x",
        ),
        Result(
            "upcast: wire frame already at the target",
            per_second(frames),
            ">= 1M ev/s",
            frames >= TARGET,
            baseline,
            f"{frames / raw:.1f}x",
        ),
    ]


if __name__ == "__main__":
    results = run()
    say(table(results))
    sys.exit(0 if all(r.passed is not False for r in results) else 1)
