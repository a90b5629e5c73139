"""Confluent bytes to bytes through a 3-step chain: decode v1, three edges, encode v4.

The chain is declarative (3 ops), implicit Avro resolution (a promotion and a default), and
declarative again (a field moved into a nested record). Target (issue 5): at least 60k
events/s, one process. Run alone: ``python -m bench.upcast_wire``.
"""

from __future__ import annotations

import sys

from bench.options import Options
from bench.report import Result, say, table
from bench.upcast_common import T, frame, payload, per_second, rate, raw_decode_rate, upcaster
from evcat.upcast.read.wire import WireUpcaster, read_header

COUNT = 100_000
TARGET = 60_000


def run(options: Options | None = None) -> list[Result]:
    up = upcaster()
    wire = WireUpcaster(up)
    v1 = frame(up, 1, payload())
    assert read_header(wire.upcast(v1)) == up.index.schema_id((T, 4))
    assert len(up.plan(T, 1)) == 3
    raw = raw_decode_rate(COUNT)
    ours = rate(lambda: wire.upcast(v1), COUNT)
    say(f"  raw fastavro decode {per_second(raw)}; bytes -> bytes {per_second(ours)}")
    return [
        Result(
            "upcast: Confluent bytes -> bytes, 3-step chain",
            per_second(ours),
            ">= 60k ev/s",
            ours >= TARGET,
            f"raw fastavro decode {per_second(raw)}",
            f"{ours / raw:.2f}x",
        )
    ]


if __name__ == "__main__":
    results = run()
    say(table(results))
    sys.exit(0 if all(r.passed is not False for r in results) else 1)
