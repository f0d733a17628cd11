"""Alert titles and reasons in the user's language, built from the alert's figures on demand
(the table asks only for the rows it shows, so 100,000 alerts cost nothing to describe)."""

from __future__ import annotations

from datetime import date, datetime

from kamdesk.domain.alerts.model import Action, Alert, AlertKind
from kamdesk.domain.clock import BUSINESS_TZ
from kamdesk.domain.vocabulary import label
from kamdesk.i18n import N_, _, ngettext

TITLES = {
    AlertKind.COMPLAINT_OVERDUE: N_("Complaint unanswered"),
    AlertKind.FIRST_CONTACT: N_("New customer not contacted"),
    AlertKind.REVENUE_DROP: N_("Revenue falling"),
    AlertKind.BIRTHDAY: N_("Contact's birthday"),
    AlertKind.CONTRACT_ENDING: N_("Contract ending"),
    AlertKind.VISIT_OVERDUE: N_("Visit overdue"),
    AlertKind.INACTIVE: N_("No activity"),
}
ACTIONS = {
    Action.LOG_PHONE: N_("Log a phone visit"),
    Action.PLAN_VISIT: N_("Plan a visit"),
    Action.OPEN_COMPLAINT: N_("Open the complaint"),
}


def yuan_whole(fen: int) -> str:
    """``¥52,300``: reasons round to whole yuan so the figures read at a glance."""
    sign = "-" if fen < 0 else ""
    return f"{sign}¥{round(abs(fen) / 100):,}"


def percent_change(new: float, old: float) -> str:
    """``−40.7%`` with a real minus sign; ``+3.0%`` for a rise."""
    change = (new - old) / old * 100
    return f"{change:+.1f}%".replace("-", "−")


def month_label(month: date) -> str:
    return _("{year}-{month:02d}").format(year=month.year, month=month.month)


def short_date(day: date) -> str:
    return _("{month}/{day}").format(month=day.month, day=day.day)


def title(alert: Alert) -> str:
    return _(TITLES[alert.kind])


def action_label(action: Action) -> str:
    return _(ACTIONS[action])


def revenue_clauses(facts: dict[str, object]) -> list[str]:
    month = month_label(facts["month"])  # type: ignore[arg-type]
    amount = int(facts["amount"])  # type: ignore[call-overload]
    clauses = []
    if facts.get("average") is not None:
        average = int(facts["average"])  # type: ignore[call-overload]
        clauses.append(
            _("3-month average {average} → {month} {amount}, {change}").format(
                average=yuan_whole(average),
                month=month,
                amount=yuan_whole(amount),
                change=percent_change(amount, average),
            )
        )
    if facts.get("year_ago") is not None:
        year_ago = int(facts["year_ago"])  # type: ignore[call-overload]
        clauses.append(
            _("same month last year {previous} → {month} {amount}, {change}").format(
                previous=yuan_whole(year_ago),
                month=month,
                amount=yuan_whole(amount),
                change=percent_change(amount, year_ago),
            )
        )
    return clauses


def reason(alert: Alert) -> str:
    facts = alert.facts
    kind = alert.kind
    if kind is AlertKind.REVENUE_DROP:
        return _("; ").join(revenue_clauses(facts))
    if kind is AlertKind.BIRTHDAY:
        days = int(facts["days"])
        who = facts["contact"] if not facts["title"] else f"{facts['contact']}（{facts['title']}）"
        if days == 0:
            return _("{contact}'s birthday is today ({day})").format(
                contact=who, day=short_date(facts["day"])
            )
        return ngettext(
            "{contact}'s birthday is in {count} day ({day})",
            "{contact}'s birthday is in {count} days ({day})",
            days,
        ).format(contact=who, count=days, day=short_date(facts["day"]))
    if kind is AlertKind.CONTRACT_ENDING:
        days = int(facts["days"])
        return ngettext(
            "{product} ends on {day}, in {count} day",
            "{product} ends on {day}, in {count} days",
            days,
        ).format(product=facts["product"], day=facts["day"].isoformat(), count=days)
    if kind is AlertKind.FIRST_CONTACT:
        return _(
            "Customer since {day}; no first contact after {hours} h (the norm is within {norm} h)"
        ).format(day=facts["day"].isoformat(), hours=facts["hours"], norm=facts["norm"])
    if kind is AlertKind.COMPLAINT_OVERDUE:
        due: datetime = facts["due"]
        local_due = due.astimezone(BUSINESS_TZ).strftime("%m-%d %H:%M")
        if facts["escalate_to"] == "head":
            text = _("Unanswered after {hours} h (due {due}); report it to the department head: “{summary}”")
        else:
            text = _("Unanswered after {hours} h (due {due}); tell your supervisor: “{summary}”")
        return text.format(summary=facts["summary"], hours=facts["hours"], due=local_due)
    if kind is AlertKind.VISIT_OVERDUE:
        last = facts["last"]
        days = int(facts["days"])
        if last is None:
            return ngettext(
                "{kind} due {due}, {count} day overdue; none recorded yet",
                "{kind} due {due}, {count} days overdue; none recorded yet",
                days,
            ).format(kind=label(facts["kind"]), due=facts["due"].isoformat(), count=days)
        return ngettext(
            "{kind} due {due}, {count} day overdue; last one {last}",
            "{kind} due {due}, {count} days overdue; last one {last}",
            days,
        ).format(kind=label(facts["kind"]), due=facts["due"].isoformat(), count=days, last=last.isoformat())
    if kind is AlertKind.INACTIVE:
        days = int(facts["days"])
        if facts["last"] is None:
            return ngettext(
                "No visit recorded in the {count} day since it became a customer",
                "No visit recorded in the {count} days since it became a customer",
                days,
            ).format(count=days)
        return ngettext(
            "No visit for {count} day (last {last})", "No visit for {count} days (last {last})", days
        ).format(count=days, last=facts["last"].isoformat())
    raise ValueError(kind)
