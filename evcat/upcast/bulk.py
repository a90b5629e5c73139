"""Bulk upcasting of a JSON Lines event store with worker processes and checkpoints.

Each input line is a stored event: ``{"type", "version", "data", "id", "stream_id", ...}``.
Two ways to split the work between workers (``--partition``):

- ``range`` (the default): worker k takes the k-th of N contiguous byte ranges of the input,
  cut at line starts, and reads nothing else. The part files read in order (``part-000``,
  ``part-001``...) are the input's order, so every stream keeps its order across them, and
  so does the store's global order; a stream may span two parts.
- ``stream``: events are partitioned by a stable hash of ``stream_id``, so all events of one
  stream go to one worker and one part file, in order: the part files can be loaded
  independently, in parallel. Every worker reads the whole input itself (finding the stream
  id with a cheap scan of the raw line, ``stream_key``, so only its own events are parsed);
  that scan is the price of this split (1.45x for 2 workers against 1.7-1.8x by range, see
  docs/benchmarks.md).

Either way each worker appends JSON Lines to its own part file; no event crosses a process
boundary. A checkpoint per partition records the input offset reached and the byte length
of the part file (and of the quarantine file) at that moment; it is written, atomically, only
after the files are flushed to disk. A restarted run truncates each file back to its
checkpointed length and continues from the checkpointed offset, so a run killed at any point
and restarted writes every output event exactly once. Checkpoints remember the split and the
input's size, and refuse to resume another split or an input that changed.

A line that is not a stored event stops the run with its byte offset (``fail``), or is
counted as failed (``skip``) and written to the quarantine file as it was (``quarantine``).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

import orjson

from evcat.db import make_engine
from evcat.errors import BadRequestError, EvcatError
from evcat.registry.service import Registry
from evcat.settings import Settings
from evcat.upcast.codecs.jsonio import json_default, jsonable
from evcat.upcast.errors import InvalidStoredEvent
from evcat.upcast.graph.version_graph import LATEST, Target
from evcat.upcast.read.dicts import StoredEvent, Upcaster, UpcastEvent
from evcat.upcast.read.stream import StreamCounts, upcast_one
from evcat.upcast.service import UpcastService

RANGE = "range"
STREAM = "stream"
PARTITIONS = (RANGE, STREAM)
_STREAM_KEY = b'"stream_id":"'
_PARTITION_CACHE = 65_536


class UpcasterSource(Protocol):
    """Registry contents a worker builds its ``Upcaster`` from, instead of ``db_url``: plain
    picklable data, so workers receive it instead of fetching it again. The CLI's contents read
    over HTTP (``evcat.cli.upcast_remote.RegistryContents``) are one."""

    def upcaster(self, target: Target, code_modules: Sequence[str]) -> Upcaster: ...


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
    partition: str = RANGE
    contents: UpcasterSource | None = None
    """A registry's contents (read over HTTP by the CLI), instead of db_url."""


@dataclass
class Checkpoint:
    workers: int
    partition: str
    source_bytes: int
    offset: int = 0
    """The input offset to continue from; 0 before the partition started."""
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
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError:
        return b""  # not an event: its partition reports it, once
    parsed = record.get("stream_id") if isinstance(record, dict) else None
    return b"" if parsed is None else str(parsed).encode()


def load_line(line: bytes) -> Any:
    """The JSON value of one input line; ``InvalidStoredEvent`` when it is not JSON."""
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError as error:
        raise InvalidStoredEvent(f"the line is not JSON ({error})") from None


def parse_stored_event(line: bytes) -> StoredEvent:
    """The stored event of one JSON Lines line; ``InvalidStoredEvent`` says what is wrong."""
    return stored_event(load_line(line))


def stored_event(record: Any) -> StoredEvent:
    """A stored event from one JSON Lines record."""
    if not isinstance(record, dict):
        raise InvalidStoredEvent("a stored event is a JSON object")
    event_type, version = record.get("type"), record.get("version")
    if not isinstance(event_type, str) or not event_type:
        raise InvalidStoredEvent('a stored event needs "type", the event type name')
    if isinstance(version, bool) or not isinstance(version, int | str):
        raise InvalidStoredEvent('a stored event needs "version", a number')
    try:
        number = int(version)
    except ValueError:
        raise InvalidStoredEvent(f'"version" is {version!r}, not a number') from None
    return StoredEvent(
        event_type,
        number,
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


def _load(path: Path, job: BulkJob, source_bytes: int) -> Checkpoint:
    if not path.exists():
        return Checkpoint(job.workers, job.partition, source_bytes)
    try:
        checkpoint = Checkpoint(**orjson.loads(path.read_bytes()))
    except (orjson.JSONDecodeError, TypeError):
        raise BadRequestError(
            f"{path} is not a checkpoint of this evcat version; use a new output directory"
        ) from None
    run = (checkpoint.workers, checkpoint.partition)
    if run != (job.workers, job.partition):
        raise BadRequestError(
            f"{path} was written by a run with {checkpoint.workers} workers and "
            f"--partition {checkpoint.partition}; restart with those or use a new output"
        )
    if checkpoint.source_bytes != source_bytes:
        raise BadRequestError(
            f"{job.source} changed since {path} was written ({checkpoint.source_bytes} bytes "
            f"then, {source_bytes} now); upcast it into a new output directory"
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


def line_start(handle: IO[bytes], at: int) -> int:
    """The offset of the first line that starts at or after ``at``."""
    if at == 0:
        return 0
    handle.seek(at - 1)
    handle.readline()
    return handle.tell()


def bounds(job: BulkJob, part: int, source_bytes: int) -> tuple[int, int]:
    """The input bytes ``[start, end)`` partition ``part`` reads: its range, or everything."""
    if job.partition != RANGE:
        return 0, source_bytes
    with open(job.source, "rb") as handle:
        return (
            line_start(handle, source_bytes * part // job.workers),
            line_start(handle, source_bytes * (part + 1) // job.workers),
        )


def _lines(job: BulkJob, part: int, start: int, end: int) -> Iterator[tuple[int, bytes]]:
    """``(offset, line)`` of the lines of partition ``part`` that start in ``[start, end)``."""
    # In stream mode every worker scans the whole input, so the cost of a line that belongs
    # to another partition is paid once per worker: keep it to a few finds and a dict lookup.
    split = job.partition == STREAM and job.workers > 1
    owners: dict[bytes, int] = {}
    with open(job.source, "rb") as source:
        source.seek(start)
        offset = start
        for line in source:
            if offset >= end:
                return
            at, offset = offset, offset + len(line)
            if line.isspace():
                continue
            if split:
                key = stream_key(line)
                owner = owners.get(key)
                if owner is None:
                    owner = partition_of(key, job.workers)
                    if len(owners) < _PARTITION_CACHE:
                        owners[key] = owner
                if owner != part:
                    continue
            yield at, line


class _Partition:
    """One partition's run: its files, counts and checkpoint."""

    def __init__(self, job: BulkJob, part: int, checkpoint: Checkpoint, path: Path) -> None:
        self.job, self.part, self.checkpoint, self.path = job, part, checkpoint, path
        self.counts = StreamCounts(**checkpoint.counts)

    def run(
        self, upcaster: Upcaster, out: IO[bytes], quarantine: IO[bytes], start: int, end: int
    ) -> None:
        """Upcast the partition's lines in ``[start, end)``, committing as it goes."""
        job, counts = self.job, self.counts
        offset = at = start

        def to_quarantine(event: StoredEvent, error: EvcatError) -> None:
            entry = {"offset": at, "error": error.message, "event": jsonable(asdict(event))}
            quarantine.write(orjson.dumps(entry) + b"\n")

        for done, (at, line) in enumerate(_lines(job, self.part, start, end), start=1):
            offset = at + len(line)
            try:
                event = parse_stored_event(line)
            except InvalidStoredEvent as error:
                self.bad_line(at, line, error, quarantine)
            else:
                for result in upcast_one(upcaster, event, counts, job.on_error, to_quarantine):
                    out.write(event_record(result, event.stream_id))
            if done % job.checkpoint_every == 0:
                self.commit(offset, out, quarantine)
        self.checkpoint.done = True
        self.commit(max(offset, end), out, quarantine)

    def bad_line(
        self, at: int, line: bytes, error: InvalidStoredEvent, quarantine: IO[bytes]
    ) -> None:
        where = f"{self.job.source} at byte {at}"
        if self.job.on_error == "fail":
            raise InvalidStoredEvent(f"{where}: {error.message}")
        self.counts.read += 1
        self.counts.failed += 1
        if self.job.on_error == "quarantine":
            text = line.decode(errors="replace").rstrip("\n")
            entry = {"offset": at, "error": error.message, "line": text}
            quarantine.write(orjson.dumps(entry) + b"\n")

    def commit(self, offset: int, out: IO[bytes], quarantine: IO[bytes]) -> None:
        """Everything before ``offset`` is in the files: flush them, then record it."""
        checkpoint = self.checkpoint
        checkpoint.offset = offset
        checkpoint.out_bytes, checkpoint.quarantine_bytes = out.tell(), quarantine.tell()
        checkpoint.counts = asdict(self.counts)
        _save(self.path, checkpoint, out, quarantine)


def run_partition(job: BulkJob, part: int, upcaster: Upcaster | None = None) -> Checkpoint:
    """Upcast one partition from its checkpoint to the end of its input."""
    out_path, quarantine_path, checkpoint_path = paths(job, part)
    source_bytes = job.source.stat().st_size
    checkpoint = _load(checkpoint_path, job, source_bytes)
    if checkpoint.done:
        return checkpoint
    if upcaster is None and job.contents is not None:
        upcaster = job.contents.upcaster(job.target, job.code_modules)
    if upcaster is None:
        registry = Registry(make_engine(job.db_url), Settings(db_url=job.db_url))
        upcaster = UpcastService(registry, code_modules=job.code_modules).upcaster(job.target)
    start, end = bounds(job, part, source_bytes)
    with (
        _open(out_path, checkpoint.out_bytes) as out,
        _open(quarantine_path, checkpoint.quarantine_bytes) as quarantine,
    ):
        partition = _Partition(job, part, checkpoint, checkpoint_path)
        partition.run(upcaster, out, quarantine, max(start, checkpoint.offset), end)
    return checkpoint


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
    if job.partition not in PARTITIONS:
        raise BadRequestError(
            f"--partition is one of {', '.join(PARTITIONS)}, not {job.partition!r}"
        )
    if job.workers < 1:
        raise BadRequestError(f"--workers is at least 1, not {job.workers}")
    if job.checkpoint_every < 1:
        raise BadRequestError(f"--checkpoint-every is at least 1 event, not {job.checkpoint_every}")
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
