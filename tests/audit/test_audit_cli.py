"""``evcat audit list|verify|export``: tampering with the table is caught, on both backends.

The CLI reads the database (``--db``) or the server (``--registry``); the tests edit and
delete rows with raw SQL, as someone with database access would.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import orjson
import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner, Result

from evcat.cli.main import app


def evcat(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def sql(db_url: str, statement: str) -> None:
    engine = create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text(statement))
    engine.dispose()


@pytest.fixture
def five(client: httpx.Client) -> httpx.Client:
    """A trail of five records."""
    for number in range(5):
        assert client.put(f"/config/s{number}", json={"compatibility": "NONE"}).status_code == 200
    return client


def test_an_untouched_trail_verifies_and_prints_its_head(five: httpx.Client, db_url: str) -> None:
    head = five.get("/v1/audit", params={"limit": "1"}).json()["records"][0]["hash"]

    result = evcat("audit", "verify", "--db", db_url)

    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"audit trail intact: 5 records, head {head}"


def test_a_row_edited_with_sql_fails_verify_naming_it(five: httpx.Client, db_url: str) -> None:
    sql(db_url, "UPDATE audit_records SET principal = 'somebody-else' WHERE seq = 3")

    result = evcat("audit", "verify", "--db", db_url)

    assert result.exit_code == 1
    assert result.output.startswith("audit trail broken at record 3: its content does not match")


def test_a_row_deleted_with_sql_fails_verify_at_the_record_after_it(
    five: httpx.Client, db_url: str
) -> None:
    sql(db_url, "DELETE FROM audit_records WHERE seq = 2")

    result = evcat("audit", "verify", "--db", db_url)

    assert result.exit_code == 1
    assert "broken at record 3: record 2 is missing before it" in result.output


def test_verify_over_http_finds_the_same_break(
    five: httpx.Client, db_url: str, registry_url: str
) -> None:
    sql(db_url, "UPDATE audit_records SET after_json = '{}' WHERE seq = 4")

    result = evcat("audit", "verify", "--registry", registry_url)

    assert result.exit_code == 1
    assert "broken at record 4" in result.output


def test_rows_cut_from_the_end_fail_verify_against_an_anchor(
    five: httpx.Client, db_url: str
) -> None:
    head = five.get("/v1/audit", params={"limit": "1"}).json()["records"][0]["hash"]
    sql(db_url, "DELETE FROM audit_records WHERE seq = 5")

    assert evcat("audit", "verify", "--db", db_url).exit_code == 0
    result = evcat("audit", "verify", "--db", db_url, "--anchor", head)

    assert result.exit_code == 1
    assert "no record has the anchor hash" in result.output


def test_an_export_verifies_on_its_own_until_a_line_is_edited(
    five: httpx.Client, registry_url: str, tmp_path: Path
) -> None:
    exported = tmp_path / "audit.jsonl"
    assert (
        evcat(
            "audit", "export", "-o", "jsonl", "--registry", registry_url, "--file", str(exported)
        ).exit_code
        == 0
    )
    lines = exported.read_bytes().splitlines()
    assert [orjson.loads(line)["seq"] for line in lines] == [1, 2, 3, 4, 5]
    assert evcat("audit", "verify", "--file", str(exported)).exit_code == 0

    edited = orjson.loads(lines[1])
    edited["after"] = {"compatibilityLevel": "FULL"}
    lines[1] = orjson.dumps(edited)
    exported.write_bytes(b"\n".join(lines))
    result = evcat("audit", "verify", "--file", str(exported))

    assert result.exit_code == 1
    assert "broken at record 2" in result.output


def test_export_writes_one_json_record_per_line_to_stdout(five: httpx.Client, db_url: str) -> None:
    result = evcat("audit", "export", "--db", db_url, "--resource", "config:subject:s4")

    [line] = result.output.splitlines()
    assert orjson.loads(line)["resource"] == "config:subject:s4"


def test_list_prints_the_newest_records_and_where_to_continue(
    five: httpx.Client, db_url: str
) -> None:
    result = evcat("audit", "list", "--db", db_url, "--limit", "2")

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["5", "4"]
    assert "config.set" in lines[0] and "config:subject:s4" in lines[0]
    assert "more: --cursor 4" in result.stderr


def test_list_as_json_answers_like_the_api(five: httpx.Client, registry_url: str) -> None:
    result = evcat("audit", "list", "--registry", registry_url, "-o", "json", "--limit", "1")

    body = orjson.loads(result.stdout)
    assert [r["seq"] for r in body["records"]] == [5] and body["next"] == "5"


def test_a_bad_filter_is_exit_2_saying_what_to_fix(five: httpx.Client, db_url: str) -> None:
    result = evcat("audit", "list", "--db", db_url, "--since", "last week")

    assert result.exit_code == 2
    assert "'since' must be a date" in result.stderr


def test_db_and_registry_together_are_refused(db_url: str, registry_url: str) -> None:
    result = evcat("audit", "verify", "--db", db_url, "--registry", registry_url)

    assert result.exit_code == 2
    assert "either --db or --registry" in result.stderr


def test_the_python_check_in_the_security_docs_verifies_an_export(
    client: httpx.Client, registry_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.put("/config/commandes-été", json={"compatibility": "NONE"})
    client.put("/v1/gdpr/tags/données", json={"category": "email-address", "actor": "zoë"})
    evcat("audit", "export", "--registry", registry_url, "--file", str(tmp_path / "audit.jsonl"))
    docs = (Path(__file__).parents[2] / "docs" / "security.md").read_text()
    snippet = docs.split("```python\n", 1)[1].split("```", 1)[0]

    monkeypatch.chdir(tmp_path)
    exec(snippet, {})  # raises AssertionError on the first record it cannot verify
