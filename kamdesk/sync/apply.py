"""Apply rows pulled from the server to the local store, page by page, with the cursor.

The server lists each row at its latest change, so a contact can arrive a page before the
account it belongs to; foreign keys are therefore switched off on the connection that applies a
page (the server checked them). Local edits not yet accepted by the server win over pulled
values until they are pushed. An account that is no longer the manager's is archived, not
deleted: its history stays readable and unsynced work on it is still pushed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from kamdesk.models import SYNCED_MODELS, Account, OutboxEntry
from kamdesk.models.enums import AccountStatus
from kamdesk.models.wire import fields_from_wire
from kamdesk.store import state
from kamdesk.store.database import Store
from kamdesk.store.outbox import applying_remote
from kamdesk.sync.protocol import PulledRow

PULL_CURSOR = "pull_cursor"


@contextmanager
def remote_session(store: Store) -> Iterator[Session]:
    """One transaction for server rows, with foreign keys off on its connection."""
    with store.engine.connect() as connection:
        raw = connection.connection.driver_connection
        raw.execute("PRAGMA foreign_keys=OFF")  # before BEGIN, or SQLite ignores it
        try:
            with (
                Session(bind=connection, expire_on_commit=False) as session,
                session.begin(),
                applying_remote(session),
            ):
                yield session
        finally:
            raw.execute("PRAGMA foreign_keys=ON")


def read_cursor(session: Session) -> int:
    return int(state.get(session, PULL_CURSOR) or 0)


def _locally_pending(session: Session, entity: str, entity_id: str) -> set[str]:
    payloads = session.scalars(
        select(OutboxEntry.payload).where(
            OutboxEntry.entity == entity,
            OutboxEntry.entity_id == entity_id,
            OutboxEntry.state.in_(("pending", "conflict", "rejected")),
        )
    )
    return {key for payload in payloads for key in payload}


def apply_row(session: Session, pulled: PulledRow, user_id: str | None) -> str:
    """Upsert one pulled row; returns ``created``, ``updated``, ``archived`` or ``skipped``."""
    model = SYNCED_MODELS.get(pulled.entity)
    if model is None:
        return "skipped"  # a newer server's table this client does not know yet
    known = {attr.key for attr in inspect(model).column_attrs}
    fields: dict[str, Any] = fields_from_wire(model, {k: v for k, v in pulled.row.items() if k in known})
    fields["id"] = pulled.id
    fields["rev"] = pulled.rev
    outcome = "updated"
    row = session.get(model, pulled.id)
    if row is None:
        row = model(**fields)
        session.add(row)
        outcome = "created"
    else:
        keep = _locally_pending(session, pulled.entity, pulled.id)
        for key, value in fields.items():
            if key not in keep:
                setattr(row, key, value)
    taken_away = (
        isinstance(row, Account)
        and user_id
        and user_id not in (row.primary_manager_id, row.secondary_manager_id)
    )
    if taken_away and row.status != AccountStatus.ARCHIVED:
        row.status = AccountStatus.ARCHIVED
        outcome = "archived"
    return outcome


def apply_page(store: Store, rows: list[PulledRow], next_cursor: int, user_id: str | None) -> dict[str, int]:
    """Apply ``rows`` and move the cursor to ``next_cursor`` in one transaction."""
    counts: dict[str, int] = {}
    with remote_session(store) as session:
        for pulled in rows:
            outcome = apply_row(session, pulled, user_id)
            counts[outcome] = counts.get(outcome, 0) + 1
        state.put(session, PULL_CURSOR, str(next_cursor))
    return counts
