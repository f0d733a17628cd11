"""The Portfolio section: search box and filters over the paged account table, saved filters,
import and export, and the account detail on double-click."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from kamdesk.domain import portfolio, saved_filters
from kamdesk.domain.portfolio import MyRole, PortfolioQuery
from kamdesk.domain.vocabulary import label
from kamdesk.export.portfolio_xlsx import write_portfolio
from kamdesk.i18n import _, ngettext
from kamdesk.models.enums import AccountStatus, Industry, Tier
from kamdesk.ui.portfolio_filters import MultiSelectButton
from kamdesk.ui.portfolio_model import ACCOUNT_ID_ROLE, COLUMN_OF_SORT, Column, PortfolioTableModel
from kamdesk.ui.print_actions import install_account_print_menu
from kamdesk.ui.tasks import TaskRunner

SEARCH_DEBOUNCE_MS = 120


class PortfolioView(QWidget):
    account_activated = Signal(str)
    """An account was double-clicked (its id); the view also opens the detail itself."""
    detail_opened = Signal(object)
    """An ``AccountDetailView`` was opened: connect its ``start_visit_requested`` etc. here."""
    exported = Signal(str, int)  # path, rows
    export_failed = Signal(str)

    def __init__(
        self,
        sessions: sessionmaker[Session],
        parent: QWidget | None = None,
        *,
        user_id: str | None = None,
        tasks: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.sessions = sessions
        self.user_id = user_id
        self.tasks = tasks or TaskRunner(self)
        self.model = PortfolioTableModel(sessions, self.tasks, self)
        self.detail_windows: list[QWidget] = []

        self.search = QLineEdit(self)
        self.search.setPlaceholderText(_("Search name, code, contact, phone or pinyin (e.g. zgyd)"))
        self.search.setClearButtonEnabled(True)
        self.tier_filter = MultiSelectButton(_("Tier"), self)
        self.tier_filter.set_options((t.value, label(t)) for t in Tier)
        self.industry_filter = MultiSelectButton(_("Industry"), self)
        self.industry_filter.set_options((i.value, label(i)) for i in Industry)
        self.city_filter = MultiSelectButton(_("City"), self)
        self.status_filter = MultiSelectButton(_("Status"), self)
        self.status_filter.set_options((s.value, label(s)) for s in AccountStatus)
        self.role_filter = QComboBox(self)
        self.role_filter.addItem(_("All my accounts"), None)
        self.role_filter.addItem(_("I am primary"), MyRole.PRIMARY.value)
        self.role_filter.addItem(_("I am secondary"), MyRole.SECONDARY.value)
        self.saved = QComboBox(self)
        self.saved.setMinimumWidth(140)
        self.save_button = QPushButton(_("Save filter…"), self)
        self.delete_button = QPushButton(_("Delete filter"), self)
        self.import_button = QPushButton(_("Import…"), self)
        self.export_button = QPushButton(_("Export…"), self)
        self.count_label = QLabel(self)

        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for column, width in {
            Column.NAME: 280,
            Column.CODE: 110,
            Column.TIER: 44,
            Column.INDUSTRY: 110,
            Column.CITY: 120,
            Column.REVENUE: 110,
            Column.TREND: 70,
            Column.LAST_VISIT: 90,
            Column.NEXT_VISIT: 90,
            Column.PRIMARY: 70,
            Column.SECONDARY: 70,
            Column.COMPLAINTS: 70,
        }.items():
            header.resizeSection(column, width)
        header.setSortIndicator(Column.NAME, Qt.SortOrder.AscendingOrder)
        install_account_print_menu(self.table, sessions)

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        for widget in (
            self.tier_filter,
            self.industry_filter,
            self.city_filter,
            self.status_filter,
            self.role_filter,
        ):
            top.addWidget(widget)
        second = QHBoxLayout()
        second.addWidget(QLabel(_("Saved filters:"), self))
        second.addWidget(self.saved)
        second.addWidget(self.save_button)
        second.addWidget(self.delete_button)
        second.addStretch(1)
        second.addWidget(self.count_label)
        second.addWidget(self.import_button)
        second.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(second)
        layout.addWidget(self.table)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._debounce.start)
        for button in (self.tier_filter, self.industry_filter, self.city_filter, self.status_filter):
            button.changed.connect(self.apply_filters)
        self.role_filter.currentIndexChanged.connect(self.apply_filters)
        self.saved.activated.connect(self._saved_chosen)
        self.save_button.clicked.connect(self._ask_save_filter)
        self.delete_button.clicked.connect(self._delete_filter)
        self.export_button.clicked.connect(self._ask_export)
        self.import_button.clicked.connect(self.open_import)
        self.table.doubleClicked.connect(self._activated)
        self.model.loaded.connect(self._update_count)
        self.model.counted.connect(self._update_count)
        self.model.loaded.connect(self._load_cities_once)
        self._cities_loaded = False
        self._reload_saved_names()
        self.model.refresh()

    # filters -------------------------------------------------------------------------------------
    def current_query(self) -> PortfolioQuery:
        role = self.role_filter.currentData()
        return replace(
            self.model.query,
            text=self.search.text(),
            tiers=frozenset(Tier(v) for v in self.tier_filter.values()),
            industries=frozenset(Industry(v) for v in self.industry_filter.values()),
            cities=frozenset(self.city_filter.values()),
            statuses=frozenset(AccountStatus(v) for v in self.status_filter.values()),
            my_role=MyRole(role) if role else None,
            user_id=self.user_id,
        )

    def apply_filters(self) -> None:
        self._debounce.stop()
        query = self.current_query()
        if query != self.model.query:
            self.model.set_query(query)

    apply_search = apply_filters

    def show_query(self, query: PortfolioQuery) -> None:
        """Put ``query`` into the widgets (a saved filter) and run it once."""
        widgets = (
            self.search,
            self.tier_filter,
            self.industry_filter,
            self.city_filter,
            self.status_filter,
            self.role_filter,
        )
        for widget in widgets:
            widget.blockSignals(True)
        self.search.setText(query.text)
        self.tier_filter.set_values(query.tiers, emit=False)
        self.industry_filter.set_values(query.industries, emit=False)
        self.city_filter.set_values(query.cities, emit=False)
        self.status_filter.set_values(query.statuses, emit=False)
        self.role_filter.setCurrentIndex(
            max(0, self.role_filter.findData(query.my_role.value if query.my_role else None))
        )
        for widget in widgets:
            widget.blockSignals(False)
        self.table.horizontalHeader().blockSignals(True)
        self.table.horizontalHeader().setSortIndicator(
            COLUMN_OF_SORT[query.sort],
            Qt.SortOrder.DescendingOrder if query.descending else Qt.SortOrder.AscendingOrder,
        )
        self.table.horizontalHeader().blockSignals(False)
        self.model.set_query(replace(query, user_id=self.user_id))

    def _load_cities_once(self) -> None:
        if self._cities_loaded:
            return
        self._cities_loaded = True

        def work() -> list[str]:
            with self.sessions() as session:
                return portfolio.cities(session)

        self.tasks.submit(work, lambda cities: self.city_filter.set_options((c, c) for c in cities))

    def _update_count(self) -> None:
        if self.model.counting:
            self.count_label.setText(_("Counting…"))
            return
        total = self.model.total
        self.count_label.setText(ngettext("{count} account", "{count} accounts", total).format(count=total))

    # saved filters -------------------------------------------------------------------------------
    def _reload_saved_names(self) -> None:
        with self.sessions() as session:
            names = saved_filters.names(session)
        self.saved.clear()
        self.saved.addItem(_("(none)"), None)
        for name in names:
            self.saved.addItem(name, name)
        self.delete_button.setEnabled(bool(names))

    def save_filter(self, name: str) -> None:
        with self.sessions.begin() as session:
            saved_filters.save(session, name, self.current_query())
        self._reload_saved_names()
        self.saved.setCurrentIndex(self.saved.findData(name.strip()))

    def load_filter(self, name: str) -> None:
        with self.sessions() as session:
            query = saved_filters.load(session, name, user_id=self.user_id)
        self.show_query(query)

    def _saved_chosen(self, index: int) -> None:
        name = self.saved.itemData(index)
        if name:
            self.load_filter(name)

    def _ask_save_filter(self) -> None:
        name, ok = QInputDialog.getText(self, _("Save filter"), _("Name of this filter:"))
        if ok and name.strip():
            self.save_filter(name)

    def _delete_filter(self) -> None:
        name = self.saved.currentData()
        if not name:
            return
        with self.sessions.begin() as session:
            saved_filters.remove(session, name)
        self._reload_saved_names()

    # export / import -----------------------------------------------------------------------------
    def export_to(self, path: Path) -> int:
        """Write the current list to ``path`` on the worker thread; emits ``exported`` when done."""
        query = self.model.query

        def work() -> int:
            with self.sessions() as session:
                return write_portfolio(path, portfolio.iter_rows(session, query))

        self.export_button.setEnabled(False)
        return self.tasks.submit(work, lambda count: self._exported(path, count), self._export_failed)

    def _exported(self, path: Path, count: int) -> None:
        self.export_button.setEnabled(True)
        self.exported.emit(str(path), count)

    def _export_failed(self, error: BaseException) -> None:
        self.export_button.setEnabled(True)
        self.export_failed.emit(str(error))
        QMessageBox.warning(
            self, _("Export failed"), _("The list could not be saved: {reason}").format(reason=error)
        )

    def _ask_export(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Export the list"), str(Path.home() / _("portfolio.xlsx")), _("Excel workbook (*.xlsx)")
        )
        if path:
            self.export_to(Path(path) if path.lower().endswith(".xlsx") else Path(path + ".xlsx"))

    def open_import(self) -> QWidget:
        from kamdesk.ui.import_wizard import ImportWizard

        wizard = ImportWizard(self.sessions, self.user_id, self.tasks, self)
        wizard.imported.connect(lambda _result: self.model.refresh())
        wizard.show()
        return wizard

    # detail --------------------------------------------------------------------------------------
    def _activated(self, index: QModelIndex) -> None:
        account_id = index.data(ACCOUNT_ID_ROLE)
        if account_id:
            self.account_activated.emit(account_id)
            self.open_account(account_id)

    def open_account(self, account_id: str) -> QWidget:
        from kamdesk.ui.account_detail import AccountDetailWindow

        window = AccountDetailWindow(self.sessions, account_id, self.tasks, self)
        window.view.changed.connect(lambda _id: self.model.refresh())
        window.destroyed.connect(
            lambda: self.detail_windows.remove(window) if window in self.detail_windows else None
        )
        self.detail_windows.append(window)
        self.detail_opened.emit(window.view)
        window.show()
        return window
