"""Fixtures for the website tests: the demo catalog served by a live evcat over real HTTP.

Loading the demo takes about a second, so one SQLite file is loaded per session. Tests that
only read share one server; tests that write get a server over their own copy of the file.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from evcat.demo import load_demo
from evcat.migrations import upgrade
from evcat.settings import Settings
from tests.conftest import LiveServer


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file holding the demo registry and catalog, checkpointed so it can be copied."""
    path = tmp_path_factory.mktemp("web-demo") / "evcat.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    load_demo(Settings(db_url=url))
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def _serve(template: Path, directory: Path) -> LiveServer:
    path = directory / "evcat.db"
    shutil.copyfile(template, path)
    return LiveServer(Settings(db_url=f"sqlite:///{path}"))


@pytest.fixture(scope="session")
def site_url(demo_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live evcat over the demo catalog, shared by the tests that only read."""
    with _serve(demo_file, tmp_path_factory.mktemp("web-site")) as server:
        yield server.url


@pytest.fixture(scope="session")
def web(site_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=site_url, timeout=30) as client:
        yield client


@pytest.fixture
def own_web(demo_file: Path, tmp_path: Path) -> Iterator[httpx.Client]:
    """A client of a live evcat over a private copy of the demo, for tests that write."""
    with (
        _serve(demo_file, tmp_path) as server,
        httpx.Client(base_url=server.url, timeout=30) as client,
    ):
        yield client
