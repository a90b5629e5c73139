"""Live evcat servers with an auth file, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from evcat.settings import Settings
from tests.auth.helpers import write_auth
from tests.conftest import LiveServer, database_url, drop_postgres_database

Serve = Callable[..., Any]


@contextmanager
def secured_server(db_url: str, auth_file: Path) -> Iterator[LiveServer]:
    # As `evcat serve` does with an auth file: evcat, not uvicorn, decides whose
    # X-Forwarded-For to believe (the file's trusted_proxies).
    settings = Settings(db_url=db_url, auth_config=auth_file)
    with LiveServer(settings, proxy_headers=False) as server:
        yield server


@pytest.fixture
def auth_file(tmp_path: Path) -> Path:
    """The issue's example auth file (every role's user, one token), in a folder of its own."""
    folder = tmp_path / "auth"
    folder.mkdir()
    return write_auth(folder / "auth.yaml")


@pytest.fixture
def secured_url(db_url: str, auth_file: Path) -> Iterator[str]:
    """A live evcat reading ``auth_file``, on a fresh database of each backend."""
    with secured_server(db_url, auth_file) as server:
        yield server.url


@pytest.fixture
def http(secured_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=secured_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shared_secured_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """One secured server per module and backend, for tests that only read or refuse."""
    folder = tmp_path_factory.mktemp("secured")
    url = database_url(str(request.param), folder)
    try:
        with secured_server(url, write_auth(folder / "auth.yaml")) as server:
            yield server.url
    finally:
        if request.param == "postgresql":
            drop_postgres_database(url)
