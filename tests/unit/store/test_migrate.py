from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from kamdesk.models import Base, LocalBase
from kamdesk.store.database import open_store
from kamdesk.store.migrate import (
    HEAD_REVISION,
    SchemaTooNewError,
    UnknownDatabaseError,
    known_revisions,
    migrate,
    read_revision,
)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_head_constant_matches_the_migration_scripts() -> None:
    assert known_revisions()[-1] == HEAD_REVISION


def test_empty_file_migrates_to_head_and_matches_the_models(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    result = migrate(path, tmp_path / "backups")
    assert (result.from_revision, result.to_revision, result.backup) == (None, HEAD_REVISION, None)
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"render_as_batch": True})
        assert compare_metadata(context, [Base.metadata, LocalBase.metadata]) == []
    engine.dispose()


@pytest.mark.parametrize("start", known_revisions()[:-1])
def test_each_earlier_revision_upgrades_to_head_keeping_data_and_backing_up(
    tmp_path: Path, start: str
) -> None:
    path = tmp_path / "store.sqlite3"
    migrate(path, tmp_path / "backups", target=start)
    assert read_revision(path) == start
    with sqlite3.connect(path) as connection:
        connection.execute(
            "INSERT INTO users (id, username, display_name, role, rev, updated_at, deleted) "
            "VALUES ('u1', 'liming', '李明', 'manager', 1, '2026-11-23 00:00:00', 0)"
        )

    result = migrate(path, tmp_path / "backups")

    assert result.to_revision == HEAD_REVISION
    assert result.backup is not None and result.backup.exists()
    assert read_revision(result.backup) == start
    with sqlite3.connect(result.backup) as backup:
        assert backup.execute("SELECT display_name FROM users").fetchall() == [("李明",)]
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT display_name FROM users").fetchall() == [("李明",)]


def test_a_migration_that_fails_half_way_leaves_the_store_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """All steps run in one transaction: the summary table created before the failing trigger
    is rolled back with it, and the store stays at the earlier revision (and opens later)."""
    import sqlalchemy
    from sqlalchemy import event

    path = tmp_path / "store.sqlite3"
    earlier = known_revisions()[-2]
    migrate(path, tmp_path / "backups", target=earlier)
    real_create_engine = sqlalchemy.create_engine

    def failing_engine(*args, **kwargs):  # type: ignore[no-untyped-def]
        engine = real_create_engine(*args, **kwargs)

        def fail_on_trigger(_conn, _cursor, statement, *_rest) -> None:  # type: ignore[no-untyped-def]
            if statement.lstrip().upper().startswith("CREATE TRIGGER"):
                raise sqlite3.OperationalError("disk I/O error (simulated)")

        event.listen(engine, "before_cursor_execute", fail_on_trigger)
        return engine

    monkeypatch.setattr(sqlalchemy, "create_engine", failing_engine)
    with pytest.raises(sqlalchemy.exc.DBAPIError):
        migrate(path, tmp_path / "backups")
    monkeypatch.undo()
    assert read_revision(path) == earlier
    with sqlite3.connect(path) as connection:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "account_summary" not in tables
    assert migrate(path, tmp_path / "backups").to_revision == HEAD_REVISION


def test_store_at_head_is_not_migrated_nor_backed_up(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    migrate(path, tmp_path / "backups")
    assert migrate(path, tmp_path / "backups").backup is None
    assert not (tmp_path / "backups").exists()


def test_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    migrate(path, tmp_path / "backups")
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    before = _digest(path)

    with pytest.raises(SchemaTooNewError, match="newer version of kamdesk"):
        open_store(path, tmp_path / "backups")

    assert _digest(path) == before


def test_a_foreign_database_is_refused_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(UnknownDatabaseError, match="not a kamdesk data file"):
        open_store(path, tmp_path / "backups")


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "garbage.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(UnknownDatabaseError):
        open_store(path, tmp_path / "backups")


def test_store_pragmas(store) -> None:
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
