"""Which store the app opens: the manager's own once signed in, the demo portfolio until then."""

from __future__ import annotations

from dataclasses import dataclass

from kamdesk.config import Settings
from kamdesk.domain import (
    # Keeps the portfolio's search index in step with every flush (a Session hook registered on
    # import): imported with the store, not with the Portfolio section, which is built only when
    # first shown, because edits made before that (a visit logged from Today) must reach it too.
    account_index,  # noqa: F401
    demo,
    templates,
)
from kamdesk.store.database import Store, open_store


@dataclass
class Workspace:
    store: Store
    demo: bool


def _remove_database(settings: Settings) -> None:
    path = settings.demo_database_path
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def _with_builtin_templates(store: Store) -> Store:
    """Every store holds the shipped form templates (idempotent: only missing versions are added)."""
    with store.sessions.begin() as session:
        templates.install_builtin(session)
    return store


def open_workspace(settings: Settings) -> Workspace:
    """``--demo`` always starts on a fresh demo store; without a signed-in store the demo is used."""
    if not settings.demo and settings.database_path.exists():
        return Workspace(
            _with_builtin_templates(open_store(settings.database_path, settings.backup_dir)), demo=False
        )
    if settings.demo:
        _remove_database(settings)
    store = open_store(settings.demo_database_path, settings.backup_dir)
    if store.user_id is None:
        with store.sessions.begin() as session:
            demo.generate(session, settings.demo_size)
        store.close()
        store = open_store(settings.demo_database_path, settings.backup_dir)
    return Workspace(_with_builtin_templates(store), demo=True)
