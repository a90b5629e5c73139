"""The by-id read path answers from memory: no SQL, no parsing, once an id has been read."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import event

from evcat.registry.api import EPOCH_CHECK_SECONDS
from tests.conftest import LiveServer
from tests.registry.schemas import avro_record, body


@pytest.fixture
def live(settings: object) -> Iterator[LiveServer]:
    with LiveServer(settings) as server:  # type: ignore[arg-type]
        yield server


def test_cached_schema_by_id_makes_no_sql_queries(live: LiveServer) -> None:
    assert live.services is not None
    registry = live.services.registry
    with httpx.Client(base_url=live.url) as http:
        for n in range(20):
            schema = avro_record(f"Event{n}")
            assert http.post(f"/subjects/s{n}/versions", json=body(schema)).status_code == 200
        for schema_id in range(1, 21):
            http.get(f"/schemas/ids/{schema_id}")
        queries: list[str] = []

        def count(*args: object) -> None:
            queries.append(str(args[2]))

        event.listen(registry.engine, "before_cursor_execute", count)
        started = time.monotonic()
        try:
            for n in range(2000):
                assert http.get(f"/schemas/ids/{n % 20 + 1}").status_code == 200
        finally:
            event.remove(registry.engine, "before_cursor_execute", count)
        elapsed = time.monotonic() - started
    # Only the periodic delete-epoch check (at most every 0.5 s) may reach the database.
    statements = [q for q in queries if q not in ("BEGIN", "COMMIT", "ROLLBACK")]
    assert all("FROM registry_state" in q for q in statements), statements
    assert len(statements) <= elapsed / EPOCH_CHECK_SECONDS + 2
