"""Cross-site request forgery and DNS rebinding: what a browser page on another site could
send is refused, and what Confluent's clients, the CLI and curl send is not. Over real HTTP,
on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from evcat.settings import Settings
from tests.conftest import LiveServer
from tests.registry.schemas import ORDER_V1, body

SCHEMA_REGISTRY = {"content-type": "application/vnd.schemaregistry.v1+json"}
TEAM = "kind: Team\nid: payments\nname: Payments\n"


@pytest.fixture
def guarded(settings: Settings) -> Iterator[httpx.Client]:
    configured = settings.model_copy(
        update={
            "allowed_origins": "https://console.example.com",
            "allowed_hosts": "127.0.0.1, *.example.com",
        }
    )
    with (
        LiveServer(configured) as server,
        httpx.Client(base_url=server.url, timeout=30) as http,
    ):
        yield http


def register(http: httpx.Client, **headers: str) -> httpx.Response:
    return http.post(
        "/subjects/orders-value/versions",
        json=body(ORDER_V1),
        headers=SCHEMA_REGISTRY | headers,
    )


def test_a_form_post_to_a_confluent_route_is_415(client: httpx.Client) -> None:
    answer = client.post("/subjects/orders-value/versions", data={"schema": ORDER_V1})
    assert answer.status_code == 415
    assert answer.json()["error_code"] == 415
    assert "application/x-www-form-urlencoded" in answer.json()["message"]
    assert client.get("/subjects").json() == []


def test_a_text_plain_body_to_a_v1_route_is_a_415_problem(client: httpx.Client) -> None:
    answer = client.post("/v1/catalog/apply", content=TEAM, headers={"content-type": "text/plain"})
    assert answer.status_code == 415
    assert answer.headers["content-type"] == "application/problem+json"


def test_a_body_without_a_content_type_is_415(client: httpx.Client) -> None:
    answer = client.post("/v1/catalog/apply", content=TEAM)
    assert answer.status_code == 415
    assert "'(none)'" in answer.json()["detail"]


def test_json_yaml_schema_registry_and_octet_stream_bodies_are_accepted(
    client: httpx.Client,
) -> None:
    for content_type in (
        "application/vnd.schemaregistry.v1+json",
        "application/vnd.schemaregistry+json",
        "application/json; charset=utf-8",
        "application/octet-stream",
    ):
        answer = client.post(
            "/subjects/orders-value/versions",
            json=body(ORDER_V1),
            headers={"content-type": content_type},
        )
        assert answer.status_code == 200, (content_type, answer.text)
    for content_type in ("application/yaml", "application/x-yaml", "text/yaml"):
        answer = client.post(
            "/v1/catalog/apply", content=TEAM, headers={"content-type": content_type}
        )
        assert answer.status_code == 200, (content_type, answer.text)


def test_a_delete_without_a_body_needs_no_content_type(client: httpx.Client) -> None:
    assert register(client).status_code == 200
    answer = client.delete("/subjects/orders-value")
    assert answer.status_code == 200, answer.text
    assert answer.json() == [1]


def test_a_foreign_origin_may_not_change_state(guarded: httpx.Client) -> None:
    answer = register(guarded, origin="https://evil.example.net")
    assert answer.status_code == 403
    assert answer.json()["error_code"] == 40360
    assert "EVCAT_ALLOWED_ORIGINS" in answer.json()["message"]
    assert guarded.get("/subjects").json() == []


def test_a_foreign_origin_is_refused_on_the_website_with_a_page(guarded: httpx.Client) -> None:
    answer = guarded.post("/catalog/", headers={"origin": "https://evil.example.net"})
    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("text/html")


def test_a_foreign_origin_may_still_read(guarded: httpx.Client) -> None:
    answer = guarded.get("/subjects", headers={"origin": "https://evil.example.net"})
    assert answer.status_code == 200


def test_an_allowed_origin_may_change_state(guarded: httpx.Client) -> None:
    assert register(guarded, origin="https://console.example.com").status_code == 200


def test_the_servers_own_origin_may_change_state(guarded: httpx.Client) -> None:
    own = str(guarded.base_url).rstrip("/")
    assert register(guarded, origin=own).status_code == 200


def test_a_host_outside_the_allowed_hosts_is_400(guarded: httpx.Client) -> None:
    answer = guarded.get("/subjects", headers={"host": "attacker.example.net"})
    assert answer.status_code == 400
    assert answer.json()["error_code"] == 40060
    assert "EVCAT_ALLOWED_HOSTS" in answer.json()["message"]


def test_allowed_hosts_match_exact_names_and_sub_domains_whatever_the_port(
    guarded: httpx.Client,
) -> None:
    for host in ("127.0.0.1:9", "registry.example.com", "a.b.example.com:8081"):
        assert guarded.get("/subjects", headers={"host": host}).status_code == 200, host
    assert guarded.get("/subjects", headers={"host": "example.com"}).status_code == 400


def test_every_host_is_served_by_default(client: httpx.Client) -> None:
    answer = client.get("/subjects", headers={"host": "anything.example.net"})
    assert answer.status_code == 200
