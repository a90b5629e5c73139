"""``evcat check --against REF`` on a repository of 300 schema files (100 of each format).

A temporary git repository gets 300 schemas and an ``evcat.yaml`` in a base commit; then some
files change compatibly. The clock covers the whole command as a fresh process: start-up,
manifest, ``git cat-file``, parsing both sides of every changed file, comparing, reporting.
Two cases: a typical pull request (30 files changed) and the worst case (all 300 changed).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.options import Options
from bench.report import Result, say

EVCAT = Path(sys.executable).with_name("evcat")
PER_FORMAT = 100
TARGET_SECONDS = 5.0
RUNS = 3


def _avro(n: int, extra: bool) -> str:
    fields: list[dict[str, Any]] = [
        {"name": f"field_{i}", "type": ["null", "string"], "default": None} for i in range(10)
    ]
    fields.insert(0, {"name": "id", "type": "string"})
    if extra:
        fields.append({"name": "added", "type": "long", "default": 0})
    record = {"type": "record", "name": f"Event{n}", "namespace": "bench.avro", "fields": fields}
    return json.dumps(record, indent=2)


def _proto(n: int, extra: bool) -> str:
    fields = "\n".join(f"  string field_{i} = {i + 2};" for i in range(10))
    added = "\n  int64 added = 20;" if extra else ""
    return (
        f'syntax = "proto3";\npackage bench.proto{n};\n\n'
        f"message Event{n} {{\n  string id = 1;\n{fields}{added}\n  Detail detail = 30;\n}}\n\n"
        "message Detail {\n  string note = 1;\n  repeated int32 values = 2;\n}\n"
    )


def _json(n: int, extra: bool) -> str:
    properties = {f"field_{i}": {"type": "string"} for i in range(10)}
    properties["id"] = {"type": "string"}
    if extra:
        properties["added"] = {"type": "integer"}
    document = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": f"Event{n}",
        "type": "object",
        "properties": properties,
        "required": ["id"],
        "additionalProperties": False,
    }
    return json.dumps(document, indent=2)


WRITERS = {"avsc": _avro, "proto": _proto, "json": _json}


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def build(root: Path) -> list[Path]:
    """The base commit: 300 schemas and their manifest. Returns the schema files."""
    _git(root, "init", "-q", "-b", "main")
    files, entries = [], []
    for extension, write in WRITERS.items():
        for n in range(PER_FORMAT):
            path = root / "schemas" / extension / f"event_{n}.{extension}"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(write(n, False))
            files.append(path)
            relative = path.relative_to(root).as_posix()
            entries.append(f"  - {{file: {relative}, subject: {extension}-event-{n}}}")
    (root / "evcat.yaml").write_text(
        "defaults: {compatibility: BACKWARD}\nschemas:\n" + "\n".join(entries) + "\n"
    )
    _git(root, "add", "-A")
    _git(root, "-c", "user.email=bench@evcat", "-c", "user.name=bench", "commit", "-qm", "base")
    return files


def change(files: list[Path], every: int) -> int:
    """Make every ``every``-th file of each format gain a compatible field."""
    changed = 0
    for path in files:
        n = int(path.stem.split("_")[1])
        if n % every == 0:
            path.write_text(WRITERS[path.suffix[1:]](n, True))
            changed += 1
    return changed


def _time_check(root: Path) -> float:
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        done = subprocess.run(
            [str(EVCAT), "check", "--against", "main", "--format", "json"],
            cwd=root,
            capture_output=True,
            text=True,
        )
        samples.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise RuntimeError(f"evcat check failed ({done.returncode}): {done.stderr}")
    return statistics.median(samples)


def run(options: Options | None = None) -> list[Result]:
    results = []
    with tempfile.TemporaryDirectory(prefix="evcat-cli-bench-") as tmp:
        root = Path(tmp)
        files = build(root)
        for every, label in ((10, "typical PR"), (1, "every file changed")):
            changed = change(files, every)
            seconds = _time_check(root)
            say(f"  {len(files)} files, {changed} changed: {seconds:.2f} s")
            results.append(
                Result(
                    f"evcat check --against, {len(files)} files, {changed} changed ({label})",
                    f"{seconds:.2f} s",
                    f"< {TARGET_SECONDS:.0f} s",
                    seconds < TARGET_SECONDS,
                )
            )
    return results


if __name__ == "__main__":
    from bench.report import table

    say(table(run()))
