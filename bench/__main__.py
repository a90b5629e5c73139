"""``python -m bench [NAME ...]``: run the benchmarks, print each result against its target.

With no NAME every default benchmark runs; slow ones run when named (or with ``--all``).
Exit status: 0 when every target is met, 1 when one is missed, 2 when a benchmark could not run.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

from bench.machine import describe
from bench.options import Options
from bench.report import Result, say, table
from bench.server import Pinning

# Module names under bench/, each with ``run(options) -> list[Result]``, in running order.
DEFAULT = (
    "by_id",
    "list_pages",
    "by_id_auth",
    "register_transitive",
    "startup",
    "cli_startup",
    "cli_check",
    "upcast_decode",
    "upcast_json",
    "upcast_passthrough",
    "upcast_wire",
    "upcast_bulk",
    "import_topic",
    "audit_trail",
)
# Too slow for the default run (minutes of set-up): run by name.
SLOW = ("catalog_apply",)
BUSY_LOAD = 0.5


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    known = DEFAULT + SLOW
    parser.add_argument("names", nargs="*", help=f"benchmarks to run: {', '.join(known)}")
    parser.add_argument("--all", action="store_true", help="also run the slow benchmarks")
    parser.add_argument(
        "--seconds",
        type=float,
        default=10.0,
        help="measured wrk seconds per server, split over the rounds (default 10)",
    )
    parser.add_argument(
        "--rounds", type=int, default=5, help="alternating evcat/baseline wrk rounds (default 5)"
    )
    parser.add_argument("--warmup", type=float, default=3.0, help="wrk warm-up (default 3)")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections (default 64)")
    parser.add_argument(
        "--samples", type=int, default=30, help="registrations measured per case (default 30)"
    )
    parser.add_argument(
        "--startup-runs", type=int, default=5, help="server starts measured (default 5)"
    )
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(known))
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(known)}")
    return args


def _header() -> None:
    say("evcat benchmarks")
    for line in describe():
        say(f"  {line}")
    load = os.getloadavg()[0]
    say(f"  load average (1 min) before the run: {load:.2f}")
    if load > BUSY_LOAD:
        say("  warning: the machine is busy; throughput and latency numbers will be low and noisy")


def _run_one(name: str, options: Options) -> list[Result]:
    module = importlib.import_module(f"bench.{name}")
    results: list[Result] = module.run(options)
    return results


def main(argv: list[str]) -> int:
    args = _arguments(argv)
    names = args.names or list(DEFAULT + SLOW if args.all else DEFAULT)
    pinning = Pinning()
    if pinning.separate:
        # The benchmark process and the load generator stay off the server's core.
        os.sched_setaffinity(0, pinning.client_cpus)
    _header()
    results: list[Result] = []
    broken: list[str] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="evcat-bench-") as tmp:
        for name in names:
            say(f"\n== {name}")
            options = Options(
                workdir=Path(tmp) / name,
                pinning=pinning,
                wrk_seconds=args.seconds,
                rounds=args.rounds,
                warmup_seconds=args.warmup,
                connections=args.connections,
                samples=args.samples,
                startup_runs=args.startup_runs,
            )
            options.workdir.mkdir()
            section = time.perf_counter()
            try:
                results += _run_one(name, options)
            except Exception as error:  # one broken benchmark must not hide the others
                say(f"error: {name} could not run: {error}")
                say(traceback.format_exc(limit=-3).rstrip())
                broken.append(name)
            say(f"  ({time.perf_counter() - section:.0f} s)")
    say(f"\n== results ({time.perf_counter() - started:.0f} s in all)\n")
    say(table(results))
    failed = [r.benchmark for r in results if r.passed is False]
    say(
        f"\n{len(failed)} target(s) missed: {', '.join(failed)}" if failed else "\nevery target met"
    )
    if broken:
        say(f"could not run: {', '.join(broken)}")
        return 2
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
