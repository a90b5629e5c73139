"""``evcat upcast --registry URL``: upcasting here over a registry read from a live evcat server.

Every run is compared with the same run over the server's own database (``--db``): the output
must be the same, byte for byte. The servers are real (uvicorn over HTTP, on SQLite and, with
EVCAT_TEST_DATABASE_URL, on PostgreSQL); the gateway some tests put in front of evcat stands
for what an operator meets on the way (a proxy, an authenticating gateway, a Confluent
registry that has no ``/v1`` routes).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import fastavro
import httpx
import orjson
import pytest
from typer.testing import CliRunner, Result

from evcat.app import create_app
from evcat.cli.main import app
from evcat.db import make_engine
from evcat.registry.entities import SchemaRequest
from evcat.registry.service import Registry
from evcat.settings import Settings
from evcat.upcast.service import UpcastService
from tests.conftest import LiveServer, free_port
from tests.upcast.deposits import EDGE, SCHEMAS, T, event, make_registry, write_events
from tests.upcast.order_schemas import ORDER, SPEC_1_2, SPEC_4_5, TIME, V1_EVENT
from tests.upcast.order_schemas import SCHEMAS as ORDER_SCHEMAS

runner = CliRunner()
CODE_MODULE = "tests.upcast.order_upcasters"
EVCAT = str(Path(sys.executable).parent / "evcat")
Receive = Callable[[], Any]
Send = Callable[[Mapping[str, Any]], Any]


@pytest.fixture(autouse=True)
def no_ambient_configuration(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No EVCAT_* setting leaks in from the shell; a default database would land in tmp_path."""
    for name in ("EVCAT_URL", "EVCAT_DB_URL", "EVCAT_USER", "EVCAT_PASSWORD", "EVCAT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def upcast(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(app, ["upcast", *map(str, args)], env=env, catch_exceptions=False)


def error_line(result: Result) -> str:
    """The one diagnostic line a failing command prints."""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("evcat: error: "), lines
    return lines[0]


# -- servers ----------------------------------------------------------------------------------


class Gateway:
    """An ASGI hop in front of evcat: records the paths asked for; optionally wants a bearer
    token (401 without it, 403 for the token ``reader``), or hides the ``/v1`` routes the way
    a Confluent registry answers them (404 in Confluent's error shape)."""

    def __init__(self, inner: Any, *, token: str | None = None, without_v1: bool = False) -> None:
        self.inner, self.token, self.without_v1 = inner, token, without_v1
        self.paths: list[str] = []

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.inner(scope, receive, send)
            return
        self.paths.append(scope["path"])
        given = dict(scope["headers"]).get(b"authorization", b"").decode()
        if self.token is not None and given != f"Bearer {self.token}":
            status = 403 if given == "Bearer reader" else 401
            await self.answer(send, status, {"error_code": status, "message": "denied"})
        elif self.without_v1 and scope["path"].startswith("/v1/"):
            await self.answer(send, 404, {"error_code": 404, "message": "HTTP 404 Not Found"})
        else:
            await self.inner(scope, receive, send)

    @staticmethod
    async def answer(send: Send, status: int, body: dict[str, Any]) -> None:
        headers = [(b"content-type", b"application/vnd.schemaregistry.v1+json")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": orjson.dumps(body)})


@contextmanager
def serving(asgi: Any) -> Iterator[str]:
    """``asgi`` over real HTTP on a free port; yields its URL."""
    with LiveServer(app=asgi) as server:
        yield server.url


@pytest.fixture
def deposits(db_url: str, registry_url: str) -> str:
    """bank.Deposited v1 -> v3 (one declarative edge, one implicit) in the live server's
    database; returns the server's URL (``db_url`` is the same database)."""
    make_registry(db_url)
    return registry_url


@pytest.fixture
def deposits_db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    make_registry(url)
    return url


def gateway(db_url: str, **options: Any) -> Gateway:
    return Gateway(create_app(Settings(db_url=db_url), migrate=False), **options)


# -- the same output as over the database -----------------------------------------------------


def test_streaming_run_against_a_live_server_is_byte_identical_to_the_run_with_db(
    db_url: str, deposits: str, tmp_path: Path
) -> None:
    source = tmp_path / "events.jsonl"
    write_events(source, 2_000, 13)
    cloudevent = {
        "specversion": "1.0",
        "id": "c-1",
        "source": "/bank",
        "type": f"{T}.v1",
        "time": "2024-01-01T00:00:00Z",  # else the CloudEvents SDK stamps the time of reading
        "data": event(3, 1)["data"],
    }
    unknown_version = {"type": T, "version": 9, "id": "bad", "data": {}}
    with source.open("ab") as handle:
        handle.write(orjson.dumps(cloudevent) + b"\n" + orjson.dumps(unknown_version) + b"\n")
    runs = {}
    for mode, where in (("db", ["--db", db_url]), ("remote", ["--registry", deposits])):
        out, quarantine = tmp_path / f"{mode}.jsonl", tmp_path / f"{mode}-q.jsonl"
        result = upcast(
            "run", source, "-o", out, *where, "--on-error", "quarantine", "--quarantine", quarantine
        )
        assert result.exit_code == 0, result.output
        runs[mode] = (out.read_bytes(), quarantine.read_bytes(), result.stderr)

    assert runs["remote"] == runs["db"]
    assert orjson.loads(runs["remote"][2])["failed"] == 1
    assert b'"upcastedfrom": "bank.Deposited@1"' in runs["remote"][0]


def test_avro_container_file_upcasts_over_a_live_server_as_over_the_database(
    db_url: str, deposits: str, tmp_path: Path
) -> None:
    v1 = {"type": "record", "name": T, "fields": SCHEMAS[0]}
    source = tmp_path / "in.avro"
    with open(source, "wb") as handle:
        fastavro.writer(
            handle, fastavro.parse_schema(v1), [event(n * 3, 1)["data"] for n in (1, 2)]
        )
    records = {}
    for mode, where in (("db", ["--db", db_url]), ("remote", ["--registry", deposits])):
        out = tmp_path / f"{mode}.avro"
        result = upcast("run", source, "--format", "avro", "--type", T, "-o", out, *where)
        assert result.exit_code == 0, result.output
        reader = fastavro.reader(io.BytesIO(out.read_bytes()))
        records[mode] = (reader.writer_schema, list(reader))

    assert records["remote"] == records["db"]
    assert [r["currency"] for r in records["remote"][1]] == ["EUR", "EUR"]


def test_bulk_run_with_two_workers_against_a_live_server_writes_the_database_runs_parts(
    db_url: str, deposits: str, tmp_path: Path
) -> None:
    source = tmp_path / "events.jsonl"
    dropped = write_events(source, 5_000, 17)
    parts = {}
    for mode, where in (("db", ["--db", db_url]), ("remote", ["--registry", deposits])):
        out = tmp_path / mode
        result = upcast("run", source, "--workers", "2", "--out-dir", out, *where)
        assert result.exit_code == 0, result.output
        assert orjson.loads(result.stderr)["written"] == 5_000 - dropped
        parts[mode] = [part.read_bytes() for part in sorted(out.glob("part-*.jsonl"))]

    assert len(parts["remote"]) == 2
    assert parts["remote"] == parts["db"]


def test_bulk_workers_get_the_registry_from_the_parent_instead_of_downloading_it(
    deposits_db: str, tmp_path: Path
) -> None:
    source = tmp_path / "events.jsonl"
    write_events(source, 1_000, 5)
    hop = gateway(deposits_db)
    with serving(hop) as url:
        result = upcast(
            "run", source, "--registry", url, "--workers", "2", "--out-dir", tmp_path / "out"
        )

    assert result.exit_code == 0, result.output
    assert hop.paths.count("/schemas") == 1
    assert hop.paths.count("/v1/upcasters") == 1
    assert [path for path in hop.paths if "/versions/" in path] == []


@pytest.mark.parametrize(
    "args",
    [("plan", T, "1"), ("plan", T, "1", "--target", "2"), ("check",), ("ancestors", T)],
    ids=["plan", "plan-to-v2", "check", "ancestors"],
)
def test_plan_check_and_ancestors_against_a_live_server_print_what_they_print_with_db(
    db_url: str, deposits: str, args: tuple[str, ...]
) -> None:
    over_db = upcast(*args, "--db", db_url)
    remote = upcast(*args, "--registry", deposits)

    assert over_db.exit_code == remote.exit_code == 0, remote.output
    assert remote.stdout == over_db.stdout
    assert remote.stdout.strip()


def test_check_against_a_live_server_lists_the_graphs_problems_and_exits_1(
    db_url: str, registry_url: str
) -> None:
    # Two versions a field without a default apart, and no upcaster between them: a GAP.
    registry = Registry(make_engine(db_url), Settings(db_url=db_url))
    for fields in (SCHEMAS[0], [*SCHEMAS[0], {"name": "memo", "type": "string"}]):
        text = json.dumps({"type": "record", "name": T, "fields": fields})
        registry.register(T, SchemaRequest(schema=text), force=True)

    over_db = upcast("check", "--db", db_url)
    remote = upcast("check", "--registry", registry_url)

    assert over_db.exit_code == remote.exit_code == 1
    assert remote.stdout == over_db.stdout
    assert remote.stdout.startswith(f"GAP: {T} v1->v2")


# -- schemas with references ------------------------------------------------------------------

MONEY = {
    "type": "record",
    "name": "Money",
    "namespace": "bank",
    "fields": [{"name": "cents", "type": "long"}, {"name": "currency", "type": "string"}],
}
MONEY_PROTO = (
    'syntax = "proto3";\npackage acme;\nmessage Money { int64 cents = 1; string currency = 2; }\n'
)


def paid(*extra: dict[str, Any]) -> str:
    fields = [{"name": "order", "type": "string"}, {"name": "amount", "type": "bank.Money"}]
    return json.dumps(
        {"type": "record", "name": "Paid", "namespace": "shop", "fields": fields + list(extra)}
    )


def refunded(extra: str = "") -> str:
    return (
        'syntax = "proto3";\npackage acme;\nimport "acme/money.proto";\n'
        f"message Refunded {{ string order = 1; acme.Money amount = 2;{extra} }}\n"
    )


def post(client: httpx.Client, path: str, body: dict[str, Any]) -> None:
    answer = client.post(path, json=body)
    assert answer.status_code in (200, 201), answer.text


def test_schemas_with_references_upcast_over_a_live_server_as_over_the_database(
    db_url: str, registry_url: str, tmp_path: Path
) -> None:
    avro_ref = [{"name": "bank.Money", "subject": "bank.Money", "version": 1}]
    # A Protobuf file subject: its name holds a slash, which the /v1 routes cannot address.
    proto_ref = [{"name": "acme/money.proto", "subject": "acme/money.proto", "version": 1}]
    with httpx.Client(base_url=registry_url, timeout=30) as client:
        post(client, "/subjects/bank.Money/versions", {"schema": json.dumps(MONEY)})
        post(client, "/subjects/shop.Paid/versions", {"schema": paid(), "references": avro_ref})
        client.put("/config/shop.Paid", json={"compatibility": "NONE"})
        memo = {"name": "memo", "type": "string"}
        post(client, "/subjects/shop.Paid/versions", {"schema": paid(memo), "references": avro_ref})
        copy = {"copy": {"from": "amount.currency", "to": "memo"}}  # a field of the reference
        post(client, "/v1/events/shop.Paid/versions/2/upcasters", {"ops": [copy]})
        post(client, "/subjects/acme%2Fmoney.proto/versions", proto(MONEY_PROTO))
        for extra in ("", " string reason = 3;"):
            body = proto(refunded(extra)) | {"references": proto_ref}
            post(client, "/subjects/acme.Refunded/versions", body)
    amount = {"cents": 5, "currency": "CHF"}
    events = [
        {"type": "shop.Paid", "version": 1, "id": "p-1", "data": {"order": "o", "amount": amount}},
        {
            "type": "acme.Refunded",
            "version": 1,
            "id": "r-1",
            "data": {"order": "o", "amount": amount},
        },
    ]
    source = tmp_path / "events.jsonl"
    source.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in events))

    over_db = upcast("run", source, "--db", db_url)
    remote = upcast("run", source, "--registry", registry_url)

    assert remote.exit_code == over_db.exit_code == 0, remote.output
    assert remote.stdout_bytes == over_db.stdout_bytes
    paid_v2, refunded_v2 = (orjson.loads(line) for line in remote.stdout_bytes.splitlines())
    assert (paid_v2["version"], paid_v2["data"]["memo"]) == (2, "CHF")
    assert (refunded_v2["version"], refunded_v2["data"]["reason"]) == (2, "")


def proto(text: str) -> dict[str, Any]:
    return {"schema": text, "schemaType": "PROTOBUF"}


# -- Python upcasters: code from --module, pins from the server -------------------------------


@pytest.fixture
def pinned_orders(db_url: str, registry_url: str) -> str:
    """shop.OrderPlaced v1..v5 with two declarative edges and a pinned Python upcaster."""
    registry = Registry(make_engine(db_url), Settings(db_url=db_url))
    for node in sorted(ORDER_SCHEMAS):
        text = json.dumps(ORDER_SCHEMAS[node].model.schema)
        registry.register(ORDER, SchemaRequest(schema=text), force=True)
    service = UpcastService(registry, code_modules=[CODE_MODULE], samples=20)
    service.register(SPEC_1_2)
    service.register(SPEC_4_5)
    service.pin()
    return registry_url


def test_python_upcasters_come_from_modules_and_their_pins_from_the_server(
    db_url: str, pinned_orders: str, tmp_path: Path
) -> None:
    source = tmp_path / "orders.jsonl"
    stored = {"type": ORDER, "version": 1, "id": "o-1", "time": TIME, "data": V1_EVENT}
    source.write_bytes(orjson.dumps(stored) + b"\n")

    over_db = upcast("run", source, "--db", db_url, "-m", CODE_MODULE)
    remote = upcast("run", source, "--registry", pinned_orders, "-m", CODE_MODULE)
    # In a process of its own: this one has imported the module, and @upcaster code stays.
    environment = {k: v for k, v in os.environ.items() if not k.startswith("EVCAT_")}
    without_code = subprocess.run(
        [EVCAT, "upcast", "run", str(source), "--registry", pinned_orders],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )

    assert remote.exit_code == over_db.exit_code == 0, remote.output
    assert remote.stdout_bytes == over_db.stdout_bytes
    assert orjson.loads(remote.stdout_bytes)["data"]["amount"] == {
        "value": "12.34",
        "currency": "EUR",
    }
    assert without_code.returncode == 2
    [line] = without_code.stderr.splitlines()
    assert "CODE_MISSING" in line
    assert f"pinned upcaster {CODE_MODULE}:order_v3_v4 is not loaded" in line


# -- choosing the registry --------------------------------------------------------------------


@pytest.mark.parametrize("command", ["run", "plan", "check", "ancestors"])
def test_upcast_read_commands_take_the_connection_options(command: str) -> None:
    text = upcast(command, "--help").stdout
    for option in ("--db", "--registry", "--user", "--password", "--token", "EVCAT_URL"):
        assert option in text


def test_db_with_registry_is_refused_as_a_usage_error(deposits_db: str, tmp_path: Path) -> None:
    result = upcast("check", "--db", deposits_db, "--registry", "http://127.0.0.1:9")

    assert result.exit_code == 2
    assert "pass either --db" in error_line(result)
    assert "or --registry" in error_line(result)


def test_evcat_url_selects_the_server_and_a_db_flag_overrides_it(deposits_db: str) -> None:
    with serving(gateway(deposits_db)) as url:
        from_environment = upcast("ancestors", T, env={"EVCAT_URL": url})
    unreachable = {"EVCAT_URL": "http://127.0.0.1:9"}
    db_flag = upcast("ancestors", T, "--db", deposits_db, env=unreachable)
    db_variable = upcast("ancestors", T, env=unreachable | {"EVCAT_DB_URL": deposits_db})

    assert from_environment.stdout == db_flag.stdout == db_variable.stdout == f"{T} 1,2,3\n"


# -- failures: one line, exit 2 ---------------------------------------------------------------


def test_unreachable_server_is_one_line_and_exit_2(tmp_path: Path) -> None:
    source = tmp_path / "events.jsonl"
    source.write_bytes(orjson.dumps(event(1, 1)) + b"\n")
    url = f"http://127.0.0.1:{free_port()}"

    result = upcast("run", source, "--registry", url)

    assert result.exit_code == 2
    assert f"cannot reach the registry at {url}" in error_line(result)


def test_server_without_v1_routes_is_not_taken_for_evcat(deposits_db: str) -> None:
    with serving(gateway(deposits_db, without_v1=True)) as url:
        result = upcast("plan", T, "1", "--registry", url)

    assert result.exit_code == 2
    line = error_line(result)
    assert f"{url} is not an evcat server" in line
    assert "answered 404" in line


def test_empty_server_without_v1_routes_is_not_taken_for_evcat(tmp_path: Path) -> None:
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    with serving(Gateway(create_app(Settings(db_url=empty), migrate=True), without_v1=True)) as url:
        result = upcast("check", "--registry", url)

    assert result.exit_code == 2
    assert f"{url} is not an evcat server" in error_line(result)


def test_server_that_is_no_schema_registry_is_one_line_and_exit_2() -> None:
    async def not_found(scope: dict[str, Any], receive: Receive, send: Send) -> None:
        await Gateway.answer(send, 404, {"detail": "Not Found"})

    with serving(not_found) as url:
        result = upcast("check", "--registry", url)

    assert result.exit_code == 2
    assert f"{url} did not answer GET /schemas like a schema registry" in error_line(result)


@pytest.mark.parametrize(
    ("credentials", "expected"),
    [((), "refused the credentials (401 Unauthorized)"), (("--token", "reader"), "403 Forbidden")],
    ids=["401", "403"],
)
def test_refused_credentials_are_one_line_and_exit_2(
    deposits_db: str, credentials: tuple[str, ...], expected: str
) -> None:
    with serving(gateway(deposits_db, token="t0ken")) as url:
        refused = upcast("ancestors", T, "--registry", url, *credentials)
        allowed = upcast("ancestors", T, "--registry", url, "--token", "t0ken")

    assert refused.exit_code == 2
    assert expected in error_line(refused)
    assert (allowed.exit_code, allowed.stdout) == (0, f"{T} 1,2,3\n")


def test_unknown_event_over_a_live_server_is_the_database_runs_one_line(
    db_url: str, deposits: str
) -> None:
    over_db = upcast("plan", "bank.Nothing", "1", "--db", db_url)
    remote = upcast("plan", "bank.Nothing", "1", "--registry", deposits)

    assert over_db.exit_code == remote.exit_code == 2
    assert error_line(remote) == error_line(over_db)
    assert "bank.Nothing v1 is not a registered version" in error_line(remote)


def test_add_over_a_live_server_registers_as_over_the_database(
    db_url: str, deposits: str, tmp_path: Path
) -> None:
    document = tmp_path / "edge.yaml"
    document.write_text(json.dumps(EDGE))

    duplicate = upcast("add", document, "--registry", deposits)
    replaced = upcast("add", document, "--registry", deposits, "--replace")
    over_db = upcast("add", document, "--db", db_url, "--replace")

    assert duplicate.exit_code == 2
    assert "exists" in error_line(duplicate)
    assert replaced.exit_code == 0, replaced.output
    assert replaced.stdout.startswith(f"registered declarative {T} v1 -> v2 sha256:")
    assert replaced.stdout == over_db.stdout


def test_add_over_a_live_server_shows_the_servers_reason_for_a_bad_upcaster(
    deposits: str, tmp_path: Path
) -> None:
    document = tmp_path / "edge.yaml"
    bad = {**EDGE, "ops": [{"rename": {"from": "no_such_field", "to": "other"}}]}
    document.write_text(json.dumps(bad))

    result = upcast("add", document, "--registry", deposits, "--replace")

    assert result.exit_code == 2
    assert "no_such_field" in error_line(result)
