"""What visits uncover: complaints, needs/opportunities, competitor notes; and tasks."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kamdesk.models.base import Base, SyncColumns, UTCDateTime, str_enum
from kamdesk.models.enums import ComplaintStatus, OpportunityStatus, TaskStatus


class Complaint(SyncColumns, Base):
    __tablename__ = "complaints"

    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    visit_id: Mapped[str | None] = mapped_column(ForeignKey("visits.id"), index=True)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime())
    summary: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(16), default="normal")  # normal / major
    status: Mapped[ComplaintStatus] = mapped_column(str_enum(ComplaintStatus), default=ComplaintStatus.OPEN)
    answer_due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answer: Mapped[str | None] = mapped_column(Text)
    satisfaction: Mapped[int | None] = mapped_column(Integer)


class Opportunity(SyncColumns, Base):
    """A need the customer raised (需求) or a sales opportunity (商机)."""

    __tablename__ = "opportunities"

    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    visit_id: Mapped[str | None] = mapped_column(ForeignKey("visits.id"), index=True)
    raised_on: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(40))
    description: Mapped[str | None] = mapped_column(Text)
    estimated_value_fen: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[OpportunityStatus] = mapped_column(
        str_enum(OpportunityStatus), default=OpportunityStatus.OPEN
    )


class CompetitorNote(SyncColumns, Base):
    __tablename__ = "competitor_notes"

    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    visit_id: Mapped[str | None] = mapped_column(ForeignKey("visits.id"), index=True)
    noted_on: Mapped[date] = mapped_column(Date)
    competitor: Mapped[str] = mapped_column(String(60))
    offer: Mapped[str | None] = mapped_column(Text)
    customer_reaction: Mapped[str | None] = mapped_column(Text)


class Task(SyncColumns, Base):
    """A task assigned down the line; re-delegation makes a child task (``parent_id``)."""

    __tablename__ = "tasks"

    account_id: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    visit_id: Mapped[str | None] = mapped_column(ForeignKey("visits.id"), index=True)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("tasks.id"), index=True)
    assignee_id: Mapped[str | None] = mapped_column(String(36), index=True)
    assigner_id: Mapped[str | None] = mapped_column(String(36))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[TaskStatus] = mapped_column(str_enum(TaskStatus), default=TaskStatus.OPEN)
    outcome: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
