"""YAML read anywhere is bounded: alias bombs, recursive aliases, deep nesting and huge
documents are refused before any value is built, over HTTP and in the CLI."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
from typer.testing import CliRunner

from evcat.cli.main import app
from tests.hostile.conftest import still_answers

# State-changing requests must say what they send (CSRF guard, evcat.http.cross_site).
YAML = {"content-type": "application/yaml"}

# Nine levels of nine aliases each: a few hundred bytes standing for 9**9 values.
ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(9)
)


def test_alias_bomb_sent_to_catalog_apply_is_a_422_naming_the_limit(
    client: httpx.Client,
) -> None:
    started = time.monotonic()
    answer = client.post("/v1/catalog/apply", content=ALIAS_BOMB, headers=YAML, timeout=10)
    assert answer.status_code == 422, answer.text
    assert "EVCAT_YAML_MAX_ALIAS_VALUES" in answer.json()["detail"]
    assert time.monotonic() - started < 2
    still_answers(client)


def test_recursive_alias_sent_to_catalog_apply_is_a_422(client: httpx.Client) -> None:
    answer = client.post("/v1/catalog/apply", content="a: &a {b: *a}\n", headers=YAML, timeout=10)
    assert answer.status_code == 422, answer.text
    assert "expands forever" in answer.json()["detail"]
    still_answers(client)


def test_yaml_nested_past_the_depth_limit_is_a_422(client: httpx.Client) -> None:
    answer = client.post(
        "/v1/catalog/apply", content="[" * 200 + "]" * 200, headers=YAML, timeout=10
    )
    assert answer.status_code == 422, answer.text
    assert "EVCAT_YAML_MAX_DEPTH" in answer.json()["detail"]
    still_answers(client)


def test_aliases_within_the_bound_still_work(client: httpx.Client) -> None:
    text = "apiVersion: evcat/v1\nkind: Team\nid: t1\nname: &n Shop\ndescription: *n\n"
    answer = client.post("/v1/catalog/apply", content=text, headers=YAML, timeout=10)
    assert answer.status_code == 200, answer.text
    assert client.get("/v1/teams/t1").json()["description"] == "Shop"


def test_cli_apply_of_an_alias_bomb_fails_with_one_line(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(ALIAS_BOMB)
    db = f"sqlite:///{tmp_path / 'evcat.db'}"
    result = CliRunner().invoke(app, ["apply", str(bomb), "--db", db])
    assert result.exit_code != 0
    assert "EVCAT_YAML_MAX_ALIAS_VALUES" in result.output


def test_cli_upcaster_file_with_an_alias_bomb_exits_2(tmp_path: Path) -> None:
    bomb = tmp_path / "upcaster.yaml"
    bomb.write_text(ALIAS_BOMB)
    db = f"sqlite:///{tmp_path / 'evcat.db'}"
    result = CliRunner().invoke(app, ["upcast", "add", str(bomb), "--db", db])
    assert result.exit_code == 2, result.output
    assert "EVCAT_YAML_MAX_ALIAS_VALUES" in result.output


def test_cli_manifest_with_an_alias_bomb_exits_2(tmp_path: Path) -> None:
    (tmp_path / "evcat.yaml").write_text(ALIAS_BOMB)
    result = CliRunner().invoke(
        app, ["check", "--manifest", str(tmp_path / "evcat.yaml"), "--against", "HEAD"]
    )
    assert result.exit_code == 2, result.output
    assert "EVCAT_YAML_MAX_ALIAS_VALUES" in result.output
