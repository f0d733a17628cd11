"""The Portfolio section: a search box over the paged account table."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from kamdesk.i18n import _, ngettext
from kamdesk.ui.portfolio_model import Column, PortfolioTableModel
from kamdesk.ui.print_actions import install_account_print_menu

SEARCH_DEBOUNCE_MS = 150


class PortfolioView(QWidget):
    def __init__(self, sessions: sessionmaker[Session], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = PortfolioTableModel(sessions, self)

        self.search = QLineEdit(self)
        self.search.setPlaceholderText(_("Search accounts by name or code"))
        self.search.setClearButtonEnabled(True)
        self.count_label = QLabel(self)

        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        for column in Column:
            if column is not Column.NAME:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSortIndicator(Column.NAME, Qt.SortOrder.AscendingOrder)
        install_account_print_menu(self.table, sessions)

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_search)
        self.search.textChanged.connect(self._debounce.start)
        self.model.modelReset.connect(self._update_count)
        self.model.refresh()

    def apply_search(self) -> None:
        self._debounce.stop()
        self.model.set_query(replace(self.model.query, text=self.search.text()))

    def _update_count(self) -> None:
        total = self.model.total
        self.count_label.setText(ngettext("{count} account", "{count} accounts", total).format(count=total))
