"""Start-up with 10,000 registered schemas: time to the first answer, and memory after use.

The clock starts when the server process is spawned and stops at the first 200 answer to
``GET /schemas/ids/1``: imports, settings, engine and the first database read are all in it.
Memory is the server's VmRSS after 1,000 random by-id requests (then, for information, after
every one of the 10,000 ids was asked for once). The baseline is the bare Starlette app of the
by-id benchmark started the same way: what uvicorn and Python cost with no registry at all.
"""

from __future__ import annotations

import random
import statistics
from dataclasses import dataclass

import httpx

from bench import schemas
from bench.options import Options
from bench.populate import bulk_register
from bench.report import Result, say
from bench.server import BASELINE_APP, EVCAT_APP, BenchError, Server
from evcat.db import make_engine
from evcat.migrations import upgrade
from evcat.registry.service import Registry
from evcat.settings import Settings

SCHEMAS = 10_000
REQUESTS = 1000
START_TARGET = 3.0
RSS_TARGET_MIB = 300.0


@dataclass(frozen=True)
class Start:
    seconds: float
    rss_mib: float
    first_body: bytes


def _ask(client: httpx.Client, ids: list[int]) -> None:
    for schema_id in ids:
        response = client.get(f"/schemas/ids/{schema_id}")
        if response.status_code != 200:
            raise BenchError(f"GET /schemas/ids/{schema_id}: {response.status_code}")


def _start(server: Server) -> Start:
    """Start ``server``, wait for its first answer, then read REQUESTS random ids."""
    rng = random.Random(7)
    server.start()
    seconds = server.wait_for("/schemas/ids/1")
    with httpx.Client(base_url=server.base_url, timeout=30.0) as client:
        first = client.get("/schemas/ids/1").content
        _ask(client, [rng.randint(1, SCHEMAS) for _ in range(REQUESTS)])
    return Start(seconds, server.rss_mib(), first)


def _series(label: str, servers: list[Server]) -> list[Start]:
    starts: list[Start] = []
    for server in servers:
        try:
            starts.append(_start(server))
        finally:
            server.stop()
    say(
        f"  {label}: first answer after {', '.join(f'{s.seconds:.2f}' for s in starts)} s; "
        f"RSS after {REQUESTS} reads {', '.join(f'{s.rss_mib:.0f}' for s in starts)} MiB"
    )
    return starts


def _rss_after_all_ids(server: Server) -> float:
    """RSS once every id was read: the most the by-id answer cache can hold."""
    with server:
        server.wait_for("/schemas/ids/1")
        with httpx.Client(base_url=server.base_url, timeout=30.0) as client:
            _ask(client, list(range(1, SCHEMAS + 1)))
        return server.rss_mib()


def run(options: Options) -> list[Result]:
    workdir = options.workdir
    url = f"sqlite:///{workdir / 'evcat.db'}"
    upgrade(url)
    say(f"  adding {SCHEMAS:,} schemas (one subject each) in bulk ...")
    registry = Registry(make_engine(url), Settings(db_url=url))
    items = ((f"bench-startup-{n}", schemas.typical(n)) for n in range(1, SCHEMAS + 1))
    bulk_register(registry, items)
    registry.engine.dispose()

    def evcat(name: str) -> Server:
        return Server(EVCAT_APP, {"EVCAT_DB_URL": url}, workdir / f"{name}.log", options.pinning)

    runs = options.startup_runs
    evcat_starts = _series("evcat", [evcat(f"evcat-{n}") for n in range(runs)])
    body = workdir / "body.json"
    body.write_bytes(evcat_starts[0].first_body)
    env = {"BENCH_BASELINE_BODY": str(body)}
    baselines = [
        Server(BASELINE_APP, env, workdir / f"baseline-{n}.log", options.pinning)
        for n in range(max(3, runs // 2))
    ]
    base_starts = _series("bare Starlette", baselines)
    full = _rss_after_all_ids(evcat("evcat-all-ids"))
    say(f"  evcat RSS after all {SCHEMAS:,} ids were read once: {full:.0f} MiB")

    start = statistics.median(s.seconds for s in evcat_starts)
    base_start = statistics.median(s.seconds for s in base_starts)
    memory = statistics.median(s.rss_mib for s in evcat_starts)
    base_memory = statistics.median(s.rss_mib for s in base_starts)
    return [
        Result(
            f"start-up to first answer, {SCHEMAS:,} schemas",
            f"{start:.2f} s",
            f"< {START_TARGET:.0f} s",
            start < START_TARGET,
            f"{base_start:.2f} s (Starlette)",
            f"{start / base_start:.2f}",
        ),
        Result(
            f"RSS after {REQUESTS:,} random by-id reads",
            f"{memory:.0f} MiB",
            f"< {RSS_TARGET_MIB:.0f} MiB",
            memory < RSS_TARGET_MIB,
            f"{base_memory:.0f} MiB (Starlette)",
            f"{memory / base_memory:.2f}",
        ),
        Result(
            f"RSS after all {SCHEMAS:,} ids read once",
            f"{full:.0f} MiB",
            baseline=f"{base_memory:.0f} MiB (Starlette)",
            ratio=f"{full / base_memory:.2f}",
        ),
    ]
