"""Engine and session factory for the local SQLite store.

WAL for concurrent readers, foreign keys on, a busy timeout, and ``synchronous=FULL`` for every
transaction, not only submits: a manager's store sees a few small transactions a minute, so one
fsync each costs nothing noticeable and no committed change can be lost. pysqlite's own implicit
transaction handling is switched off so SQLAlchemy emits BEGIN itself (SQLAlchemy's documented
recipe): SAVEPOINTs and rollbacks then behave exactly.

Write transactions (``sessions.begin()``, how every change is made) start with BEGIN IMMEDIATE,
reads (``sessions()``) with a deferred BEGIN. A deferred transaction takes a read lock and upgrades
it at its first write; SQLite never waits for that upgrade (it could deadlock) but fails at once
with "database is locked" when another connection is writing, whatever the busy timeout. Taking the
write lock up front makes a second writer (the GUI thread while a worker syncs) wait for the first
on the busy timeout instead. In WAL mode readers never wait for a writer, so reads stay deferred.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 5000
WRITE_OPTION = "kamdesk_write"
"""Execution option: transactions on a connection carrying it begin with BEGIN IMMEDIATE."""


def _configure_connection(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _begin(connection: Any) -> None:
    write = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def write_engine(engine: Engine) -> Engine:
    """``engine`` (same pool) for writers: each transaction begins with BEGIN IMMEDIATE."""
    return engine.execution_options(**{WRITE_OPTION: True})


class StoreSessions(sessionmaker[Session]):
    """The store's sessions: ``begin()`` is a write transaction (BEGIN IMMEDIATE), committed when
    the block ends; a plain session (``sessions()``) is for reading and begins deferred."""

    def __init__(self, engine: Engine, **kw: Any) -> None:
        super().__init__(engine, **kw)
        self.write_bind = write_engine(engine)

    @contextmanager
    def begin(self) -> Iterator[Session]:  # type: ignore[override]
        with self(bind=self.write_bind) as session, session.begin():
            yield session


def create_store_engine(path: Path | str) -> Engine:
    """An engine on the SQLite file at ``path`` (created with its folder if missing)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _configure_connection)
    event.listen(engine, "begin", _begin)
    return engine


def make_session_factory(engine: Engine, *, user_id: str | None = None) -> StoreSessions:
    """Sessions whose synced writes must go through the outbox; new rows are owned by ``user_id``."""
    from kamdesk.store.outbox import USER_KEY, install_outbox_guard

    factory = StoreSessions(engine, expire_on_commit=False, info={USER_KEY: user_id})
    install_outbox_guard(factory)
    return factory
