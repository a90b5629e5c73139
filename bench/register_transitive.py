"""Registration under BACKWARD_TRANSITIVE: the cost that grows with a subject's history.

Two cases. Over HTTP against a live server: a subject with 100 versions, each adding a field with
a default, receives one more version. In process, through ``Registry.register``: a 50-field
record with 1,000 live versions receives one more (the compatibility engine's budget case).

Every measured registration is followed by a permanent delete of the new version (not timed),
so each one meets exactly 100 (or 1,000) live versions, and each measured schema is new, so no
verdict comes from the compatibility cache. The baseline is the same registration with the
subject set to NONE, interleaved with the measured ones: the difference, divided by the number
of versions, is the time per compared version.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import httpx

from bench import schemas
from bench.options import Options
from bench.populate import bulk_register
from bench.report import Result, ms, percentile, say, summarize
from bench.server import EVCAT_APP, BenchError, Server
from evcat import compat
from evcat.compat import CompatibilityLevel
from evcat.compat.avro.check import clear_cache
from evcat.db import make_engine
from evcat.formats import AVRO, get_format
from evcat.migrations import upgrade
from evcat.registry import admin
from evcat.registry.entities import SchemaRequest
from evcat.registry.service import Registry
from evcat.settings import Settings

HTTP_VERSIONS = 100
HTTP_TARGET = 0.050
ENGINE_VERSIONS = 1000
ENGINE_TARGET = 0.200
ENGINE_REPEATS = 5
WARMUP = 3
TRANSITIVE = "BACKWARD_TRANSITIVE"

# register(compatibility level, unique label) -> (seconds, new version number)
Register = Callable[[str, str], tuple[float, int]]


def _measure(
    register: Register, delete: Callable[[int], None], samples: int
) -> tuple[list[float], list[float], float]:
    """Interleaved transitive and NONE registrations: both samples, and the very first one."""
    transitive: list[float] = []
    baseline: list[float] = []
    cold = 0.0
    for i in range(WARMUP + samples):
        for level, into in ((TRANSITIVE, transitive), ("NONE", baseline)):
            seconds, version = register(level, f"{level.lower()}_{i:03d}")
            delete(version)
            if i == 0 and level == TRANSITIVE:
                cold = seconds
            if i >= WARMUP:
                into.append(seconds)
    return transitive, baseline, cold


def _results(
    name: str,
    versions: int,
    target: float,
    transitive: list[float],
    baseline: list[float],
    cold: float,
) -> list[Result]:
    median, none_median = statistics.median(transitive), statistics.median(baseline)
    per_version = (median - none_median) / versions
    say(f"  {TRANSITIVE}: {summarize(transitive)}")
    say(f"  NONE (baseline): {summarize(baseline)}")
    say(f"  first registration (warm-up, not counted): {ms(cold)}")
    say(f"  per compared version: {per_version * 1e6:.0f} us")
    return [
        Result(
            f"{name} median",
            ms(median),
            f"< {ms(target)}",
            median < target,
            f"{ms(none_median)} (NONE)",
            f"{median / none_median:.2f}",
        ),
        Result(
            f"{name} p95", ms(percentile(transitive, 0.95)), baseline=ms(percentile(baseline, 0.95))
        ),
        Result(f"{name}: per compared version", f"{per_version * 1e6:.0f} us"),
    ]


def _http_case(options: Options) -> list[Result]:
    workdir = options.workdir / "register_http"
    workdir.mkdir()
    url = f"sqlite:///{workdir / 'evcat.db'}"
    upgrade(url)
    subject = "bench-transitive-http"
    with Server(EVCAT_APP, {"EVCAT_DB_URL": url}, workdir / "evcat.log", options.pinning) as server:
        server.wait_for("/schemas/types")
        with httpx.Client(base_url=server.base_url, timeout=60.0) as client:

            def call(method: str, path: str, body: object = None) -> httpx.Response:
                response = client.request(method, path, json=body)
                if response.status_code != 200:
                    raise BenchError(f"{method} {path}: {response.status_code} {response.text}")
                return response

            call("PUT", f"/config/{subject}", {"compatibility": "NONE"})
            say(f"  registering {HTTP_VERSIONS} versions through the API ...")
            for extra in range(HTTP_VERSIONS):
                call("POST", f"/subjects/{subject}/versions", {"schema": schemas.growing(extra)})

            def register(level: str, label: str) -> tuple[float, int]:
                call("PUT", f"/config/{subject}", {"compatibility": level})
                body = {"schema": schemas.growing(HTTP_VERSIONS, added=label)}
                started = time.perf_counter()
                response = call("POST", f"/subjects/{subject}/versions", body)
                seconds = time.perf_counter() - started
                return seconds, int(response.json()["version"])

            def delete(version: int) -> None:
                call("DELETE", f"/subjects/{subject}/versions/{version}")
                call("DELETE", f"/subjects/{subject}/versions/{version}?permanent=true")

            transitive, baseline, cold = _measure(register, delete, options.samples)
    return _results(
        f"register vs {HTTP_VERSIONS} versions (HTTP)",
        HTTP_VERSIONS,
        HTTP_TARGET,
        transitive,
        baseline,
        cold,
    )


def _engine_case(options: Options) -> list[Result]:
    workdir = options.workdir / "register_engine"
    workdir.mkdir()
    url = f"sqlite:///{workdir / 'evcat.db'}"
    upgrade(url)
    registry = Registry(make_engine(url), Settings(db_url=url))
    subject = "bench-transitive-wide"
    admin.set_config(registry, subject, {"compatibility": "NONE"})
    say(f"  adding {ENGINE_VERSIONS} versions of a 50-field record ...")
    bulk_register(registry, ((subject, schemas.wide(n)) for n in range(ENGINE_VERSIONS)))

    def register(level: str, label: str) -> tuple[float, int]:
        admin.set_config(registry, subject, {"compatibility": level})
        request = SchemaRequest(schema=schemas.wide(ENGINE_VERSIONS, added=label))
        started = time.perf_counter()
        version = registry.register(subject, request)
        return time.perf_counter() - started, version.version

    def delete(version: int) -> None:
        admin.delete_version(registry, subject, version, permanent=False)
        admin.delete_version(registry, subject, version, permanent=True)

    transitive, baseline, cold = _measure(register, delete, options.samples)
    restarted = _cold_backward(url, subject)
    engine = _engine_only()
    say(
        f"  compat.check alone vs {ENGINE_VERSIONS} versions, "
        f"best of {ENGINE_REPEATS}: {ms(engine)}"
    )
    warm, _ = register("BACKWARD", "warm_backward")
    say(f"  BACKWARD (latest only), fresh Registry: {ms(restarted)}; same, warm: {ms(warm)}")
    return [
        *_results(
            f"register vs {ENGINE_VERSIONS} versions (in-process)",
            ENGINE_VERSIONS,
            ENGINE_TARGET,
            transitive,
            baseline,
            cold,
        ),
        Result(
            f"compat.check alone vs {ENGINE_VERSIONS} versions (best of {ENGINE_REPEATS})",
            ms(engine),
            ratio=f"{engine / statistics.median(transitive):.2f} of median",
        ),
        Result(
            f"BACKWARD register vs {ENGINE_VERSIONS} versions, fresh process",
            ms(restarted),
            baseline=f"{ms(warm)} (warm)",
            ratio=f"{restarted / warm:.0f}",
        ),
    ]


def _engine_only() -> float:
    """The compatibility engine alone, no database: its share of a registration's time."""
    avro = get_format(AVRO)
    previous = [(n + 1, avro.parse(schemas.wide(n))) for n in range(ENGINE_VERSIONS)]
    best = float("inf")
    for attempt in range(ENGINE_REPEATS):
        new = avro.parse(schemas.wide(ENGINE_VERSIONS, added=f"engine_{attempt}"))
        clear_cache()
        started = time.perf_counter()
        issues = compat.check(new, previous, CompatibilityLevel.BACKWARD_TRANSITIVE)
        best = min(best, time.perf_counter() - started)
        if issues:
            raise BenchError(f"fixture versions are not compatible: {issues[0].message}")
    return best


def _cold_backward(url: str, subject: str) -> float:
    """A non-transitive registration by a Registry with empty caches, as after a restart."""
    registry = Registry(make_engine(url), Settings(db_url=url))
    try:
        admin.set_config(registry, subject, {"compatibility": "BACKWARD"})
        request = SchemaRequest(schema=schemas.wide(ENGINE_VERSIONS, added="cold_backward"))
        started = time.perf_counter()
        version = registry.register(subject, request)
        seconds = time.perf_counter() - started
        admin.delete_version(registry, subject, version.version, permanent=False)
        admin.delete_version(registry, subject, version.version, permanent=True)
    finally:
        registry.engine.dispose()
    return seconds


def run(options: Options) -> list[Result]:
    say(f"  case 1: HTTP, SQLite, subject with {HTTP_VERSIONS} versions growing a field each")
    results = _http_case(options)
    say(f"  case 2: in-process Registry.register, {ENGINE_VERSIONS} versions of a 50-field record")
    return results + _engine_case(options)
