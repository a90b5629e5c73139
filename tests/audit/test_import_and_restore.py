"""Imports into a database are audited; a restore brings back the source's trail as it was."""

from __future__ import annotations

import os
import pwd
from pathlib import Path

import httpx
from sqlalchemy import create_engine
from typer.testing import CliRunner, Result

from evcat.audit.query import every_entry
from evcat.audit.verify import verify
from evcat.cli.main import app
from evcat.migrations import upgrade
from tests.audit.conftest import records
from tests.transfer.dumps import config, dump, record_schema, schema


def evcat(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(arg) for arg in args])


def test_an_import_into_a_database_is_one_record_counting_what_it_wrote(
    db_url: str, tmp_path: Path
) -> None:
    upgrade(db_url)
    topic = tmp_path / "schemas.dump"
    topic.write_bytes(
        b"".join(
            dump(
                [
                    schema("a", 1, 7, record_schema("A", "x")),
                    schema("a", 2, 9, record_schema("A", "x", "y")),
                    config(None, "FULL"),
                ]
            )
        )
    )

    first = evcat("import", "--from-schemas-topic", topic, "--db", db_url)
    again = evcat("import", "--from-schemas-topic", topic, "--db", db_url)

    assert first.exit_code == 0 and again.exit_code == 0, first.stderr + again.stderr
    engine = create_engine(db_url)
    [entry] = [e.as_dict() for e in every_entry(engine)]
    engine.dispose()
    assert (entry["action"], entry["resource"]) == ("registry.import", "registry:all")
    assert entry["principal"] == f"local:{pwd.getpwuid(os.getuid()).pw_name}"
    assert entry["after"] == {
        "schemas": 2,
        "versions": 2,
        "soft_deleted": 0,
        "undeleted": 0,
        "configs": 1,
        "modes": 0,
    }


def test_a_restore_brings_back_the_trail_whole_and_adds_nothing(
    client: httpx.Client, db_url: str, tmp_path: Path
) -> None:
    client.put("/config", json={"compatibility": "FULL"})
    client.put("/mode", json={"mode": "READONLY"})
    before = records(client)
    backup = tmp_path / "backup.jsonl"
    assert evcat("export", "registry", backup, "--db", db_url).exit_code == 0
    restored_url = f"sqlite:///{tmp_path / 'restored.db'}"

    result = evcat("import", "--from-export", backup, "--db", restored_url)

    assert result.exit_code == 0, result.stderr
    engine = create_engine(restored_url)
    entries = list(every_entry(engine))
    engine.dispose()
    assert [e.as_dict() for e in entries] == before
    assert verify(entries).intact
