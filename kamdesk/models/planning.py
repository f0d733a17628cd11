"""Visit-cadence policy (distributed by the server) and weekly/monthly reports."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kamdesk.models.base import Base, SyncColumns, UTCDateTime, str_enum
from kamdesk.models.enums import CadencePeriod, ReportKind, ReportStatus, Tier, VisitKind


class CadenceRule(SyncColumns, Base):
    """``visits`` visits of ``visit_kind`` per ``period`` for accounts of ``tier`` (team-wide when
    ``team_id`` is set, else the default)."""

    __tablename__ = "cadence_rules"

    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"), index=True)
    tier: Mapped[Tier] = mapped_column(str_enum(Tier, 4))
    visit_kind: Mapped[VisitKind] = mapped_column(str_enum(VisitKind))
    visits: Mapped[int] = mapped_column(Integer)
    period: Mapped[CadencePeriod] = mapped_column(str_enum(CadencePeriod))


class Report(SyncColumns, Base):
    __tablename__ = "reports"

    kind: Mapped[ReportKind] = mapped_column(str_enum(ReportKind))
    period_start: Mapped[date] = mapped_column(Date, index=True)
    period_end: Mapped[date] = mapped_column(Date)
    status: Mapped[ReportStatus] = mapped_column(str_enum(ReportStatus), default=ReportStatus.DRAFT)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    narrative: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    plan: Mapped[list[Any]] = mapped_column(JSON, default=list)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    amends_id: Mapped[str | None] = mapped_column(ForeignKey("reports.id"))
    author_name: Mapped[str | None] = mapped_column(String(64))
