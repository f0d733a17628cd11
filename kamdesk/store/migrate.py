"""Bring a store file to the schema this build understands, safely.

Start-up reads the schema revision with plain ``sqlite3``; only when it differs from
``HEAD_REVISION`` is Alembic imported (it costs start-up time). Before any migration of an
existing file the file is copied with SQLite's online backup API; a file written by a newer
kamdesk is refused untouched.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kamdesk.errors import UserError
from kamdesk.i18n import _

HEAD_REVISION = "0004_summary"
"""The newest migration in ``migrations/versions``; tests check it matches the scripts."""

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class SchemaTooNewError(UserError):
    """The store was written by a newer kamdesk; opening it here could damage it."""


class UnknownDatabaseError(UserError):
    """The file is not a kamdesk store (another program's database, or not SQLite at all)."""


@dataclass(frozen=True)
class MigrationResult:
    from_revision: str | None
    to_revision: str
    backup: Path | None


def read_revision(path: Path) -> str | None:
    """The Alembic revision stamped in ``path``; None for a missing or empty file."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            tables = {
                row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if not tables:
                return None
            if "alembic_version" not in tables:
                raise UnknownDatabaseError(
                    _("{path} is not a kamdesk data file; choose another data folder.").format(path=path)
                )
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise UnknownDatabaseError(
            _("{path} cannot be read as a kamdesk data file ({reason}).").format(path=path, reason=error)
        ) from error
    return row[0] if row else None


def alembic_config() -> object:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def known_revisions() -> list[str]:
    """All revisions from base to head, oldest first."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())  # type: ignore[arg-type]
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def backup_file(path: Path, backup_dir: Path, revision: str) -> Path:
    """A consistent copy of the live store (WAL included) taken with SQLite's backup API."""
    backup_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = backup_dir / f"{path.stem}-{revision}-{stamp}.sqlite3"
    with sqlite3.connect(path) as source, sqlite3.connect(target) as destination:
        source.backup(destination)
    return target


def _driver_leaves_transactions_to_us(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None


def migrate(path: Path, backup_dir: Path, *, target: str = "head") -> MigrationResult:
    """Upgrade the store at ``path`` to ``target``, backing it up first if it holds data."""
    current = read_revision(path)
    if current == HEAD_REVISION and target == "head":
        return MigrationResult(current, current, None)
    revisions = known_revisions()
    if current is not None and current not in revisions:
        raise SchemaTooNewError(
            _(
                "This data file was written by a newer version of kamdesk (schema {revision}). "
                "Install the newer version to open it; the file has not been changed."
            ).format(revision=current),
            details={"revision": current, "path": str(path)},
        )
    backup = backup_file(path, backup_dir, current) if current is not None else None

    from alembic import command
    from sqlalchemy import create_engine, event

    config = alembic_config()
    engine = create_engine(f"sqlite:///{path}")
    # One transaction for every step: the driver would run DDL outside any transaction, so a
    # crash half-way through would leave a half-migrated store behind (SQLAlchemy's recipe).
    event.listen(engine, "connect", _driver_leaves_transactions_to_us)
    event.listen(engine, "begin", lambda connection: connection.exec_driver_sql("BEGIN IMMEDIATE"))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection  # type: ignore[attr-defined]
            command.upgrade(config, target)  # type: ignore[arg-type]
    finally:
        engine.dispose()
    return MigrationResult(current, read_revision(path) or "", backup)
