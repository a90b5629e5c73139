"""``evcat import --from-schemas-topic FILE --db URL``: a dump into a database, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import inspect

from evcat.db import make_engine, read_session
from evcat.registry import store
from evcat.transfer.database import database_state
from tests.transfer.conftest import Invoke
from tests.transfer.dumps import (
    config,
    console,
    delete_subject,
    dump,
    kcat,
    mode,
    record_schema,
    schema,
)

A1 = record_schema("A", "x")
A2 = record_schema("A", "x", "y")
MONEY = record_schema("com.acme.Money", "units")
ORDER = json.dumps(
    {
        "type": "record",
        "name": "com.acme.Order",
        "fields": [{"name": "m", "type": "com.acme.Money"}],
    }
)
MONEY_REF = [{"name": "com.acme.Money", "subject": "money", "version": 1}]


def write(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"".join(lines))
    return path


def good_dump() -> list[bytes]:
    # The order references money, yet comes first in the log: the import orders them.
    return dump(
        [
            schema("orders", 1, 21, ORDER, references=MONEY_REF),
            schema("money", 1, 20, MONEY),
            schema("a", 1, 7, A1),
            schema("a", 2, 9, A2),
            delete_subject("a", 1),
            config(None, "FULL"),
            config("orders", "NONE"),
            mode("money", "READONLY"),
        ]
    )


def test_a_kcat_dump_lands_with_its_ids_versions_and_settings(
    evcat: Invoke, tmp_path: Path, db_url: str
) -> None:
    result = evcat(
        "import", "--from-schemas-topic", write(tmp_path / "d", good_dump()), "--db", db_url
    )
    assert result.exit_code == 0, result.stderr
    state = database_state(make_engine(db_url))
    assert {k: (v.schema_id, v.deleted) for k, v in state.versions.items()} == {
        ("orders", 1): (21, False),
        ("money", 1): (20, False),
        ("a", 1): (7, True),
        ("a", 2): (9, False),
    }
    assert state.configs == {
        "": {"compatibilityLevel": "FULL"},
        "orders": {"compatibilityLevel": "NONE"},
    }
    assert state.modes == {"money": "READONLY"}
    assert "verified: 4 versions (1 soft-deleted) and 4 schema fingerprints" in result.stdout


def test_a_console_consumer_dump_reads_like_a_kcat_one(
    evcat: Invoke, tmp_path: Path, migrated_sqlite: str
) -> None:
    lines = dump([schema("a", 1, 7, A1), schema("a", 2, 9, A2)], console)
    result = evcat(
        "import", "--from-schemas-topic", write(tmp_path / "d", lines), "--db", migrated_sqlite
    )
    assert result.exit_code == 0, result.stderr
    state = database_state(make_engine(migrated_sqlite))
    assert sorted((k, v.schema_id) for k, v in state.versions.items()) == [
        (("a", 1), 7),
        (("a", 2), 9),
    ]


def test_the_next_registration_after_an_import_gets_a_fresh_id(
    evcat: Invoke, tmp_path: Path, migrated_sqlite: str
) -> None:
    evcat(
        "import",
        "--from-schemas-topic",
        write(tmp_path / "d", good_dump()),
        "--db",
        migrated_sqlite,
    )
    with read_session(make_engine(migrated_sqlite)) as session:
        assert store.max_schema_id(session) == 21


def test_malformed_lines_stop_the_import_naming_them_and_nothing_is_written(
    evcat: Invoke, tmp_path: Path
) -> None:
    lines = [*good_dump(), b"{oops\n", *dump([schema("b", 1, -3, A1)], kcat)]
    url = f"sqlite:///{tmp_path / 'new.db'}"
    result = evcat("import", "--from-schemas-topic", write(tmp_path / "d", lines), "--db", url)
    assert result.exit_code == 2
    assert "2 of 10 lines" in result.stderr
    assert "nothing was written" in result.stderr
    assert "  line 9: the line is not JSON" in result.stderr
    assert "  line 10: 'id' must be a positive integer, not -3" in result.stderr
    assert not (tmp_path / "new.db").exists() or not inspect(make_engine(url)).get_table_names()


def test_skip_bad_lines_imports_the_rest_and_reports_what_it_skipped(
    evcat: Invoke, tmp_path: Path, migrated_sqlite: str
) -> None:
    lines = [*good_dump(), b"{oops\n"]
    path = write(tmp_path / "d", lines)
    result = evcat(
        "import", "--from-schemas-topic", path, "--db", migrated_sqlite, "--skip-bad-lines"
    )
    assert result.exit_code == 0, result.stderr
    assert "evcat: skipped line 9: the line is not JSON" in result.stderr
    assert len(database_state(make_engine(migrated_sqlite)).versions) == 4


def test_a_schema_evcat_refuses_stops_the_import_naming_its_id(
    evcat: Invoke, tmp_path: Path, migrated_sqlite: str
) -> None:
    lines = dump([schema("a", 1, 7, A1), schema("bad", 1, 8, '{"type": "record"}')])
    result = evcat(
        "import", "--from-schemas-topic", write(tmp_path / "d", lines), "--db", migrated_sqlite
    )
    assert result.exit_code == 2
    assert "1 schema of the source cannot be imported" in result.stderr
    assert "  schema id 8 does not parse:" in result.stderr
    assert database_state(make_engine(migrated_sqlite)).versions == {}


def test_a_reference_to_a_version_the_dump_lacks_is_refused(
    evcat: Invoke, tmp_path: Path, migrated_sqlite: str
) -> None:
    lines = dump([schema("orders", 1, 21, ORDER, references=MONEY_REF)])
    result = evcat(
        "import", "--from-schemas-topic", write(tmp_path / "d", lines), "--db", migrated_sqlite
    )
    assert result.exit_code == 2
    assert "references subject 'money' version 1, which the source does not hold" in result.stderr


def test_an_id_holding_another_schema_in_the_database_stops_the_import(
    evcat: Invoke, tmp_path: Path, migrated_sqlite: str
) -> None:
    evcat(
        "import",
        "--from-schemas-topic",
        write(tmp_path / "one", dump([schema("a", 1, 7, A1)])),
        "--db",
        migrated_sqlite,
    )
    lines = dump([schema("b", 1, 6, A2), schema("c", 1, 7, A2)])
    result = evcat(
        "import", "--from-schemas-topic", write(tmp_path / "two", lines), "--db", migrated_sqlite
    )
    assert result.exit_code == 1
    assert (
        "id 7 already holds a different schema in the target (subject 'a' version 1)"
        in result.stderr
    )
    assert sorted(database_state(make_engine(migrated_sqlite)).versions) == [("a", 1)]


def test_importing_the_same_dump_again_writes_nothing_new(
    evcat: Invoke, tmp_path: Path, migrated_sqlite: str
) -> None:
    path = write(tmp_path / "d", good_dump())
    evcat("import", "--from-schemas-topic", path, "--db", migrated_sqlite)
    again = evcat("import", "--from-schemas-topic", path, "--db", migrated_sqlite)
    assert again.exit_code == 0, again.stderr
    assert (
        "plan: 0 schemas, 0 versions (0 soft-deleted), 0 configs, 0 modes; already there: "
        "4 schemas, 4 versions" in again.stdout
    )


def test_a_dry_run_prints_the_plan_and_creates_no_database(evcat: Invoke, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'never.db'}"
    result = evcat(
        "import",
        "--from-schemas-topic",
        write(tmp_path / "d", good_dump()),
        "--db",
        url,
        "--dry-run",
    )
    assert result.exit_code == 0, result.stderr
    assert "plan: 4 schemas, 4 versions (1 soft-deleted), 2 configs, 1 modes" in result.stdout
    assert "dry run: nothing written" in result.stdout
    assert not inspect(make_engine(url)).get_table_names()


def test_subjects_glob_takes_the_matching_subjects_and_what_they_reference(
    evcat: Invoke, tmp_path: Path, migrated_sqlite: str
) -> None:
    path = write(tmp_path / "d", good_dump())
    result = evcat(
        "import", "--from-schemas-topic", path, "--db", migrated_sqlite, "--subjects", "ord*"
    )
    assert result.exit_code == 0, result.stderr
    state = database_state(make_engine(migrated_sqlite))
    assert sorted(state.versions) == [("money", 1), ("orders", 1)]
    assert state.configs == {"orders": {"compatibilityLevel": "NONE"}}


def test_a_missing_dump_file_is_exit_2(evcat: Invoke, tmp_path: Path, migrated_sqlite: str) -> None:
    result = evcat("import", "--from-schemas-topic", tmp_path / "absent", "--db", migrated_sqlite)
    assert result.exit_code == 2
    assert "absent: no such file or directory" in result.stderr


def test_a_source_and_a_target_are_both_required(evcat: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path / "d", good_dump())
    no_target = evcat("import", "--from-schemas-topic", path)
    two_sources = evcat("import", "--from-schemas-topic", path, "--from-export", path, "--db", "x")
    assert (no_target.exit_code, two_sources.exit_code) == (2, 2)
    assert "name one target: --db URL or --registry URL" in no_target.stderr
    assert "name one source" in two_sources.stderr
