"""Fixtures for the tests that drive evcat with Confluent's own, unmodified clients.

Starting a server on a fresh database costs about a second per test on PostgreSQL, so most
client tests share one live server per module and backend and keep to subjects and schemas of
their own (``unique``). Tests that change server-wide state (global config and mode) or list
every subject use a server of their own (``own_client``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
from confluent_kafka.schema_registry import SchemaRegistryClient

from evcat.settings import Settings

ClientFactory = Callable[[], SchemaRegistryClient]

ROOT_CONFTEST = Path(__file__).resolve().parent.parent / "conftest.py"


def _root_fixtures(config: pytest.Config) -> ModuleType:
    """tests/conftest.py as loaded by pytest (conftest modules cannot be imported by name)."""
    module = config.pluginmanager.get_plugin(str(ROOT_CONFTEST))
    if module is None:
        raise RuntimeError(f"pytest has not loaded {ROOT_CONFTEST}")
    return module  # type: ignore[no-any-return]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shared_registry_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A live evcat shared by the tests of one module, on each backend."""
    root = _root_fixtures(request.config)
    backend = str(request.param)
    db_url = root.database_url(backend, tmp_path_factory.mktemp("shared"))
    try:
        with root.LiveServer(Settings(db_url=db_url)) as server:
            yield server.url
    finally:
        if backend == "postgresql":
            root.drop_postgres_database(db_url)


@pytest.fixture
def unique() -> Callable[[str], str]:
    """Names no other test on the shared server uses: ``unique("users-value")``."""
    token = uuid.uuid4().hex[:10]
    return lambda name: f"{name}-{token}"


def _client_factory(url: str) -> Iterator[ClientFactory]:
    made: list[SchemaRegistryClient] = []

    def make() -> SchemaRegistryClient:
        client = SchemaRegistryClient({"url": url})
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def new_client(shared_registry_url: str) -> Iterator[ClientFactory]:
    """Makes clients of the shared server, each with empty caches.

    The client caches ids, schemas and versions; a second client proves that an answer came
    from the server and not from the first client's memory.
    """
    yield from _client_factory(shared_registry_url)


@pytest.fixture
def sr(new_client: ClientFactory) -> SchemaRegistryClient:
    """A confluent-kafka ``SchemaRegistryClient`` of the shared server."""
    return new_client()


@pytest.fixture
def own_client(registry_url: str) -> Iterator[ClientFactory]:
    """Makes clients of a server with a fresh database, used by this test alone."""
    yield from _client_factory(registry_url)
