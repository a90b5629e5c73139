"""Engines and transactions: embedded SQLite by default, PostgreSQL for production.

Writes are serialized: a write transaction locks the single ``registry_state`` row (SQLite
starts it with ``BEGIN IMMEDIATE``), so id and version allocation never race across
processes. Reads never take that lock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool
from sqlmodel import Session

_WRITE = "evcat_write"


def ensure_sqlite_directory(url: str) -> Path | None:
    """Create the directory of an SQLite file URL; returns the file, or None when in memory."""
    path = url.split("///", 1)[1] if "///" in url else ""
    if not path or path == ":memory:":
        return None
    file = Path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    return file


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout and explicit transactions."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)
    in_memory = ensure_sqlite_directory(url) is None
    connect_args = {"check_same_thread": False, "timeout": 30}
    # An in-memory database lives and dies with its connection: never pool it.
    engine = (
        create_engine(url, connect_args=connect_args, poolclass=NullPool)
        if in_memory
        else create_engine(url, connect_args=connect_args, pool_size=8)
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling defers BEGIN and cannot take a write lock up
        # front; turn it off and issue BEGIN ourselves (see the "begin" hook below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        write = connection.get_execution_options().get(_WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reads; it never blocks writers."""
    with Session(engine) as session:
        yield session


@contextmanager
def write_session(engine: Engine, *, changes_state: bool = True) -> Iterator[Session]:
    """A transaction holding the registry write lock; commits on success, rolls back on error.

    ``changes_state=False`` is for writes no reader caches (an audit record of a refused
    sign-in): they take the lock but leave the epoch alone, so they invalidate no cache.
    """
    step = "1" if changes_state else "0"
    with engine.connect() as connection:
        connection = connection.execution_options(**{_WRITE: True})
        with connection.begin(), Session(bind=connection) as session:
            # Locks the single state row: the one write lock every process takes.
            connection.execute(
                text(f"UPDATE registry_state SET epoch = epoch + {step} WHERE id = 1")
            )
            yield session
            session.flush()


def holds_write_lock(session: Session) -> bool:
    """True inside ``write_session``: appends that must never interleave check this."""
    return bool(session.connection().get_execution_options().get(_WRITE, False))


def current_epoch(engine: Engine) -> int:
    """How many writes the database has seen; caches compare it to notice other processes."""
    with engine.connect() as connection:
        value = connection.execute(text("SELECT epoch FROM registry_state WHERE id = 1")).scalar()
    return int(value or 0)
