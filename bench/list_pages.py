"""Pages of the list routes over 10,000 subjects: ``GET /schemas?limit=10`` and friends.

evcat holds 10,000 subjects of one Avro schema each (set up in bulk, see ``populate``); one
server answers, over HTTP, the first and a middle page of ten of ``/schemas``, of
``/schemas?latestOnly=true`` and of ``/subjects``. The target (issue 18) is ``/schemas?limit=10``
under 50 ms. The baseline, in the same run and on the same server, is a one-version read
(``GET /subjects/{s}/versions/latest``): the ratio says what a page of ten costs over the
cheapest subject read. The whole unpaged ``/schemas`` is timed once, for information.
"""

from __future__ import annotations

import statistics
import time

import httpx

from bench import schemas
from bench.options import Options
from bench.populate import bulk_register
from bench.report import Result, ms, say, summarize
from bench.server import EVCAT_APP, BenchError, Server
from evcat.db import make_engine
from evcat.migrations import upgrade
from evcat.registry.service import Registry
from evcat.settings import Settings

SUBJECTS = 10_000
TARGET = 0.050
WARMUP = 5
PAGES = {
    "/schemas?limit=10": "/schemas?limit=10",
    "/schemas?limit=10 (offset 5,000)": "/schemas?offset=5000&limit=10",
    "/schemas?latestOnly=true&limit=10": "/schemas?latestOnly=true&limit=10",
    "/subjects?limit=10 (offset 5,000)": "/subjects?offset=5000&limit=10",
}
BASELINE = "/subjects/bench-page-05000/versions/latest"


def _timed(client: httpx.Client, path: str, samples: int) -> list[float]:
    seconds: list[float] = []
    for i in range(WARMUP + samples):
        started = time.perf_counter()
        response = client.get(path)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise BenchError(f"GET {path}: {response.status_code} {response.text[:200]}")
        if i >= WARMUP:
            seconds.append(elapsed)
    return seconds


def run(options: Options) -> list[Result]:
    url = f"sqlite:///{options.workdir / 'evcat.db'}"
    upgrade(url)
    registry = Registry(make_engine(url), Settings(db_url=url))
    say(f"  adding {SUBJECTS} subjects ...")
    bulk_register(registry, ((f"bench-page-{n:05d}", schemas.typical(n)) for n in range(SUBJECTS)))
    registry.engine.dispose()
    samples = max(options.samples, 20)
    env = {"EVCAT_DB_URL": url}
    with Server(EVCAT_APP, env, options.workdir / "evcat.log", options.pinning) as server:
        server.wait_for("/schemas/types")
        with httpx.Client(base_url=server.base_url, timeout=120.0) as client:
            baseline = statistics.median(_timed(client, BASELINE, samples))
            say(f"  baseline {BASELINE}: {ms(baseline)}")
            results: list[Result] = []
            for label, path in PAGES.items():
                timed = _timed(client, path, samples)
                say(f"  {label}: {summarize(timed)}")
                median = statistics.median(timed)
                results.append(
                    Result(
                        f"{label} over {SUBJECTS} subjects",
                        ms(median),
                        f"< {ms(TARGET)}",
                        median < TARGET,
                        f"{ms(baseline)} (one version)",
                        f"{median / baseline:.2f}",
                    )
                )
            started = time.perf_counter()
            everything = client.get("/schemas")
            whole = time.perf_counter() - started
            say(f"  unpaged /schemas ({len(everything.json())} versions): {ms(whole)}")
            results.append(Result(f"/schemas unpaged, {SUBJECTS} versions", ms(whole)))
    return results
