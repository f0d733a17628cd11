"""The portfolio table: a model over SQL pages, holding only the rows the view has asked for.

Counting, sorting, filtering and searching happen in SQL (``kamdesk.domain.portfolio``) on the
task runner's worker thread; the GUI thread only swaps in finished pages. Each query carries a
generation number, so the answer to an older keystroke that arrives late is dropped.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from datetime import date
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from sqlalchemy.orm import Session, sessionmaker

from kamdesk.domain import account_index, portfolio
from kamdesk.domain.clock import BUSINESS_TZ, business_today
from kamdesk.domain.portfolio import AccountRow, PortfolioQuery, SortKey
from kamdesk.domain.vocabulary import format_yuan, label
from kamdesk.i18n import N_, _
from kamdesk.ui.tasks import TaskRunner

log = logging.getLogger(__name__)
PAGE_SIZE = 200
Index = QModelIndex | QPersistentModelIndex
RISING = QColor("#1b7f3b")
FALLING = QColor("#c62828")


class Column(IntEnum):
    NAME = 0
    CODE = 1
    TIER = 2
    INDUSTRY = 3
    CITY = 4
    REVENUE = 5
    TREND = 6
    LAST_VISIT = 7
    NEXT_VISIT = 8
    PRIMARY = 9
    SECONDARY = 10
    COMPLAINTS = 11


HEADERS = {
    Column.NAME: N_("Account"),
    Column.CODE: N_("Code"),
    Column.TIER: N_("Tier"),
    Column.INDUSTRY: N_("Industry"),
    Column.CITY: N_("City"),
    Column.REVENUE: N_("Monthly revenue"),
    Column.TREND: N_("Trend"),
    Column.LAST_VISIT: N_("Last visit"),
    Column.NEXT_VISIT: N_("Next visit due"),
    Column.PRIMARY: N_("Primary manager"),
    Column.SECONDARY: N_("Secondary manager"),
    Column.COMPLAINTS: N_("Open complaints"),
}
SORT_KEYS = {
    Column.NAME: SortKey.NAME,
    Column.CODE: SortKey.CODE,
    Column.TIER: SortKey.TIER,
    Column.INDUSTRY: SortKey.INDUSTRY,
    Column.CITY: SortKey.CITY,
    Column.REVENUE: SortKey.REVENUE,
    Column.TREND: SortKey.TREND,
    Column.LAST_VISIT: SortKey.LAST_VISIT,
    Column.NEXT_VISIT: SortKey.NEXT_VISIT,
    Column.PRIMARY: SortKey.PRIMARY,
    Column.SECONDARY: SortKey.SECONDARY,
    Column.COMPLAINTS: SortKey.COMPLAINTS,
}
COLUMN_OF_SORT = {key: column for column, key in SORT_KEYS.items()}
_COLUMNS = list(Column)
NUMERIC = {Column.REVENUE, Column.TREND, Column.COMPLAINTS}
ACCOUNT_ID_ROLE = Qt.ItemDataRole.UserRole + 1


def trend_text(row: AccountRow) -> str:
    if row.trend is None:
        return ""
    arrow = "↑" if row.trend > 0 else "↓" if row.trend < 0 else "→"
    return f"{arrow} {abs(row.trend) * 100:.1f}%"


class PortfolioTableModel(QAbstractTableModel):
    loaded = Signal()
    """A query's count and first page are in (after ``set_query``/``refresh``)."""
    counted = Signal()
    """The total of the current query is known (``total``); comes after ``loaded``."""
    failed = Signal(str)

    def __init__(
        self,
        sessions: sessionmaker[Session],
        tasks: TaskRunner | None = None,
        parent: Any = None,
        *,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self._sessions = sessions
        self._tasks = tasks or TaskRunner(self)
        self._query = PortfolioQuery()
        self._rows: list[AccountRow] = []
        self._text: list[tuple[str, ...]] = []
        self._total = 0
        self._generation = 0
        self._fetching = False
        self._counting = False
        self._index_ready = False
        self._today = today
        self.last_query_seconds = 0.0  # worker time of the latest count + first page
        self.loading = False

    @property
    def tasks(self) -> TaskRunner:
        return self._tasks

    @property
    def query(self) -> PortfolioQuery:
        return self._query

    @property
    def total(self) -> int:
        """Rows matching the query, fetched or not."""
        return self._total

    def today(self) -> date:
        return self._today or business_today()

    # loading -----------------------------------------------------------------------------------
    def _texts(self, rows: list[AccountRow]) -> list[tuple[str, ...]]:
        """Display strings of ``rows``, formatted on the worker so painting only looks them up."""
        return [tuple(self._display(row, column) for column in Column) for row in rows]

    def _load(
        self, generation: int, query: PortfolioQuery
    ) -> tuple[int | None, list[AccountRow], float, list[tuple[str, ...]]] | None:
        if generation != self._generation:
            return None  # typed over before the worker got here: skip the query altogether
        if not self._index_ready:
            with self._sessions() as session:
                current = account_index.is_current(session)
            if not current:  # a store migrated with accounts in it: built once, in the background
                account_index.rebuild_in_steps(self._sessions)
            self._index_ready = True
        started = time.perf_counter()
        with self._sessions() as session:
            rows = portfolio.page(session, query, 0, PAGE_SIZE)
        total = len(rows) if len(rows) < PAGE_SIZE else None  # None: counted next, off the keystroke path
        return total, rows, time.perf_counter() - started, self._texts(rows)

    def _count(self, generation: int, query: PortfolioQuery) -> int | None:
        if generation != self._generation:
            return None
        with self._sessions() as session:
            return portfolio.count(session, query)

    def set_query(self, query: PortfolioQuery) -> None:
        self._query = query
        self._generation += 1
        generation = self._generation
        self.loading = True
        self._tasks.submit(
            lambda: self._load(generation, query),
            lambda result: self._loaded(generation, result),
            lambda error: self._failed(generation, error),
        )

    def refresh(self) -> None:
        self.set_query(self._query)

    def _loaded(
        self,
        generation: int,
        result: tuple[int | None, list[AccountRow], float, list[tuple[str, ...]]] | None,
    ) -> None:
        if result is None or generation != self._generation:
            return  # an older keystroke's answer
        total, rows, seconds, texts = result
        self.beginResetModel()
        self._rows, self._fetching, self._text = rows, False, texts
        self._counting = total is None
        self._total = len(rows) if total is None else total
        self.endResetModel()
        self.last_query_seconds = seconds
        self.loading = False
        if self._counting:
            query = self._query
            self._tasks.submit(
                lambda: self._count(generation, query),
                lambda count: self._counted(generation, count),
                lambda error: self._failed(generation, error),
            )
        self.loaded.emit()
        if not self._counting:
            self.counted.emit()

    def _counted(self, generation: int, count: int | None) -> None:
        if count is None or generation != self._generation:
            return
        self._counting = False
        self._total = max(count, len(self._rows))
        self.counted.emit()

    @property
    def counting(self) -> bool:
        """True while the total of the current query is still being counted."""
        return self._counting

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation == self._generation:
            self.loading = False
            self.failed.emit(str(error))
        log.error("portfolio query failed", exc_info=error)

    def canFetchMore(self, parent: Index) -> bool:
        if parent.isValid() or self._fetching:
            return False
        if self._counting:  # total unknown yet: more exist if every page so far came back full
            return bool(self._rows) and len(self._rows) % PAGE_SIZE == 0
        return len(self._rows) < self._total

    def fetchMore(self, parent: Index) -> None:
        if parent.isValid() or self._fetching:
            return
        self._fetching = True
        generation, query, offset = self._generation, self._query, len(self._rows)

        def work() -> tuple[list[AccountRow], list[tuple[str, ...]]]:
            with self._sessions() as session:
                rows = portfolio.page(session, query, offset, PAGE_SIZE)
            return rows, self._texts(rows)

        self._tasks.submit(work, lambda result: self._append(generation, offset, *result))

    def _append(
        self, generation: int, offset: int, more: list[AccountRow], texts: list[tuple[str, ...]]
    ) -> None:
        if generation != self._generation or offset != len(self._rows):
            return
        self._fetching = False
        if not more:
            self._total = len(self._rows)
            self._counting = False
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(more) - 1)
        self._rows.extend(more)
        self._text.extend(texts)
        self.endInsertRows()
        if self._counting:
            self._total = max(self._total, len(self._rows))

    # Qt model API --------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(HEADERS[Column(section)])
        return None

    def row_at(self, row: int) -> AccountRow:
        return self._rows[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = _COLUMNS[index.column()]
        if role == ACCOUNT_ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text[index.row()][column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._colour(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column is Column.TREND and row.last3_fen is not None:
            return _("Last 3 months {last} against the 3 before {previous}").format(
                last=format_yuan(row.last3_fen), previous=format_yuan(row.previous3_fen)
            )
        return None

    def _display(self, row: AccountRow, column: Column) -> str:
        match column:
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
            case Column.REVENUE:
                return format_yuan(row.revenue_fen)
            case Column.TREND:
                return trend_text(row)
            case Column.LAST_VISIT:
                return (
                    row.last_visit_at.astimezone(BUSINESS_TZ).date().isoformat() if row.last_visit_at else ""
                )
            case Column.NEXT_VISIT:
                return row.next_visit_due.isoformat() if row.next_visit_due else _("Now")
            case Column.PRIMARY:
                return row.primary_manager or ""
            case Column.SECONDARY:
                return row.secondary_manager or ""
            case Column.COMPLAINTS:
                return str(row.open_complaints) if row.open_complaints else ""

    def _colour(self, row: AccountRow, column: Column) -> QBrush | None:
        if column is Column.TREND and row.trend:
            return QBrush(RISING if row.trend > 0 else FALLING)
        if column is Column.NEXT_VISIT and (row.next_visit_due is None or row.next_visit_due < self.today()):
            return QBrush(FALLING)
        if column is Column.COMPLAINTS and row.open_complaints:
            return QBrush(FALLING)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORT_KEYS[Column(column)]
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) != (self._query.sort, self._query.descending):
            self.set_query(replace(self._query, sort=key, descending=descending))
