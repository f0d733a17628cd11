"""Client-only tables: the outbox of local changes, sync bookkeeping and preferences."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kamdesk.models.base import LocalBase, UTCDateTime, utcnow


class OutboxEntry(LocalBase):
    """One local change waiting for the server, in the order it was made.

    ``op`` is ``insert`` (full row), ``patch`` (changed fields against ``base_rev``) or ``delete``
    (tombstone). A pending entry not yet stamped with a batch id absorbs later changes to the same
    row, so typing into a draft does not pile up entries.
    """

    __tablename__ = "outbox"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(36), index=True)
    op: Mapped[str] = mapped_column(String(8))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    base_rev: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    batch_id: Mapped[str | None] = mapped_column(String(36), index=True)
    state: Mapped[str] = mapped_column(String(12), default="pending", index=True)  # pending/rejected/conflict
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class SyncState(LocalBase):
    """Small key/value facts of this store: the pull cursor, the signed-in user, preferences."""

    __tablename__ = "sync_state"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
