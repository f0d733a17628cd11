"""The Reports section: the manager's weekly and monthly reports, building this week's or this
month's, writing the narrative and plan (autosaved), submitting, exporting PDF/XLSX.

Everything that touches the store or writes a file runs on the report worker thread
(a ``TaskRunner``: one thread, in order); the widgets only show results.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from datetime import date
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QStandardPaths,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from kamdesk.domain import reports
from kamdesk.domain.clock import business_today
from kamdesk.domain.reports import ReportDocument, ReportIncompleteError, ReportSummary
from kamdesk.domain.reports.content import ReportContent
from kamdesk.domain.reports.team import NoTeamFigures, TeamAverageSource
from kamdesk.errors import UserError
from kamdesk.export.report_xlsx import write_report_xlsx
from kamdesk.i18n import N_, _
from kamdesk.models import Account
from kamdesk.models.enums import AccountStatus, ReportKind, ReportStatus
from kamdesk.printing.report_pdf import write_report_pdf
from kamdesk.store.database import Store
from kamdesk.ui.report_editor import ReportEditor
from kamdesk.ui.tasks import TaskRunner

AUTOSAVE_MS = 1500
Index = QModelIndex | QPersistentModelIndex


class ListColumn(IntEnum):
    PERIOD = 0
    KIND = 1
    STATUS = 2


LIST_HEADERS = {
    ListColumn.PERIOD: N_("Period"),
    ListColumn.KIND: N_("Report"),
    ListColumn.STATUS: N_("Status"),
}
REPORT_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class ReportListModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[ReportSummary] = []

    def set_rows(self, rows: list[ReportSummary]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def row_of(self, report_id: str) -> int:
        return next((n for n, row in enumerate(self.rows) if row.id == report_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(ListColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(LIST_HEADERS[ListColumn(section)])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == REPORT_ID_ROLE:
            return row.id
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        match ListColumn(index.column()):
            case ListColumn.PERIOD:
                return row.period.label
            case ListColumn.KIND:
                return _("Weekly report") if row.period.kind is ReportKind.WEEKLY else _("Monthly report")
            case ListColumn.STATUS:
                if row.superseded:
                    return _("Corrected")
                if row.status is ReportStatus.SUBMITTED:
                    return _("Submitted")
                return _("Correction draft") if row.amends_id else _("Draft")


@dataclass(frozen=True)
class _Opened:
    document: ReportDocument
    accounts: list[tuple[str, str]]
    summaries: list[ReportSummary]


class ReportsView(QWidget):
    opened = Signal(object)  # ReportDocument, once shown
    saved = Signal()
    submitted = Signal(object)
    exported = Signal(str)
    failed = Signal(str)

    def __init__(
        self,
        store: Store,
        team_source: TeamAverageSource | None = None,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.team_source = team_source or NoTeamFigures()
        self.tasks = TaskRunner(self)
        self.dirty = False

        self.day_edit = QDateEdit(self)
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("yyyy-MM-dd")
        self.day_edit.setDate(today or business_today())
        self.day_edit.setToolTip(_("The report covers the week or month holding this date."))
        self.week_button = QPushButton(_("Build weekly report"), self)
        self.month_button = QPushButton(_("Build monthly report"), self)
        self.week_button.clicked.connect(lambda: self.build(ReportKind.WEEKLY))
        self.month_button.clicked.connect(lambda: self.build(ReportKind.MONTHLY))
        self.model = ReportListModel(self)
        self.list = QTableView(self)
        self.list.setModel(self.model)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.verticalHeader().setVisible(False)
        self.list.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.list.clicked.connect(self._list_clicked)
        self.message = QLabel(self)
        self.message.setWordWrap(True)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        when = QHBoxLayout()
        when.addWidget(QLabel(_("Period containing"), left))
        when.addWidget(self.day_edit, 1)
        left_layout.addLayout(when)
        buttons = QHBoxLayout()
        buttons.addWidget(self.week_button)
        buttons.addWidget(self.month_button)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.list, 1)
        left_layout.addWidget(self.message)

        self.editor = ReportEditor(self)
        self.editor.changed.connect(self._edited)
        self.editor.refresh_requested.connect(self.refresh_figures)
        self.editor.submit_requested.connect(self.submit)
        self.editor.amend_requested.connect(self.amend)
        self.editor.export_requested.connect(self._ask_export)

        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(self.editor)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 900])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self.autosave = QTimer(self)
        self.autosave.setSingleShot(True)
        self.autosave.setInterval(AUTOSAVE_MS)
        self.autosave.timeout.connect(self.save_now)
        self.refresh_list()

    # -- helpers ----------------------------------------------------------------------------
    def _scope(self, session: Any) -> reports.ReportScope:
        return reports.scope_of(session, self.store.user_id)

    def _accounts(self, session: Any, scope: reports.ReportScope) -> list[tuple[str, str]]:
        statement = select(Account.id, Account.name).where(
            Account.deleted.is_(False), Account.status.not_in([AccountStatus.LOST, AccountStatus.ARCHIVED])
        )
        if scope.user_id is not None:
            statement = statement.where(
                (Account.primary_manager_id == scope.user_id)
                | (Account.secondary_manager_id == scope.user_id)
            )
        return [(row.id, row.name) for row in session.execute(statement.order_by(Account.name))]

    def _show_error(self, error: Exception) -> None:
        text = (
            error.message
            if isinstance(error, UserError)
            else _("Something went wrong: {error}").format(error=error)
        )
        self.message.setStyleSheet("color: #B03A2E;")
        self.message.setText(text)
        self.failed.emit(text)

    def _say(self, text: str) -> None:
        self.message.setStyleSheet("")
        self.message.setText(text)

    def _show(self, opened: _Opened) -> None:
        self.model.set_rows(opened.summaries)
        self.editor.load(opened.document, opened.accounts)
        self.dirty = False
        row = self.model.row_of(opened.document.id)
        if row >= 0:
            self.list.selectRow(row)
        self.opened.emit(opened.document)

    # -- actions ----------------------------------------------------------------------------
    def refresh_list(self) -> None:
        def work() -> list[ReportSummary]:
            with self.store.sessions() as session:
                return reports.list_reports(session, self._scope(session))

        self.tasks.submit(work, self.model.set_rows, self._show_error)

    def build(self, kind: ReportKind) -> None:
        """Build (or reopen) the report of the week or month holding the chosen date."""
        self.save_now()
        day: date = self.day_edit.date().toPython()  # type: ignore[assignment]

        def work() -> _Opened:
            with self.store.sessions() as session:  # the long part reads only: no write lock held
                scope = self._scope(session)
                period = reports.period_of(kind, day)
                team = self.team_source.averages(session, period)
                figures = reports.compute_figures(session, period, scope, team)
            with self.store.sessions.begin() as session:
                document = reports.build_report(session, kind, day, scope, team, figures=figures)
                return _Opened(document, self._accounts(session, scope), reports.list_reports(session, scope))

        self._say(_("Computing the report…"))
        self.tasks.submit(work, lambda opened: (self._show(opened), self._say("")), self._show_error)

    def open_report(self, report_id: str) -> None:
        self.save_now()

        def work() -> _Opened:
            with self.store.sessions() as session:
                scope = self._scope(session)
                return _Opened(
                    reports.load(session, report_id),
                    self._accounts(session, scope),
                    reports.list_reports(session, scope),
                )

        self.tasks.submit(work, self._show, self._show_error)

    def _list_clicked(self, index: QModelIndex) -> None:
        report_id = self.model.data(index, REPORT_ID_ROLE)
        current = self.editor.document
        if report_id and (current is None or current.id != report_id):
            self.open_report(report_id)

    def _edited(self) -> None:
        self.dirty = True
        self.autosave.start()

    def save_now(self) -> None:
        """Autosave: write the editor's content now if anything changed."""
        self.autosave.stop()
        document = self.editor.document
        if not self.dirty or document is None or document.submitted:
            return
        content = copy.deepcopy(self.editor.content())
        self.dirty = False

        def work() -> None:
            with self.store.sessions.begin() as session:
                reports.save_draft(session, document.id, content)

        def done(_result: object) -> None:
            self.editor.status.setText(_("Draft · saved"))
            self.saved.emit()

        self.tasks.submit(work, done, self._show_error)

    def refresh_figures(self) -> None:
        document = self.editor.document
        if document is None or document.submitted:
            return
        self.save_now()

        def work() -> _Opened:
            with self.store.sessions.begin() as session:
                scope = self._scope(session)
                team = self.team_source.averages(session, document.period)
                refreshed = reports.refresh(session, document.id, scope, team)
                return _Opened(
                    refreshed, self._accounts(session, scope), reports.list_reports(session, scope)
                )

        self.tasks.submit(work, self._show, self._show_error)

    def submit(self) -> None:
        document = self.editor.document
        if document is None or document.submitted:
            return
        self.autosave.stop()
        content: ReportContent = copy.deepcopy(self.editor.content())
        self.dirty = False

        def work() -> _Opened:
            with self.store.sessions.begin() as session:
                scope = self._scope(session)
                team = self.team_source.averages(session, document.period)
                result = reports.submit(session, document.id, content, scope, team)
            with self.store.sessions() as session:
                return _Opened(result, self._accounts(session, scope), reports.list_reports(session, scope))

        def done(opened: _Opened) -> None:
            self._show(opened)
            self._say(_("Report submitted; it will be sent with the next sync."))
            self.submitted.emit(opened.document)

        def refused(error: Exception) -> None:
            if isinstance(error, ReportIncompleteError):
                self.editor.update_requirements()
            self._show_error(error)

        self.tasks.submit(work, done, refused)

    def amend(self) -> None:
        """Open a correction draft of the submitted report on screen."""
        document = self.editor.document
        if document is None or not document.submitted:
            return

        def work() -> _Opened:
            with self.store.sessions.begin() as session:
                scope = self._scope(session)
                team = self.team_source.averages(session, document.period)
                correction = reports.amend(session, document.id, scope, team)
                return _Opened(
                    correction, self._accounts(session, scope), reports.list_reports(session, scope)
                )

        self.tasks.submit(work, self._show, self._show_error)

    def _ask_export(self, kind: str) -> None:
        document = self.editor.document
        if document is None:
            return
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        name = _("Weekly report") if document.period.kind is ReportKind.WEEKLY else _("Monthly report")
        suggested = str(Path(folder) / f"{name}-{document.period.label}.{kind}")
        filters = _("PDF files (*.pdf)") if kind == "pdf" else _("Excel workbooks (*.xlsx)")
        path, _filter = QFileDialog.getSaveFileName(self, _("Export report"), suggested, filters)
        if path:
            self.export_to(kind, Path(path))

    def export_to(self, kind: str, path: Path) -> None:
        """Write the open report to ``path`` as PDF or XLSX off the GUI thread."""
        document = self.editor.document
        if document is None:
            return
        if not document.submitted:
            document = replace(document, content=copy.deepcopy(self.editor.content()))
        writer = write_report_pdf if kind == "pdf" else write_report_xlsx

        def done(written: Path) -> None:
            self._say(_("Exported to {path}").format(path=written))
            self.exported.emit(str(written))

        self._say(_("Exporting…"))
        self.tasks.submit(lambda: writer(document, path), done, self._show_error)

    def hideEvent(self, event: Any) -> None:
        self.save_now()
        super().hideEvent(event)

    def closeEvent(self, event: Any) -> None:
        self.save_now()
        self.tasks.wait(30_000)
        super().closeEvent(event)
