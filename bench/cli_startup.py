"""How fast the ``evcat`` command starts: ``evcat --help`` and ``evcat --version``.

Each is run as a fresh process (the installed console script) several times after one warm-up
run; the median counts. The baseline is the same interpreter doing nothing (``python -c pass``),
which is what any Python command costs before it imports anything.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.options import Options
from bench.report import Result, say

EVCAT = Path(sys.executable).with_name("evcat")
HELP_TARGET = 0.5
RUNS = 7


def _median_seconds(command: list[str], runs: int = RUNS) -> float:
    subprocess.run(command, capture_output=True, check=True)  # warm the file cache
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def run(options: Options | None = None) -> list[Result]:
    baseline = _median_seconds([sys.executable, "-c", "pass"])
    results = []
    for argument in ("--help", "--version"):
        seconds = _median_seconds([str(EVCAT), argument])
        say(f"  evcat {argument}: {seconds:.3f} s (python -c pass: {baseline:.3f} s)")
        results.append(
            Result(
                f"evcat {argument} (median of {RUNS})",
                f"{seconds:.2f} s",
                f"< {HELP_TARGET} s",
                seconds < HELP_TARGET,
                f"{baseline:.2f} s (python -c pass)",
                f"{seconds / baseline:.1f}",
            )
        )
    return results


if __name__ == "__main__":
    from bench.report import table

    say(table(run()))
