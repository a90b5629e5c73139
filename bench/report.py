"""Results of a benchmark run and how they are printed."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    """One measured number, its target and (optionally) the same-run baseline it is compared to.

    ``passed`` is None for informational rows that carry no target.
    """

    benchmark: str
    value: str
    target: str = ""
    passed: bool | None = None
    baseline: str = ""
    ratio: str = ""

    @property
    def verdict(self) -> str:
        if self.passed is None:
            return "info"
        return "PASS" if self.passed else "FAIL"


def say(text: str = "") -> None:
    """Progress output, flushed at once so a long run shows where it is."""
    print(text, flush=True)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The ``fraction`` quantile (nearest rank), e.g. 0.95 for p95."""
    ordered = sorted(samples)
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[rank]


def summarize(samples: Sequence[float]) -> str:
    """``median / p95 / max`` of durations in seconds, for progress lines."""
    return (
        f"median {ms(statistics.median(samples))}, p95 {ms(percentile(samples, 0.95))}, "
        f"max {ms(max(samples))} (n={len(samples)})"
    )


def table(results: Sequence[Result]) -> str:
    """The results as an aligned plain-text table."""
    header = ("benchmark", "result", "target", "verdict", "baseline (same run)", "ratio")
    rows = [header] + [
        (r.benchmark, r.value, r.target, r.verdict, r.baseline, r.ratio) for r in results
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)
