"""Confluent's JavaScript clients, unmodified, against evcat with sign-in (``node/auth.js``):
kafkajs' Basic ``auth``, @confluentinc/schemaregistry's ``USER_INFO`` and ``STATIC_TOKEN``.

kafkajs pins a subject-level compatibility on first registration (``PUT /config/{subject}``),
which only an admin may do; as in a real deployment, the admin sets the subject's level first
and the producer signs in as a writer.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.auth.conftest import secured_server
from tests.auth.helpers import TOKEN, USERS, basic, write_auth
from tests.clients.test_javascript_clients import NODE_DIR, SCRIPT_SECONDS, node_executable
from tests.conftest import database_url, drop_postgres_database

Summary = dict[str, Any]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def summary(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Summary]:
    folder = tmp_path_factory.mktemp("js-auth")
    db = database_url(str(request.param), folder)
    try:
        with secured_server(db, write_auth(folder / "auth.yaml")) as server:
            level = {"compatibility": "BACKWARD"}
            pinned = httpx.put(
                f"{server.url}/config/orders-kafkajs-value", json=level, headers=basic("root")
            )
            assert pinned.status_code == 200, pinned.text
            users = ["ci-bot", USERS["ci-bot"][0], "reader", USERS["reader"][0]]
            run = subprocess.run(
                [node_executable(), "auth.js", server.url, *users, TOKEN],
                cwd=NODE_DIR,
                capture_output=True,
                text=True,
                timeout=SCRIPT_SECONDS,
                check=False,
            )
            assert run.returncode == 0, f"node auth.js failed:\n{run.stdout}\n{run.stderr}"
            yield json.loads(run.stdout)
    finally:
        if request.param == "postgresql":
            drop_postgres_database(db)


def test_kafkajs_registers_and_round_trips_with_basic_auth(summary: Summary) -> None:
    assert summary["kafkajs"]["registeredId"] >= 1
    assert summary["kafkajs"]["roundTrip"] is True


def test_kafkajs_sees_a_wrong_password_as_401(summary: Summary) -> None:
    assert summary["kafkajs"]["wrongPassword"]["status"] == 401


def test_confluent_js_user_info_and_static_token_see_the_same_schema(summary: Summary) -> None:
    confluent = summary["confluent"]
    assert confluent["latestId"] == confluent["registeredId"]


def test_confluent_js_serdes_round_trip_with_token_and_password(summary: Summary) -> None:
    assert summary["confluent"]["roundTrip"] is True


def test_confluent_js_sees_a_forbidden_write_as_40301(summary: Summary) -> None:
    assert summary["confluent"]["readerWrites"] == {"status": 403, "errorCode": 40301}
