"""Report life cycle: build (or reopen) the draft of a period, autosave what the manager writes,
submit once every required reason is written. A submitted report is immutable and its figures
are frozen as they were at submit; both the draft's creation and every change go to the outbox.

Functions take a Session and never commit; the caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from kamdesk.domain.reports.compute import ReportScope, compute_figures
from kamdesk.domain.reports.content import PlanReview, ReportContent
from kamdesk.domain.reports.figures import ReportFigures, Section
from kamdesk.domain.reports.periods import Period, period_of, weeks_of_month
from kamdesk.domain.reports.rules import Requirement, missing
from kamdesk.domain.reports.team import TeamAverages
from kamdesk.errors import UserError
from kamdesk.i18n import _
from kamdesk.models import Report
from kamdesk.models.enums import ReportKind, ReportStatus
from kamdesk.store import outbox

T = TypeVar("T", bound=tuple[Any, ...])


class ReportLockedError(UserError):
    """The report was submitted; it cannot change any more."""


class ReportIncompleteError(UserError):
    """Submit refused: some required reason is missing."""

    def __init__(self, message: str, missing: list[Requirement]) -> None:
        super().__init__(message, details={"missing": [r.message for r in missing]})
        self.missing = missing


@dataclass(frozen=True)
class ReportSummary:
    id: str
    period: Period
    status: ReportStatus
    updated_at: datetime
    submitted_at: datetime | None
    amends_id: str | None = None
    superseded: bool = False  # a later correction replaces it


@dataclass(frozen=True)
class ReportDocument:
    id: str
    status: ReportStatus
    figures: ReportFigures
    content: ReportContent
    author_name: str | None
    submitted_at: datetime | None
    review_from: str | None  # label of the report whose plan this one reviews
    amends_id: str | None = None  # the submitted report this one corrects

    @property
    def period(self) -> Period:
        return self.figures.period

    @property
    def submitted(self) -> bool:
        return self.status is ReportStatus.SUBMITTED


def _owned(statement: Select[T], scope: ReportScope) -> Select[T]:
    """Only the reports of ``scope``'s manager (a store without a user owns its reports as None)."""
    if scope.user_id is None:
        return statement.where(Report.owner_id.is_(None))
    return statement.where(Report.owner_id == scope.user_id)


def _find(session: Session, period: Period, scope: ReportScope) -> Report | None:
    statement = _owned(
        select(Report).where(
            Report.deleted.is_(False), Report.kind == period.kind, Report.period_start == period.start
        ),
        scope,
    )
    return _current(list(session.scalars(statement)))


def _current(rows: list[Report]) -> Report | None:
    """The report of a period that counts: the newest correction (a report no other one amends),
    a submitted one before a stray draft."""
    amended = {row.amends_id for row in rows if row.amends_id}
    heads = [row for row in rows if row.id not in amended]
    heads.sort(key=lambda row: (row.status is not ReportStatus.SUBMITTED, row.id))
    return heads[0] if heads else None


def _document(report: Report) -> ReportDocument:
    return ReportDocument(
        id=report.id,
        status=report.status,
        figures=ReportFigures.from_json(report.figures),
        content=ReportContent.from_json(report.narrative, report.plan),
        author_name=report.author_name,
        submitted_at=report.submitted_at,
        review_from=(report.narrative or {}).get("review_from"),
        amends_id=report.amends_id,
    )


def _narrative(content: ReportContent, review_from: str | None) -> dict[str, object]:
    return {**content.narrative_json(), "review_from": review_from}


def list_reports(session: Session, scope: ReportScope) -> list[ReportSummary]:
    """The manager's reports, newest period first (a correction before the report it corrects)."""
    statement = _owned(
        select(Report.id, Report.kind, Report.period_start, Report.period_end, Report.status,
               Report.updated_at, Report.submitted_at, Report.amends_id)
        .where(Report.deleted.is_(False))
        .order_by(Report.period_start.desc(), Report.kind, Report.updated_at.desc()),
        scope,
    )  # fmt: skip
    rows = list(session.execute(statement))
    amended = {row.amends_id for row in rows if row.amends_id}
    return [
        ReportSummary(row.id, Period(row.kind, row.period_start, row.period_end), row.status, row.updated_at,
                      row.submitted_at, row.amends_id, row.id in amended)
        for row in rows
    ]  # fmt: skip


def load(session: Session, report_id: str) -> ReportDocument:
    report = session.get(Report, report_id)
    if report is None or report.deleted:
        raise UserError(_("This report no longer exists."))
    return _document(report)


def _previous_report(session: Session, period: Period, scope: ReportScope) -> Report | None:
    latest = session.scalar(
        _owned(
            select(func.max(Report.period_start)).where(
                Report.deleted.is_(False), Report.kind == period.kind, Report.period_start < period.start
            ),
            scope,
        )
    )
    if latest is None:
        return None
    return _find(session, period_of(period.kind, latest), scope)


def _from_weeks(session: Session, month: Period, scope: ReportScope, content: ReportContent) -> None:
    """A monthly report starts from its weeks: each section's text gathers what the weekly
    reports of the month said, labelled by week, for the manager to condense."""
    for week in weeks_of_month(month):
        weekly = _find(session, week, scope)
        if weekly is None:
            continue
        written = ReportContent.from_json(weekly.narrative, weekly.plan)
        for section in Section:
            source, target = written.text(section), content.text(section)
            for attribute in ("reasons", "measures"):
                text = getattr(source, attribute).strip()
                if text:
                    current = getattr(target, attribute)
                    setattr(target, attribute, f"{current}\n{week.label}：{text}".strip())


def build_report(
    session: Session,
    kind: ReportKind,
    day: date,
    scope: ReportScope,
    team: TeamAverages | None = None,
    *,
    now: datetime | None = None,
    figures: ReportFigures | None = None,
) -> ReportDocument:
    """The report of the period holding ``day``: a submitted one as it is, a draft with fresh
    figures, or a new draft that starts from last period's plan (and, for a month, its weeks).

    ``figures`` computed beforehand in a read transaction keep this write transaction short."""
    period = period_of(kind, day)
    existing = _find(session, period, scope)
    if existing is not None and existing.status is ReportStatus.SUBMITTED:
        return _document(existing)
    if figures is None:
        figures = compute_figures(session, period, scope, team, now=now)
    if existing is not None:
        outbox.update(session, existing, figures=figures.to_json())
        return _document(existing)
    content = ReportContent()
    previous = _previous_report(session, period, scope)
    review_from = None
    if previous is not None:
        content.review = [PlanReview(item) for item in ReportContent.from_json(None, previous.plan).plan]
        review_from = Period(previous.kind, previous.period_start, previous.period_end).label
    if kind is ReportKind.MONTHLY:
        _from_weeks(session, period, scope, content)
    report = outbox.insert(
        session,
        Report(
            kind=kind,
            period_start=period.start,
            period_end=period.end,
            status=ReportStatus.DRAFT,
            figures=figures.to_json(),
            narrative=_narrative(content, review_from),
            plan=content.plan_json(),
            author_name=scope.author_name,
        ),
    )
    return _document(report)


def amend(
    session: Session, report_id: str, scope: ReportScope, team: TeamAverages | None = None
) -> ReportDocument:
    """Start a correction of a submitted report: a new draft that references it (``amends_id``)
    with the same text and plan and fresh figures; the submitted one stays as it was."""
    original = session.get(Report, report_id)
    if original is None or original.deleted:
        raise UserError(_("This report no longer exists."))
    if original.status is not ReportStatus.SUBMITTED:
        raise UserError(_("Only a submitted report can be corrected; edit the draft instead."))
    period = Period(original.kind, original.period_start, original.period_end)
    current = _find(session, period, scope)
    if current is not None and current.id != original.id:
        if current.status is ReportStatus.DRAFT:
            return _document(current)  # a correction is already under way
        raise UserError(_("A newer version of this report exists; correct that one."))
    figures = compute_figures(session, period, scope, team)
    correction = outbox.insert(
        session,
        Report(
            kind=original.kind,
            period_start=original.period_start,
            period_end=original.period_end,
            status=ReportStatus.DRAFT,
            figures=figures.to_json(),
            narrative=dict(original.narrative or {}),
            plan=list(original.plan or []),
            amends_id=original.id,
            author_name=scope.author_name,
        ),
    )
    return _document(correction)


def _draft(session: Session, report_id: str) -> Report:
    report = session.get(Report, report_id)
    if report is None or report.deleted:
        raise UserError(_("This report no longer exists."))
    if report.status is ReportStatus.SUBMITTED:
        raise ReportLockedError(_("This report has been submitted and can no longer be changed."))
    return report


def save_draft(session: Session, report_id: str, content: ReportContent) -> None:
    """Autosave: store what the manager wrote (one pending outbox entry absorbs repeated saves)."""
    report = _draft(session, report_id)
    review_from = (report.narrative or {}).get("review_from")
    outbox.update(session, report, narrative=_narrative(content, review_from), plan=content.plan_json())


def refresh(
    session: Session, report_id: str, scope: ReportScope, team: TeamAverages | None = None
) -> ReportDocument:
    """Recompute a draft's figures from the store as it is now."""
    report = _draft(session, report_id)
    period = Period(report.kind, report.period_start, report.period_end)
    outbox.update(session, report, figures=compute_figures(session, period, scope, team).to_json())
    return _document(report)


def submit(
    session: Session,
    report_id: str,
    content: ReportContent,
    scope: ReportScope,
    team: TeamAverages | None = None,
    *,
    now: datetime | None = None,
) -> ReportDocument:
    """Freeze the figures as they are now and submit, or refuse with what is still missing."""
    report = _draft(session, report_id)
    period = Period(report.kind, report.period_start, report.period_end)
    figures = compute_figures(session, period, scope, team, now=now)
    gaps = missing(figures, content)
    save_draft(session, report_id, content)
    outbox.update(session, report, figures=figures.to_json())
    if gaps:
        raise ReportIncompleteError(
            _("The report cannot be submitted yet: {missing}").format(
                missing=" ".join(g.message for g in gaps)
            ),
            gaps,
        )
    outbox.update(session, report, status=ReportStatus.SUBMITTED, submitted_at=now or datetime.now(UTC))
    return _document(report)
