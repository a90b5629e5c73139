"""Signing in over HTTP: Basic, static tokens, refusals in each API's shape, the file reloaded."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from evcat.app import create_app
from evcat.auth.credentials import Authenticator, Refused
from evcat.auth.hashing import token_digest
from evcat.auth.parsing import parse_config
from evcat.auth.principal import REFUSED_KEY
from evcat.auth.state import CHECK_SECONDS
from evcat.http.context import context_of
from evcat.settings import Settings
from tests.auth.conftest import secured_server
from tests.auth.helpers import TOKEN, auth_document, basic, bearer, write_auth
from tests.conftest import LiveServer

AVRO = {"schema": '{"type": "record", "name": "Order", "fields": []}'}


def test_basic_credentials_sign_in(http: httpx.Client) -> None:
    answer = http.post("/subjects/orders-value/versions", json=AVRO, headers=basic("ci-bot"))
    assert answer.status_code == 200


def test_a_wrong_password_is_refused_in_confluents_shape(http: httpx.Client) -> None:
    answer = http.get("/subjects", headers=basic("ci-bot", "guess"))
    assert answer.status_code == 401
    assert answer.json() == {"error_code": 40101, "message": "Unauthorized"}
    assert answer.headers["www-authenticate"] == 'Basic realm="evcat", Bearer realm="evcat"'


def test_an_unknown_user_is_refused_like_a_wrong_password(http: httpx.Client) -> None:
    answer = http.get("/subjects", headers=basic("ci-bot", "x"))
    unknown = http.get("/subjects", auth=("mallory", "x"))
    assert (unknown.status_code, unknown.json()) == (answer.status_code, answer.json())


def test_a_refusal_on_v1_is_a_problem(http: httpx.Client) -> None:
    answer = http.get("/v1/events")
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["error_code"] == 40101


def test_a_forbidden_write_names_user_operation_and_subject(http: httpx.Client) -> None:
    answer = http.post("/subjects/payments-value/versions", json=AVRO, headers=basic("ci-bot"))
    assert answer.status_code == 403
    assert answer.json() == {
        "error_code": 40301,
        "message": "User ci-bot is denied operation Write on Subject: payments-value",
    }


def test_a_forbidden_v1_call_is_a_problem(http: httpx.Client) -> None:
    answer = http.post("/v1/catalog/apply", content=b"", headers=basic("ci-bot"))
    assert answer.status_code == 403
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["detail"] == "User ci-bot is denied operation EditCatalog on Global"


def test_the_website_asks_the_browser_for_basic_credentials(http: httpx.Client) -> None:
    answer = http.get("/catalog/")
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"].startswith('Basic realm="evcat"')
    assert answer.headers["content-type"].startswith("text/html")


def test_a_static_token_signs_in_with_its_groups(http: httpx.Client) -> None:
    answer = http.post("/subjects/orders-value/versions", json=AVRO, headers=bearer(TOKEN))
    assert answer.status_code == 200


def test_an_unknown_token_is_refused(http: httpx.Client) -> None:
    assert http.get("/subjects", headers=bearer("evcat_not-a-token")).status_code == 401


def test_an_expired_token_is_refused(db_url: str, tmp_path: Path) -> None:
    yesterday = dt.date.today() - dt.timedelta(days=2)
    tokens = [{"name": "old", "token_sha256": token_digest("old-token"), "expires": yesterday}]
    with secured_server(db_url, write_auth(tmp_path / "auth.yaml", tokens=tokens)) as server:
        assert httpx.get(f"{server.url}/subjects", headers=bearer("old-token")).status_code == 401


def test_anonymous_read_lets_requests_without_credentials_read(db_url: str, tmp_path: Path) -> None:
    with secured_server(db_url, write_auth(tmp_path / "auth.yaml", anonymous="read")) as server:
        assert httpx.get(f"{server.url}/subjects").status_code == 200
        assert httpx.get(f"{server.url}/catalog/").status_code == 200
        written = httpx.post(f"{server.url}/subjects/orders-value/versions", json=AVRO)
        assert written.status_code == 401


def test_an_edited_file_takes_effect_and_drops_cached_credentials(
    http: httpx.Client, auth_file: Path
) -> None:
    assert http.get("/subjects", headers=basic("reader")).status_code == 200
    document = auth_document()
    document["users"] = [u for u in document["users"] if u["name"] != "reader"]
    auth_file.write_text(yaml.safe_dump(document))
    time.sleep(CHECK_SECONDS + 0.1)
    assert http.get("/subjects", headers=basic("reader")).status_code == 401


def test_a_broken_edit_keeps_the_previous_file_in_force(
    http: httpx.Client, auth_file: Path
) -> None:
    auth_file.write_text("users: [")
    time.sleep(CHECK_SECONDS + 0.1)
    assert http.get("/subjects", headers=basic("reader")).status_code == 200


@pytest.mark.anyio
async def test_a_verified_header_is_answered_from_the_cache(tmp_path: Path) -> None:
    authenticator = Authenticator(parse_config(auth_document(), tmp_path))
    header = basic("ci-bot")["Authorization"].encode()
    key, before = authenticator.cached(header)
    verified = await authenticator.verify(key, header)
    assert before is None
    assert authenticator.cached(header) == (key, verified)


@pytest.mark.anyio
async def test_a_refused_header_is_not_cached(tmp_path: Path) -> None:
    authenticator = Authenticator(parse_config(auth_document(), tmp_path))
    header = basic("ci-bot", "guess")["Authorization"].encode()
    key, _ = authenticator.cached(header)
    with pytest.raises(Refused):
        await authenticator.verify(key, header)
    assert authenticator.cached(header) == (key, None)


@pytest.mark.anyio
async def test_concurrent_requests_with_one_header_share_one_check(tmp_path: Path) -> None:
    authenticator = Authenticator(parse_config(auth_document(), tmp_path))
    header = basic("ci-bot")["Authorization"].encode()
    key, _ = authenticator.cached(header)
    principals = await asyncio.gather(*(authenticator.verify(key, header) for _ in range(20)))
    # Each check makes its own Principal: one object for all twenty means one password hash.
    assert len({id(principal) for principal in principals}) == 1


class _Outer:
    """An outer layer, as the audit trail will be: what did the request leave in its state?"""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.seen: list[Any] = []
        self.principals: list[Any] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)
        if scope["type"] == "http":
            self.seen.append(scope.get("state", {}).get(REFUSED_KEY))
            self.principals.append(context_of(scope).principal)


def test_a_refused_sign_in_is_left_for_outer_layers_without_the_secret(
    db_url: str, auth_file: Path
) -> None:
    outer = _Outer(create_app(Settings(db_url=db_url, auth_config=auth_file), migrate=True))
    with LiveServer(app=outer) as server:
        httpx.get(f"{server.url}/subjects", headers=basic("ci-bot", "hunter2-guess"))
    (refused,) = outer.seen
    assert (refused.client, refused.method, refused.path) == ("127.0.0.1", "GET", "/subjects")
    assert "ci-bot" in refused.reason
    assert "hunter2" not in repr(refused)


def test_the_verified_principal_is_on_the_request_context(db_url: str, auth_file: Path) -> None:
    outer = _Outer(create_app(Settings(db_url=db_url, auth_config=auth_file), migrate=True))
    with LiveServer(app=outer) as server:
        httpx.get(f"{server.url}/subjects", headers=basic("ci-bot"))
        httpx.get(f"{server.url}/subjects")
    signed_in, anonymous = outer.principals
    assert (signed_in.name, signed_in.groups, signed_in.method) == ("ci-bot", {"orders"}, "user")
    assert anonymous is None
