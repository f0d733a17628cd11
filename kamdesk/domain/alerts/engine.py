"""Evaluate the rules over the portfolio, or over a few accounts after a change, and keep the
result in an ``AlertBoard`` so the Today view opens from memory.

Evaluation is a pure read that returns an ``Evaluation``; applying it to the board is separate, so a
worker thread can evaluate while the GUI thread keeps showing the previous board.
"""

from __future__ import annotations

import gc
import json
from bisect import insort
from collections import Counter
from collections.abc import Collection
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime

from sqlalchemy.orm import Session

from kamdesk.domain.alerts import rules, state
from kamdesk.domain.alerts.model import Alert, AlertKind, AlertSettings, sort_key
from kamdesk.domain.alerts.state import StateInfo
from kamdesk.domain.cadence import Policy
from kamdesk.domain.clock import business_today
from kamdesk.models.enums import VisitKind
from kamdesk.store import state as store_state

SETTINGS_KEY = "alert_settings"


@dataclass(frozen=True, slots=True)
class OverdueAccount:
    """An account behind its cadence: the kinds overdue, the worst delay, the earliest due day."""

    account_id: str
    account_name: str
    kinds: tuple[VisitKind, ...]
    days: int
    due: date


def _overdue_account(alert: Alert) -> OverdueAccount:
    """The account of a visit-overdue alert (one per account behind its cadence, named after its
    most overdue kind: ``rules.overdue_visits``)."""
    facts = alert.facts
    return OverdueAccount(alert.account_id, alert.account_name, facts["kinds"], facts["days"], facts["due"])


def _overdue_order(row: OverdueAccount) -> tuple[int, str, str]:
    return (-row.days, row.account_name, row.account_id)


@dataclass
class Evaluation:
    """Alerts found (before snooze/close) in display order, accounts behind cadence worst first,
    the stored states, and which accounts were evaluated (None = all). Sorting happens here, on
    the worker thread, so applying a full evaluation on the GUI thread costs nothing."""

    now: datetime
    today: date
    account_ids: frozenset[str] | None
    alerts: list[Alert]
    states: dict[str, StateInfo]
    overdue: list[OverdueAccount] = field(default_factory=list)


def evaluate(
    session: Session,
    now: datetime,
    settings: AlertSettings | None = None,
    account_ids: Collection[str] | None = None,
    policy: Policy | None = None,
) -> Evaluation:
    # Building a few hundred thousand small objects triggers the cyclic collector again and
    # again, each time walking everything alive; none of them form cycles, so pause it.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _evaluate(session, now, settings, account_ids, policy)
    finally:
        if paused:
            gc.enable()


def _evaluate(
    session: Session,
    now: datetime,
    settings: AlertSettings | None,
    account_ids: Collection[str] | None,
    policy: Policy | None,
) -> Evaluation:
    settings = settings or load_settings(session)
    ids = None if account_ids is None else frozenset(account_ids)
    scope = rules.build_scope(session, now, settings, ids, policy)
    found = [alert for rule in rules.RULES for alert in rule(scope)]
    found.sort(key=sort_key)
    visit_overdue = AlertKind.VISIT_OVERDUE
    overdue = [_overdue_account(alert) for alert in found if alert.kind is visit_overdue]
    overdue.sort(key=_overdue_order)
    return Evaluation(now, scope.today, ids, found, state.load(session, ids), overdue)


def open_alerts(
    session: Session,
    now: datetime,
    settings: AlertSettings | None = None,
    account_ids: Collection[str] | None = None,
) -> list[Alert]:
    """The alerts to show now: found by the rules, not closed, not snoozed past today."""
    board = AlertBoard()
    board.apply(evaluate(session, now, settings, account_ids))
    return board.open_alerts()


class AlertBoard:
    """The portfolio's alerts in memory, in display order. ``apply`` a full evaluation once,
    then evaluations of the accounts a change touched: their rows are replaced in place
    (binary insertion), nothing is sorted again."""

    def __init__(self) -> None:
        self._ordered: list[Alert] = []
        self._overdue: list[OverdueAccount] = []
        self._states: dict[str, StateInfo] = {}
        self._open: list[Alert] | None = None
        self.today: date | None = None
        self.evaluated_at: datetime | None = None

    @property
    def ready(self) -> bool:
        return self.evaluated_at is not None

    def apply(self, evaluation: Evaluation) -> None:
        ids = evaluation.account_ids
        if ids is None:
            self._ordered = list(evaluation.alerts)
            self._overdue = list(evaluation.overdue)
            self._states = dict(evaluation.states)
            self.evaluated_at = evaluation.now
        else:
            self._ordered = [a for a in self._ordered if a.account_id not in ids]
            for alert in evaluation.alerts:
                insort(self._ordered, alert, key=sort_key)
            self._overdue = [r for r in self._overdue if r.account_id not in ids]
            for row in evaluation.overdue:
                insort(self._overdue, row, key=_overdue_order)
            for key in [k for k, s in self._states.items() if s.account_id in ids]:
                del self._states[key]
            self._states.update(evaluation.states)
        self.today = evaluation.today
        self._open = None

    def open_alerts(self) -> list[Alert]:
        if self._open is None:
            today = self.today or business_today()
            states = self._states
            self._open = [a for a in self._ordered if a.key not in states or not states[a.key].hides(today)]
        return self._open

    def snoozed(self) -> list[tuple[Alert, StateInfo]]:
        today = self.today or business_today()
        return [
            (alert, self._states[alert.key])
            for alert in self._ordered
            if alert.key in self._states
            and self._states[alert.key].status == state.SNOOZED
            and self._states[alert.key].hides(today)
        ]

    def state_of(self, key: str) -> StateInfo | None:
        return self._states.get(key)

    def find(self, key: str) -> Alert | None:
        return next((a for a in self._ordered if a.key == key), None)

    def for_account(self, account_id: str) -> list[Alert]:
        return [a for a in self.open_alerts() if a.account_id == account_id]

    def counts(self) -> Counter[AlertKind]:
        return Counter(alert.kind for alert in self.open_alerts())

    def overdue_accounts(self) -> list[OverdueAccount]:
        """Accounts behind their cadence, worst first."""
        return self._overdue


def load_settings(session: Session) -> AlertSettings:
    """The thresholds saved in this store, defaults for anything not saved."""
    raw = store_state.get(session, SETTINGS_KEY)
    if not raw:
        return AlertSettings()
    known = {f.name for f in fields(AlertSettings)}
    values = {k: int(v) for k, v in json.loads(raw).items() if k in known}
    return AlertSettings(**values)


def save_settings(session: Session, settings: AlertSettings) -> None:
    store_state.put(session, SETTINGS_KEY, json.dumps(asdict(settings)))
