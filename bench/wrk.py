"""The HTTP load generator: wrk, installed from Debian's package when it is missing."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.report import say
from bench.server import BenchError, Pinning

SCRIPT = Path(__file__).with_name("by_id.lua")
_MANUAL = "install wrk (Debian/Ubuntu: apt-get install -y wrk; macOS: brew install wrk) and rerun"


@dataclass(frozen=True)
class WrkRun:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def ensure_wrk() -> str:
    """The path of wrk; installs the Debian package when apt-get is there and we are root."""
    found = shutil.which("wrk")
    if found:
        return found
    apt = shutil.which("apt-get")
    if apt is None:
        raise BenchError(f"wrk is not installed and apt-get is not available: {_MANUAL}")
    if os.geteuid() != 0:
        raise BenchError(f"wrk is not installed and installing it needs root: {_MANUAL}")
    say("wrk is not installed: installing the Debian package with apt-get ...")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = [apt, "install", "-y", "-q", "wrk"]
    result = subprocess.run(install, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        # The package lists may be missing or stale on a fresh machine.
        subprocess.run([apt, "update", "-q"], env=env, capture_output=True, check=False)
        result = subprocess.run(install, env=env, capture_output=True, text=True, check=False)
    found = shutil.which("wrk")
    if result.returncode != 0 or not found:
        raise BenchError(f"apt-get could not install wrk:\n{result.stderr.strip()}\n{_MANUAL}")
    return found


def version(wrk: str) -> str:
    result = subprocess.run([wrk, "--version"], capture_output=True, text=True, check=False)
    first_line = (result.stdout or result.stderr).strip().splitlines()[0]
    return first_line.split(" Copyright", 1)[0]


def run_wrk(
    wrk: str,
    base_url: str,
    max_id: int,
    *,
    seconds: float,
    connections: int,
    pinning: Pinning,
    headers: tuple[str, ...] = (),
) -> WrkRun:
    """One closed-loop wrk run against ``GET /schemas/ids/{random 1..max_id}``."""
    command = [
        *pinning.prefix(pinning.client_cpus),
        wrk,
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "5s",
        *(option for header in headers for option in ("-H", header)),
        "-s",
        str(SCRIPT),
        f"{base_url}/",
        "--",
        str(max_id),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    line = next((x for x in result.stdout.splitlines() if x.startswith("BENCH ")), None)
    if result.returncode != 0 or line is None:
        raise BenchError(f"wrk failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    fields = dict(item.split("=", 1) for item in line.split()[1:])
    errors = sum(int(fields[key]) for key in ("connect", "read", "write", "status", "timeout"))
    return WrkRun(
        requests=int(fields["requests"]),
        seconds=int(fields["duration_us"]) / 1e6,
        p50_ms=int(fields["p50_us"]) / 1000,
        p99_ms=int(fields["p99_us"]) / 1000,
        errors=errors,
    )
