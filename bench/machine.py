"""A description of the machine the benchmarks ran on, printed before any number."""

from __future__ import annotations

import os
import platform
import sys
from importlib import metadata
from pathlib import Path

PACKAGES = ("uvicorn", "uvloop", "httptools", "starlette", "fastapi", "sqlalchemy", "fastavro")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"


def usable_cpus() -> list[int]:
    return sorted(os.sched_getaffinity(0))


def describe() -> list[str]:
    """Lines naming the CPU, cores, RAM, OS, Python and the versions on the served path."""
    versions = ", ".join(f"{name} {_version(name)}" for name in PACKAGES)
    return [
        f"CPU:     {_cpu_model()}",
        f"cores:   {os.cpu_count()} (usable by this process: {len(usable_cpus())})",
        f"RAM:     {_memory_gib()}",
        f"OS:      {platform.system()} {platform.release()}",
        f"Python:  {sys.version.split()[0]} ({platform.python_implementation()})",
        f"stack:   {versions}",
    ]
