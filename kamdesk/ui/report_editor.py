"""One report on screen: figures (each opens to its records), charts, what the manager writes per
section with the reasons still required shown inline, and the plan (last period's, next period's)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kamdesk.domain.reports.content import PlanItem, PlanReview, ReportContent
from kamdesk.domain.reports.display import (
    format_change,
    format_number,
    format_value,
    period_title,
    revenue_basis,
    team_note,
)
from kamdesk.domain.reports.figures import Section, section_title
from kamdesk.domain.reports.rules import Requirement, requirements
from kamdesk.domain.reports.service import ReportDocument
from kamdesk.i18n import _
from kamdesk.ui.report_charts import activity_chart, revenue_chart
from kamdesk.ui.report_dialogs import RecordsDialog

FIGURE_KEY_ROLE = Qt.ItemDataRole.UserRole + 1
MISSING_STYLE = "color: #B03A2E;"
DONE_STYLE = "color: #2E7D32;"


class SectionEditor(QGroupBox):
    """Reasons and measures for one section, with the reasons it still needs shown above."""

    changed = Signal()

    def __init__(self, section: Section, parent: QWidget | None = None) -> None:
        super().__init__(section_title(section), parent)
        self.section = section
        self.required = QLabel(self)
        self.required.setWordWrap(True)
        self.required.setVisible(False)
        self.reasons = QPlainTextEdit(self)
        self.reasons.setPlaceholderText(_("Reasons: what happened and why"))
        self.measures = QPlainTextEdit(self)
        self.measures.setPlaceholderText(_("Measures: what you will do about it"))
        for editor in (self.reasons, self.measures):
            editor.setFixedHeight(64)
            editor.textChanged.connect(self.changed)
        layout = QVBoxLayout(self)
        layout.addWidget(self.required)
        layout.addWidget(self.reasons)
        layout.addWidget(self.measures)

    def show_requirements(self, found: list[Requirement]) -> None:
        if not found:
            self.required.setVisible(False)
            return
        missing = [r for r in found if not r.satisfied]
        if missing:
            self.required.setStyleSheet(MISSING_STYLE)
            self.required.setText("\n".join("！" + r.message for r in missing))
        else:
            self.required.setStyleSheet(DONE_STYLE)
            self.required.setText(_("✓ Reason written."))
        self.required.setVisible(True)


class PlanEditor(QWidget):
    """Last period's plan to mark done / not done (with a reason) and next period's plan."""

    changed = Signal()
    REVIEW_ITEM, REVIEW_ACCOUNT, REVIEW_DONE, REVIEW_REASON = range(4)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._reviews: list[PlanReview] = []
        self._plan_ids: list[str] = []
        self.accounts: list[tuple[str, str]] = []
        self.review_title = QLabel(self)
        self.review = QTableWidget(0, 4, self)
        self.review.setHorizontalHeaderLabels([_("Plan item"), _("Account"), _("Done"), _("Reason")])
        self.review.horizontalHeader().setSectionResizeMode(self.REVIEW_ITEM, QHeaderView.ResizeMode.Stretch)
        self.review.horizontalHeader().setSectionResizeMode(
            self.REVIEW_REASON, QHeaderView.ResizeMode.Stretch
        )
        self.review.verticalHeader().setVisible(False)
        self.review.itemChanged.connect(self._changed)
        self.plan = QTableWidget(0, 2, self)
        self.plan.setHorizontalHeaderLabels([_("Plan item"), _("Account")])
        self.plan.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.plan.verticalHeader().setVisible(False)
        self.plan.itemChanged.connect(self._changed)
        self.add_button = QPushButton(_("Add plan item"), self)
        self.remove_button = QPushButton(_("Remove selected"), self)
        self.add_button.clicked.connect(lambda: self.add_item(PlanItem(_("New plan item"))))
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.review_title)
        layout.addWidget(self.review)
        layout.addWidget(QLabel(_("Plan for next period"), self))
        layout.addWidget(self.plan)
        layout.addLayout(buttons)
        self._loading = False

    def _changed(self, *_args: object) -> None:
        if not self._loading:
            self.changed.emit()

    def load(self, document: ReportDocument, accounts: list[tuple[str, str]]) -> None:
        self._loading = True
        self.accounts = accounts
        content = document.content
        self._reviews = [PlanReview(r.item, r.done, r.reason) for r in content.review]
        if document.review_from:
            self.review_title.setText(_("Last period's plan ({label})").format(label=document.review_from))
        else:
            self.review_title.setText(_("Last period's plan"))
        self.review.setRowCount(0)
        for row, review in enumerate(self._reviews):
            self.review.insertRow(row)
            for column, text in (
                (self.REVIEW_ITEM, review.item.text),
                (self.REVIEW_ACCOUNT, review.item.account_name or ""),
            ):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.review.setItem(row, column, item)
            done = QComboBox(self.review)
            done.addItems([_("Not marked"), _("Done"), _("Not done")])
            done.setCurrentIndex(0 if review.done is None else 1 if review.done else 2)
            done.currentIndexChanged.connect(self._changed)
            self.review.setCellWidget(row, self.REVIEW_DONE, done)
            self.review.setItem(row, self.REVIEW_REASON, QTableWidgetItem(review.reason))
        self.plan.setRowCount(0)
        self._plan_ids = []
        for item in content.plan:
            self.add_item(item, emit=False)
        self.set_read_only(document.submitted)
        self._loading = False

    def add_item(self, item: PlanItem, *, emit: bool = True) -> None:
        row = self.plan.rowCount()
        self.plan.insertRow(row)
        self._plan_ids.append(item.id)
        self.plan.setItem(row, 0, QTableWidgetItem(item.text))
        account = QComboBox(self.plan)
        account.addItem(_("(no account)"), None)
        for account_id, name in self.accounts:
            account.addItem(name, account_id)
        if item.account_id:
            index = account.findData(item.account_id)
            if index < 0:
                account.addItem(item.account_name or item.account_id, item.account_id)
                index = account.count() - 1
            account.setCurrentIndex(index)
        account.currentIndexChanged.connect(self._changed)
        self.plan.setCellWidget(row, 1, account)
        if emit:
            self.changed.emit()

    def remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.plan.selectedIndexes()}, reverse=True)
        for row in rows:
            self.plan.removeRow(row)
            del self._plan_ids[row]
        if rows:
            self.changed.emit()

    def set_read_only(self, read_only: bool) -> None:
        for table in (self.review, self.plan):
            table.setEnabled(not read_only)
        self.add_button.setEnabled(not read_only)
        self.remove_button.setEnabled(not read_only)

    def review_content(self) -> list[PlanReview]:
        reviews = []
        for row, review in enumerate(self._reviews):
            combo = self.review.cellWidget(row, self.REVIEW_DONE)
            index = combo.currentIndex() if isinstance(combo, QComboBox) else 0
            reason_item = self.review.item(row, self.REVIEW_REASON)
            reviews.append(
                PlanReview(
                    review.item, None if index == 0 else index == 1, reason_item.text() if reason_item else ""
                )
            )
        return reviews

    def plan_content(self) -> list[PlanItem]:
        items = []
        for row, item_id in enumerate(self._plan_ids):
            text_item = self.plan.item(row, 0)
            text = text_item.text().strip() if text_item else ""
            if not text:
                continue
            combo = self.plan.cellWidget(row, 1)
            account_id = combo.currentData() if isinstance(combo, QComboBox) else None
            name = combo.currentText() if account_id else None
            items.append(PlanItem(text, account_id, name, item_id))
        return items


class ReportEditor(QWidget):
    changed = Signal()
    refresh_requested = Signal()
    submit_requested = Signal()
    amend_requested = Signal()
    export_requested = Signal(str)  # "pdf" / "xlsx"

    FIGURE, VALUE, PREVIOUS, CHANGE, LAST_YEAR, RECORDS = range(6)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document: ReportDocument | None = None
        self.title = QLabel(self)
        self.title.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.tabs = QTabWidget(self)

        self.figures = QTreeWidget(self)
        self.figures.setHeaderLabels(
            [_("Figure"), _("This period"), _("Previous period"), _("Change"), _("Last year"), _("Records")]
        )
        self.figures.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.figures.setToolTip(_("Double-click a figure to see the records behind it."))
        self.figures.itemDoubleClicked.connect(self._open_figure)
        self.figure_notes = QLabel(self)
        self.figure_notes.setWordWrap(True)
        figures_page = QWidget(self)
        figures_layout = QVBoxLayout(figures_page)
        figures_layout.addWidget(self.figure_notes)
        figures_layout.addWidget(self.figures)
        self.tabs.addTab(figures_page, _("Figures"))

        self.charts_page = QWidget(self)
        self.charts_layout = QVBoxLayout(self.charts_page)
        self.tabs.addTab(self.charts_page, _("Charts"))

        self.sections: dict[Section, SectionEditor] = {}
        narrative_page = QWidget(self)
        narrative_layout = QVBoxLayout(narrative_page)
        for section in Section:
            editor = SectionEditor(section, narrative_page)
            editor.changed.connect(self._edited)
            self.sections[section] = editor
            narrative_layout.addWidget(editor)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(narrative_page)
        self.tabs.addTab(scroll, _("Narrative"))

        self.plan = PlanEditor(self)
        self.plan.changed.connect(self._edited)
        self.tabs.addTab(self.plan, _("Plan"))

        self.status = QLabel(self)
        self.missing = QLabel(self)
        self.missing.setStyleSheet(MISSING_STYLE)
        self.missing.setWordWrap(True)
        self.refresh_button = QPushButton(_("Recompute figures"), self)
        self.submit_button = QPushButton(_("Submit"), self)
        self.amend_button = QPushButton(_("Correct…"), self)
        self.amend_button.setToolTip(
            _("Start a correction: a new version that replaces this submitted report.")
        )
        self.amend_button.clicked.connect(self.amend_requested)
        self.pdf_button = QPushButton(_("Export PDF"), self)
        self.xlsx_button = QPushButton(_("Export XLSX"), self)
        self.refresh_button.clicked.connect(self.refresh_requested)
        self.submit_button.clicked.connect(self.submit_requested)
        self.pdf_button.clicked.connect(lambda: self.export_requested.emit("pdf"))
        self.xlsx_button.clicked.connect(lambda: self.export_requested.emit("xlsx"))
        bar = QHBoxLayout()
        bar.addWidget(self.status, 1)
        for button in (
            self.refresh_button,
            self.submit_button,
            self.amend_button,
            self.pdf_button,
            self.xlsx_button,
        ):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.missing)
        layout.addLayout(bar)
        self._loading = False
        self.setEnabled(False)

    # -- loading --------------------------------------------------------------------------
    def load(self, document: ReportDocument, accounts: list[tuple[str, str]]) -> None:
        self._loading = True
        self.document = document
        self.setEnabled(True)
        self.title.setText(period_title(document.period))
        self._fill_figures(document)
        self._fill_charts(document)
        for section, editor in self.sections.items():
            text = document.content.text(section)
            editor.reasons.setPlainText(text.reasons)
            editor.measures.setPlainText(text.measures)
            editor.reasons.setReadOnly(document.submitted)
            editor.measures.setReadOnly(document.submitted)
        self.plan.load(document, accounts)
        self.refresh_button.setEnabled(not document.submitted)
        self.amend_button.setVisible(document.submitted)
        if document.submitted and document.submitted_at:
            self.status.setText(
                _("Submitted {moment}").format(moment=document.submitted_at.strftime("%Y-%m-%d %H:%M UTC"))
            )
        else:
            self.status.setText(_("Draft · changes are saved automatically"))
        self._loading = False
        self.update_requirements()

    def _fill_figures(self, document: ReportDocument) -> None:
        self.figures.clear()
        figures = document.figures
        self.figure_notes.setText(revenue_basis(figures) + "\n" + team_note(figures))
        for section in Section:
            parent = QTreeWidgetItem(self.figures, [section_title(section)])
            for figure in figures.in_section(section):
                item = QTreeWidgetItem(
                    parent,
                    [
                        figure.label,
                        format_value(figure),
                        format_number(figure.previous, figure.unit) if figure.previous is not None else "",
                        format_change(figure, figure.previous) if figure.previous is not None else "",
                        format_number(figure.last_year, figure.unit) if figure.last_year is not None else "",
                        str(len(figure.records)) if figure.records else "",
                    ],
                )
                item.setData(0, FIGURE_KEY_ROLE, figure.key)
                for column in range(1, 6):
                    item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.figures.expandAll()

    def _fill_charts(self, document: ReportDocument) -> None:
        while self.charts_layout.count():
            widget = self.charts_layout.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.charts_layout.addWidget(revenue_chart(document.figures, self.charts_page))
        self.charts_layout.addWidget(activity_chart(document.figures, self.charts_page))
        if document.figures.team is None:
            self.charts_layout.addWidget(QLabel(team_note(document.figures), self.charts_page))

    def _open_figure(self, item: QTreeWidgetItem, _column: int) -> None:
        key = item.data(0, FIGURE_KEY_ROLE)
        if key and self.document is not None:
            self.open_figure(key)

    def open_figure(self, key: str) -> RecordsDialog:
        assert self.document is not None
        dialog = RecordsDialog(self.document.figures.get(key), self)
        dialog.setModal(False)
        dialog.show()
        return dialog

    # -- editing --------------------------------------------------------------------------
    def _edited(self) -> None:
        if self._loading:
            return
        self.update_requirements()
        self.changed.emit()

    def content(self) -> ReportContent:
        content = ReportContent()
        for section, editor in self.sections.items():
            text = content.text(section)
            text.reasons = editor.reasons.toPlainText()
            text.measures = editor.measures.toPlainText()
        content.review = self.plan.review_content()
        content.plan = self.plan.plan_content()
        return content

    def update_requirements(self) -> list[Requirement]:
        if self.document is None:
            return []
        if self.document.submitted:
            for editor in self.sections.values():
                editor.show_requirements([])
            self.missing.setText("")
            self.submit_button.setEnabled(False)
            return []
        found = requirements(self.document.figures, self.content())
        for section, editor in self.sections.items():
            editor.show_requirements([r for r in found if r.section is section])
        missing = [r for r in found if not r.satisfied]
        self.submit_button.setEnabled(not missing)
        if missing:
            self.missing.setText(
                _("Before you can submit: {items}").format(items=" ".join("！" + r.message for r in missing))
            )
        else:
            self.missing.setText("")
        return missing
