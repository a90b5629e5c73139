"""Refused sign-ins throttled per address, per-principal rate limits, and a trusted proxy naming
the client and its identity."""

from __future__ import annotations

from pathlib import Path

import httpx

from evcat.auth.limits import FAILURES_PER_WINDOW
from tests.auth.conftest import secured_server
from tests.auth.helpers import basic, write_auth

PROXY = "127.0.0.1/32"


def _from(client: str) -> dict[str, str]:
    """What the trusted proxy (this test, on 127.0.0.1) says about the client it forwards."""
    return {"X-Forwarded-For": client}


def _proxied(db_url: str, tmp_path: Path, **overrides: object) -> object:
    return secured_server(
        db_url, write_auth(tmp_path / "auth.yaml", trusted_proxies=[PROXY], **overrides)
    )


def test_ten_refused_sign_ins_block_the_address_whatever_it_sends(
    db_url: str, tmp_path: Path
) -> None:
    with _proxied(db_url, tmp_path) as server, httpx.Client(base_url=server.url) as http:
        for _ in range(FAILURES_PER_WINDOW):
            wrong = http.get("/subjects", headers=basic("ci-bot", "guess") | _from("198.51.100.7"))
            assert wrong.status_code == 401
        right = http.get("/subjects", headers=basic("ci-bot") | _from("198.51.100.7"))
        assert right.status_code == 429
        assert right.json()["error_code"] == 42920
        assert 1 <= int(right.headers["retry-after"]) <= 60


def test_a_blocked_address_leaves_other_addresses_alone(db_url: str, tmp_path: Path) -> None:
    with _proxied(db_url, tmp_path) as server, httpx.Client(base_url=server.url) as http:
        for _ in range(FAILURES_PER_WINDOW):
            http.get("/subjects", headers=basic("ci-bot", "guess") | _from("198.51.100.7"))
        other = http.get("/subjects", headers=basic("ci-bot") | _from("198.51.100.8"))
        assert other.status_code == 200


def test_a_principal_over_its_rate_gets_429_with_retry_after(db_url: str, tmp_path: Path) -> None:
    limits = {"default": {"per_minute": 60, "burst": 3}}
    with (
        secured_server(db_url, write_auth(tmp_path / "auth.yaml", rate_limits=limits)) as server,
        httpx.Client(base_url=server.url, headers=basic("reader")) as http,
    ):
        statuses = [http.get("/subjects").status_code for _ in range(4)]
        refused = http.get("/subjects")
        assert statuses == [200, 200, 200, 429]
        assert refused.json()["error_code"] == 42901
        assert refused.headers["retry-after"] == "1"


def test_a_rate_limit_on_v1_is_a_problem(db_url: str, tmp_path: Path) -> None:
    limits = {"default": {"per_minute": 1, "burst": 1}}
    with (
        secured_server(db_url, write_auth(tmp_path / "auth.yaml", rate_limits=limits)) as server,
        httpx.Client(base_url=server.url, headers=basic("reader")) as http,
    ):
        http.get("/v1/events")
        refused = http.get("/v1/events")
        assert refused.status_code == 429
        assert refused.headers["content-type"] == "application/problem+json"
        assert int(refused.headers["retry-after"]) > 1


def test_a_principal_limit_overrides_the_default(db_url: str, tmp_path: Path) -> None:
    limits = {
        "default": {"per_minute": 60, "burst": 1},
        "principals": {"ci-bot": {"per_minute": 600, "burst": 5}},
    }
    with (
        secured_server(db_url, write_auth(tmp_path / "auth.yaml", rate_limits=limits)) as server,
        httpx.Client(base_url=server.url) as http,
    ):
        ci = [http.get("/subjects", headers=basic("ci-bot")).status_code for _ in range(5)]
        readers = [http.get("/subjects", headers=basic("reader")).status_code for _ in range(2)]
        assert ci == [200] * 5
        assert readers == [200, 429]


def test_anonymous_clients_are_limited_per_address(db_url: str, tmp_path: Path) -> None:
    limits = {"default": {"per_minute": 60, "burst": 1}}
    with (
        _proxied(db_url, tmp_path, anonymous="read", rate_limits=limits) as server,
        httpx.Client(base_url=server.url) as http,
    ):
        first = [http.get("/subjects", headers=_from("198.51.100.7")).status_code for _ in range(2)]
        other = http.get("/subjects", headers=_from("198.51.100.8")).status_code
        assert (first, other) == ([200, 429], 200)


def test_a_trusted_proxy_names_the_principal(db_url: str, tmp_path: Path) -> None:
    with (
        _proxied(db_url, tmp_path, identity_header="X-Forwarded-User") as server,
        httpx.Client(base_url=server.url) as http,
    ):
        answer = http.put(
            "/config", json={"compatibility": "NONE"}, headers={"X-Forwarded-User": "ci-bot"}
        )
        assert answer.status_code == 403
        assert answer.json()["message"] == "User ci-bot is denied operation AlterConfig on Global"


def test_an_identity_header_from_an_untrusted_address_is_ignored(
    db_url: str, tmp_path: Path
) -> None:
    auth = write_auth(
        tmp_path / "auth.yaml", trusted_proxies=["10.9.9.9/32"], identity_header="X-Forwarded-User"
    )
    with secured_server(db_url, auth) as server, httpx.Client(base_url=server.url) as http:
        answer = http.get("/subjects", headers={"X-Forwarded-User": "root"})
        assert answer.status_code == 401
