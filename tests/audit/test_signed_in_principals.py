"""With sign-in on, records name the verified principal, and refused sign-ins are recorded.

Over real HTTP against a server reading an auth file (tests/auth's users, one per role), on
SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine
from typer.testing import CliRunner

from evcat.audit.query import every_entry
from evcat.cli.main import app
from tests.audit.conftest import avro
from tests.auth.conftest import secured_server
from tests.auth.helpers import TOKEN, basic, write_auth

ADMIN = basic("root")
CUSTOMER = json.dumps(
    {
        "type": "record",
        "name": "Customer",
        "namespace": "com.acme",
        "fields": [{"name": "id", "type": "string"}, {"name": "email", "type": "string"}],
    }
)


@pytest.fixture
def http(db_url: str, tmp_path: Path) -> Iterator[httpx.Client]:
    with (
        secured_server(db_url, write_auth(tmp_path / "auth.yaml")) as server,
        httpx.Client(base_url=server.url, timeout=30) as client,
    ):
        yield client


def trail(http: httpx.Client, **params: str) -> list[dict[str, Any]]:
    answer = http.get("/v1/audit", params={"order": "asc", **params}, headers=ADMIN)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["records"])


def test_a_registration_records_the_signed_in_user(http: httpx.Client) -> None:
    answer = http.post(
        "/subjects/orders-value/versions", json={"schema": avro("A", "id")}, headers=basic("ci-bot")
    )

    assert answer.status_code == 200, answer.text
    [entry] = trail(http)
    assert (entry["principal"], entry["action"]) == ("ci-bot", "schema.register")


def test_a_registration_with_a_token_records_the_token_name(http: httpx.Client) -> None:
    answer = http.post(
        "/subjects/orders-value/versions",
        json={"schema": avro("A", "id")},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )

    assert answer.status_code == 200, answer.text
    assert trail(http)[0]["principal"] == "orders-producer"


def test_a_typed_actor_never_takes_the_place_of_the_signed_in_principal(
    http: httpx.Client,
) -> None:
    http.post("/subjects/customers-value/versions", json={"schema": CUSTOMER}, headers=ADMIN)

    answer = http.put(
        "/v1/gdpr/classifications",
        json={"event": "com.acme.Customer", "path": "email", "categories": ["email-address"]}
        | {"actor": "ceo"},
        headers=basic("dpo"),
    )

    assert answer.status_code == 200, answer.text
    [entry] = trail(http, action="classification.set")
    assert entry["principal"] == "dpo"
    assert entry["after"]["claimed_actor"] == "ceo"


def test_a_wrong_password_is_a_refused_sign_in_record_without_the_password(
    http: httpx.Client,
) -> None:
    answer = http.get("/subjects", headers=basic("ci-bot", "guess-pw-1"))

    assert answer.status_code == 401
    [entry] = trail(http, outcome="refused")
    assert (entry["principal"], entry["action"], entry["resource"], entry["client"]) == (
        "anonymous",
        "auth.sign-in",
        "sign-in:basic",
        "127.0.0.1",
    )
    assert entry["after"]["claimed_principal"] == "ci-bot"
    assert "guess-pw-1" not in json.dumps(entry)


def test_sign_ins_refused_past_the_throttle_add_no_records(http: httpx.Client, db_url: str) -> None:
    statuses = [
        http.get("/subjects", headers=basic("ci-bot", f"guess-{n}")).status_code for n in range(14)
    ]

    # Once an address is throttled its requests are 429s, never checked, so never recorded:
    # one address cannot grow the trail faster than the throttle allows.
    assert statuses.count(401) == 10 and statuses[10:] == [429] * 4
    engine = create_engine(db_url)
    refused = [e for e in every_entry(engine) if e.outcome == "refused"]
    engine.dispose()
    assert len(refused) == 10


def test_the_cli_reads_a_secured_trail_with_an_administrators_credentials(
    http: httpx.Client,
) -> None:
    http.put("/config", json={"compatibility": "FULL"}, headers=ADMIN)
    url = str(http.base_url).rstrip("/")

    allowed = CliRunner().invoke(
        app, ["audit", "verify", "--registry", url, "--user", "root", "--password", "root-pw"]
    )
    refused = CliRunner().invoke(app, ["audit", "verify", "--registry", url])

    assert allowed.exit_code == 0, allowed.output
    assert allowed.output.startswith("audit trail intact: 1 record, head ")
    assert refused.exit_code == 2
    assert "401" in refused.stderr
