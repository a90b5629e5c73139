"""Shared fixtures: a live evcat server over real HTTP, on SQLite and on PostgreSQL.

``registry_url`` is parametrized by backend: every test that uses it runs against an SQLite
file and, when ``EVCAT_TEST_DATABASE_URL`` names a PostgreSQL server, against a fresh
PostgreSQL database too.

Under CI (``EVCAT_CI`` set, as ``.ci/run`` does) a skipped test is a failure: a run missing
PostgreSQL, Chromium or node must not pass green. On a laptop without them, tests still skip.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import create_engine, text

from evcat.app import build_application
from evcat.migrations import upgrade
from evcat.settings import Settings

PG_URL = os.environ.get("EVCAT_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", "postgresql"]
IN_CI = bool(os.environ.get("EVCAT_CI"))


def _skip_reason(report: pytest.CollectReport | pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple):  # (file, line, "Skipped: reason")
        return str(longrepr[2])
    return str(longrepr)


def _fail_skip_under_ci(report: pytest.CollectReport | pytest.TestReport) -> None:
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = _skip_reason(report)
        report.longrepr = f"skipped under EVCAT_CI, where every test must run: {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Under CI, a test that skips (at setup, in its body or by marker) fails instead."""
    outcome = yield
    _fail_skip_under_ci(outcome.get_result())  # type: ignore[attr-defined]


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Iterator[None]:
    """Under CI, a module that skips itself at import fails instead."""
    outcome = yield
    _fail_skip_under_ci(outcome.get_result())  # type: ignore[attr-defined]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_url(url: str) -> str:
    """The PostgreSQL URL with its database swapped for ``postgres`` (to create others)."""
    base, _, _ = url.rpartition("/")
    return f"{base}/postgres"


def fresh_postgres_database() -> str:
    """Create an empty PostgreSQL database for one test module; returns its URL."""
    name = f"evcat_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(_server_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    base, _, _ = PG_URL.rpartition("/")
    return f"{base}/{name}"


def drop_postgres_database(url: str) -> None:
    name = url.rpartition("/")[2]
    admin = create_engine(_server_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def database_url(backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'evcat.db'}"
    if not PG_URL:
        pytest.skip("PostgreSQL tests need EVCAT_TEST_DATABASE_URL (set by .ci/run)")
    return fresh_postgres_database()


class LiveServer:
    """uvicorn serving ``create_app`` (or any ASGI ``app``) in a background thread, on a free
    port."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        app: Any = None,
        lifespan: str = "off",
        **options: Any,
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        assert (settings is None) != (app is None), "serve either settings or an app"
        built = None if settings is None else build_application(settings, migrate=True)
        self.services = None if built is None else built.services
        config = uvicorn.Config(
            app if built is None else built.asgi,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan=lifespan,
            **options,
        )
        self.app = config.app
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("evcat test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(backend: str, tmp_path: Path) -> Iterator[str]:
    url = database_url(backend, tmp_path)
    yield url
    if backend == "postgresql":
        drop_postgres_database(url)


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(db_url=db_url)


@pytest.fixture
def registry_url(settings: Settings) -> Iterator[str]:
    """A live evcat over real HTTP on a fresh database."""
    with LiveServer(settings) as server:
        yield server.url


@pytest.fixture
def client(registry_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=registry_url, timeout=30) as http:
        yield http


@pytest.fixture
def migrated_sqlite(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'evcat.db'}"
    upgrade(url)
    return url
