"""The early-warning engine: pure rules evaluated offline over the local store.

``evaluate`` runs the rules (``rules.RULES``) over the portfolio or a few accounts; an
``AlertBoard`` keeps the result in memory; ``state`` persists snoozes and closures; ``text``
words the alerts in the user's language.
"""

from kamdesk.domain.alerts.engine import (
    AlertBoard,
    Evaluation,
    evaluate,
    load_settings,
    open_alerts,
    save_settings,
)
from kamdesk.domain.alerts.model import Action, Alert, AlertKind, AlertSettings, Severity
from kamdesk.domain.alerts.state import StateInfo, close, snooze

__all__ = [
    "Action",
    "Alert",
    "AlertBoard",
    "AlertKind",
    "AlertSettings",
    "Evaluation",
    "Severity",
    "StateInfo",
    "close",
    "evaluate",
    "load_settings",
    "open_alerts",
    "save_settings",
    "snooze",
]
