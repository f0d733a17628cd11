"""Where the manager must explain before submitting (DOMAIN.md: "if below the team average, the
manager must write why"; the issue adds a count that fell and any churn), and the plan review.

Each requirement names the section whose "reasons" text answers it; one written reason in a
section answers every requirement of that section. Without a team figure (no sync yet) the
below-average rule cannot apply and none is invented.
"""

from __future__ import annotations

from dataclasses import dataclass

from kamdesk.domain.reports.content import ReportContent
from kamdesk.domain.reports.figures import ReportFigures, Section, Unit, figure_label
from kamdesk.domain.vocabulary import format_yuan
from kamdesk.i18n import _

FELL_CHECKED = (
    ("accounts.portfolio_end", Section.ACCOUNTS),
    ("revenue.amount", Section.REVENUE),
    ("value_added.new", Section.VALUE_ADDED),
    ("activity.onsite", Section.ACTIVITY),
    ("activity.phone", Section.ACTIVITY),
    ("activity.sms", Section.ACTIVITY),
)


@dataclass(frozen=True)
class Requirement:
    section: Section | None  # None: the plan review
    code: str  # fell / churn / below_team / plan_unmarked / plan_reason
    key: str  # the figure key or plan item id it is about
    message: str
    satisfied: bool


def _has_reason(content: ReportContent, section: Section) -> bool:
    return bool(content.text(section).reasons.strip())


def _number(value: float | int) -> str:
    return f"{value:g}" if isinstance(value, int) or value == int(value) else f"{value:.1f}"


def _shown(value: float | int, unit: Unit) -> str:
    return format_yuan(int(value)) if unit is Unit.FEN else _number(value)


def requirements(figures: ReportFigures, content: ReportContent) -> list[Requirement]:
    """Every reason this report needs, each marked satisfied or not."""
    found: list[Requirement] = []
    for key, section in FELL_CHECKED:
        figure = figures.get(key)
        if figure.fell and figure.previous is not None and figure.value is not None:
            found.append(
                Requirement(
                    section,
                    "fell",
                    key,
                    _("{figure} fell from {previous} to {current}: write the reason.").format(
                        figure=figure_label(key),
                        previous=_shown(figure.previous, figure.unit),
                        current=_shown(figure.value, figure.unit),
                    ),
                    _has_reason(content, section),
                )
            )
    lost = figures.get("accounts.lost")
    if lost.value:
        names = "、".join(r.account_name for r in lost.records)
        found.append(
            Requirement(
                Section.ACCOUNTS,
                "churn",
                "accounts.lost",
                _("Accounts were lost ({names}): write why.").format(names=names),
                _has_reason(content, Section.ACCOUNTS),
            )
        )
    if figures.team is not None:
        for kind, average in figures.team.by_kind().items():
            key = f"activity.{kind}"
            value = figures.value(key)
            if value is not None and value < average:
                found.append(
                    Requirement(
                        Section.ACTIVITY,
                        "below_team",
                        key,
                        _("{figure}: {count} is below the team average of {average}: write why.").format(
                            figure=figure_label(key), count=_number(value), average=_number(average)
                        ),
                        _has_reason(content, Section.ACTIVITY),
                    )
                )
    for review in content.review:
        if review.done is None:
            found.append(
                Requirement(
                    None,
                    "plan_unmarked",
                    review.item.id,
                    _("Mark “{item}” from last period's plan as done or not done.").format(
                        item=review.item.text
                    ),
                    False,
                )
            )
        elif review.done is False:
            found.append(
                Requirement(
                    None,
                    "plan_reason",
                    review.item.id,
                    _("“{item}” was not done: write the reason.").format(item=review.item.text),
                    bool(review.reason.strip()),
                )
            )
    return found


def missing(figures: ReportFigures, content: ReportContent) -> list[Requirement]:
    return [r for r in requirements(figures, content) if not r.satisfied]
