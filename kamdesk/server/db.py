"""Engine and sessions for the server database (PostgreSQL through psycopg, or an SQLite file).

Push transactions ask for ``write=True``: on SQLite they start with ``BEGIN IMMEDIATE`` so two
writers queue on the busy timeout instead of one failing with "database is locked" when it
upgrades its read lock; PostgreSQL needs nothing special (row locks and unique indexes do it).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from sqlalchemy import Dialect, Engine, Table, create_engine, event, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from kamdesk.models.wire import json_default

SQLITE_BUSY_TIMEOUT_MS = 30_000
_IMMEDIATE = "kamdesk_immediate"


def _sqlite_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    immediate = connection.get_execution_options().get(_IMMEDIATE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_server_engine(url: str, *, pool_size: int = 10, max_overflow: int = 20) -> Engine:
    """An engine for ``url``; SQLite files get WAL, foreign keys and a busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_size=pool_size, max_overflow=max_overflow, pool_pre_ping=True)


def bulk_insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows in one statement.

    PostgreSQL gets the rows as one JSON parameter expanded by ``json_populate_recordset``:
    psycopg's per-row executemany and SQLAlchemy's multi-VALUES statements (thousands of
    placeholders, parsed in Python) both cost more than the rest of a push. Values are
    JSON-safe, or dates, times and enums (``kamdesk.models.wire.json_default``). SQLite uses the
    driver's executemany with the columns' own bind processors. Every row carries the same keys,
    defaults already applied.
    """
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        columns = list(rows[0])
        names = ", ".join(f'"{name}"' for name in columns)
        statement = text(
            f'INSERT INTO "{table.name}" ({names}) '
            f'SELECT {names} FROM json_populate_recordset(NULL::"{table.name}", CAST(:rows AS json))'
        )
        session.execute(statement, {"rows": json.dumps(rows, ensure_ascii=False, default=json_default)})
        return
    if session.get_bind().dialect.name == "sqlite":
        columns = tuple(rows[0])
        sql, processors = _sqlite_insert(table, columns, session.get_bind().dialect)
        values = [
            tuple(
                value if process is None else process(value)
                for process, value in zip(processors, row, strict=True)
            )
            for row in (tuple(row[name] for name in columns) for row in rows)
        ]
        session.connection().exec_driver_sql(sql, values)
        return
    session.execute(insert(table), rows)


@cache
def _sqlite_insert(table: Table, columns: tuple[str, ...], dialect: Dialect) -> tuple[str, list[Any]]:
    """The statement and the columns' own bind processors (what SQLAlchemy would apply per row),
    so a bulk insert is one driver ``executemany`` without per-row statement bookkeeping."""
    names = ", ".join(f'"{name}"' for name in columns)
    marks = ", ".join("?" for _ in columns)
    processors = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns]
    return f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', processors


class Database:
    """The engine and its two session factories (reads, and writes that may contend)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self.write_sessions = sessionmaker(
            engine.execution_options(**{_IMMEDIATE: True}), expire_on_commit=False
        )

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def begin(self, *, write: bool = False) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back when it raises."""
        factory = self.write_sessions if write else self.sessions
        with factory.begin() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
