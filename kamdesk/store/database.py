"""Open a store: migrate the file (with a backup), then hand out the engine and sessions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from kamdesk.store import state
from kamdesk.store.engine import create_store_engine, make_session_factory
from kamdesk.store.migrate import MigrationResult, migrate


@dataclass
class Store:
    path: Path
    engine: Engine
    sessions: sessionmaker[Session]
    user_id: str | None
    migration: MigrationResult

    def close(self) -> None:
        self.engine.dispose()


def open_store(path: Path, backup_dir: Path) -> Store:
    path.parent.mkdir(parents=True, exist_ok=True)
    result = migrate(path, backup_dir)
    engine = create_store_engine(path)
    with Session(engine) as session:
        user_id = state.get(session, state.CURRENT_USER)
    return Store(path, engine, make_session_factory(engine, user_id=user_id), user_id, result)
