"""Versioned visit-form templates and visits (planned → draft → submitted)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kamdesk.models.base import Base, SyncColumns, UTCDateTime, str_enum
from kamdesk.models.enums import VisitKind, VisitStatus


class FormTemplate(SyncColumns, Base):
    """One published version of a visit-form template; a new version is a new row."""

    __tablename__ = "form_templates"
    __table_args__ = (UniqueConstraint("template_key", "version", name="uq_form_templates_key_version"),)

    template_key: Mapped[str] = mapped_column(String(60))
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    visit_kind: Mapped[VisitKind | None] = mapped_column(str_enum(VisitKind))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Visit(SyncColumns, Base):
    __tablename__ = "visits"
    __table_args__ = (
        Index("ix_visits_account_occurred", "account_id", "occurred_at"),
        Index("ix_visits_status_planned", "status", "planned_at"),
        Index("ix_visits_status_occurred", "status", "occurred_at"),  # reports: submitted visits of a period
    )

    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    kind: Mapped[VisitKind] = mapped_column(str_enum(VisitKind))
    status: Mapped[VisitStatus] = mapped_column(str_enum(VisitStatus), default=VisitStatus.DRAFT)
    planned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    template_key: Mapped[str | None] = mapped_column(String(60))
    template_version: Mapped[int | None] = mapped_column(Integer)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    contacts_met: Mapped[list[str]] = mapped_column(JSON, default=list)
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str | None] = mapped_column(Text)
    entered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # real time of entry
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    late_reason: Mapped[str | None] = mapped_column(String(300))
    amends_id: Mapped[str | None] = mapped_column(ForeignKey("visits.id"), index=True)
