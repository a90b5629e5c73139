"""``evcat import --from-schemas-topic`` of 100,000 schema records (target: < 60 s).

The dump is generated as ``kcat -C -t _schemas -e -J`` writes it: 10,000 subjects of 10
versions each, every version a different Avro record (so every record is parsed, fingerprinted
and stored: no id is shared), a config per hundred subjects and a soft-deleted version per
ten. The clock covers the whole command as a fresh process into a new SQLite database:
start-up, migrating the database, replaying the dump, parsing every schema, the one write
transaction and the verification read.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

from bench.options import Options
from bench.report import Result, say

EVCAT = Path(sys.executable).with_name("evcat")
SUBJECTS = 10_000
VERSIONS = 10
TARGET_SECONDS = 60.0


def _record(key: dict[str, object], value: dict[str, object] | None) -> bytes:
    line = {
        "topic": "_schemas",
        "partition": 0,
        "offset": 0,
        "key": orjson.dumps(key).decode(),
        "payload": None if value is None else orjson.dumps(value).decode(),
    }
    return orjson.dumps(line) + b"\n"


def _schema(subject: int, version: int) -> str:
    fields = [{"name": "id", "type": "string"}]
    fields += [
        {"name": f"field_{n}", "type": ["null", "long"], "default": None} for n in range(version)
    ]
    record = {"type": "record", "name": f"Event{subject}", "namespace": "bench", "fields": fields}
    return orjson.dumps(record).decode()


def write_dump(path: Path) -> int:
    """The dump; returns how many SCHEMA records it holds."""
    records = 0
    with path.open("wb") as out:
        for subject in range(SUBJECTS):
            name = f"bench-{subject}-value"
            for version in range(1, VERSIONS + 1):
                records += 1
                key = {"keytype": "SCHEMA", "subject": name, "version": version, "magic": 1}
                value = {
                    "subject": name,
                    "version": version,
                    "id": records,
                    "schema": _schema(subject, version),
                    "deleted": subject % 10 == 0 and version == 1,
                }
                out.write(_record(key, value))
            if subject % 100 == 0:
                key = {"keytype": "CONFIG", "subject": name, "magic": 0}
                out.write(_record(key, {"compatibilityLevel": "FULL"}))
        out.write(_record({"keytype": "NOOP", "magic": 0}, None))
    return records


def run(options: Options | None = None) -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="evcat-import-bench-") as tmp:
        folder = Path(tmp)
        dump = folder / "schemas.jsonl"
        records = write_dump(dump)
        say(f"  dump: {records:,} schema records, {dump.stat().st_size / 1e6:.0f} MB")
        started = time.perf_counter()
        done = subprocess.run(
            [
                str(EVCAT),
                "import",
                "--from-schemas-topic",
                str(dump),
                "--db",
                f"sqlite:///{folder / 'evcat.db'}",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise RuntimeError(f"evcat import failed ({done.returncode}): {done.stderr}")
        say(f"  {done.stdout.strip().splitlines()[-1]}")
        say(f"  {seconds:.1f} s, {records / seconds:,.0f} records/s")
    return [
        Result(
            f"evcat import --from-schemas-topic, {records:,} records (SQLite)",
            f"{seconds:.1f} s",
            f"< {TARGET_SECONDS:.0f} s",
            seconds < TARGET_SECONDS,
        )
    ]


if __name__ == "__main__":
    from bench.report import table

    say(table(run()))
