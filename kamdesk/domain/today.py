"""The Today page's non-alert lists: planned visits today, complaints near their deadline, tasks due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kamdesk.domain.clock import business_today
from kamdesk.domain.planning import PlannedVisit, planned_visits
from kamdesk.models import Account, Complaint, Task
from kamdesk.models.enums import ComplaintStatus, TaskStatus


@dataclass(frozen=True)
class ComplaintDue:
    id: str
    account_id: str
    account_name: str
    summary: str
    severity: str
    answer_due_at: datetime
    hours_left: float


@dataclass(frozen=True)
class TaskDue:
    id: str
    account_id: str | None
    account_name: str | None
    title: str
    due_on: date
    overdue_days: int


@dataclass(frozen=True)
class TodayLists:
    today: date
    planned: list[PlannedVisit]
    complaints: list[ComplaintDue]
    tasks: list[TaskDue]


def complaints_near_deadline(session: Session, now: datetime, hours: int) -> list[ComplaintDue]:
    """Open complaints whose answer is due within ``hours`` (not yet due; overdue ones are alerts)."""
    rows = session.execute(
        select(
            Complaint.id,
            Complaint.account_id,
            Account.name,
            Complaint.summary,
            Complaint.severity,
            Complaint.answer_due_at,
        )
        .join(Account, Account.id == Complaint.account_id)
        .where(
            Complaint.deleted.is_(False),
            Complaint.status == ComplaintStatus.OPEN,
            Complaint.answered_at.is_(None),
            Complaint.answer_due_at > now,
            Complaint.answer_due_at <= now + timedelta(hours=hours),
        )
        .order_by(Complaint.answer_due_at)
    )
    return [ComplaintDue(*row, (row[5] - now).total_seconds() / 3600) for row in rows]


def tasks_due(session: Session, today: date, user_id: str | None) -> list[TaskDue]:
    """Open tasks of this manager due today or earlier."""
    statement = (
        select(Task.id, Task.account_id, Account.name, Task.title, Task.due_on)
        .outerjoin(Account, Account.id == Task.account_id)
        .where(
            Task.deleted.is_(False),
            Task.status.in_([TaskStatus.OPEN, TaskStatus.DELEGATED]),
            Task.due_on.is_not(None),
            Task.due_on <= today,
        )
        .order_by(Task.due_on)
    )
    if user_id is not None:
        statement = statement.where(or_(Task.assignee_id == user_id, Task.assignee_id.is_(None)))
    return [TaskDue(*row, (today - row[4]).days) for row in session.execute(statement)]


def today_lists(
    session: Session, now: datetime, user_id: str | None, complaint_hours: int = 24
) -> TodayLists:
    today = business_today(now)
    return TodayLists(
        today,
        planned_visits(session, today, today),
        complaints_near_deadline(session, now, complaint_hours),
        tasks_due(session, today, user_id),
    )
