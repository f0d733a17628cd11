"""What an alert is: its kind, its cause key, how urgent it is and the action that answers it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum, StrEnum
from typing import Any

from kamdesk.models.enums import VisitKind


class AlertKind(StrEnum):
    COMPLAINT_OVERDUE = "complaint_overdue"
    FIRST_CONTACT = "first_contact"
    REVENUE_DROP = "revenue_drop"
    BIRTHDAY = "birthday"
    CONTRACT_ENDING = "contract_ending"
    VISIT_OVERDUE = "visit_overdue"
    INACTIVE = "inactive"


class Severity(IntEnum):
    """Higher sorts first."""

    INFO = 1
    WARNING = 2
    URGENT = 3


class Action(StrEnum):
    """The natural answer to an alert, offered as its button."""

    LOG_PHONE = "log_phone"
    PLAN_VISIT = "plan_visit"
    OPEN_COMPLAINT = "open_complaint"


@dataclass(slots=True, eq=False)
class Alert:
    """One alert. ``key`` names its cause (``kind:subject:cause``): the same cause always gives the
    same key, so a snoozed or closed alert is recognised when the rules find it again, and a new
    cause (next month's drop, next year's birthday) gets a new key and a new alert.

    ``since`` is the business date from which a contact with the account answers the alert;
    ``facts`` holds the figures the reason text is built from (see ``text.reason``). Treat it as
    immutable; it is not frozen only because frozen dataclasses are slow to build by the 100,000."""

    key: str
    kind: AlertKind
    account_id: str
    account_name: str
    severity: Severity
    since: date
    action: Action
    subject_id: str | None = None
    visit_kind: VisitKind | None = None
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AlertSettings:
    """Thresholds; a manager (or later the server) may change them."""

    birthday_days: int = 7
    contract_days: int = 30
    revenue_drop_percent: int = 20
    revenue_yoy_drop_percent: int = 20
    revenue_urgent_percent: int = 40
    first_contact_hours: int = 24
    new_account_days: int = 30
    complaint_head_escalation_hours: int = 48
    cadence_urgent_days: int = 30
    inactive_days: int = 120
    complaint_warning_hours: int = 24


KIND_ORDER = {kind: index for index, kind in enumerate(AlertKind)}


def sort_key(alert: Alert) -> tuple[int, int, date, str, str]:
    """Display order; the key breaks ties, so the order never depends on the order rows are read."""
    return (-alert.severity, KIND_ORDER[alert.kind], alert.since, alert.account_name, alert.key)
