"""Plain DB-API reads inside an ORM session's transaction.

SQLAlchemy wraps every result row in a ``Row``; for reads of a few hundred thousand rows (the
alert engine over a 100,000-account store) that wrapping costs more than SQLite itself, so the
hot reads go straight to the ``sqlite3`` cursor of the session's connection and get tuples.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session


def cursor(session: Session | Connection) -> sqlite3.Cursor:
    """A cursor on the connection (and so inside the transaction) the session already uses."""
    connection = session.connection() if isinstance(session, Session) else session
    driver = connection.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    return driver.cursor()


def in_list(name: str, values: Collection[Any], params: dict[str, Any]) -> str:
    """``(:name_0, :name_1, …)`` for ``IN``, adding the values to ``params``."""
    keys = []
    for index, value in enumerate(values):
        key = f"{name}_{index}"
        params[key] = value
        keys.append(f":{key}")
    return "(" + ", ".join(keys) + ")" if keys else "(NULL)"


def rows(
    session: Session | Connection, sql: str, params: dict[str, Any] | None = None
) -> list[tuple[Any, ...]]:
    return cursor(session).execute(sql, params or {}).fetchall()
