"""Small dialogs for acting on alerts: log a contact, snooze, plan one visit, answer a complaint.

The quick-log dialog is a stand-in until the visit-form UI lands: it records a short submitted
visit through ``kamdesk.domain.contact_log`` (the one seam the lead switches to the forms API).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from kamdesk.domain.vocabulary import label
from kamdesk.errors import UserError
from kamdesk.i18n import _
from kamdesk.models.enums import VisitKind


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


class _FormDialog(QDialog):
    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.form = QFormLayout(self)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.rejected.connect(self.reject)
        self.buttons.accepted.connect(self._save)
        self._saver: Callable[[], None] | None = None

    def on_save(self, saver: Callable[[], None]) -> None:
        """``saver`` runs on OK; a ``UserError`` it raises is shown and the dialog stays open."""
        self._saver = saver

    def _save(self) -> None:
        if self._saver is not None:
            try:
                self._saver()
            except UserError as error:
                self.show_error(error.message)
                return
        self.accept()

    def finish_layout(self) -> None:
        self.form.addRow(self.error)
        self.form.addRow(self.buttons)

    def show_error(self, message: str) -> None:
        self.error.setText(message)


class QuickLogDialog(_FormDialog):
    """What was discussed, how, and for how long; the caller saves it."""

    def __init__(
        self, account_name: str, kind: VisitKind, context: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(_("Log a visit"), parent)
        self.form.addRow(_("Account"), QLabel(account_name, self))
        if context:
            reason = QLabel(context, self)
            reason.setWordWrap(True)
            self.form.addRow(_("Alert"), reason)
        self.kind = QComboBox(self)
        for value in (VisitKind.PHONE, VisitKind.ONSITE):
            self.kind.addItem(label(value), value.value)
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind.value)))
        self.duration = QSpinBox(self)
        self.duration.setRange(1, 600)
        self.duration.setValue(10 if kind is VisitKind.PHONE else 60)
        self.duration.setSuffix(_(" min"))
        self.summary = QPlainTextEdit(self)
        self.summary.setPlaceholderText(_("What was discussed, what the customer asked for"))
        self.summary.setMinimumHeight(90)
        self.form.addRow(_("Kind"), self.kind)
        self.form.addRow(_("Duration"), self.duration)
        self.form.addRow(_("Summary"), self.summary)
        self.finish_layout()

    def visit_kind(self) -> VisitKind:
        return VisitKind(self.kind.currentData())


class SnoozeDialog(_FormDialog):
    def __init__(self, today: date, context: str, parent: QWidget | None = None) -> None:
        super().__init__(_("Snooze alert"), parent)
        about = QLabel(context, self)
        about.setWordWrap(True)
        self.form.addRow(about)
        self.until = QDateEdit(to_qdate(today).addDays(3), self)
        self.until.setCalendarPopup(True)
        self.until.setMinimumDate(to_qdate(today).addDays(1))
        self.reason = QPlainTextEdit(self)
        self.reason.setPlaceholderText(_("Why, e.g. the contact is travelling until Friday"))
        self.reason.setMaximumHeight(80)
        self.form.addRow(_("Until"), self.until)
        self.form.addRow(_("Reason"), self.reason)
        self.finish_layout()

    def until_day(self) -> date:
        return from_qdate(self.until.date())


class PlanVisitDialog(_FormDialog):
    def __init__(
        self, account_name: str, kind: VisitKind, today: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(_("Plan a visit"), parent)
        self.form.addRow(_("Account"), QLabel(account_name, self))
        self.kind = QComboBox(self)
        for value in (VisitKind.ONSITE, VisitKind.PHONE):
            self.kind.addItem(label(value), value.value)
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind.value)))
        self.day = QDateEdit(to_qdate(today).addDays(1), self)
        self.day.setCalendarPopup(True)
        self.day.setMinimumDate(to_qdate(today))
        self.form.addRow(_("Kind"), self.kind)
        self.form.addRow(_("Day"), self.day)
        self.finish_layout()

    def visit_kind(self) -> VisitKind:
        return VisitKind(self.kind.currentData())

    def visit_day(self) -> date:
        return from_qdate(self.day.date())


class ComplaintDialog(_FormDialog):
    def __init__(self, account_name: str, details: str, parent: QWidget | None = None) -> None:
        super().__init__(_("Complaint"), parent)
        self.form.addRow(_("Account"), QLabel(account_name, self))
        about = QLabel(details, self)
        about.setWordWrap(True)
        self.form.addRow(_("Complaint"), about)
        self.answer = QPlainTextEdit(self)
        self.answer.setPlaceholderText(_("The answer given to the customer"))
        self.form.addRow(_("Answer"), self.answer)
        self.finish_layout()
