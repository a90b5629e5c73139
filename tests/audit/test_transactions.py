"""A record lives and dies with its change; refused sign-ins are recorded on their own."""

from __future__ import annotations

import asyncio
import base64
import json
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from evcat.audit import Actor, record, record_refused_sign_in
from evcat.db import make_engine, read_session, write_session
from evcat.http.context import CONTEXT_KEY, RequestContext
from evcat.http.families import family_of
from evcat.http.refused_sign_ins import sign_in_listener
from evcat.registry.entities import SchemaRequest, SubjectVersion
from evcat.registry.service import Registry
from evcat.settings import Settings
from tests.audit.conftest import avro, records


@pytest.fixture
def engine(db_url: str, registry_url: str) -> Engine:
    """An engine on the database the live server (``client``) serves."""
    return make_engine(db_url)


class Undone(Exception):
    pass


def _undo(_session: Session, _version: SubjectVersion) -> None:
    raise Undone


def test_a_change_that_rolls_back_leaves_no_record(
    engine: Engine, settings: Settings, client: httpx.Client
) -> None:
    registry = Registry(engine, settings)

    with pytest.raises(Undone):
        registry.register("orders-value", SchemaRequest(schema=avro("A", "id")), after_insert=_undo)

    assert records(client) == []
    assert client.get("/subjects").json() == []


def test_a_record_outside_a_write_transaction_is_refused(engine: Engine) -> None:
    with read_session(engine) as session, pytest.raises(RuntimeError, match="write_session"):
        record(session, Actor(), "config.set", "config:global")


def test_an_unknown_action_is_refused(engine: Engine) -> None:
    with write_session(engine) as session, pytest.raises(ValueError, match="unknown audit action"):
        record(session, Actor(), "config.sett", "config:global")


def test_a_refused_sign_in_is_recorded_without_a_principal(
    engine: Engine, client: httpx.Client
) -> None:
    actor = Actor(request_id="r-7", client="203.0.113.9")

    record_refused_sign_in(engine, actor, scheme="basic", claimed="ci-bot", reason="bad password")

    [entry] = records(client, outcome="refused")
    assert (entry["principal"], entry["action"], entry["resource"]) == (
        "anonymous",
        "auth.sign-in",
        "sign-in:basic",
    )
    assert (entry["request_id"], entry["client"]) == ("r-7", "203.0.113.9")
    assert entry["after"] == {"claimed_principal": "ci-bot", "reason": "bad password"}


def test_a_refused_sign_in_keeps_caches_valid(engine: Engine, settings: Settings) -> None:
    registry = Registry(engine, settings)
    epoch = registry.change_epoch()

    record_refused_sign_in(engine, Actor(), scheme="bearer", claimed=None, reason="unknown token")

    assert registry.change_epoch() == epoch


def test_a_claimed_name_is_stored_bounded_and_printable(
    engine: Engine, client: httpx.Client
) -> None:
    claimed = "\ud800" + "x" * 10_000

    record_refused_sign_in(engine, Actor(), scheme="basic", claimed=claimed, reason="no such user")

    [entry] = records(client)
    assert entry["after"]["claimed_principal"] == "?" + "x" * 255


@dataclass(frozen=True)
class Refusal:
    """What the auth middleware reports of a refused sign-in (client, reason; no secret)."""

    client: str
    reason: str


def test_the_sign_in_listener_records_the_claimed_user_but_never_the_password(
    engine: Engine, client: httpx.Client
) -> None:
    credentials = base64.b64encode(b"ci-bot:hunter2").decode()
    context = RequestContext("10.0.0.5", family_of("/subjects"))
    scope = {
        "type": "http",
        "client": ("10.0.0.5", 4242),
        "headers": [(b"authorization", f"Basic {credentials}".encode())],
        CONTEXT_KEY: context,
    }

    asyncio.run(sign_in_listener(engine)(scope, Refusal("198.51.100.7", "wrong password")))

    [entry] = records(client, action="auth.sign-in")
    assert (entry["resource"], entry["client"], entry["outcome"]) == (
        "sign-in:basic",
        "198.51.100.7",
        "refused",
    )
    assert entry["after"] == {"claimed_principal": "ci-bot", "reason": "wrong password"}
    assert entry["request_id"] == context.request_id
    assert "hunter2" not in json.dumps(entry)
