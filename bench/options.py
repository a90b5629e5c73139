"""Knobs shared by every benchmark; defaults keep a full `make bench` under about five minutes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench.server import Pinning


@dataclass(frozen=True)
class Options:
    workdir: Path
    pinning: Pinning
    wrk_seconds: float = 10.0
    rounds: int = 5
    warmup_seconds: float = 3.0
    connections: int = 64
    samples: int = 30
    startup_runs: int = 5
