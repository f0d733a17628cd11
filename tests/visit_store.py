"""A demo store with the built-in templates, generated once per session and copied per test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from kamdesk.store.database import Store, open_store


@pytest.fixture(scope="session")
def visit_store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kamdesk.domain import demo, templates

    folder = tmp_path_factory.mktemp("visit-store")
    path = folder / "demo.sqlite3"
    seeded = open_store(path, folder / "backups")
    with seeded.sessions.begin() as session:
        demo.generate(session, 20, today=date(2026, 11, 23))
    with seeded.sessions.begin() as session:
        templates.install_builtin(session)
    with seeded.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    seeded.close()
    return path


@pytest.fixture
def visit_store(visit_store_file: Path, tmp_path: Path) -> Iterator[Store]:
    """20 demo accounts (signed in as 李明) and the built-in form templates."""
    path = tmp_path / "demo.sqlite3"
    shutil.copy(visit_store_file, path)
    opened = open_store(path, tmp_path / "backups")
    yield opened
    opened.close()
