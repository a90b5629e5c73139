"""AC-BULK: bulk upcasting with workers keeps per-stream order and counts, resumes from its
checkpoints after a kill without duplicates, and quarantines poisoned events."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import orjson
import pytest

from evcat.upcast.bulk import BulkJob, bounds, run_bulk, stream_key
from tests.upcast.deposits import T, make_registry, write_events

EVCAT = str(Path(sys.executable).parent / "evcat")


def read_parts(out_dir: Path) -> list[dict[str, object]]:
    return [
        orjson.loads(line)
        for part in sorted(out_dir.glob("part-*.jsonl"))
        for line in part.read_bytes().splitlines()
    ]


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('bulk') / 'registry.db'}"
    make_registry(url)
    return url


def assert_streams_in_order(events: list[dict[str, object]], streams: int) -> None:
    last: dict[object, int] = {}
    for event in events:
        data = event["data"]
        assert isinstance(data, dict)
        assert (event["type"], event["version"], data["currency"]) == (T, 3, "EUR")
        assert data["seq"] > last.get(event["stream_id"], -1)
        last[event["stream_id"]] = data["seq"]
    assert len(last) == streams


def test_ac_bulk_two_workers_keep_per_stream_order_and_the_count(
    db_url: str, tmp_path: Path
) -> None:
    source = tmp_path / "events.jsonl"
    dropped = write_events(source, 1_000_000, 1_000)

    job = BulkJob(db_url, source, tmp_path / "out", workers=2, checkpoint_every=50_000)

    counts = run_bulk(replace(job, partition="stream"))

    events = read_parts(tmp_path / "out")
    assert len(events) == 1_000_000 - dropped == counts["written"]
    assert counts["dropped"] == dropped
    assert_streams_in_order(events, 1_000)
    for part in sorted((tmp_path / "out").glob("part-*.jsonl")):  # each stream in one part
        streams = {orjson.loads(line)["stream_id"] for line in part.read_bytes().splitlines()}
        others = set().union(
            *(
                {orjson.loads(line)["stream_id"] for line in other.read_bytes().splitlines()}
                for other in (tmp_path / "out").glob("part-*.jsonl")
                if other != part
            )
        )
        assert streams and not streams & others


@pytest.mark.parametrize("workers", [2, 3])
def test_range_partitions_read_in_order_are_the_input_order(
    db_url: str, tmp_path: Path, workers: int
) -> None:
    source = tmp_path / "events.jsonl"
    dropped = write_events(source, 30_001, 50)
    job = BulkJob(db_url, source, tmp_path / "out", workers=workers)

    counts = run_bulk(job)

    events = read_parts(tmp_path / "out")
    assert len(list((tmp_path / "out").glob("part-*.jsonl"))) == workers
    assert counts["written"] == len(events) == 30_001 - dropped
    ids = [int(str(event["id"]).removeprefix("e-")) for event in events]
    assert ids == sorted(ids)
    assert_streams_in_order(events, 50)


def test_range_bounds_cut_at_line_starts_and_cover_the_input(tmp_path: Path) -> None:
    source = tmp_path / "lines.jsonl"
    source.write_bytes(b"".join(b"x" * (n % 7) + b"\n" for n in range(1_000)) + b"tail")
    size = source.stat().st_size
    data = source.read_bytes()
    for workers in (1, 2, 3, 7):
        job = BulkJob("", source, tmp_path, workers=workers, partition="range")
        cuts = [bounds(job, part, size) for part in range(workers)]
        assert cuts[0][0] == 0 and cuts[-1][1] == size
        for (_, end), (start, _) in itertools.pairwise(cuts):
            assert end == start and data[start - 1 : start] == b"\n"


@pytest.mark.parametrize("partition", ["stream", "range"])
def test_ac_bulk_a_run_killed_half_way_resumes_without_duplicates(
    db_url: str, tmp_path: Path, partition: str
) -> None:
    source = tmp_path / "events.jsonl"
    write_events(source, 200_000, 1_000)
    out = tmp_path / "out"
    command = [
        EVCAT,
        "upcast",
        "run",
        str(source),
        "--db",
        db_url,
        "--workers",
        "2",
        "--out-dir",
        str(out),
        "--checkpoint-every",
        "2000",
        "--partition",
        partition,
    ]
    run = subprocess.Popen(command, start_new_session=True, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and run.poll() is None:
        checkpoints = [orjson.loads(p.read_bytes()) for p in out.glob("checkpoint-*.json")]
        done = [c["counts"]["read"] for c in checkpoints]
        if len(done) == 2 and min(done) > 20_000:
            break
        time.sleep(0.05)
    assert run.poll() is None, "the run ended before it could be killed"
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()

    subprocess.run(command, check=True, stderr=subprocess.DEVNULL)

    ids = Counter(str(event["id"]) for event in read_parts(out))
    expected = {f"e-{n}" for n in range(200_000) if not (n % 97 == 0 and n % 3 == 0)}
    assert [i for i, seen in ids.items() if seen > 1] == []
    assert set(ids) == expected


def test_ac_bulk_quarantine_routes_a_poisoned_event_with_its_error(
    db_url: str, tmp_path: Path
) -> None:
    source = tmp_path / "events.jsonl"
    good = {
        "type": T,
        "version": 2,
        "id": "ok",
        "stream_id": "s",
        "data": {"account": "a", "seq": 1, "kind": "deposit", "amount_cents": 5},
    }
    poisoned = {"type": T, "version": 7, "id": "bad", "stream_id": "s", "data": {}}
    source.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in (good, poisoned, good)))

    counts = run_bulk(BulkJob(db_url, source, tmp_path / "out", on_error="quarantine"))

    [entry] = [
        orjson.loads(line)
        for line in (tmp_path / "out" / "quarantine-000.jsonl").read_bytes().splitlines()
    ]
    assert entry["event"]["id"] == "bad"
    assert "v7 is not a registered version" in entry["error"]
    assert (counts["written"], counts["failed"]) == (2, 1)


@pytest.mark.parametrize(
    "line",
    [
        b'{"type":"t","stream_id":"s-7","data":{"stream_id":"inner"}}',
        b'{"type":"t","data":{"stream_id":"inner"},"stream_id":"s-7"}',
        b'{"type": "t", "stream_id": "s-7", "data": {}}',
        b'{"data":[{"stream_id":"inner"}],"stream_id":"s-7"}',
    ],
)
def test_the_partition_key_is_the_top_level_stream_id_whatever_the_layout(line: bytes) -> None:
    assert stream_key(line) == b"s-7"


def test_an_escaped_stream_id_gets_the_same_key_as_its_parsed_value() -> None:
    escaped = b'{"stream_id":"a\\"b","data":{}}'
    assert stream_key(escaped) == b'a"b'
    assert stream_key(b'{"stream_id":7}') == b"7"


def test_a_key_that_only_ends_in_stream_id_is_not_the_stream_id() -> None:
    assert stream_key(b'{"x\\"stream_id":"fake","stream_id":"s-7"}') == b"s-7"
