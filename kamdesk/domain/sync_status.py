"""What the status bar says about sync: how many local changes the server has not accepted yet."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kamdesk.models import OutboxEntry


def pending_changes(session: Session) -> int:
    return session.scalar(select(func.count(OutboxEntry.seq)).where(OutboxEntry.state == "pending")) or 0
