"""``GET /schemas/ids/{id}`` with HTTP Basic sign-in on, against the same evcat with it off.

Both servers read one database of 1,000 schemas (the ``by_id`` fixture). The signed-in server
reads an auth file with one user bound to ``reader`` everywhere; wrk sends that user's Basic
header with every request, as a Confluent client does. The first request verifies the argon2id
hash; every later one is answered from the verified-credential cache, so the ratio is what the
middleware costs on the hottest read path (target: >= 0.75).
"""

from __future__ import annotations

import base64
import statistics

import httpx
import yaml

from bench.by_id import SCHEMAS, _combined, _register_all
from bench.options import Options
from bench.report import Result, say
from bench.server import EVCAT_APP, BenchError, Server
from bench.wrk import WrkRun, ensure_wrk, run_wrk
from evcat.auth.hashing import hash_password
from evcat.migrations import upgrade

TARGET_RATIO = 0.75
USER, PASSWORD = "bench", "bench-password"
NAME = "by-id throughput, Basic auth on"


def _auth_file(options: Options) -> str:
    path = options.workdir / "auth.yaml"
    document = {
        "users": [{"name": USER, "password_hash": hash_password(PASSWORD)}],
        "bindings": [{"users": ["*"], "role": "reader"}],
    }
    path.write_text(yaml.safe_dump(document))
    return str(path)


def _load(
    server: Server, wrk: str, options: Options, seconds: float, headers: tuple[str, ...]
) -> WrkRun:
    result = run_wrk(
        wrk,
        server.base_url,
        SCHEMAS,
        seconds=seconds,
        connections=options.connections,
        pinning=options.pinning,
        headers=headers,
    )
    if result.errors:
        raise BenchError(f"{server.app}: {result.errors} failed requests (non-2xx, socket errors)")
    return result


def run(options: Options) -> list[Result]:
    wrk = ensure_wrk()
    rounds = max(1, options.rounds)
    url = f"sqlite:///{options.workdir / 'evcat-auth.db'}"
    upgrade(url)
    credentials = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    signed_in = (f"Authorization: Basic {credentials}",)
    open_env = {"EVCAT_DB_URL": url}
    auth_env = {**open_env, "EVCAT_AUTH_CONFIG": _auth_file(options)}
    log = options.workdir
    with (
        Server(EVCAT_APP, open_env, log / "open.log", options.pinning) as plain,
        Server(EVCAT_APP, auth_env, log / "auth.log", options.pinning) as guarded,
    ):
        plain.wait_for("/schemas/types")
        guarded.wait_for("/health/live")
        say(f"  registering {SCHEMAS} schemas of ~1.5 KB through the API ...")
        _register_all(plain.base_url)
        # Every id once on each server, so both answer from memory when measured.
        for server, headers in ((plain, {}), (guarded, {"Authorization": f"Basic {credentials}"})):
            with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as client:
                for schema_id in range(1, SCHEMAS + 1):
                    client.get(f"/schemas/ids/{schema_id}").raise_for_status()
        _load(plain, wrk, options, options.warmup_seconds, ())
        _load(guarded, wrk, options, options.warmup_seconds, signed_in)
        ratios: list[float] = []
        plain_runs: list[WrkRun] = []
        guarded_runs: list[WrkRun] = []
        for number in range(1, rounds + 1):
            seconds = options.wrk_seconds / rounds
            plain_runs.append(_load(plain, wrk, options, seconds, ()))
            guarded_runs.append(_load(guarded, wrk, options, seconds, signed_in))
            ratios.append(guarded_runs[-1].rate / plain_runs[-1].rate)
            say(
                f"  round {number}: auth on {guarded_runs[-1].rate:,.0f} req/s, "
                f"auth off {plain_runs[-1].rate:,.0f} req/s, ratio {ratios[-1]:.2f}"
            )
    ours, theirs = _combined(guarded_runs), _combined(plain_runs)
    ratio = statistics.median(ratios)
    return [
        Result(
            f"{NAME} (1 worker)",
            f"{ours.rate:,.0f} req/s",
            f">= {TARGET_RATIO:.2f} x auth off",
            ratio >= TARGET_RATIO,
            f"{theirs.rate:,.0f} req/s (auth off)",
            f"{ratio:.2f}",
        )
    ]
