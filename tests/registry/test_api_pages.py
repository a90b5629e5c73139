"""List routes page in the database: ``offset`` and ``limit`` on subjects, schemas and versions.

The HTTP tests check the pages over real HTTP on both databases; the last ones count the SQL a
page costs, so a page of ten stays a few bounded queries however many subjects there are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from sqlalchemy import event

from evcat.db import make_engine
from evcat.migrations import upgrade
from evcat.registry.entities import SchemaRequest
from evcat.registry.service import Registry
from evcat.registry.store import Page
from evcat.settings import Settings
from tests.registry.schemas import ORDER_V1, ORDER_V2, avro_record, body


def fill(client: httpx.Client, *subjects: str) -> None:
    for number, subject in enumerate(subjects):
        schema = avro_record(f"Event{number}")
        assert client.post(f"/subjects/{subject}/versions", json=body(schema)).is_success


def test_subjects_page_by_offset_and_limit(client: httpx.Client) -> None:
    fill(client, "a", "b", "c", "d", "e")
    assert client.get("/subjects", params={"offset": 1, "limit": 2}).json() == ["b", "c"]


def test_subjects_limit_zero_or_less_means_every_subject(client: httpx.Client) -> None:
    fill(client, "a", "b", "c")
    assert client.get("/subjects", params={"limit": 0}).json() == ["a", "b", "c"]
    assert client.get("/subjects", params={"limit": -1}).json() == ["a", "b", "c"]


def test_subjects_pages_are_cut_after_leaving_out_deleted_subjects(client: httpx.Client) -> None:
    fill(client, "a", "b", "c", "d")
    client.delete("/subjects/b")
    assert client.get("/subjects", params={"limit": 2}).json() == ["a", "c"]
    assert client.get("/subjects", params={"deletedOnly": "true", "limit": 5}).json() == ["b"]


def test_subject_prefix_is_literal_even_with_sql_wildcards(client: httpx.Client) -> None:
    fill(client, "team_a-orders", "teamXa-orders", "team%-orders")
    assert client.get("/subjects", params={"subjectPrefix": "team_"}).json() == ["team_a-orders"]
    assert client.get("/schemas", params={"subjectPrefix": "team%"}).json()[0]["subject"] == (
        "team%-orders"
    )


def test_schemas_page_in_subject_then_version_order(client: httpx.Client) -> None:
    fill(client, "b", "a")
    client.post(
        "/subjects/a/versions",
        json=body(avro_record("Event1", {"name": "n", "type": "int", "default": 0})),
    )
    page = client.get("/schemas", params={"offset": 1, "limit": 2}).json()
    assert [(s["subject"], s["version"]) for s in page] == [("a", 2), ("b", 1)]


def test_schemas_latest_only_pages_latest_versions(client: httpx.Client) -> None:
    client.post("/subjects/a/versions", json=body(ORDER_V1))
    client.post("/subjects/a/versions", json=body(ORDER_V2))
    fill(client, "b", "c")
    page = client.get("/schemas", params={"latestOnly": "true", "limit": 2}).json()
    assert [(s["subject"], s["version"]) for s in page] == [("a", 2), ("b", 1)]


def test_schemas_latest_only_skips_a_soft_deleted_latest_version(client: httpx.Client) -> None:
    client.post("/subjects/a/versions", json=body(ORDER_V1))
    client.post("/subjects/a/versions", json=body(ORDER_V2))
    client.delete("/subjects/a/versions/2")
    page = client.get("/schemas", params={"latestOnly": "true"}).json()
    assert [(s["subject"], s["version"]) for s in page] == [("a", 1)]


def test_versions_page_by_offset_and_limit(client: httpx.Client) -> None:
    client.post("/subjects/orders-value/versions", json=body(ORDER_V1))
    client.post("/subjects/orders-value/versions", json=body(ORDER_V2))
    answer = client.get("/subjects/orders-value/versions", params={"offset": 1, "limit": 5})
    assert answer.json() == [2]


def test_versions_page_beyond_the_end_is_empty_not_40401(client: httpx.Client) -> None:
    client.post("/subjects/orders-value/versions", json=body(ORDER_V1))
    answer = client.get("/subjects/orders-value/versions", params={"offset": 5})
    assert (answer.status_code, answer.json()) == (200, [])


def test_versions_of_an_unknown_subject_are_still_40401_with_a_page(client: httpx.Client) -> None:
    answer = client.get("/subjects/nobody/versions", params={"limit": 1})
    assert answer.json()["error_code"] == 40401


def test_deleted_as_negative_pages_soft_deleted_versions_too(client: httpx.Client) -> None:
    client.post("/subjects/orders-value/versions", json=body(ORDER_V1))
    client.post("/subjects/orders-value/versions", json=body(ORDER_V2))
    client.delete("/subjects/orders-value/versions/1")
    answer = client.get(
        "/subjects/orders-value/versions", params={"deletedAsNegative": "true", "limit": 1}
    )
    assert answer.json() == [-1]


# -- the page is cut by the database ----------------------------------------------------------


@pytest.fixture
def registry(db_url: str) -> Iterator[Registry]:
    upgrade(db_url)
    engine = make_engine(db_url)
    yield Registry(engine, Settings(db_url=db_url))
    engine.dispose()


def statements(registry: Registry, call: Callable[[], object]) -> list[str]:
    """The SQL statements ``call()`` sends."""
    sent: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        sent.append(statement)

    event.listen(registry.engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(registry.engine, "before_cursor_execute", record)
    return sent


def register_subjects(registry: Registry, count: int, start: int = 0) -> None:
    for number in range(start, start + count):
        registry.register(f"s{number:04d}", SchemaRequest(schema=avro_record(f"E{number}")))


def test_a_page_of_schemas_costs_the_same_queries_whatever_the_registry_size(
    registry: Registry,
) -> None:
    register_subjects(registry, 20)
    small = statements(registry, lambda: registry.all_schemas(page=Page(0, 5)))
    register_subjects(registry, 40, start=20)
    large = statements(registry, lambda: registry.all_schemas(page=Page(0, 5)))
    assert len(large) == len(small) <= 4
    assert any("LIMIT" in sql.upper() for sql in large)


def test_a_page_of_schemas_reads_only_its_rows(registry: Registry) -> None:
    register_subjects(registry, 30)
    page = registry.all_schemas(page=Page(10, 5))
    assert [version.subject for version in page] == [f"s{n:04d}" for n in range(10, 15)]


def test_a_page_of_subjects_is_one_limited_query(registry: Registry) -> None:
    register_subjects(registry, 30)
    sent = statements(registry, lambda: registry.subjects(page=Page(0, 3)))
    selects = [sql for sql in sent if sql.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1 and "LIMIT" in selects[0].upper()
