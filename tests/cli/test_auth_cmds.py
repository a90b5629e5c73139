"""``evcat auth hash-password | new-token | check``, and the credentials of every command that
talks to a server."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import typer
import yaml
from typer.testing import CliRunner

from evcat.auth.hashing import password_matches
from evcat.auth.parsing import parse_config
from evcat.cli.main import app
from tests.cli.helpers import Invoke


def test_hash_password_prints_only_an_argon2id_hash_of_stdin() -> None:
    result = CliRunner().invoke(app, ["auth", "hash-password"], input="correct horse\n")
    assert result.exit_code == 0
    assert result.stdout.count("\n") == 1
    printed = result.stdout.strip()
    assert printed.startswith("$argon2id$")
    assert password_matches(printed, "correct horse")


def test_hash_password_refuses_an_empty_password() -> None:
    result = CliRunner().invoke(app, ["auth", "hash-password"], input="\n")
    assert result.exit_code == 2
    assert "the password is empty" in result.stderr


def test_new_token_prints_the_token_and_an_entry_holding_its_digest(
    evcat: Invoke, tmp_path: Path
) -> None:
    result = evcat(
        "auth", "new-token", "orders-producer", "--group", "orders", "--expires", "2027-06-30"
    )
    assert result.exit_code == 0
    token, *entry = result.stdout.splitlines()
    tokens = yaml.safe_load("\n".join(entry))
    assert tokens == [
        {
            "name": "orders-producer",
            "token_sha256": hashlib.sha256(token.encode()).hexdigest(),
            "groups": ["orders"],
            "expires": dt.date(2027, 6, 30),
        }
    ]
    assert parse_config({"tokens": tokens}, tmp_path).tokens["orders-producer"]


def test_two_new_tokens_differ(evcat: Invoke) -> None:
    first = evcat("auth", "new-token", "a").stdout.splitlines()[0]
    second = evcat("auth", "new-token", "a").stdout.splitlines()[0]
    assert first != second


def test_check_lists_every_problem_and_exits_2(evcat: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "auth.yaml"
    document = {
        "users": [{"name": "a", "password_hash": "x"}, {"name": "a", "password_hash": "y"}],
        "bindings": [
            {"users": ["a"], "role": "owner"},
            {"groups": ["g"], "role": "writer", "subjects": ["orders-["]},
        ],
    }
    path.write_text(yaml.safe_dump(document))
    result = evcat("auth", "check", path)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 5
    assert all(line.startswith(f"evcat: error: {path}: ") for line in lines)
    text = result.stderr
    assert "unknown role 'owner'" in text
    assert "never closes" in text
    assert "'a' is given 2 times" in text


def test_check_names_teams_the_catalog_lacks(evcat: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "auth.yaml"
    bindings = [{"groups": ["pay"], "role": "writer", "owned_by": "payments-team"}]
    path.write_text(yaml.safe_dump({"bindings": bindings}))
    result = evcat("auth", "check", path, "--db", f"sqlite:///{tmp_path / 'evcat.db'}")
    assert result.exit_code == 2
    assert (
        "owned_by names the team 'payments-team', which the catalog does not have" in result.stderr
    )


def test_check_accepts_a_good_file(evcat: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "auth.yaml"
    path.write_text(
        yaml.safe_dump({"anonymous": "read", "bindings": [{"users": ["*"], "role": "reader"}]})
    )
    result = evcat("auth", "check", path)
    assert result.exit_code == 0
    assert "ok (0 users, 0 tokens, 1 bindings, anonymous: read)" in result.stdout


def test_every_command_with_a_registry_takes_credentials() -> None:
    command = typer.main.get_command(app)

    def walk(group: Any, prefix: str) -> list[tuple[str, Any]]:
        found: list[tuple[str, Any]] = []
        for name, sub in group.commands.items():
            if hasattr(sub, "commands"):
                found += walk(sub, f"{prefix}{name} ")
            else:
                found.append((prefix + name, sub))
        return found

    talking = 0
    for name, sub in walk(command, ""):
        options = {opt for param in sub.params for opt in getattr(param, "opts", [])}
        if "--registry" in options:
            talking += 1
            assert {"--user", "--password", "--token"} <= options, name
    assert talking >= 10
