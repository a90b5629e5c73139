"""``GET /schemas/ids/{id}`` throughput: evcat against a bare Starlette route, same uvicorn.

evcat serves 1,000 Avro schemas (~1.5 KB each) registered through its API; wrk asks for random
ids. The baseline is a Starlette app answering the same bytes as a typical evcat answer with no
registry behind it: the ratio says how much of the framework's best case evcat keeps on its
hottest read path (Confluent serializers fetch every schema they meet by id).
"""

from __future__ import annotations

import statistics
from concurrent.futures import ThreadPoolExecutor

import httpx

from bench import schemas
from bench.options import Options
from bench.report import Result, say
from bench.server import BASELINE_APP, EVCAT_APP, BenchError, Server
from bench.wrk import WrkRun, ensure_wrk, run_wrk, version
from evcat.migrations import upgrade

SCHEMAS = 1000
TARGET_RATIO = 0.70
REGISTER_CLIENTS = 4
NAME = "by-id throughput"


def _register_all(base_url: str) -> None:
    """Register the fixture schemas through the API, one subject each."""

    def register(numbers: range) -> None:
        with httpx.Client(base_url=base_url, timeout=60.0) as client:
            for number in numbers:
                response = client.post(
                    f"/subjects/bench-by-id-{number}/versions",
                    json={"schema": schemas.typical(number)},
                )
                if response.status_code != 200:
                    raise BenchError(f"registration failed: {response.status_code} {response.text}")

    shares = [
        range(start, SCHEMAS + 1, REGISTER_CLIENTS) for start in range(1, REGISTER_CLIENTS + 1)
    ]
    with ThreadPoolExecutor(REGISTER_CLIENTS) as pool:
        list(pool.map(register, shares))


def _typical_body(base_url: str) -> bytes:
    """The answer evcat gives for a schema of median size: the baseline serves these bytes."""
    with httpx.Client(base_url=base_url) as client:
        bodies = [client.get(f"/schemas/ids/{i}").content for i in range(1, SCHEMAS + 1, 50)]
    return sorted(bodies, key=len)[len(bodies) // 2]


def _load(server: Server, wrk: str, options: Options, seconds: float) -> WrkRun:
    result = run_wrk(
        wrk,
        server.base_url,
        SCHEMAS,
        seconds=seconds,
        connections=options.connections,
        pinning=options.pinning,
    )
    if result.errors:
        raise BenchError(f"{server.app}: {result.errors} failed requests (non-2xx, socket errors)")
    return result


def _combined(runs: list[WrkRun]) -> WrkRun:
    """Rounds added up; latency is the median round's p50 and the worst round's p99."""
    return WrkRun(
        requests=sum(r.requests for r in runs),
        seconds=sum(r.seconds for r in runs),
        p50_ms=statistics.median(r.p50_ms for r in runs),
        p99_ms=max(r.p99_ms for r in runs),
        errors=sum(r.errors for r in runs),
    )


def run(options: Options) -> list[Result]:
    wrk = ensure_wrk()
    rounds = max(1, options.rounds)
    say(
        f"  load generator: {version(wrk)}, -t1 -c{options.connections}; "
        f"{options.warmup_seconds:.0f} s warm-up, then {rounds} alternating rounds of "
        f"{options.wrk_seconds / rounds:.0f} s per server"
    )
    say(f"  pinning: {options.pinning.describe()}")
    url = f"sqlite:///{options.workdir / 'evcat.db'}"
    upgrade(url)
    env = {"EVCAT_DB_URL": url}
    with Server(EVCAT_APP, env, options.workdir / "evcat.log", options.pinning) as evcat:
        evcat.wait_for("/schemas/types")
        say(f"  registering {SCHEMAS} schemas of ~1.5 KB through the API ...")
        _register_all(evcat.base_url)
        body_path = options.workdir / "body.json"
        body_path.write_bytes(_typical_body(evcat.base_url))
        baseline_env = {"BENCH_BASELINE_BODY": str(body_path)}
        log = options.workdir / "baseline.log"
        with Server(BASELINE_APP, baseline_env, log, options.pinning) as baseline:
            baseline.wait_for("/schemas/ids/1")
            for server in (evcat, baseline):
                _load(server, wrk, options, options.warmup_seconds)
            evcat_runs: list[WrkRun] = []
            baseline_runs: list[WrkRun] = []
            ratios: list[float] = []
            for number in range(1, rounds + 1):
                evcat_runs.append(_load(evcat, wrk, options, options.wrk_seconds / rounds))
                baseline_runs.append(_load(baseline, wrk, options, options.wrk_seconds / rounds))
                ratios.append(evcat_runs[-1].rate / baseline_runs[-1].rate)
                say(
                    f"  round {number}: evcat {evcat_runs[-1].rate:,.0f} req/s, "
                    f"Starlette {baseline_runs[-1].rate:,.0f} req/s, ratio {ratios[-1]:.2f}"
                )
    ours, theirs = _combined(evcat_runs), _combined(baseline_runs)
    # Neighbouring rounds share the machine's mood; the median ratio shrugs off a noisy round.
    ratio = statistics.median(ratios)
    for label, result in (("evcat", ours), ("bare Starlette", theirs)):
        say(
            f"  {label}: {result.rate:,.0f} req/s, p50 {result.p50_ms:.2f} ms, "
            f"p99 {result.p99_ms:.2f} ms, errors {result.errors}"
        )
    say(
        f"  answer size {body_path.stat().st_size} bytes; evcat/Starlette: median round ratio "
        f"{ratio:.2f}, pooled {ours.rate / theirs.rate:.2f}"
    )
    return [
        Result(
            f"{NAME} (1 worker)",
            f"{ours.rate:,.0f} req/s",
            f">= {TARGET_RATIO:.2f} x baseline",
            ratio >= TARGET_RATIO,
            f"{theirs.rate:,.0f} req/s (Starlette)",
            f"{ratio:.2f}",
        ),
        Result(
            f"by-id latency, {options.connections} conns (p50 / p99)",
            f"{ours.p50_ms:.2f} / {ours.p99_ms:.2f} ms",
            baseline=f"{theirs.p50_ms:.2f} / {theirs.p99_ms:.2f} ms",
            ratio=f"{ours.p99_ms / theirs.p99_ms:.2f} (p99)",
        ),
    ]
