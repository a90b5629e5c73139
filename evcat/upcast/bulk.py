"""Bulk upcasting of a JSON Lines event store with worker processes and checkpoints.

Each input line is a stored event: ``{"type", "version", "data", "id", "stream_id", ...}``.
Events are partitioned by a stable hash of ``stream_id``, so all events of one stream go to
one worker and keep their order. Every worker reads the input itself (finding the stream id
with a cheap scan of the raw line, ``stream_key``, so only its own events are parsed),
upcasts its partition, and appends JSON Lines to its own part file; no event crosses a
process boundary.

A checkpoint per partition records the last input position committed and the byte length of
the part file (and of the quarantine file) at that moment; it is written, atomically, only
after the part file is flushed to disk. A restarted run truncates each file back to its
checkpointed length and continues after the checkpointed position, so a run killed at any
point and restarted writes every output event exactly once.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import threading
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson

from evcat.db import make_engine
from evcat.errors import EvcatError
from evcat.registry.service import Registry
from evcat.settings import Settings
from evcat.upcast.graph import LATEST, Target
from evcat.upcast.jsonio import json_default, jsonable
from evcat.upcast.runtime import StoredEvent, Upcaster, UpcastEvent
from evcat.upcast.service import UpcastService
from evcat.upcast.stream import StreamCounts, upcast_one

_STREAM_KEY = b'"stream_id":"'
_PARTITION_CACHE = 65_536


@dataclass(frozen=True)
class BulkJob:
    """What to upcast, where to, and how."""

    db_url: str
    source: Path
    out_dir: Path
    target: Target = LATEST
    workers: int = 1
    checkpoint_every: int = 5_000
    on_error: str = "fail"
    code_modules: tuple[str, ...] = ()


@dataclass
class Checkpoint:
    workers: int
    position: int = -1
    out_bytes: int = 0
    quarantine_bytes: int = 0
    done: bool = False
    counts: dict[str, int] = field(default_factory=lambda: asdict(StreamCounts()))


def partition_of(stream_id: str | bytes, workers: int) -> int:
    """The partition of a stream: stable across processes and runs (CRC-32, not ``hash``)."""
    raw = stream_id.encode() if isinstance(stream_id, str) else stream_id
    return zlib.crc32(raw) % workers


def stream_key(line: bytes) -> bytes:
    """The partition key of one stored event line: its top-level ``stream_id``.

    Compact JSON with the stream id before any nested object (how evcat and most stores
    write events) is read with three ``find``s, a tenth of the cost of parsing the line; the
    stream id must not be taken from inside ``data``, so any other shape is parsed. Both ways
    give the same key for the same id, so one stream always lands in one partition.
    """
    at = line.find(_STREAM_KEY)
    if at != -1:
        nested = line.find(b"{", 1)
        start = at + len(_STREAM_KEY)
        end = line.find(b'"', start)
        # An escaped quote before the name would make it the tail of another key.
        if (nested == -1 or nested > at) and end != -1 and line[at - 1] != 0x5C:
            value = line[start:end]
            if b"\\" not in value:
                return value
    record = orjson.loads(line)
    parsed = record.get("stream_id") if isinstance(record, dict) else None
    return b"" if parsed is None else str(parsed).encode()


def stored_event(record: dict[str, Any]) -> StoredEvent:
    """A stored event from one JSON Lines record."""
    return StoredEvent(
        record["type"],
        int(record["version"]),
        record.get("data"),
        record.get("id"),
        record.get("time"),
        record.get("source"),
        record.get("subject"),
        record.get("stream_id"),
        record.get("position"),
        record.get("metadata") or {},
    )


def event_record(event: UpcastEvent, stream_id: str | None) -> bytes:
    """One JSON Lines record, newline included, of an upcast event."""
    record = {
        "type": event.event_type,
        "version": event.version,
        "id": event.id,
        "parent_id": event.parent_id,
        "stream_id": stream_id,
        "data": event.data,
    }
    return orjson.dumps(record, default=json_default) + b"\n"


def paths(job: BulkJob, part: int) -> tuple[Path, Path, Path]:
    base = job.out_dir
    return (
        base / f"part-{part:03d}.jsonl",
        base / f"quarantine-{part:03d}.jsonl",
        base / f"checkpoint-{part:03d}.json",
    )


def _load(path: Path, workers: int) -> Checkpoint:
    if not path.exists():
        return Checkpoint(workers)
    checkpoint = Checkpoint(**orjson.loads(path.read_bytes()))
    if checkpoint.workers != workers:
        raise EvcatError(
            f"{path} was written by a run with {checkpoint.workers} workers; "
            f"restart with --workers {checkpoint.workers} or use a new output"
        )
    return checkpoint


def _save(path: Path, checkpoint: Checkpoint, *files: IO[bytes]) -> None:
    for handle in files:
        handle.flush()
        os.fsync(handle.fileno())
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(orjson.dumps(asdict(checkpoint)))
    os.replace(temporary, path)


def _open(path: Path, length: int) -> IO[bytes]:
    handle = open(path, "r+b" if path.exists() else "w+b")  # noqa: SIM115 - closed by caller
    handle.truncate(length)
    handle.seek(length)
    return handle


def _events(job: BulkJob, part: int, after: int) -> Iterator[tuple[int, StoredEvent]]:
    # Every worker scans the whole input, so the cost of a line that belongs to another
    # partition is paid once per worker: keep it to a few finds and a dict lookup.
    workers = job.workers
    owners: dict[bytes, int] = {}
    with open(job.source, "rb") as source:
        lines = itertools.islice(enumerate(source), after + 1, None)
        for position, line in lines:
            if line.isspace():
                continue
            if workers > 1:
                key = stream_key(line)
                owner = owners.get(key)
                if owner is None:
                    owner = partition_of(key, workers)
                    if len(owners) < _PARTITION_CACHE:
                        owners[key] = owner
                if owner != part:
                    continue
            yield position, stored_event(orjson.loads(line))


def run_partition(job: BulkJob, part: int, upcaster: Upcaster | None = None) -> Checkpoint:
    """Upcast one partition from its checkpoint to the end of the input."""
    out_path, quarantine_path, checkpoint_path = paths(job, part)
    checkpoint = _load(checkpoint_path, job.workers)
    if checkpoint.done:
        return checkpoint
    if upcaster is None:
        registry = Registry(make_engine(job.db_url), Settings(db_url=job.db_url))
        upcaster = UpcastService(registry, code_modules=job.code_modules).upcaster(job.target)
    counts = StreamCounts(**checkpoint.counts)
    with (
        _open(out_path, checkpoint.out_bytes) as out,
        _open(quarantine_path, checkpoint.quarantine_bytes) as quarantine,
    ):
        position = checkpoint.position

        def to_quarantine(event: StoredEvent, error: EvcatError) -> None:
            entry = {"position": position, "error": error.message, "event": jsonable(asdict(event))}
            quarantine.write(orjson.dumps(entry) + b"\n")

        events = _events(job, part, checkpoint.position)
        for done, (position, event) in enumerate(events, start=1):
            for result in upcast_one(upcaster, event, counts, job.on_error, to_quarantine):
                out.write(event_record(result, event.stream_id))
            if done % job.checkpoint_every == 0:
                _commit(checkpoint, position, counts, out, quarantine, checkpoint_path)
        checkpoint.done = True
        _commit(checkpoint, position, counts, out, quarantine, checkpoint_path)
    return checkpoint


def _commit(
    checkpoint: Checkpoint,
    position: int,
    counts: StreamCounts,
    out: IO[bytes],
    quarantine: IO[bytes],
    path: Path,
) -> None:
    """Everything up to ``position`` is in the files: flush them, then record it."""
    checkpoint.position = position
    checkpoint.out_bytes, checkpoint.quarantine_bytes = out.tell(), quarantine.tell()
    checkpoint.counts = asdict(counts)
    _save(path, checkpoint, out, quarantine)


def _process_context() -> Any:
    """How to start workers: forking is fastest (no re-import of evcat), but forking a
    process that runs other threads can deadlock the child, so such a process forks from a
    clean fork server instead."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["evcat.upcast.bulk"])
        return context
    return multiprocessing.get_context("spawn")


def run_bulk(job: BulkJob) -> dict[str, int]:
    """Run every partition (in worker processes when ``workers`` > 1); returns total counts."""
    job.out_dir.mkdir(parents=True, exist_ok=True)
    if job.workers == 1:
        results = [run_partition(job, 0)]
    else:
        context = _process_context()
        with context.Pool(job.workers) as pool:
            results = pool.starmap(run_partition, [(job, part) for part in range(job.workers)])
    return totals(results)


def totals(results: Sequence[Checkpoint]) -> dict[str, int]:
    out: dict[str, int] = {}
    for result in results:
        for key, value in result.counts.items():
            out[key] = out.get(key, 0) + value
    return out
