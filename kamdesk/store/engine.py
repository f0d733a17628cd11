"""Engine and session factory for the local SQLite store.

WAL for concurrent readers, foreign keys on, a busy timeout, and ``synchronous=FULL`` for every
transaction, not only submits: a manager's store sees a few small transactions a minute, so one
fsync each costs nothing noticeable and no committed change can be lost. pysqlite's own implicit
transaction handling is switched off so SQLAlchemy emits BEGIN itself (SQLAlchemy's documented
recipe): SAVEPOINTs and rollbacks then behave exactly.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 5000


def _configure_connection(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


def create_store_engine(path: Path | str) -> Engine:
    """An engine on the SQLite file at ``path`` (created with its folder if missing)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _configure_connection)
    event.listen(engine, "begin", _begin)
    return engine


def make_session_factory(engine: Engine, *, user_id: str | None = None) -> sessionmaker[Session]:
    """Sessions whose synced writes must go through the outbox; new rows are owned by ``user_id``."""
    from kamdesk.store.outbox import USER_KEY, install_outbox_guard

    factory = sessionmaker(engine, expire_on_commit=False, info={USER_KEY: user_id})
    install_outbox_guard(factory)
    return factory
