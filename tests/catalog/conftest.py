"""Fixtures for the catalog tests: the demo catalog on a real database, and ways to reach it.

Loading the demo (19 schema versions registered, 60 documents applied) takes about a second, so one
SQLite file is loaded per session and each test gets its own copy of it. PostgreSQL tests
load the demo into a fresh database of their own.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from evcat.app import create_app
from evcat.catalog.demo import register_catalog_schemas
from evcat.catalog.service import Catalog
from evcat.cli.main import app as cli_app
from evcat.db import make_engine
from evcat.demo import DEMO_SCHEMAS, load_demo
from evcat.migrations import upgrade
from evcat.registry.entities import SchemaRequest
from evcat.registry.service import Registry
from evcat.settings import Settings

DEMO_CATALOG = Path(__file__).resolve().parents[2] / "evcat" / "demo_data" / "catalog"


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file holding the demo registry and catalog, checkpointed so it can be copied."""
    path = tmp_path_factory.mktemp("demo") / "evcat.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    load_demo(Settings(db_url=url))
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(scope="session")
def schemas_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file holding the demo schemas and an empty catalog."""
    path = tmp_path_factory.mktemp("schemas") / "evcat.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    registry = Registry(make_engine(url), Settings(db_url=url))
    data = Path(__file__).resolve().parents[2] / "evcat" / "demo_data"
    for subject, schema_type, name in DEMO_SCHEMAS:
        request = SchemaRequest(schema=(data / name).read_text(), schema_type=schema_type)
        registry.register(subject, request)
    register_catalog_schemas(registry)
    registry.engine.dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def schemas_url(schemas_template: Path, tmp_path: Path) -> str:
    """A private copy of a database with the demo schemas but no catalog."""
    path = tmp_path / "schemas.db"
    shutil.copyfile(schemas_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def demo_url(demo_template: Path, tmp_path: Path) -> str:
    """A private copy of the demo database."""
    path = tmp_path / "evcat.db"
    shutil.copyfile(demo_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def empty_url(tmp_path: Path) -> str:
    """A migrated, empty SQLite database."""
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    upgrade(url)
    return url


def make_catalog(url: str) -> Catalog:
    settings = Settings(db_url=url)
    return Catalog(Registry(make_engine(url), settings))


@pytest.fixture
def catalog(demo_url: str) -> Catalog:
    return make_catalog(demo_url)


@pytest.fixture
def api(demo_url: str) -> Iterator[TestClient]:
    """HTTP through the whole ASGI app (Confluent router in front) over the demo database."""
    with TestClient(create_app(Settings(db_url=demo_url), migrate=False)) as client:
        yield client


@pytest.fixture
def demo_any_backend(db_url: str) -> str:
    """The demo loaded into a fresh database of each backend (SQLite, PostgreSQL)."""
    upgrade(db_url)
    load_demo(Settings(db_url=db_url))
    return db_url


class Cli:
    """Runs ``evcat`` in process against one database, as a user would type it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.runner = CliRunner()

    def __call__(self, *args: str) -> tuple[int, str, str]:
        result = self.runner.invoke(cli_app, [*args, "--db", self.url])
        return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def cli(demo_url: str) -> Cli:
    return Cli(demo_url)
