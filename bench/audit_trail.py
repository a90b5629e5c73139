"""The audit trail: verifying 100,000 records, and what one record adds to a write.

Verify: ``evcat audit verify``'s work (read every record oldest first, re-hash it, check its
link) over 100,000 records in an SQLite file. The baseline, in the same run, is reading the
same records without checking them: what verification adds is the hashing. Append: a write
transaction that appends one record, against the same transaction without it (the registry
write lock alone), interleaved: the difference is what every audited write pays.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from bench.options import Options
from bench.report import Result, ms, say
from evcat.audit import Actor, record
from evcat.audit.query import every_entry
from evcat.audit.verify import verify
from evcat.db import make_engine, write_session
from evcat.migrations import upgrade

RECORDS = 100_000
BATCH = 5_000
VERIFY_TARGET_SECONDS = 5.0
VERIFY_RATIO_TARGET = 3.0
APPEND_TARGET_SECONDS = 0.002
APPENDS = 300
ACTOR = Actor("ci-bot", "req-0123456789abcdef", "10.1.2.3")


def _fill(url: str) -> None:
    engine = make_engine(url)
    for start in range(0, RECORDS, BATCH):
        with write_session(engine) as session:
            for number in range(start, start + BATCH):
                record(
                    session,
                    ACTOR,
                    "schema.register",
                    f"subject:orders-{number % 500}-value",
                    before={"version": number // 500, "id": number},
                    after={"version": number // 500 + 1, "id": number + 1, "schemaType": "AVRO"},
                )
    engine.dispose()


def _best(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def _verify_rows(url: str) -> list[Result]:
    engine = make_engine(url)
    read = _best(3, lambda: sum(1 for _ in every_entry(engine)))
    verdict = verify(every_entry(engine))
    if not verdict.intact or verdict.count != RECORDS:
        raise RuntimeError(f"the benchmark's own trail does not verify: {verdict}")
    checked = _best(3, lambda: verify(every_entry(engine)))
    engine.dispose()
    say(f"  read {RECORDS:,} records: {checked:.2f} s to verify, {read:.2f} s to read")
    ratio = checked / read
    return [
        Result(
            f"audit verify, {RECORDS:,} records (SQLite)",
            f"{checked:.2f} s",
            f"<= {VERIFY_TARGET_SECONDS:.0f} s and <= {VERIFY_RATIO_TARGET:.0f}x read",
            checked <= VERIFY_TARGET_SECONDS and ratio <= VERIFY_RATIO_TARGET,
            f"{read:.2f} s (read only)",
            f"{ratio:.2f}x",
        )
    ]


def _append_rows(url: str) -> list[Result]:
    engine = make_engine(url)
    with_record: list[float] = []
    without: list[float] = []
    for _ in range(APPENDS):
        started = time.perf_counter()
        with write_session(engine):
            pass
        without.append(time.perf_counter() - started)
        started = time.perf_counter()
        with write_session(engine) as session:
            record(session, ACTOR, "config.set", "config:global", after={"level": "FULL"})
        with_record.append(time.perf_counter() - started)
    engine.dispose()
    added = statistics.median(with_record) - statistics.median(without)
    return [
        Result(
            "audit record added to a write (SQLite, median)",
            ms(added),
            f"<= {ms(APPEND_TARGET_SECONDS)}",
            added <= APPEND_TARGET_SECONDS,
            f"{ms(statistics.median(without))} (write lock alone)",
        )
    ]


def run(options: Options) -> list[Result]:
    url = f"sqlite:///{options.workdir / 'audit.db'}"
    upgrade(url)
    started = time.perf_counter()
    _fill(url)
    say(f"  wrote {RECORDS:,} records in {time.perf_counter() - started:.1f} s")
    return _verify_rows(url) + _append_rows(url)
