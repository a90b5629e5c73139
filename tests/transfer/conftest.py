"""Fixtures for moving registries: the CLI in process, and a source registry worth copying.

The source is a live evcat holding what a migration must carry: ids with gaps (a schema was
permanently deleted), Avro and Protobuf references, one id shared by two subjects, a
soft-deleted version and a soft-deleted subject, subject and global config, a subject held
READONLY with a config of its own.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from typer.testing import CliRunner, Result

from evcat.cli.main import app
from evcat.settings import Settings
from tests.conftest import LiveServer

Invoke = Callable[..., Result]

MONEY = {
    "type": "record",
    "name": "Money",
    "namespace": "com.acme",
    "fields": [{"name": "units", "type": "long"}, {"name": "currency", "type": "string"}],
}
ORDER = {
    "type": "record",
    "name": "Order",
    "namespace": "com.acme",
    "fields": [{"name": "id", "type": "string"}, {"name": "total", "type": "com.acme.Money"}],
}
LEGACY_V1 = {"type": "record", "name": "Legacy", "fields": [{"name": "a", "type": "int"}]}
LEGACY_V2 = {
    "type": "record",
    "name": "Legacy",
    "fields": [{"name": "a", "type": "int"}, {"name": "b", "type": "int", "default": 0}],
}
GONE = {"type": "record", "name": "Gone", "fields": [{"name": "x", "type": "string"}]}
POINT_PROTO = (
    'syntax = "proto3";\npackage geo;\n\nmessage Point {\n  double lat = 1;\n  double lon = 2;\n}\n'
)
ROUTE_PROTO = (
    'syntax = "proto3";\npackage geo;\n\nimport "geo/point.proto";\n\n'
    "message Route {\n  repeated geo.Point stops = 1;\n}\n"
)
CUSTOMER_JSON = {
    "type": "object",
    "properties": {"id": {"type": "string"}, "email": {"type": "string"}},
    "required": ["id"],
}


def register(client: httpx.Client, subject: str, body: dict[str, Any]) -> dict[str, Any]:
    answer = client.post(f"/subjects/{quote(subject, safe='')}/versions", json=body)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def avro(schema: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"schema": json.dumps(schema), **extra}


def populate(client: httpx.Client) -> dict[str, int]:
    """Fill a registry; returns the id of each schema by name."""
    scratch = register(client, "scratch-value", avro({"type": "record", "name": "S", "fields": []}))
    client.delete("/subjects/scratch-value")
    client.delete("/subjects/scratch-value", params={"permanent": "true"})
    ids = {"scratch": scratch["id"]}
    ids["money"] = register(client, "money-value", avro(MONEY))["id"]
    money_ref = [{"name": "com.acme.Money", "subject": "money-value", "version": 1}]
    ids["order"] = register(client, "orders-value", avro(ORDER, references=money_ref))["id"]
    ids["money-copy"] = register(client, "ledger-value", avro(MONEY))["id"]
    ids["legacy1"] = register(client, "legacy-value", avro(LEGACY_V1))["id"]
    ids["legacy2"] = register(client, "legacy-value", avro(LEGACY_V2))["id"]
    ids["gone"] = register(client, "gone-value", avro(GONE))["id"]
    ids["point"] = register(
        client, "geo/point.proto", {"schema": POINT_PROTO, "schemaType": "PROTOBUF"}
    )["id"]
    point_ref = [{"name": "geo/point.proto", "subject": "geo/point.proto", "version": 1}]
    ids["route"] = register(
        client,
        "routes-value",
        {"schema": ROUTE_PROTO, "schemaType": "PROTOBUF", "references": point_ref},
    )["id"]
    ids["customer"] = register(
        client, "customers-value", {"schema": json.dumps(CUSTOMER_JSON), "schemaType": "JSON"}
    )["id"]
    assert client.delete("/subjects/legacy-value/versions/1").status_code == 200
    assert client.delete("/subjects/gone-value").status_code == 200
    client.put("/config/orders-value", json={"compatibility": "FORWARD"}).raise_for_status()
    client.put("/config", json={"compatibility": "FULL"}).raise_for_status()
    client.put("/config/ledger-value", json={"compatibility": "NONE"}).raise_for_status()
    client.put("/mode/ledger-value", json={"mode": "READONLY"}).raise_for_status()
    return ids


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, int]]]:
    """A live evcat holding the registry ``populate`` writes; the tests only read it."""
    database = tmp_path_factory.mktemp("source") / "source.db"
    with LiveServer(Settings(db_url=f"sqlite:///{database}")) as server:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            ids = populate(client)
        yield server.url, ids


@pytest.fixture
def source_url(source: tuple[str, dict[str, int]]) -> str:
    return source[0]


@pytest.fixture
def source_ids(source: tuple[str, dict[str, int]]) -> dict[str, int]:
    return source[1]


@pytest.fixture(autouse=True)
def no_ambient_configuration(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No EVCAT_* setting leaks in from the shell; a default database would land in tmp_path."""
    for name in ("EVCAT_URL", "EVCAT_DB_URL", "EVCAT_USER", "EVCAT_PASSWORD", "EVCAT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def evcat() -> Invoke:
    """Run ``evcat ARGS...`` in process; stdout and stderr apart."""
    runner = CliRunner()

    def invoke(*args: str | Path, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(app, [str(a) for a in args], env=env, catch_exceptions=False)

    return invoke


def listing(url: str) -> list[tuple[str, int, int, bool]]:
    """Every version of a live registry as (subject, version, id, deleted)."""
    with httpx.Client(base_url=url, timeout=30) as client:
        answer = client.get("/schemas", params={"deleted": "true"})
        answer.raise_for_status()
        return [
            (v["subject"], v["version"], v["id"], bool(v.get("deleted"))) for v in answer.json()
        ]
