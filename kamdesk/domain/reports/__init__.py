"""Weekly and monthly reports (DOMAIN.md "Weekly and monthly reports"): periods, computed figures
with the records behind them, required reasons, plan carried forward, submit."""

from kamdesk.domain.reports.compute import ReportScope, compute_figures, scope_of
from kamdesk.domain.reports.content import PlanItem, PlanReview, ReportContent, SectionText
from kamdesk.domain.reports.figures import Figure, Record, ReportFigures, Section, Unit, WeekRow
from kamdesk.domain.reports.periods import Period, iso_week, month_of, period_of, week_of, weeks_of_month
from kamdesk.domain.reports.rules import Requirement, missing, requirements
from kamdesk.domain.reports.service import (
    ReportDocument,
    ReportIncompleteError,
    ReportLockedError,
    ReportSummary,
    amend,
    build_report,
    list_reports,
    load,
    refresh,
    save_draft,
    submit,
)
from kamdesk.domain.reports.team import NoTeamFigures, TeamAverages, TeamAverageSource

__all__ = [
    "Figure",
    "NoTeamFigures",
    "Period",
    "PlanItem",
    "PlanReview",
    "Record",
    "ReportContent",
    "ReportDocument",
    "ReportFigures",
    "ReportIncompleteError",
    "ReportLockedError",
    "ReportScope",
    "ReportSummary",
    "Requirement",
    "Section",
    "SectionText",
    "TeamAverageSource",
    "TeamAverages",
    "Unit",
    "WeekRow",
    "amend",
    "build_report",
    "compute_figures",
    "iso_week",
    "list_reports",
    "load",
    "missing",
    "month_of",
    "period_of",
    "refresh",
    "requirements",
    "save_draft",
    "scope_of",
    "submit",
    "week_of",
    "weeks_of_month",
]
