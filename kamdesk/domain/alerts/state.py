"""Alert state kept in the store: snoozed with a reason until a day, or closed by a record.

Absent means open. A closed key never shows again: the same cause keeps its key, a new cause
(a later month, a later birthday, a higher escalation level) gets a new one.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kamdesk.domain.alerts.model import Alert
from kamdesk.errors import UserError
from kamdesk.i18n import _
from kamdesk.models import AlertState
from kamdesk.models.base import utcnow

SNOOZED = "snoozed"
CLOSED = "closed"


@dataclass(frozen=True)
class StateInfo:
    key: str
    account_id: str | None
    status: str
    snoozed_until: date | None
    reason: str | None
    closed_by_entity: str | None
    closed_by_id: str | None

    def hides(self, today: date) -> bool:
        if self.status == CLOSED:
            return True
        return self.snoozed_until is not None and today < self.snoozed_until


def load(session: Session, account_ids: Collection[str] | None = None) -> dict[str, StateInfo]:
    statement = select(AlertState)
    if account_ids is not None:
        statement = statement.where(AlertState.account_id.in_(list(account_ids)))
    return {
        row.key: StateInfo(
            row.key,
            row.account_id,
            row.status,
            row.snoozed_until,
            row.reason,
            row.closed_by_entity,
            row.closed_by_id,
        )
        for row in session.scalars(statement)
    }


def _row(session: Session, alert: Alert) -> AlertState:
    row = session.get(AlertState, alert.key)
    if row is None:
        row = AlertState(key=alert.key, rule=str(alert.kind), account_id=alert.account_id, status=SNOOZED)
        session.add(row)
    return row


def snooze(session: Session, alert: Alert, until: date, reason: str, today: date) -> StateInfo:
    """Hide ``alert`` until ``until`` (it shows again on that day); a reason is required."""
    reason = reason.strip()
    if not reason:
        raise UserError(_("Say why you snooze this alert."))
    if until <= today:
        raise UserError(_("Snooze until a day after today."))
    row = _row(session, alert)
    if row.status == CLOSED:
        raise UserError(_("This alert is already closed."))
    row.status, row.snoozed_until, row.reason, row.updated_at = SNOOZED, until, reason, utcnow()
    session.flush()
    return load(session, [alert.account_id])[alert.key]


def close(session: Session, alert: Alert, entity: str, record_id: str) -> StateInfo:
    """Close ``alert`` for good, naming the record that answered it (e.g. ``visits``, its id)."""
    row = _row(session, alert)
    row.status, row.snoozed_until = CLOSED, None
    row.closed_by_entity, row.closed_by_id, row.updated_at = entity, record_id, utcnow()
    session.flush()
    return load(session, [alert.account_id])[alert.key]
