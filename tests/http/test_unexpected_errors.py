"""A failure that is nobody's input (here: a table gone from under the server) is a 500 in
the route family's shape, and its traceback is in the log. Over real HTTP, on SQLite and
PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import create_engine, text

from evcat.settings import Settings
from tests.conftest import LiveServer


@pytest.fixture
def served(settings: Settings) -> Iterator[httpx.Client]:
    with (
        LiveServer(settings) as server,
        httpx.Client(base_url=server.url, timeout=30) as http,
    ):
        yield http


def lose_table(db_url: str, table: str) -> None:
    engine = create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text(f"ALTER TABLE {table} RENAME TO gone_{table}"))
    engine.dispose()


def test_confluent_route_failure_is_a_confluent_500_logged_with_traceback(
    served: httpx.Client, db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    lose_table(db_url, "subject_versions")
    with caplog.at_level(logging.ERROR, logger="evcat.http"):
        answer = served.get("/subjects")
    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/vnd.schemaregistry.v1+json"
    assert answer.json()["error_code"] == 500
    [record] = [r for r in caplog.records if r.name == "evcat.http"]
    assert "GET /subjects" in record.getMessage()
    assert record.exc_info is not None


def test_a_500_names_the_request_id_its_log_record_carries(
    served: httpx.Client, db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    lose_table(db_url, "catalog_teams")
    with caplog.at_level(logging.ERROR, logger="evcat.http"):
        answer = served.get("/v1/teams")
    request_id = answer.json()["detail"].removeprefix("Internal Server Error (request id ")[:16]
    [record] = [r for r in caplog.records if r.name == "evcat.http"]
    assert f"(request id {request_id})" in record.getMessage()


def test_v1_route_failure_is_a_problem_500(served: httpx.Client, db_url: str) -> None:
    lose_table(db_url, "catalog_teams")
    answer = served.get("/v1/teams")
    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/problem+json"
    assert (answer.json()["status"], answer.json()["title"]) == (500, "Internal Server Error")


def test_website_failure_is_the_html_error_page(served: httpx.Client, db_url: str) -> None:
    lose_table(db_url, "catalog_teams")
    answer = served.get("/catalog/teams/anyone")
    assert answer.status_code == 500
    assert answer.headers["content-type"].startswith("text/html")
    assert "Something went wrong on our side" in answer.text
