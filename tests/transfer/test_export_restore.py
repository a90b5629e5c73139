"""``evcat export registry FILE`` and ``evcat import --from-export FILE``: backup and restore.

The database exported holds something in every kind of table: the demo's schemas and
catalog, an upcaster, a GDPR overlay with its audit row, config, a mode, a soft-deleted
version and a referencing schema. Export, restore and export again must give the same bytes,
across backends.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import orjson
import pytest
from sqlalchemy import func, inspect, select

from evcat.db import make_engine
from evcat.demo import load_demo
from evcat.migrations import upgrade
from evcat.settings import Settings
from evcat.transfer.tables import reflect
from tests.conftest import LiveServer, database_url, drop_postgres_database
from tests.transfer.conftest import MONEY, ORDER, Invoke, avro, register
from tests.upcast.deposits import make_registry


def fill(db_url: str) -> None:
    """Something in every table a running evcat writes."""
    upgrade(db_url)
    load_demo(Settings(db_url=db_url))
    make_registry(db_url)
    with LiveServer(Settings(db_url=db_url)) as server, httpx.Client(base_url=server.url) as api:
        overlay = {
            "event": "CustomerRegistered",
            "version": "1",
            "path": "registered_at",
            "categories": ["behavioural"],
            "subject_types": ["customer"],
            "actor": "ana",
        }
        api.put("/v1/gdpr/classifications", json=overlay).raise_for_status()
        register(api, "money-value", avro(MONEY))
        reference = [{"name": "com.acme.Money", "subject": "money-value", "version": 1}]
        register(api, "orders-value", avro(ORDER, references=reference))
        register(api, "orders-value", avro(ORDER | {"doc": "v2"}, references=reference))
        api.delete("/subjects/orders-value/versions/1").raise_for_status()
        api.put("/config/orders-value", json={"compatibility": "NONE"}).raise_for_status()
        api.put("/mode/money-value", json={"mode": "READONLY"}).raise_for_status()


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The export of a filled SQLite database."""
    folder = tmp_path_factory.mktemp("export")
    url = f"sqlite:///{folder / 'evcat.db'}"
    fill(url)
    from typer.testing import CliRunner

    from evcat.cli.main import app

    result = CliRunner().invoke(app, ["export", "registry", str(folder / "x.jsonl"), "--db", url])
    assert result.exit_code == 0, result.stderr
    return (folder / "x.jsonl").read_bytes()


def export(evcat: Invoke, db_url: str, path: Path) -> bytes:
    result = evcat("export", "registry", path, "--db", db_url)
    assert result.exit_code == 0, result.stderr
    return path.read_bytes()


def restore(evcat: Invoke, data: bytes, db_url: str, path: Path) -> None:
    path.write_bytes(data)
    result = evcat("import", "--from-export", path, "--db", db_url)
    assert result.exit_code == 0, result.stderr


def table_lines(data: bytes) -> dict[str, int]:
    lines = [orjson.loads(line) for line in data.splitlines()]
    return {
        line["table"]: line["rows"] for line in lines if isinstance(line, dict) and "table" in line
    }


def test_export_restore_export_is_byte_identical(
    evcat: Invoke, exported: bytes, db_url: str, tmp_path: Path
) -> None:
    restore(evcat, exported, db_url, tmp_path / "in.jsonl")
    assert export(evcat, db_url, tmp_path / "out.jsonl") == exported


def test_sqlite_to_postgresql_and_back_is_byte_identical(
    evcat: Invoke, exported: bytes, tmp_path: Path
) -> None:
    postgres = database_url("postgresql", tmp_path)
    try:
        restore(evcat, exported, postgres, tmp_path / "in.jsonl")
        from_postgres = export(evcat, postgres, tmp_path / "pg.jsonl")
    finally:
        drop_postgres_database(postgres)
    sqlite = f"sqlite:///{tmp_path / 'back.db'}"
    restore(evcat, from_postgres, sqlite, tmp_path / "again.jsonl")
    assert from_postgres == exported
    assert export(evcat, sqlite, tmp_path / "back.jsonl") == exported


def test_the_export_holds_every_table_with_every_row(exported: bytes, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'restored.db'}"
    upgrade(url)
    tables = reflect(make_engine(url))
    counts = table_lines(exported)
    assert sorted(counts) == sorted(tables)
    assert all(counts[name] > 0 for name in ("schemas", "upcasters", "audit_records", "modes"))


def test_the_header_names_the_format_and_the_database_revision(exported: bytes) -> None:
    header = orjson.loads(exported.splitlines()[0])
    assert header == {
        "format": "evcat-export",
        "format_version": 1,
        "evcat_version": header["evcat_version"],
        "alembic_revision": "0005",
    }


def test_after_a_restore_new_rows_get_fresh_ids(
    evcat: Invoke, exported: bytes, db_url: str, tmp_path: Path
) -> None:
    restore(evcat, exported, db_url, tmp_path / "in.jsonl")
    engine = make_engine(db_url)
    tables = reflect(engine)
    with engine.connect() as connection:
        top_audit = connection.execute(select(func.max(tables["audit_records"].c.seq))).scalar()
        top_schema = connection.execute(select(func.max(tables["schemas"].c.id))).scalar()
    with LiveServer(Settings(db_url=db_url)) as server, httpx.Client(base_url=server.url) as api:
        overlay = {
            "event": "CustomerRegistered",
            "version": "1",
            "path": "email",
            "categories": ["email-address"],
            "subject_types": ["customer"],
            "actor": "bo",
        }
        api.put("/v1/gdpr/classifications", json=overlay).raise_for_status()
        audit = api.get("/v1/gdpr/audit").json()["items"]
        fresh = register(api, "fresh-value", avro({"type": "record", "name": "F", "fields": []}))
    assert max(entry["id"] for entry in audit) == top_audit + 1
    assert fresh["id"] == top_schema + 1


def test_a_database_that_holds_data_is_refused(
    evcat: Invoke, exported: bytes, migrated_sqlite: str, tmp_path: Path
) -> None:
    server = LiveServer(Settings(db_url=migrated_sqlite))
    with server, httpx.Client(base_url=server.url) as api:
        register(api, "money-value", avro(MONEY))
    path = tmp_path / "in.jsonl"
    path.write_bytes(exported)
    result = evcat("import", "--from-export", path, "--db", migrated_sqlite)
    assert result.exit_code == 2
    assert "the target database is not empty (audit_records, schemas, subject_versions hold" in (
        result.stderr
    )


def test_an_export_of_another_revision_is_refused(
    evcat: Invoke, exported: bytes, migrated_sqlite: str, tmp_path: Path
) -> None:
    lines = exported.splitlines(keepends=True)
    header = json.loads(lines[0]) | {"alembic_revision": "0003"}
    path = tmp_path / "old.jsonl"
    path.write_bytes(json.dumps(header).encode() + b"\n" + b"".join(lines[1:]))
    result = evcat("import", "--from-export", path, "--db", migrated_sqlite)
    assert result.exit_code == 2
    assert "the export was written at database revision 0003, the target database is at 0005" in (
        result.stderr
    )


def test_a_truncated_export_restores_nothing(
    evcat: Invoke, exported: bytes, tmp_path: Path
) -> None:
    lines = exported.splitlines(keepends=True)
    path = tmp_path / "cut.jsonl"
    path.write_bytes(b"".join(lines[: len(lines) // 2]))
    url = f"sqlite:///{tmp_path / 'new.db'}"
    result = evcat("import", "--from-export", path, "--db", url)
    assert result.exit_code == 2
    assert "the file is truncated" in result.stderr
    engine = make_engine(url)
    with engine.connect() as connection:
        schemas = reflect(connection)["schemas"]
        assert connection.execute(select(func.count()).select_from(schemas)).scalar() == 0


def test_an_altered_row_names_its_line_and_restores_nothing(
    evcat: Invoke, exported: bytes, migrated_sqlite: str, tmp_path: Path
) -> None:
    lines = exported.splitlines(keepends=True)
    row = next(n for n, line in enumerate(lines) if line.startswith(b"[") and n > 3)
    lines[row] = b"[1, 2]\n"
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"".join(lines))
    result = evcat("import", "--from-export", path, "--db", migrated_sqlite)
    assert result.exit_code == 2
    assert f"line {row + 1}: a row of table " in result.stderr
    assert not any(
        count
        for name, count in table_lines(export(evcat, migrated_sqlite, tmp_path / "e")).items()
        if name != "registry_state"
    )


def test_a_file_that_is_not_an_export_is_refused(
    evcat: Invoke, migrated_sqlite: str, tmp_path: Path
) -> None:
    path = tmp_path / "other.jsonl"
    path.write_text('{"hello": "world"}\n')
    result = evcat("import", "--from-export", path, "--db", migrated_sqlite)
    assert result.exit_code == 2
    assert "this file is not an evcat export" in result.stderr


def test_exporting_a_database_that_does_not_exist_is_exit_2(evcat: Invoke, tmp_path: Path) -> None:
    result = evcat(
        "export", "registry", tmp_path / "x.jsonl", "--db", f"sqlite:///{tmp_path}/no.db"
    )
    assert result.exit_code == 2
    assert "no database at" in result.stderr
    assert not (tmp_path / "x.jsonl").exists()


def test_an_export_to_standard_output_is_the_same_bytes(
    evcat: Invoke, exported: bytes, migrated_sqlite: str, tmp_path: Path
) -> None:
    restore(evcat, exported, migrated_sqlite, tmp_path / "in.jsonl")
    result = evcat("export", "registry", "-", "--db", migrated_sqlite)
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == exported
    assert "wrote" in result.stderr


def test_a_restore_needs_a_database_target(evcat: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text("{}\n")
    result = evcat("import", "--from-export", path, "--registry", "http://127.0.0.1:9")
    assert result.exit_code == 2
    assert "--from-export restores into a database: pass --db URL" in result.stderr


def test_a_new_database_restored_has_the_tables_of_the_export(
    evcat: Invoke, exported: bytes, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'brand-new.db'}"
    restore(evcat, exported, url, tmp_path / "in.jsonl")
    assert set(inspect(make_engine(url)).get_table_names()) >= set(table_lines(exported))
