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
from functools import cache
from typing import Any

from sqlalchemy import insert, inspect, select
from sqlalchemy.orm import Session

from kamdesk.domain import account_index
from kamdesk.models import SYNCED_MODELS, Account, OutboxEntry, SyncColumns
from kamdesk.models.enums import AccountStatus
from kamdesk.models.wire import fields_from_wire
from kamdesk.store import state
from kamdesk.store.database import Store
from kamdesk.store.engine import write_engine
from kamdesk.store.outbox import applying_remote
from kamdesk.sync.protocol import PulledRow

PULL_CURSOR = "pull_cursor"


@contextmanager
def remote_session(store: Store) -> Iterator[Session]:
    """One transaction for server rows, with foreign keys off on its connection."""
    with write_engine(store.engine).connect() as connection:  # BEGIN IMMEDIATE, like every writer
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


def _locally_pending(session: Session, keys: set[tuple[str, str]]) -> dict[tuple[str, str], set[str]]:
    """Fields of each row with local changes the server has not accepted (they win for now)."""
    pending: dict[tuple[str, str], set[str]] = {}
    ids = sorted({entity_id for _, entity_id in keys})
    for chunk in range(0, len(ids), 500):
        rows = session.execute(
            select(OutboxEntry.entity, OutboxEntry.entity_id, OutboxEntry.payload).where(
                OutboxEntry.entity_id.in_(ids[chunk : chunk + 500]),
                OutboxEntry.state.in_(("pending", "conflict", "rejected")),
            )
        )
        for entity, entity_id, payload in rows:
            if (entity, entity_id) in keys:
                pending.setdefault((entity, entity_id), set()).update(payload)
    return pending


def _parse(model: type[SyncColumns], pulled: PulledRow) -> dict[str, Any]:
    known = _columns(model)
    fields: dict[str, Any] = fields_from_wire(model, {k: v for k, v in pulled.row.items() if k in known})
    fields["id"] = pulled.id
    fields["rev"] = pulled.rev
    return fields


@cache
def _columns(model: type[SyncColumns]) -> frozenset[str]:
    return frozenset(attr.key for attr in inspect(model).column_attrs)


def _taken_away(fields: dict[str, Any], user_id: str | None) -> bool:
    managers = (fields.get("primary_manager_id"), fields.get("secondary_manager_id"))
    return user_id is not None and user_id not in managers


def apply_rows(session: Session, rows: list[PulledRow], user_id: str | None) -> dict[str, int]:
    """Upsert ``rows``: new ones in bulk, existing ones field by field (local pending edits kept).

    Returns counts of ``created``, ``updated``, ``archived`` (accounts no longer the manager's)
    and ``skipped`` (tables this client does not know yet, from a newer server)."""
    counts = {"created": 0, "updated": 0, "archived": 0, "skipped": 0}
    latest: dict[tuple[str, str], PulledRow] = {}
    for pulled in rows:
        if pulled.entity in SYNCED_MODELS:
            latest[(pulled.entity, pulled.id)] = pulled
        else:
            counts["skipped"] += 1
    by_entity: dict[str, list[PulledRow]] = {}
    for (entity, _), pulled in latest.items():
        by_entity.setdefault(entity, []).append(pulled)
    pending = _locally_pending(session, set(latest))
    touched_accounts: set[str] = set()
    with session.no_autoflush:
        for entity, pulled_rows in by_entity.items():
            model = SYNCED_MODELS[entity]
            ids = [pulled.id for pulled in pulled_rows]
            existing = {}
            for chunk in range(0, len(ids), 500):
                for row in session.scalars(select(model).where(model.id.in_(ids[chunk : chunk + 500]))):
                    existing[row.id] = row
            new_rows = []
            for pulled in pulled_rows:
                fields = _parse(model, pulled)
                archive = model is Account and _taken_away(fields, user_id)
                row = existing.get(pulled.id)
                if row is None:
                    if archive:
                        fields["status"] = AccountStatus.ARCHIVED
                    new_rows.append(fields)
                    continue
                keep = pending.get((entity, pulled.id), set())
                for key, value in fields.items():
                    if key not in keep and getattr(row, key) != value:
                        setattr(row, key, value)
                counts["updated"] += 1
                if archive and row.status != AccountStatus.ARCHIVED:
                    row.status = AccountStatus.ARCHIVED
                    counts["archived"] += 1
            if new_rows:
                session.execute(insert(model), new_rows)
                counts["created"] += len(new_rows)
                touched_accounts.update(_account_ids(model, new_rows))
    # Bulk inserts bypass the flush hook that keeps the portfolio's search index in step.
    account_index.refresh(session, touched_accounts)
    return counts


def _account_ids(model: type, rows: list[dict[str, Any]]) -> set[str]:
    if model is Account:
        return {row["id"] for row in rows}
    if model in account_index.ACCOUNT_CHILDREN:
        return {row["account_id"] for row in rows if row.get("account_id")}
    return set()


def apply_page(store: Store, rows: list[PulledRow], next_cursor: int, user_id: str | None) -> dict[str, int]:
    """Apply ``rows`` and move the cursor to ``next_cursor`` in one transaction."""
    with remote_session(store) as session:
        counts = apply_rows(session, rows, user_id)
        state.put(session, PULL_CURSOR, str(next_cursor))
    return counts
