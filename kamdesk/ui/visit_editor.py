"""The window where a manager fills one visit: header (when, how long, late reason), the form,
autosave, the what-changed review and submit. Submitted visits open read-only with "Amend".

Autosave: every change restarts a short timer; the draft is also written when the focus leaves a
field and when the window closes, so a crash loses at most the last second of typing. Saves are
one small transaction (a few milliseconds), so they run on the GUI thread: no typing can be lost
between a background save and a crash.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from kamdesk.domain import attachments, visits
from kamdesk.domain.clock import BUSINESS_TZ
from kamdesk.domain.forms import AnswerChange, FieldError
from kamdesk.domain.vocabulary import label
from kamdesk.i18n import _
from kamdesk.models.base import utcnow
from kamdesk.models.enums import VisitStatus
from kamdesk.ui.slots import slot
from kamdesk.ui.visit_form import ERROR_COLOR, VisitForm, colored

log = logging.getLogger(__name__)
AUTOSAVE_DELAY_MS = 800


def to_qdatetime(moment: datetime | None) -> QDateTime:
    local = (moment or utcnow()).astimezone(BUSINESS_TZ)
    return QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))


def from_qdatetime(value: QDateTime) -> datetime:
    day, at = value.date(), value.time()
    local = datetime(day.year(), day.month(), day.day(), at.hour(), at.minute(), tzinfo=BUSINESS_TZ)
    return local.astimezone(UTC)


class ChangesDialog(QDialog):
    """What this visit answers differently from the previous one, reviewed before submitting."""

    def __init__(
        self, previous: visits.VisitInfo, changes: list[AnswerChange], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("What changed since the last visit"))
        when = (
            previous.occurred_at.astimezone(BUSINESS_TZ).strftime("%Y-%m-%d") if previous.occurred_at else ""
        )
        heading = QLabel(
            _("Compared with the visit of {date}: {count} answer(s) changed.").format(
                date=when, count=len(changes)
            ),
            self,
        )
        self.table = QTableWidget(len(changes), 3, self)
        self.table.setHorizontalHeaderLabels([_("Question"), _("Last visit"), _("This visit")])
        self.table.verticalHeader().setVisible(False)
        for row, change in enumerate(changes):
            for column, text in enumerate((change.label, change.before or "—", change.after or "—")):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        buttons = QDialogButtonBox(self)
        buttons.addButton(_("Submit"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(_("Back to the form"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(720, 420)


class VisitEditor(QWidget):
    saved = Signal(str)
    submitted = Signal(str)
    amended = Signal(str)

    def __init__(
        self,
        sessions: sessionmaker[Session],
        visit_id: str,
        *,
        attachments_dir: Path,
        policy: visits.VisitPolicy | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.sessions = sessions
        self.visit_id = visit_id
        self.attachments_dir = attachments_dir
        self.policy = policy or visits.VisitPolicy()
        self.dirty = False
        self._loading = True
        with sessions() as session:
            context = visits.form_context(session, visit_id)
        self.context = context
        self.visit = context.visit
        self.read_only = self.visit.status is not VisitStatus.DRAFT

        self.setWindowTitle(
            _("{account} · {form}").format(account=self.visit.account_name, form=context.template.name)
        )
        self.resize(860, 900)

        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self.occurred = QDateTimeEdit(to_qdatetime(self.visit.occurred_at), self)
        self.occurred.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.occurred.setCalendarPopup(True)
        self.duration = QSpinBox(self)
        self.duration.setRange(0, 24 * 60)
        self.duration.setSuffix(_(" min"))
        self.duration.setValue(self.visit.duration_minutes or 0)
        self.late_reason = QLineEdit(self.visit.late_reason or "", self)
        self.late_reason.setPlaceholderText(_("Why is this visit entered late?"))
        self.header_errors = {key: QLabel(self) for key in visits.HEADER_FIELDS}
        for error_label in self.header_errors.values():
            colored(error_label, ERROR_COLOR)
            error_label.setVisible(False)
        header = QFormLayout()
        header.addRow(_("Visit time"), self._with_error(self.occurred, "occurred_at"))
        header.addRow(_("Duration"), self._with_error(self.duration, "duration_minutes"))
        self.late_label = QLabel(_("Reason for late entry *"), self)
        header.addRow(self.late_label, self._with_error(self.late_reason, "late_reason"))

        self.version_banner = QWidget(self)
        banner_layout = QHBoxLayout(self.version_banner)
        banner_layout.setContentsMargins(0, 0, 0, 0)
        self.version_label = QLabel(self.version_banner)
        self.move_button = QPushButton(self.version_banner)
        self.move_button.clicked.connect(slot(self.move_to_newer_version))
        banner_layout.addWidget(self.version_label, 1)
        banner_layout.addWidget(self.move_button)

        self.form = self._build_form()
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self.form)

        self.status_label = QLabel(self)
        self.changes_button = QPushButton(_("What changed since the last visit"), self)
        self.changes_button.clicked.connect(self.show_changes)
        self.submit_button = QPushButton(_("Submit"), self)
        self.submit_button.setToolTip(_("Ctrl+Enter"))
        self.submit_button.clicked.connect(slot(self.request_submit))
        self.amend_button = QPushButton(_("Amend…"), self)
        self.amend_button.clicked.connect(slot(self.amend))
        self.print_button = QPushButton(_("Print…"), self)
        self.print_button.clicked.connect(self.print_record)
        self.close_button = QPushButton(_("Close"), self)
        self.close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.changes_button)
        buttons.addWidget(self.amend_button)
        buttons.addWidget(self.submit_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(header)
        layout.addWidget(self.version_banner)
        layout.addWidget(self.scroll, 1)
        layout.addLayout(buttons)

        for sequence in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(sequence), self, activated=slot(self.request_submit))
        QShortcut(QKeySequence.StandardKey.Save, self, activated=slot(self.save))

        self.autosave = QTimer(self)
        self.autosave.setSingleShot(True)
        self.autosave.setInterval(AUTOSAVE_DELAY_MS)
        self.autosave.timeout.connect(slot(self.save))
        self.occurred.dateTimeChanged.connect(self._header_changed)
        self.duration.valueChanged.connect(self._header_changed)
        self.late_reason.textChanged.connect(self._header_changed)
        self._focus_connected = False
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)
            self._focus_connected = True
        self._show_state()
        self._loading = False

    # -- building -------------------------------------------------------------------------

    def _with_error(self, widget: QWidget, key: str) -> QWidget:
        box = QWidget(self)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(widget)
        layout.addWidget(self.header_errors[key])
        return box

    def _build_form(self) -> VisitForm:
        form = VisitForm(
            self.context.template,
            contacts=self.context.contacts,
            products=self.context.products,
            store_file=self._store_file,
            parent=self,
        )
        form.set_answers(self.visit.answers)
        form.set_read_only(self.read_only)
        form.changed.connect(self._changed)
        return form

    def _store_file(self, path: Path) -> dict[str, Any]:
        return attachments.store_file(self.attachments_dir, path)

    def _show_state(self) -> None:
        visit = self.visit
        template = self.context.template
        status = label(visit.status)
        self.title.setText(
            _("{account} — {form} (version {version}) · {kind} · {status}").format(
                account=visit.account_name,
                form=template.name,
                version=template.version,
                kind=label(visit.kind),
                status=status,
            )
        )
        for widget in (self.occurred, self.duration, self.late_reason):
            widget.setEnabled(not self.read_only)
        self._update_late_reason()
        newer = self.context.newer_version
        self.version_banner.setVisible(newer is not None and not self.read_only)
        if newer is not None:
            self.version_label.setText(
                _("A newer version ({version}) of this form exists.").format(version=newer)
            )
            self.move_button.setText(_("Move to version {version}").format(version=newer))
        self.submit_button.setVisible(not self.read_only)
        self.changes_button.setVisible(not self.read_only)
        self.amend_button.setVisible(visit.status is VisitStatus.SUBMITTED)
        if visit.amends_id:
            self.status_label.setText(_("Amendment of an earlier visit"))

    def _update_late_reason(self) -> None:
        entered = self.visit.entered_at or utcnow()
        late = visits.is_late(from_qdatetime(self.occurred.dateTime()), entered, self.policy)
        show = late or bool(self.late_reason.text())
        self.late_label.setVisible(show)
        self.late_reason.parentWidget().setVisible(show)

    # -- saving ---------------------------------------------------------------------------

    def _changed(self) -> None:
        if self._loading or self.read_only:
            return
        self.dirty = True
        self.autosave.start()
        self.status_label.setText(_("Editing…"))

    def _header_changed(self) -> None:
        if self._loading:
            return
        self._update_late_reason()
        for key in visits.HEADER_FIELDS:
            self.header_errors[key].setVisible(False)
        self._changed()

    def _focus_changed(self, old: QWidget | None, _new: QWidget | None) -> None:
        if self.dirty and old is not None and self.isAncestorOf(old):
            self.save()

    def save(self) -> bool:
        """Write the draft now (autosave, focus change, close); ``True`` when it is safely stored."""
        self.autosave.stop()
        if self.read_only or not self.dirty:
            return True
        try:
            with self.sessions.begin() as session:
                self.visit = visits.save_draft(
                    session,
                    self.visit_id,
                    answers=self.form.answers(),
                    occurred_at=from_qdatetime(self.occurred.dateTime()),
                    duration_minutes=self.duration.value() or None,
                    late_reason=self.late_reason.text(),
                )
        except visits.VisitError as error:
            self.status_label.setText(error.message)
            return False
        self.dirty = False
        saved_at = datetime.now(BUSINESS_TZ).strftime("%H:%M:%S")
        self.status_label.setText(_("Draft saved at {time}").format(time=saved_at))
        self.saved.emit(self.visit_id)
        return True

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save()
        app = QApplication.instance()
        if isinstance(app, QApplication) and self._focus_connected:
            self._focus_connected = False
            with contextlib.suppress(RuntimeError, TypeError):
                app.focusChanged.disconnect(self._focus_changed)
        super().closeEvent(event)

    # -- what changed, submit, amend, move ---------------------------------------------------

    def changes_since_last(self) -> tuple[visits.VisitInfo | None, list[AnswerChange]]:
        self.save()
        with self.sessions() as session:
            return visits.changes_since_last(session, self.visit_id)

    def print_record(self) -> object:
        """Save what is typed, then preview the visit record (a draft prints marked as not filed)."""
        from kamdesk.ui.print_actions import print_visit_record

        self.save()
        self.print_request = print_visit_record(self, self.sessions, self.visit_id)
        return self.print_request

    def show_changes(self) -> None:
        previous, changes = self.changes_since_last()
        if previous is None:
            QMessageBox.information(
                self, _("What changed"), _("There is no earlier visit of this kind to compare with.")
            )
            return
        ChangesDialog(previous, changes, self).exec()

    def confirm_changes(self, previous: visits.VisitInfo, changes: list[AnswerChange]) -> bool:
        """Before submitting a visit with a predecessor, the manager reviews what changed."""
        return ChangesDialog(previous, changes, self).exec() == QDialog.DialogCode.Accepted

    def validation_errors(self) -> list[FieldError]:
        self.dirty = True
        self.save()
        with self.sessions() as session:
            return visits.validate(session, self.visit_id, policy=self.policy)

    def show_errors(self, errors: list[FieldError]) -> None:
        self.form.show_errors(errors)
        for key, error_label in self.header_errors.items():
            message = next((e.message for e in errors if e.field == key), "")
            error_label.setText(message)
            error_label.setVisible(bool(message))
        if errors:
            self.status_label.setText(
                _("{count} answer(s) need attention before submitting.").format(count=len(errors))
            )
            first = errors[0].field
            if first in self.form.editors:
                row = self.form.rows[first]
                self.scroll.ensureWidgetVisible(row)
                self.form.focus_field(first)
            elif first == "late_reason":
                self.late_reason.setFocus()
            elif first == "occurred_at":
                self.occurred.setFocus()

    def request_submit(self) -> bool:
        """Validate, review what changed (if there is a previous visit), then submit."""
        if self.read_only:
            return False
        errors = self.validation_errors()
        self.show_errors(errors)
        if errors:
            return False
        previous, changes = self.changes_since_last()
        if previous is not None and not self.confirm_changes(previous, changes):
            return False
        return self.submit()

    def submit(self) -> bool:
        self.save()
        try:
            with self.sessions.begin() as session:
                result = visits.submit(session, self.visit_id, policy=self.policy)
        except visits.SubmitRefused as refused:
            self.show_errors(refused.errors)
            return False
        self.visit = result.visit
        self.read_only = True
        self.form.set_read_only(True)
        self._show_state()
        made = len(result.complaint_ids) + len(result.opportunity_ids) + len(result.competitor_note_ids)
        self.status_label.setText(
            _("Submitted. {records} record(s) and {tasks} follow-up task(s) created.").format(
                records=made, tasks=len(result.task_ids)
            )
        )
        self.submitted.emit(self.visit_id)
        return True

    def amend(self) -> str | None:
        with self.sessions.begin() as session:
            amendment = visits.amend(session, self.visit_id)
        self.amended.emit(amendment.id)
        return amendment.id

    def move_to_newer_version(self) -> list[str]:
        self.save()
        with self.sessions.begin() as session:
            moved = visits.move_to_template_version(session, self.visit_id)
            context = visits.form_context(session, self.visit_id)
        self.context = context
        self.visit = moved.visit
        self._loading = True
        self.form = self._build_form()
        self.scroll.setWidget(self.form)  # the scroll area deletes the old form
        self._show_state()
        self._loading = False
        if moved.dropped:
            self.status_label.setText(
                _("Moved to the new version; answers without a place in it were dropped: {keys}").format(
                    keys=", ".join(moved.dropped)
                )
            )
        return moved.dropped
