"""The portfolio table: a model over SQL pages, holding only the rows the view has asked for."""

from __future__ import annotations

from dataclasses import replace
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from sqlalchemy.orm import Session, sessionmaker

from kamdesk.domain import portfolio
from kamdesk.domain.portfolio import AccountRow, PortfolioQuery, SortKey
from kamdesk.domain.vocabulary import label
from kamdesk.i18n import N_, _

PAGE_SIZE = 200
Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    NAME = 0
    CODE = 1
    TIER = 2
    INDUSTRY = 3
    CITY = 4
    PRIMARY = 5
    SECONDARY = 6


HEADERS = {
    Column.NAME: N_("Account"),
    Column.CODE: N_("Code"),
    Column.TIER: N_("Tier"),
    Column.INDUSTRY: N_("Industry"),
    Column.CITY: N_("City"),
    Column.PRIMARY: N_("Primary manager"),
    Column.SECONDARY: N_("Secondary manager"),
}
SORT_KEYS = {
    Column.NAME: SortKey.NAME,
    Column.CODE: SortKey.CODE,
    Column.TIER: SortKey.TIER,
    Column.INDUSTRY: SortKey.INDUSTRY,
    Column.CITY: SortKey.CITY,
}
ACCOUNT_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class PortfolioTableModel(QAbstractTableModel):
    def __init__(self, sessions: sessionmaker[Session], parent: Any = None) -> None:
        super().__init__(parent)
        self._sessions = sessions
        self._query = PortfolioQuery()
        self._rows: list[AccountRow] = []
        self._total = 0

    @property
    def query(self) -> PortfolioQuery:
        return self._query

    @property
    def total(self) -> int:
        """Rows matching the query, fetched or not."""
        return self._total

    def set_query(self, query: PortfolioQuery) -> None:
        self.beginResetModel()
        self._query = query
        with self._sessions() as session:
            self._total = portfolio.count(session, query)
            self._rows = portfolio.page(session, query, 0, PAGE_SIZE)
        self.endResetModel()

    def refresh(self) -> None:
        self.set_query(self._query)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index) -> None:
        if parent.isValid():
            return
        with self._sessions() as session:
            more = portfolio.page(session, self._query, len(self._rows), PAGE_SIZE)
        if not more:
            self._total = len(self._rows)
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(HEADERS[Column(section)])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == ACCOUNT_ID_ROLE:
            return row.id
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        match Column(index.column()):
            case Column.NAME:
                return row.name
            case Column.CODE:
                return row.code
            case Column.TIER:
                return row.tier.value
            case Column.INDUSTRY:
                return label(row.industry)
            case Column.CITY:
                return " ".join(part for part in (row.city, row.district) if part)
            case Column.PRIMARY:
                return row.primary_manager or ""
            case Column.SECONDARY:
                return row.secondary_manager or ""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORT_KEYS.get(Column(column))
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        self.set_query(replace(self._query, sort=key, descending=descending))
