"""The Sync page: who is signed in, sync now, every change the server has not accepted (with
what to do), and the conflicts to resolve field by field."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kamdesk.i18n import _
from kamdesk.sync import conflicts
from kamdesk.ui.sync_controller import SyncController

SEQ_ROLE = Qt.ItemDataRole.UserRole + 1


def _state_label(state: str) -> str:
    return {"pending": _("Waiting"), "conflict": _("Conflict"), "rejected": _("Refused")}.get(state, state)


class SyncView(QWidget):
    sign_in_requested = Signal()
    sign_out_requested = Signal()

    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.who = QLabel(self)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.sync_button = QPushButton(_("Sync now"), self)
        self.account_button = QPushButton(self)
        self.sync_button.clicked.connect(controller.sync_now)
        self.account_button.clicked.connect(self._account_clicked)

        self.changes = QTableWidget(0, 3, self)
        self.changes.setHorizontalHeaderLabels([_("Record"), _("State"), _("What to do")])
        self.changes.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.changes.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.changes.verticalHeader().setVisible(False)
        self.changes.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.retry_button = QPushButton(_("Send again"), self)
        self.retry_button.clicked.connect(self._retry_selected)

        self.conflict_list = QListWidget(self)
        self.conflict_fields = QTableWidget(0, 4, self)
        self.conflict_fields.setHorizontalHeaderLabels([_("Field"), _("Mine"), _("Server"), _("Keep")])
        self.conflict_fields.verticalHeader().setVisible(False)
        self.conflict_fields.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.resolve_button = QPushButton(_("Apply my choices"), self)
        self.resolve_button.clicked.connect(self._resolve_selected)
        self.conflict_list.currentRowChanged.connect(self._show_conflict)

        top = QHBoxLayout()
        top.addWidget(self.who, 1)
        top.addWidget(self.sync_button)
        top.addWidget(self.account_button)
        changes_box = QGroupBox(_("Changes not yet accepted by the server"), self)
        changes_layout = QVBoxLayout(changes_box)
        changes_layout.addWidget(self.changes)
        changes_layout.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignRight)
        conflicts_box = QGroupBox(_("Conflicts"), self)
        conflicts_layout = QHBoxLayout(conflicts_box)
        conflicts_layout.addWidget(self.conflict_list, 1)
        right = QVBoxLayout()
        right.addWidget(self.conflict_fields)
        right.addWidget(self.resolve_button, 0, Qt.AlignmentFlag.AlignRight)
        conflicts_layout.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(changes_box, 2)
        layout.addWidget(conflicts_box, 1)

        controller.state_changed.connect(self.refresh)
        self._conflicts: list[conflicts.Conflict] = []
        self.refresh()

    def refresh(self) -> None:
        status = self.controller.status()
        if status.signed_in:
            self.who.setText(
                _("Signed in as {name} on {server}").format(
                    name=status.signed_in.display_name, server=status.signed_in.server_url
                )
            )
            self.account_button.setText(_("Sign out"))
        else:
            self.who.setText(_("Not signed in: your work stays on this computer until you sign in."))
            self.account_button.setText(_("Sign in…"))
        self.sync_button.setEnabled(bool(status.signed_in) and not status.running)
        last = status.last_sync.astimezone().strftime("%Y-%m-%d %H:%M") if status.last_sync else _("never")
        self.status.setText(_("Last sync: {when}. {message}").format(when=last, message=status.message))
        with self.controller.store.sessions() as session:
            changes = conflicts.unaccepted_changes(session)
            self._conflicts = conflicts.list_conflicts(session)
        self.changes.setRowCount(len(changes))
        for row, change in enumerate(changes):
            title = QTableWidgetItem(change.title)
            title.setData(SEQ_ROLE, change.seq)
            title.setData(SEQ_ROLE + 1, change.state)
            self.changes.setItem(row, 0, title)
            self.changes.setItem(row, 1, QTableWidgetItem(_state_label(change.state)))
            self.changes.setItem(row, 2, QTableWidgetItem(change.explanation))
        self.conflict_list.clear()
        for conflict in self._conflicts:
            QListWidgetItem(conflict.title, self.conflict_list)
        if self._conflicts:
            self.conflict_list.setCurrentRow(0)
        else:
            self.conflict_fields.setRowCount(0)
        self.resolve_button.setEnabled(bool(self._conflicts))

    def _show_conflict(self, row: int) -> None:
        if not 0 <= row < len(self._conflicts):
            return
        conflict = self._conflicts[row]
        self.conflict_fields.setRowCount(len(conflict.fields))
        for index, field in enumerate(conflict.fields):
            self.conflict_fields.setItem(index, 0, QTableWidgetItem(field.field))
            self.conflict_fields.setItem(
                index, 1, QTableWidgetItem("" if field.mine is None else str(field.mine))
            )
            self.conflict_fields.setItem(
                index, 2, QTableWidgetItem("" if field.theirs is None else str(field.theirs))
            )
            choice = QComboBox(self.conflict_fields)
            choice.addItem(_("Keep mine"), "mine")
            choice.addItem(_("Take the server's"), "theirs")
            self.conflict_fields.setCellWidget(index, 3, choice)

    def choose(self, field_row: int, choice: str) -> None:
        combo = self.conflict_fields.cellWidget(field_row, 3)
        assert isinstance(combo, QComboBox)
        combo.setCurrentIndex(combo.findData(choice))

    def _resolve_selected(self) -> None:
        row = self.conflict_list.currentRow()
        if not 0 <= row < len(self._conflicts):
            return
        conflict = self._conflicts[row]
        choices = {}
        for index, field in enumerate(conflict.fields):
            combo = self.conflict_fields.cellWidget(index, 3)
            assert isinstance(combo, QComboBox)
            choices[field.field] = combo.currentData()
        with self.controller.store.sessions.begin() as session:
            conflicts.resolve(session, conflict.seq, choices)
        self.refresh()
        self.controller.data_changed.emit()
        self.controller.sync_now()

    def _retry_selected(self) -> None:
        row = self.changes.currentRow()
        item = self.changes.item(row, 0) if row >= 0 else None
        if item is None or item.data(SEQ_ROLE + 1) != "rejected":
            return
        with self.controller.store.sessions.begin() as session:
            conflicts.retry_rejected(session, item.data(SEQ_ROLE))
        self.refresh()

    def _account_clicked(self) -> None:
        if self.controller.status().signed_in:
            self.sign_out_requested.emit()
        else:
            self.sign_in_requested.emit()
