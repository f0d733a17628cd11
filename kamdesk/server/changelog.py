"""Every server-side write to a synced row goes through ``ChangeRecorder``: it bumps ``rev``,
stamps ``updated_at`` and appends a change-log entry saying who may see the change.

Entries are collected and written by ``flush()`` at the end of the transaction. Their positions
(``seq``) must never let a pull cursor jump over a change that commits late:
- on PostgreSQL a position is the writing transaction's id shifted left by ``XID_SHIFT`` plus the
  entry's place in the transaction, and pulls read only below the oldest transaction still
  running (``pg_snapshot_xmin``): every position under that is final, and no lock is shared by
  concurrent pushes;
- on SQLite, where writers take turns anyway, positions come from the ``change_seq`` counter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from kamdesk import models
from kamdesk.models import SyncColumns, utcnow
from kamdesk.server.db import bulk_insert
from kamdesk.server.tables import CHANGE_SEQ, AccountHandover, ChangeLogEntry, Counter

ACCOUNT_CHILDREN: tuple[type[Any], ...] = (
    models.Contact,
    models.ProductHolding,
    models.RevenueMonth,
    models.Visit,
    models.Complaint,
    models.Opportunity,
    models.CompetitorNote,
    models.Task,
)
"""Rows that hang off an account and follow it when it changes hands."""


@dataclass(frozen=True)
class Audience:
    account_id: str | None = None
    user_id: str | None = None
    team_id: str | None = None
    public: bool = False


def audience_of(obj: SyncColumns | Any) -> Audience:
    """Who may see ``obj`` (an ORM row or a ``rows.Draft``; see ``scope.Scope.log_condition``)."""
    entity = obj.__tablename__
    if entity == "accounts":
        return Audience(account_id=obj.id)
    if entity == "tasks":
        return Audience(account_id=obj.account_id, user_id=obj.assignee_id or obj.owner_id)
    if entity == "reports":
        return Audience(user_id=obj.owner_id)
    if entity == "form_templates":
        return Audience(public=True)
    if entity == "cadence_rules":
        return Audience(team_id=obj.team_id) if obj.team_id else Audience(public=True)
    if entity == "users":
        return Audience(user_id=obj.id, team_id=obj.team_id)
    if entity == "teams":
        return Audience(team_id=obj.id)
    account_id = getattr(obj, "account_id", None)
    return Audience(account_id=account_id, user_id=None if account_id else obj.owner_id)


class ChangeRecorder:
    """Collects the change-log entries of one transaction."""

    def __init__(self, session: Session, changed_by: str | None, device_id: str | None = None) -> None:
        self.session = session
        self.changed_by = changed_by
        self.device_id = device_id
        self._entries: list[dict[str, Any]] = []

    def _entry(
        self, obj: SyncColumns | Any, fields: list[str] | None, audience: Audience, *, echo: bool = False
    ) -> None:
        self._entries.append(
            {
                "entity": obj.__tablename__,  # type: ignore[attr-defined]
                "entity_id": obj.id,
                "rev": obj.rev,
                "fields": fields,
                "account_id": audience.account_id,
                "user_id": audience.user_id,
                "team_id": audience.team_id,
                "public": audience.public,
                "changed_by": self.changed_by,
                "echo_of_device": self.device_id if echo else None,
                "changed_at": utcnow(),
            }
        )

    def created(self, obj: SyncColumns | Any, *, echo: bool = False) -> None:
        """A new row: rev 1. ``echo``: stored exactly as the calling device sent it."""
        obj.rev = 1
        obj.updated_at = utcnow()
        obj.deleted = bool(obj.deleted)
        self._entry(obj, None, audience_of(obj), echo=echo)

    def changed(self, obj: SyncColumns, fields: set[str], *, echo: bool = False) -> None:
        """``fields`` of an existing row were set: bump its rev. ``echo`` as for ``created``."""
        obj.rev = (obj.rev or 0) + 1
        obj.updated_at = utcnow()
        self._entry(obj, sorted(fields), audience_of(obj), echo=echo)

    def reassigned(self, account: models.Account, previous_managers: set[str | None]) -> None:
        """An account changed hands: the managers who lost it get the row (with the new manager
        ids, so their client archives it) and the new audience gets everything hanging off it."""
        current = {account.primary_manager_id, account.secondary_manager_id}
        for user_id in previous_managers - current - {None}:
            self._entry(account, [], Audience(user_id=user_id))
            self.session.add(AccountHandover(account_id=account.id, user_id=user_id, handed_over_at=utcnow()))
        self.session.flush()
        for model in ACCOUNT_CHILDREN:
            for child in self.session.scalars(select(model).where(model.account_id == account.id)):
                self._entry(child, [], audience_of(child))

    def __len__(self) -> int:
        return len(self._entries)

    def flush(self) -> None:
        """Write the collected entries at their positions in the server-wide order."""
        if not self._entries:
            return
        first = allocate_positions(self.session, len(self._entries))
        for offset, entry in enumerate(self._entries):
            entry["seq"] = first + offset
        bulk_insert(self.session, ChangeLogEntry.__table__, self._entries)
        self._entries = []


XID_SHIFT = 24
"""Positions per PostgreSQL transaction (16.7 million); transaction ids stay below 2**39."""
_USED = "kamdesk_log_positions"


def allocate_positions(session: Session, count: int) -> int:
    """The first of ``count`` consecutive positions for entries written by this transaction."""
    if session.get_bind().dialect.name == "postgresql":
        xid = session.scalar(text("SELECT pg_current_xact_id()::text::bigint"))
        used: dict[int, int] = session.info.setdefault(_USED, {})
        taken = used.get(xid, 0)
        if taken + count >= 1 << XID_SHIFT:
            raise OverflowError(f"one transaction may log at most {(1 << XID_SHIFT) - 1} changes")
        used[xid] = taken + count
        return (xid << XID_SHIFT) + taken + 1
    # SQLite: the counter row is written under the database's single write lock, held to commit.
    last = session.execute(
        update(Counter.__table__)
        .where(Counter.__table__.c.name == CHANGE_SEQ)
        .values(value=Counter.__table__.c.value + count)
        .returning(Counter.__table__.c.value)
    ).scalar_one()
    return last - count + 1


def settled_position(session: Session) -> int:
    """The highest position at or below which no change can appear any more."""
    if session.get_bind().dialect.name == "postgresql":
        xmin = session.scalar(text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint"))
        return (xmin << XID_SHIFT) - 1
    return session.scalar(select(Counter.value).where(Counter.name == CHANGE_SEQ)) or 0


def ensure_counter(session: Session) -> None:
    """Create the change-sequence counter if missing (migrations create it too)."""
    if session.get(Counter, CHANGE_SEQ) is None:
        session.add(Counter(name=CHANGE_SEQ, value=0))
        session.flush()


def touched_since(session: Session, entity: str, entity_id: str, base_rev: int) -> set[str]:
    """Fields changed on the server after ``base_rev`` (creation and re-listing touch nothing)."""
    touched: set[str] = set()
    for fields in session.scalars(
        select(ChangeLogEntry.fields).where(
            ChangeLogEntry.entity == entity,
            ChangeLogEntry.entity_id == entity_id,
            ChangeLogEntry.rev > base_rev,
        )
    ):
        touched.update(fields or ())
    return touched
