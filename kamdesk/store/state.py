"""Typed access to the store's key/value facts (``sync_state``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kamdesk.models.base import utcnow
from kamdesk.models.local import SyncState

CURRENT_USER = "current_user_id"
LAST_SYNC = "last_sync_at"
"""When the last complete sync (push and pull) ended, ISO text."""
DEMO = "demo_portfolio"


def get(session: Session, key: str) -> str | None:
    return session.scalar(select(SyncState.value).where(SyncState.key == key))


def put(session: Session, key: str, value: str | None) -> None:
    row = session.get(SyncState, key)
    if row is None:
        session.add(SyncState(key=key, value=value, updated_at=utcnow()))
    else:
        row.value = value
