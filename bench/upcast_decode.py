"""Avro decode + 3 declarative operations, against raw fastavro decoding of the same bytes.

Target (issue 5): at least 40% of raw ``schemaless_reader`` throughput, one process.
Run alone: ``python -m bench.upcast_decode``.
"""

from __future__ import annotations

import sys

from bench.options import Options
from bench.report import Result, say, table
from bench.upcast_common import frame, payload, per_second, rate, raw_decode_rate, upcaster
from evcat.upcast.read.wire import WireUpcaster

COUNT = 100_000
TARGET = 0.40


def run(options: Options | None = None) -> list[Result]:
    up = upcaster(target=2)
    wire = WireUpcaster(up)
    v1 = frame(up, 1, payload())
    wire.decode(v1)  # compile the route before timing
    raw = raw_decode_rate(COUNT)
    ours = rate(lambda: wire.decode(v1), COUNT)
    say(f"  raw fastavro decode {per_second(raw)}; decode + 3 ops {per_second(ours)}")
    return [
        Result(
            "upcast: Avro decode + 3 declarative ops",
            per_second(ours),
            f">= {TARGET:.0%} of raw decode",
            ours >= TARGET * raw,
            f"raw fastavro decode {per_second(raw)}",
            f"{ours / raw:.2f}x",
        )
    ]


if __name__ == "__main__":
    results = run()
    say(table(results))
    sys.exit(0 if all(r.passed is not False for r in results) else 1)
