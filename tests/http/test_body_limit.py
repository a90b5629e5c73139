"""The body-size limit holds on every route family, whether the body announces its length
or arrives chunked; a Content-Length above the limit is refused before the body is read.
Over real HTTP, on SQLite and PostgreSQL, with EVCAT_MAX_REQUEST_BYTES at 2,000 bytes."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from evcat.settings import Settings
from tests.conftest import LiveServer
from tests.registry.schemas import ORDER_V1, body

LIMIT = 2000
JSON = {"content-type": "application/vnd.schemaregistry.v1+json"}
TOO_BIG = json.dumps(body(json.dumps({"type": "record", "name": "E", "doc": "x" * LIMIT})))


@pytest.fixture
def limited(settings: Settings) -> Iterator[httpx.Client]:
    capped = settings.model_copy(update={"max_request_bytes": LIMIT})
    with (
        LiveServer(capped) as server,
        httpx.Client(base_url=server.url, timeout=30) as http,
    ):
        yield http


def chunks(text: str) -> Iterator[bytes]:
    """The text in 500-byte pieces: httpx sends an iterator with chunked transfer encoding."""
    data = text.encode()
    for start in range(0, len(data), 500):
        yield data[start : start + 500]


def test_confluent_route_refuses_a_declared_length_over_the_limit(
    limited: httpx.Client,
) -> None:
    answer = limited.post("/subjects/big/versions", content=TOO_BIG, headers=JSON)
    assert answer.status_code == 413
    assert answer.json()["error_code"] == 413
    assert "EVCAT_MAX_REQUEST_BYTES" in answer.json()["message"]
    assert limited.get("/subjects").json() == []


def test_confluent_route_refuses_a_chunked_body_over_the_limit(limited: httpx.Client) -> None:
    answer = limited.post("/subjects/big/versions", content=chunks(TOO_BIG), headers=JSON)
    assert answer.status_code == 413
    assert answer.headers["content-type"] == "application/vnd.schemaregistry.v1+json"
    assert limited.get("/subjects").json() == []


def test_chunked_body_within_the_limit_is_read_whole(limited: httpx.Client) -> None:
    answer = limited.post(
        "/subjects/small/versions", content=chunks(json.dumps(body(ORDER_V1))), headers=JSON
    )
    assert answer.status_code == 200, answer.text


def test_v1_route_refuses_a_declared_length_over_the_limit(limited: httpx.Client) -> None:
    answer = limited.post("/v1/catalog/apply", content=TOO_BIG, headers=JSON)
    assert answer.status_code == 413
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["error_code"] == 413


def test_v1_route_refuses_a_chunked_body_over_the_limit(limited: httpx.Client) -> None:
    answer = limited.post("/v1/catalog/apply", content=chunks(TOO_BIG), headers=JSON)
    assert answer.status_code == 413
    assert answer.headers["content-type"] == "application/problem+json"


def test_v1_model_route_refuses_a_chunked_body_over_the_limit(limited: httpx.Client) -> None:
    # FastAPI reads this body to validate it against the route's model.
    answer = limited.post("/v1/upcast", content=chunks(TOO_BIG), headers=JSON)
    assert answer.status_code == 413
    assert answer.json()["title"] == "Request Entity Too Large"


def test_website_refuses_a_declared_length_over_the_limit_with_a_page(
    limited: httpx.Client,
) -> None:
    answer = limited.post("/catalog/", content=TOO_BIG, headers=JSON)
    assert answer.status_code == 413
    assert answer.headers["content-type"].startswith("text/html")


def test_a_declared_length_over_the_limit_is_answered_before_the_body_is_sent(
    limited: httpx.Client,
) -> None:
    address = urlsplit(str(limited.base_url))
    with socket.create_connection((address.hostname, address.port), timeout=10) as raw:
        raw.sendall(
            b"POST /subjects/big/versions HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/json\r\nContent-Length: 50000000\r\n\r\n{"
        )
        head = raw.recv(4096)
    assert head.startswith(b"HTTP/1.1 413 ")
