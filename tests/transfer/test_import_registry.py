"""``evcat import --from-registry URL``: a running registry copied with every id and version.

The source is a live evcat (see conftest.py for what it holds); targets are a database
(``--db``, both backends) or another live evcat (``--registry``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest

from evcat.app import create_app
from evcat.db import make_engine
from evcat.settings import Settings
from evcat.transfer.database import database_state
from tests.cli.conftest import PASSWORD, TOKEN, USER, _auth_file
from tests.conftest import LiveServer
from tests.transfer.conftest import MONEY, Invoke, avro, listing, register

Receive = Callable[[], Any]
Send = Callable[[Mapping[str, Any]], Any]


@pytest.fixture
def target(tmp_path: Path) -> Iterator[str]:
    """An evcat to import into, already holding a subject of its own (id 1)."""
    with LiveServer(Settings(db_url=f"sqlite:///{tmp_path / 'target.db'}")) as server:
        with httpx.Client(base_url=server.url) as client:
            local = {"type": "record", "name": "Local", "fields": [{"name": "n", "type": "int"}]}
            assert register(client, "local-value", avro(local))["id"] == 1
        yield server.url


def own_mode(url: str, subject: str) -> str | None:
    answer = httpx.get(f"{url}/mode/{subject}", params={"defaultToGlobal": "false"})
    return str(answer.json()["mode"]) if answer.status_code == 200 else None


def test_a_copy_into_a_database_keeps_every_id_version_and_deleted_flag(
    evcat: Invoke, source_url: str, db_url: str
) -> None:
    result = evcat("import", "--from-registry", source_url, "--db", db_url)
    assert result.exit_code == 0, result.stderr
    state = database_state(make_engine(db_url))
    copied = sorted((s, v, e.schema_id, e.deleted) for (s, v), e in state.versions.items())
    assert copied == listing(source_url)
    assert "verified: 9 versions (2 soft-deleted) and 8 schema fingerprints" in result.stdout


def test_a_copy_carries_global_and_subject_config_and_modes(
    evcat: Invoke, source_url: str, migrated_sqlite: str
) -> None:
    evcat("import", "--from-registry", source_url, "--db", migrated_sqlite)
    state = database_state(make_engine(migrated_sqlite))
    assert state.configs == {
        "": {"compatibilityLevel": "FULL"},
        "orders-value": {"compatibilityLevel": "FORWARD"},
        "ledger-value": {"compatibilityLevel": "NONE"},
    }
    assert state.modes == {"": "READWRITE", "ledger-value": "READONLY"}


def test_a_copy_through_a_running_evcat_keeps_ids_and_leaves_no_import_mode(
    evcat: Invoke, source_url: str, source_ids: dict[str, int], target: str
) -> None:
    result = evcat("import", "--from-registry", source_url, "--registry", target)
    assert result.exit_code == 0, result.stderr
    assert [v for v in listing(target) if v[0] != "local-value"] == listing(source_url)
    assert [own_mode(target, s) for s in ("orders-value", "legacy-value", "gone-value")] == [
        None,
        None,
        None,
    ]
    assert own_mode(target, "ledger-value") == "READONLY"
    assert httpx.get(f"{target}/config/orders-value").json() == {"compatibilityLevel": "FORWARD"}
    assert httpx.get(f"{target}/config/ledger-value").json() == {"compatibilityLevel": "NONE"}


def test_the_target_gives_a_fresh_id_to_the_next_registration(
    evcat: Invoke, source_url: str, source_ids: dict[str, int], target: str
) -> None:
    evcat("import", "--from-registry", source_url, "--registry", target)
    with httpx.Client(base_url=target) as client:
        client.put("/config/fresh-value", json={"compatibility": "NONE"})
        new = {"type": "record", "name": "Fresh", "fields": []}
        assert register(client, "fresh-value", avro(new))["id"] == max(source_ids.values()) + 1


def test_an_id_the_target_holds_with_another_schema_stops_the_import_before_any_write(
    evcat: Invoke, source_url: str, source_ids: dict[str, int], target: str
) -> None:
    with httpx.Client(base_url=target) as client:
        client.put("/mode/squatter-value", json={"mode": "IMPORT"}).raise_for_status()
        other = {"type": "record", "name": "Squatter", "fields": []}
        register(client, "squatter-value", avro(other, id=source_ids["order"]))
        client.delete("/mode/squatter-value").raise_for_status()
    before = listing(target)
    result = evcat("import", "--from-registry", source_url, "--registry", target)
    assert result.exit_code == 1
    assert (
        f"id {source_ids['order']} already holds a different schema in the target "
        "(subject 'squatter-value' version 1)" in result.stderr
    )
    assert listing(target) == before
    assert own_mode(target, "orders-value") is None


def test_a_second_run_skips_what_the_first_wrote(
    evcat: Invoke, source_url: str, target: str
) -> None:
    first = evcat(
        "import", "--from-registry", source_url, "--registry", target, "--subjects", "money*"
    )
    assert first.exit_code == 0, first.stderr
    second = evcat("import", "--from-registry", source_url, "--registry", target)
    assert second.exit_code == 0, second.stderr
    assert "already there: 1 schemas, 1 versions" in second.stdout
    assert [v for v in listing(target) if v[0] != "local-value"] == listing(source_url)


class FailingAfter:
    """A gateway that answers 503 to registrations after the first ``allowed`` ones."""

    def __init__(self, app: Any, allowed: int) -> None:
        self.app = app
        self.allowed = allowed

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        registering = (
            scope["type"] == "http"
            and scope["method"] == "POST"
            and scope["path"].endswith("/versions")
        )
        if registering:
            if self.allowed <= 0:
                body = b'{"error_code": 50003, "message": "unavailable"}'
                await send({"type": "http.response.start", "status": 503, "headers": []})
                await send({"type": "http.response.body", "body": body})
                return
            self.allowed -= 1
        await self.app(scope, receive, send)


def test_an_interrupted_import_resumes_where_it_stopped(
    evcat: Invoke, source_url: str, tmp_path: Path
) -> None:
    gate = FailingAfter(
        create_app(Settings(db_url=f"sqlite:///{tmp_path / 't.db'}"), migrate=True), 3
    )
    with LiveServer(app=gate) as server:
        broken = evcat("import", "--from-registry", source_url, "--registry", server.url)
        assert broken.exit_code == 2
        assert "failed (503)" in broken.stderr
        assert len(listing(server.url)) == 3
        assert own_mode(server.url, "orders-value") is None
        gate.allowed = 100
        resumed = evcat("import", "--from-registry", source_url, "--registry", server.url)
        assert resumed.exit_code == 0, resumed.stderr
        # gone-value was registered before the break but not yet soft-deleted: that is left.
        assert "1 soft deletes" in resumed.stdout
        assert "already there: 3 schemas, 2 versions" in resumed.stdout
        assert listing(server.url) == listing(source_url)


def test_a_dry_run_through_a_running_evcat_writes_nothing(
    evcat: Invoke, source_url: str, target: str
) -> None:
    before = listing(target)
    result = evcat("import", "--from-registry", source_url, "--registry", target, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "plan: 8 schemas, 9 versions (2 soft-deleted)" in result.stdout
    assert listing(target) == before


@pytest.fixture(scope="module")
def guarded_source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A source behind a gateway that wants ci:s3cret or the bearer token t0ken."""
    database = tmp_path_factory.mktemp("guarded") / "evcat.db"
    signed_in = Settings(
        db_url=f"sqlite:///{database}", auth_config=_auth_file(database.parent / "auth.yaml")
    )
    with LiveServer(signed_in) as server:
        with httpx.Client(base_url=server.url, auth=(USER, PASSWORD)) as client:
            register(client, "money-value", avro(MONEY))
        yield server.url


def test_source_credentials_are_the_from_options(
    evcat: Invoke, guarded_source: str, migrated_sqlite: str
) -> None:
    refused = evcat("import", "--from-registry", guarded_source, "--db", migrated_sqlite)
    allowed = evcat(
        "import",
        "--from-registry",
        guarded_source,
        "--from-user",
        USER,
        "--from-password",
        PASSWORD,
        "--db",
        migrated_sqlite,
    )
    assert refused.exit_code == 2
    assert "refused the credentials (401 Unauthorized)" in refused.stderr
    assert allowed.exit_code == 0, allowed.stderr


def test_with_a_database_target_typed_user_and_password_go_to_the_source(
    evcat: Invoke, guarded_source: str, migrated_sqlite: str
) -> None:
    result = evcat(
        "import",
        *("--from-registry", guarded_source, "--user", USER, "--password", PASSWORD),
        *("--db", migrated_sqlite),
    )
    assert result.exit_code == 0, result.stderr


def test_evcat_credentials_from_the_environment_never_reach_the_source(
    evcat: Invoke, guarded_source: str, migrated_sqlite: str
) -> None:
    result = evcat(
        "import",
        *("--from-registry", guarded_source, "--db", migrated_sqlite),
        env={"EVCAT_TOKEN": TOKEN},
    )
    assert result.exit_code == 2
    assert "401" in result.stderr


def test_target_credentials_are_the_evcat_options(
    evcat: Invoke, source_url: str, tmp_path: Path
) -> None:
    signed_in = Settings(
        db_url=f"sqlite:///{tmp_path / 't.db'}", auth_config=_auth_file(tmp_path / "auth.yaml")
    )
    with LiveServer(signed_in) as server:
        result = evcat(
            "import",
            *("--from-registry", source_url, "--registry", server.url, "--token", TOKEN),
        )
        assert result.exit_code == 0, result.stderr
        headers = {"Authorization": f"Bearer {TOKEN}"}
        answer = httpx.get(f"{server.url}/subjects", headers=headers, params={"deleted": "true"})
        assert "orders-value" in answer.json()


def test_an_unreachable_source_is_exit_2(evcat: Invoke, migrated_sqlite: str) -> None:
    result = evcat("import", "--from-registry", "http://127.0.0.1:9", "--db", migrated_sqlite)
    assert result.exit_code == 2
    assert "cannot reach the registry at http://127.0.0.1:9" in result.stderr


def test_a_source_that_is_not_a_registry_is_exit_2(evcat: Invoke, migrated_sqlite: str) -> None:
    result = evcat("import", "--from-registry", "ftp://example.com", "--db", migrated_sqlite)
    assert result.exit_code == 2
    assert "must start with http:// or https://" in result.stderr


def test_the_schema_text_of_each_id_is_what_the_source_serves(
    evcat: Invoke, source_url: str, source_ids: dict[str, int], target: str
) -> None:
    evcat("import", "--from-registry", source_url, "--registry", target)
    for schema_id in sorted(set(source_ids.values()) - {source_ids["scratch"]}):
        path = f"/schemas/ids/{schema_id}"
        there, here = httpx.get(source_url + path).json(), httpx.get(target + path).json()
        assert json.dumps(there, sort_keys=True) == json.dumps(here, sort_keys=True)


def test_subjects_of_other_contexts_are_left_out_with_a_note(
    evcat: Invoke, tmp_path: Path, migrated_sqlite: str
) -> None:
    with LiveServer(Settings(db_url=f"sqlite:///{tmp_path / 'contexts.db'}")) as server:
        with httpx.Client(base_url=server.url) as client:
            register(client, "money-value", avro(MONEY))
            register(client, ":.staging:money-value", avro(MONEY | {"doc": "staging"}))
        result = evcat("import", "--from-registry", server.url, "--db", migrated_sqlite)
    assert result.exit_code == 0, result.stderr
    assert "left out 1 subjects of other contexts" in result.stderr
    assert sorted(database_state(make_engine(migrated_sqlite)).versions) == [("money-value", 1)]
