"""The parsed-schema cache is shared by every request thread: evicting from it while other
threads read it must not fail them. On SQLite and PostgreSQL, with a cache of two schemas:
reader threads hit it for two schemas while other threads parse more, evicting those two."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from evcat.db import make_engine, read_session
from evcat.migrations import upgrade
from evcat.registry.entities import SchemaRequest
from evcat.registry.service import Registry
from evcat.settings import Settings
from tests.registry.schemas import avro_record

SCHEMAS = 10
READERS = 4
EVICTORS = 2
ROUNDS = 40


@pytest.fixture
def small_cache(db_url: str) -> Iterator[Registry]:
    upgrade(db_url)
    settings = Settings(db_url=db_url, schema_cache_size=2, default_compatibility="NONE")
    registry = Registry(make_engine(db_url), settings)
    yield registry
    registry.engine.dispose()


@pytest.fixture
def frequent_thread_switches() -> Iterator[None]:
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def test_reads_of_cached_schemas_survive_evictions_by_other_threads(
    small_cache: Registry, frequent_thread_switches: None
) -> None:
    ids = [
        small_cache.register(f"s{n}", SchemaRequest(schema=avro_record(f"E{n}"))).schema.id
        for n in range(SCHEMAS)
    ]
    expected = {schema_id: small_cache.parsed_by_id(schema_id).canonical for schema_id in ids}

    evicting = threading.Event()
    evicting.set()

    def read_while_evicting(wanted: list[int]) -> list[tuple[int, str]]:
        found = []
        with read_session(small_cache.engine) as session:
            while evicting.is_set():
                for schema_id in wanted:
                    found.append((schema_id, small_cache.parsed(session, schema_id).canonical))
        return found

    def evict(others: list[int]) -> list[tuple[int, str]]:
        with read_session(small_cache.engine) as session:
            return [
                (schema_id, small_cache.parsed(session, schema_id).canonical)
                for _ in range(ROUNDS)
                for schema_id in others
            ]

    with ThreadPoolExecutor(READERS + EVICTORS) as pool:
        readers = [pool.submit(read_while_evicting, ids[:2]) for _ in range(READERS)]
        evictors = [pool.submit(evict, ids[2:]) for _ in range(EVICTORS)]
        try:
            results = [future.result() for future in evictors]
        finally:
            evicting.clear()
        results += [future.result() for future in readers]
    assert all(text == expected[schema_id] for found in results for schema_id, text in found)
