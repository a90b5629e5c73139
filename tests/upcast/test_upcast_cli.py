"""``evcat upcast``: streaming JSON Lines, CloudEvents and Avro files, plans and upcaster files."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import fastavro
import orjson
import pytest
from typer.testing import CliRunner, Result

from evcat.cli.main import app
from tests.upcast.deposits import EDGE, SCHEMAS, T, event, make_registry

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    make_registry(url)
    return url


def test_run_streams_json_lines_to_the_latest_version(db: str, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"".join(orjson.dumps(event(n, 3)) + b"\n" for n in (1, 2, 3)))

    result = runner.invoke(app, ["upcast", "run", str(source), "--db", db])

    assert result.exit_code == 0, result.output
    lines = [orjson.loads(line) for line in result.stdout.splitlines()]
    assert [(e["id"], e["version"], e["data"]["currency"]) for e in lines] == [
        ("e-1", 3, "EUR"),
        ("e-2", 3, "EUR"),
        ("e-3", 3, "EUR"),
    ]


def test_run_upcasts_structured_cloudevents_lines(db: str, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    ce = {
        "specversion": "1.0",
        "id": "c-1",
        "source": "/bank",
        "type": f"{T}.v1",
        "time": "2024-01-01T00:00:00Z",
        "data": event(3, 1)["data"],
    }
    source.write_bytes(orjson.dumps(ce) + b"\n")

    result = runner.invoke(app, ["upcast", "run", str(source), "--db", db])

    [out] = [orjson.loads(line) for line in result.stdout.splitlines()]
    assert (out["id"], out["type"], out["upcastedfrom"]) == ("c-1", f"{T}.v3", f"{T}@1")
    assert out["data"]["amount_cents"] == 3


def test_run_reads_and_writes_avro_container_files(db: str, tmp_path: Path) -> None:
    v1 = {"type": "record", "name": T, "fields": SCHEMAS[0]}
    source = tmp_path / "in.avro"
    with open(source, "wb") as handle:
        fastavro.writer(handle, fastavro.parse_schema(v1), [event(3, 1)["data"]])
    target = tmp_path / "out.avro"

    result = runner.invoke(
        app,
        [
            "upcast",
            "run",
            str(source),
            "--db",
            db,
            "--format",
            "avro",
            "--type",
            T,
            "-o",
            str(target),
        ],
    )

    assert result.exit_code == 0, result.output
    records: list[Any] = list(fastavro.reader(io.BytesIO(target.read_bytes())))
    [record] = records
    assert record["currency"] == "EUR" and record["amount_cents"] == 3


def test_run_skips_failing_events_when_asked(db: str, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    bad = {"type": T, "version": 9, "id": "bad", "data": {}}
    source.write_bytes(orjson.dumps(bad) + b"\n" + orjson.dumps(event(2, 1)) + b"\n")
    quarantine = tmp_path / "q.jsonl"

    result = runner.invoke(
        app,
        [
            "upcast",
            "run",
            str(source),
            "--db",
            db,
            "--on-error",
            "quarantine",
            "--quarantine",
            str(quarantine),
        ],
    )

    assert result.exit_code == 0, result.output
    assert [orjson.loads(x)["id"] for x in result.stdout.splitlines()] == ["e-2"]
    assert orjson.loads(quarantine.read_bytes())["id"] == "bad"


def test_plan_prints_each_edge_and_its_operations(db: str) -> None:
    result = runner.invoke(app, ["upcast", "plan", T, "1", "--db", db])

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith(f"declarative {T}@1->2")
    assert "    rename(from=cents, to=amount_cents)" in result.stdout.splitlines()


def test_check_reports_a_valid_graph(db: str) -> None:
    result = runner.invoke(app, ["upcast", "check", "--db", db])

    assert (result.exit_code, result.stdout.strip()) == (0, "the upcaster graph is valid")


def test_add_registers_an_upcaster_file_and_refuses_a_duplicate(db: str, tmp_path: Path) -> None:
    document = tmp_path / "edge.yaml"
    document.write_text(json.dumps(EDGE))

    result = runner.invoke(app, ["upcast", "add", str(document), "--db", db])

    assert result.exit_code == 2
    assert "exists" in result.output
    replaced = runner.invoke(app, ["upcast", "add", str(document), "--db", db, "--replace"])
    assert replaced.exit_code == 0, replaced.output
    assert replaced.stdout.startswith(f"registered declarative {T} v1 -> v2 sha256:")


def test_ancestors_lists_the_type_and_its_versions(db: str) -> None:
    result = runner.invoke(app, ["upcast", "ancestors", T, "--db", db])

    assert result.stdout.strip() == f"{T} 1,2,3"


def upcast_run(db: str, source: Path, *options: str) -> Result:
    return runner.invoke(app, ["upcast", "run", str(source), "--db", db, *options])


BAD_LINES = [
    (b"{not json\n", "line 2: the line is not JSON"),
    (b"[1, 2]\n", "line 2: a stored event is a JSON object"),
    (b'{"version": 1, "data": {}}\n', 'line 2: a stored event needs "type"'),
    (b'{"type": "x", "version": "two"}\n', "line 2: \"version\" is 'two', not a number"),
]


@pytest.mark.parametrize(("bad", "message"), BAD_LINES)
def test_run_stops_at_a_line_that_is_not_a_stored_event_and_names_it(
    db: str, tmp_path: Path, bad: bytes, message: str
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(orjson.dumps(event(1, 1)) + b"\n" + bad)

    result = upcast_run(db, source)

    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())


def test_run_quarantines_a_line_that_is_not_a_stored_event(db: str, tmp_path: Path) -> None:
    source, quarantine = tmp_path / "in.jsonl", tmp_path / "bad.jsonl"
    source.write_bytes(orjson.dumps(event(1, 1)) + b"\n{not json\n" + orjson.dumps(event(2, 1)))

    result = upcast_run(db, source, "--on-error", "quarantine", "--quarantine", str(quarantine))

    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 2
    assert orjson.loads(result.stderr) == {
        "read": 3,
        "written": 2,
        "dropped": 0,
        "emitted": 0,
        "failed": 1,
    }
    [entry] = [orjson.loads(line) for line in quarantine.read_bytes().splitlines()]
    assert entry["line"] == "{not json"
    assert "not JSON" in entry["error"]


@pytest.mark.parametrize("partition", ["stream", "range"])
def test_bulk_stops_at_a_line_that_is_not_a_stored_event_with_its_byte_offset(
    db: str, tmp_path: Path, partition: str
) -> None:
    first = orjson.dumps(event(1, 1)) + b"\n"
    source = tmp_path / "in.jsonl"
    source.write_bytes(first + b'{"type": "x", "version": "two"}\n')

    out = str(tmp_path / "out")
    result = upcast_run(db, source, "--workers", "2", "--out-dir", out, "--partition", partition)

    assert result.exit_code == 2
    assert f"at byte {len(first)}: \"version\" is 'two'" in " ".join(result.stderr.split())


def test_bulk_quarantines_a_line_that_is_not_a_stored_event(db: str, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(orjson.dumps(event(1, 1)) + b"\n[]\n")
    out = tmp_path / "out"

    result = upcast_run(db, source, "--out-dir", str(out), "--on-error", "quarantine")

    assert result.exit_code == 0, result.output
    quarantined = (out / "quarantine-000.jsonl").read_bytes().splitlines()
    [entry] = [orjson.loads(line) for line in quarantined]
    assert (entry["line"], entry["offset"]) == ("[]", source.stat().st_size - 3)
    assert orjson.loads(result.stderr)["failed"] == 1


def test_bulk_refuses_to_resume_with_another_split_or_a_changed_input(
    db: str, tmp_path: Path
) -> None:
    source, out = tmp_path / "in.jsonl", tmp_path / "out"
    source.write_bytes(b"".join(orjson.dumps(event(n, 3)) + b"\n" for n in range(10)))
    options = ["--workers", "2", "--out-dir", str(out)]
    assert upcast_run(db, source, *options).exit_code == 0

    other_split = upcast_run(db, source, *options, "--partition", "stream")
    with source.open("ab") as handle:
        handle.write(orjson.dumps(event(10, 3)) + b"\n")
    changed = upcast_run(db, source, *options)

    assert other_split.exit_code == changed.exit_code == 2
    assert "--partition range; restart with those" in " ".join(other_split.stderr.split())
    assert "changed since" in changed.stderr


def test_bulk_refuses_an_unknown_partition_mode(db: str, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(orjson.dumps(event(1, 1)) + b"\n")
    result = upcast_run(db, source, "--out-dir", str(tmp_path / "o"), "--partition", "hash")
    assert result.exit_code == 2
    assert "--partition is one of range, stream, not 'hash'" in result.stderr


@pytest.mark.parametrize("target", ["²", "0", "abc", "99999999999"])
def test_a_target_that_is_not_latest_or_a_version_is_a_usage_error(
    db: str, tmp_path: Path, target: str
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(orjson.dumps(event(1, 1)) + b"\n")

    result = upcast_run(db, source, "--target", target)

    assert result.exit_code == 2
    assert "target must be 'latest' or a version number" in result.stderr


@pytest.mark.parametrize("options", [(), ("--out-dir", "out"), ("--format", "avro", "--type", T)])
def test_run_on_a_missing_file_is_one_line_and_exit_2(
    db: str, tmp_path: Path, options: tuple[str, ...]
) -> None:
    missing = tmp_path / "nope.jsonl"

    result = upcast_run(db, missing, *options)

    assert result.exit_code == 2
    assert result.stderr.strip() == f"evcat: error: {missing}: no such file or directory"


def test_run_on_a_directory_is_one_line_and_exit_2(db: str, tmp_path: Path) -> None:
    result = upcast_run(db, tmp_path)

    assert result.exit_code == 2
    assert result.stderr.strip() == f"evcat: error: {tmp_path}: is a directory"


def test_bulk_refuses_checkpoints_every_zero_events(db: str, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(orjson.dumps(event(1, 1)) + b"\n")

    result = upcast_run(db, source, "--out-dir", str(tmp_path / "o"), "--checkpoint-every", "0")

    assert result.exit_code == 2
    assert "--checkpoint-every is at least 1 event, not 0" in result.stderr
