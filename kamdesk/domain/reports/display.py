"""Figures as people read them, shared by the report view, the PDF and the XLSX export."""

from __future__ import annotations

from kamdesk.domain.reports.figures import Figure, ReportFigures, Unit, change_rate
from kamdesk.domain.reports.periods import Period
from kamdesk.domain.vocabulary import format_yuan
from kamdesk.i18n import _
from kamdesk.models.enums import ReportKind


def format_number(value: int | float | None, unit: Unit) -> str:
    if value is None:
        return "—"
    match unit:
        case Unit.FEN:
            return format_yuan(int(value))
        case Unit.RATIO:
            return f"{value * 100:.1f}%"
        case Unit.RATING:
            return f"{value:.2f}"
        case Unit.NUMBER:
            return f"{value:.2f}"
        case _:
            return f"{int(value):,}"


def format_value(figure: Figure) -> str:
    return format_number(figure.value, figure.unit)


def format_change(figure: Figure, base: int | float | None) -> str:
    """The change against ``base`` as a signed percentage, '—' when it cannot be computed."""
    if figure.unit not in (Unit.COUNT, Unit.FEN, Unit.RATING):
        return ""
    rate = change_rate(figure.value, base)
    return "—" if rate is None else f"{rate * 100:+.1f}%"


def period_title(period: Period) -> str:
    if period.kind is ReportKind.WEEKLY:
        return _("Weekly report {label} ({start} – {end})").format(
            label=period.label, start=period.start.isoformat(), end=period.end.isoformat()
        )
    return _("Monthly report {label} ({start} – {end})").format(
        label=period.label, start=period.start.isoformat(), end=period.end.isoformat()
    )


def revenue_basis(figures: ReportFigures) -> str:
    if figures.revenue_month is None:
        return _("No billing figures are available yet.")
    return _(
        "Revenue is the billed month {month}, the latest billed on or before the end of the period."
    ).format(month=f"{figures.revenue_month:%Y-%m}")


def team_note(figures: ReportFigures) -> str:
    if figures.team is None:
        return _("No team figure is available: team averages come from the server after sync.")
    return _(
        "Team average per manager ({managers} managers): on-site {onsite}, phone {phone}, SMS {sms}."
    ).format(
        managers=figures.team.managers,
        onsite=f"{figures.team.onsite:.1f}",
        phone=f"{figures.team.phone:.1f}",
        sms=f"{figures.team.sms:.1f}",
    )
