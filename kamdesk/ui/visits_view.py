"""The Visits section: unfinished drafts on top, then planned and submitted visits; start a visit
for an account, a quick phone log, or open any visit in its editor."""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from kamdesk.domain import templates, visits
from kamdesk.domain.clock import BUSINESS_TZ
from kamdesk.domain.vocabulary import label
from kamdesk.i18n import N_, _, ngettext
from kamdesk.models.enums import VisitKind, VisitStatus
from kamdesk.store.database import Store
from kamdesk.ui.slots import slot
from kamdesk.ui.visit_editor import VisitEditor

ModelIndex = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    STATUS = 0
    ACCOUNT = 1
    KIND = 2
    WHEN = 3
    SUMMARY = 4


TITLES = {
    Column.STATUS: N_("Status"),
    Column.ACCOUNT: N_("Account"),
    Column.KIND: N_("Kind"),
    Column.WHEN: N_("When"),
    Column.SUMMARY: N_("Summary"),
}


class VisitListModel(QAbstractTableModel):
    """Visits as rows (drafts first); ``refresh`` re-reads them in one short query."""

    def __init__(self, sessions: sessionmaker[Session], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sessions = sessions
        self.rows: list[visits.VisitInfo] = []

    def refresh(self) -> None:
        with self.sessions() as session:
            rows = visits.list_visits(session)
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(TITLES[Column(section)])
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        visit = self.rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return visit.id
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        column = Column(index.column())
        if column is Column.STATUS:
            text = label(visit.status)
            return _("{status} (amendment)").format(status=text) if visit.amends_id else text
        if column is Column.ACCOUNT:
            return visit.account_name
        if column is Column.KIND:
            return label(visit.kind)
        if column is Column.WHEN:
            moment = visit.occurred_at or visit.planned_at
            return moment.astimezone(BUSINESS_TZ).strftime("%Y-%m-%d %H:%M") if moment else ""
        return (visit.summary or "").replace("\n", " ")[:80]

    def drafts(self) -> list[visits.VisitInfo]:
        return [v for v in self.rows if v.status is VisitStatus.DRAFT]


class NewVisitDialog(QDialog):
    """Choose the account (type to search), the kind and the form; optionally start from the last visit."""

    def __init__(self, sessions: sessionmaker[Session], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sessions = sessions
        self.setWindowTitle(_("New visit"))
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(_("Type part of the account name or code"))
        self.account = QComboBox(self)
        self.kind = QComboBox(self)
        for kind in (VisitKind.ONSITE, VisitKind.PHONE, VisitKind.SMS):
            self.kind.addItem(label(kind), kind)
        self.template = QComboBox(self)
        self.prefill = QCheckBox(_("Start from the last visit of this kind"), self)
        self.prefill.setChecked(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(_("Search"), self.search)
        form.addRow(_("Account"), self.account)
        form.addRow(_("Kind"), self.kind)
        form.addRow(_("Form"), self.template)
        form.addRow(self.prefill)
        form.addRow(buttons)
        self.search.textChanged.connect(self.find_accounts)
        self.kind.currentIndexChanged.connect(self.fill_templates)
        self.find_accounts("")
        self.fill_templates()

    def find_accounts(self, text: str) -> None:
        with self.sessions() as session:
            choices = visits.account_choices(session, text.strip())
        self.account.clear()
        for account_id, name in choices:
            self.account.addItem(name, account_id)

    def fill_templates(self) -> None:
        kind = self.kind.currentData()
        with self.sessions() as session:
            infos = templates.list_templates(session, kind)
        self.template.clear()
        default = templates.DEFAULT_TEMPLATE_FOR_KIND.get(kind)
        for info in infos:
            self.template.addItem(info.name, info.key)
            if info.key == default:
                self.template.setCurrentIndex(self.template.count() - 1)

    def choice(self) -> tuple[str, VisitKind, str, bool] | None:
        if self.account.currentData() is None or self.template.currentData() is None:
            return None
        return (
            self.account.currentData(),
            self.kind.currentData(),
            self.template.currentData(),
            self.prefill.isChecked(),
        )


class VisitsView(QWidget):
    """The Visits section. ``open_visit``/``start_visit``/``quick_phone_log`` are the entry points
    other sections (portfolio, alerts, plan) call."""

    visit_opened = Signal(str)
    changed = Signal()  # visits were saved, submitted or started: pending-sync counts moved
    visit_submitted = Signal(str, str)  # visit id, account id: alerts re-check it, sync runs

    def __init__(
        self,
        sessions: sessionmaker[Session],
        attachments_dir: Path,
        policy: visits.VisitPolicy | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.sessions = sessions
        self.attachments_dir = attachments_dir
        self.policy = policy or visits.VisitPolicy()
        self.editors: dict[str, VisitEditor] = {}
        self.model = VisitListModel(sessions, self)

        self.drafts_banner = QLabel(self)
        self.drafts_banner.setStyleSheet("background: #fff3cd; padding: 6px;")
        self.continue_button = QPushButton(_("Continue the latest draft"), self)
        self.continue_button.clicked.connect(slot(self.open_latest_draft))
        banner = QHBoxLayout()
        banner.addWidget(self.drafts_banner, 1)
        banner.addWidget(self.continue_button)

        self.new_button = QPushButton(_("New visit…"), self)
        self.new_button.clicked.connect(slot(lambda: self.new_visit()))
        self.phone_button = QPushButton(_("Quick phone log…"), self)
        self.phone_button.clicked.connect(slot(lambda: self.new_visit(VisitKind.PHONE)))
        self.open_button = QPushButton(_("Open visit"), self)
        self.open_button.clicked.connect(self.open_selected)
        tools = QHBoxLayout()
        tools.addWidget(self.new_button)
        tools.addWidget(self.phone_button)
        tools.addStretch(1)
        tools.addWidget(self.open_button)

        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(Column.SUMMARY, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(
            slot(lambda index: self.open_visit(index.data(Qt.ItemDataRole.UserRole)))
        )
        QShortcut(QKeySequence("Ctrl+N"), self, activated=slot(self.new_visit))

        layout = QVBoxLayout(self)
        layout.addLayout(banner)
        layout.addLayout(tools)
        layout.addWidget(self.table)
        self.refresh()

    def refresh(self) -> None:
        self.model.refresh()
        drafts = len(self.model.drafts())
        self.drafts_banner.setText(
            ngettext(
                "{count} visit draft is not submitted yet; nothing you typed was lost.",
                "{count} visit drafts are not submitted yet; nothing you typed was lost.",
                drafts,
            ).format(count=drafts)
        )
        self.drafts_banner.setVisible(drafts > 0)
        self.continue_button.setVisible(drafts > 0)
        self.changed.emit()

    def has_drafts(self) -> bool:
        return bool(self.model.drafts())

    def open_selected(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.open_visit(index.data(Qt.ItemDataRole.UserRole))

    def open_latest_draft(self) -> VisitEditor | None:
        drafts = self.model.drafts()
        return self.open_visit(drafts[0].id) if drafts else None

    def open_visit(self, visit_id: str) -> VisitEditor:
        """Show the visit's editor (one window per visit); a planned visit becomes a draft."""
        editor = self.editors.get(visit_id)
        if editor is None:
            with self.sessions.begin() as session:
                if visits.get(session, visit_id).status is VisitStatus.PLANNED:
                    visits.start_planned(session, visit_id, prefill_from_last=True)
            editor = VisitEditor(
                self.sessions, visit_id, attachments_dir=self.attachments_dir, policy=self.policy
            )
            editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            editor.saved.connect(lambda _id: self.refresh())
            editor.submitted.connect(self._submitted)
            editor.amended.connect(self._amended)
            editor.destroyed.connect(lambda *_a, key=visit_id: self.editors.pop(key, None))
            self.editors[visit_id] = editor
            self.refresh()
        editor.show()
        editor.raise_()
        editor.activateWindow()
        self.visit_opened.emit(visit_id)
        return editor

    def _submitted(self, visit_id: str) -> None:
        self.refresh()
        with self.sessions() as session:
            account_id = visits.get(session, visit_id).account_id
        self.visit_submitted.emit(visit_id, account_id)

    def _amended(self, new_id: str) -> None:
        self.refresh()
        self.open_visit(new_id)

    def start_visit(
        self,
        account_id: str,
        kind: VisitKind,
        template_key: str | None = None,
        *,
        prefill_from_last: bool = True,
    ) -> VisitEditor:
        with self.sessions.begin() as session:
            visit = visits.start(session, account_id, kind, template_key, prefill_from_last=prefill_from_last)
        return self.open_visit(visit.id)

    def quick_phone_log(self, account_id: str) -> VisitEditor:
        with self.sessions.begin() as session:
            visit = visits.quick_phone_log(session, account_id)
        return self.open_visit(visit.id)

    def new_visit(self, kind: VisitKind | None = None) -> VisitEditor | None:
        dialog = NewVisitDialog(self.sessions, self)
        if kind is not None:
            dialog.kind.setCurrentIndex(dialog.kind.findData(kind))
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.choice() is None:
            return None
        account_id, chosen_kind, template_key, prefill = dialog.choice()  # type: ignore[misc]
        return self.start_visit(account_id, chosen_kind, template_key, prefill_from_last=prefill)

    def close_editors(self) -> None:
        for editor in list(self.editors.values()):
            editor.close()


def build_visits_view(store: Store) -> VisitsView:
    """The section as the app builds it: attachments beside the store, the team's visit policy."""
    with store.sessions() as session:
        policy = visits.policy_for(session)
    return VisitsView(store.sessions, store.path.parent / "attachments", policy)
