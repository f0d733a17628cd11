"""Open a report figure to the records behind it."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kamdesk.domain.reports.display import format_value
from kamdesk.domain.reports.figures import Figure, Record
from kamdesk.domain.vocabulary import format_yuan
from kamdesk.i18n import N_, _

Index = QModelIndex | QPersistentModelIndex


class RecordColumn(IntEnum):
    DATE = 0
    ACCOUNT = 1
    DESCRIPTION = 2
    AMOUNT = 3
    RATING = 4


RECORD_HEADERS = {
    RecordColumn.DATE: N_("Date"),
    RecordColumn.ACCOUNT: N_("Account"),
    RecordColumn.DESCRIPTION: N_("Description"),
    RecordColumn.AMOUNT: N_("Amount"),
    RecordColumn.RATING: N_("Rating"),
}
RECORD_ROLE = Qt.ItemDataRole.UserRole + 1


class RecordTableModel(QAbstractTableModel):
    def __init__(self, records: tuple[Record, ...], parent: Any = None) -> None:
        super().__init__(parent)
        self.records = records

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(RecordColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(RECORD_HEADERS[RecordColumn(section)])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self.records[index.row()]
        if role == RECORD_ROLE:
            return record
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (
            RecordColumn.AMOUNT,
            RecordColumn.RATING,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        match RecordColumn(index.column()):
            case RecordColumn.DATE:
                return record.day.isoformat() if record.day else ""
            case RecordColumn.ACCOUNT:
                return record.account_name
            case RecordColumn.DESCRIPTION:
                return record.text
            case RecordColumn.AMOUNT:
                return format_yuan(record.amount_fen) if record.amount_fen is not None else ""
            case RecordColumn.RATING:
                return "" if record.rating is None else str(record.rating)


class RecordsDialog(QDialog):
    """The rows behind one figure (visits, accounts, complaints…)."""

    def __init__(self, figure: Figure, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(figure.label)
        self.resize(760, 420)
        self.model = RecordTableModel(figure.records, self)
        summary = QLabel(
            _("{figure}: {value} · {count} records").format(
                figure=figure.label, value=format_value(figure), count=len(figure.records)
            ),
            self,
        )
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(RecordColumn.DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(RecordColumn.ACCOUNT, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
