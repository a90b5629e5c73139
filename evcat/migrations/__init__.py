"""Alembic environment and revisions, shipped inside the package.

``upgrade`` brings a database to the newest revision. Imports ``evcat.db`` and the packages
whose tables the environment sees.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from evcat.db import ensure_sqlite_directory

MIGRATIONS_DIR = Path(__file__).parent


def alembic_config(db_url: str) -> Config:
    """An Alembic config pointing at the revisions in this package and at ``db_url``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", db_url.replace("%", "%%"))
    return config


def upgrade(db_url: str, revision: str = "head") -> None:
    """Bring the database at ``db_url`` to ``revision`` (the newest by default)."""
    if db_url.startswith("sqlite"):
        # An embedded database may live in a directory that does not exist yet (var/).
        ensure_sqlite_directory(db_url)
    command.upgrade(alembic_config(db_url), revision)


__all__ = ["MIGRATIONS_DIR", "alembic_config", "upgrade"]
