"""The main window: section navigation on the left, the section on the right, sync state below."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QWidget,
)
from sqlalchemy import func, select

from kamdesk.i18n import _, ngettext
from kamdesk.models import OutboxEntry
from kamdesk.store.database import Store

NAVIGATION_WIDTH = 150


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    build: Callable[[], QWidget]


class MainWindow(QMainWindow):
    shown = Signal()

    def __init__(self, store: Store, sections: list[Section], *, demo: bool) -> None:
        super().__init__()
        self.store = store
        self.demo = demo
        self.setWindowTitle(_("kamdesk — account manager's workbench"))
        self.resize(1200, 760)

        self.navigation = QListWidget(self)
        self.navigation.setMaximumWidth(NAVIGATION_WIDTH * 2)
        self.stack = QStackedWidget(self)
        self.sections: dict[str, QWidget] = {}
        for section in sections:
            widget = section.build()
            self.sections[section.key] = widget
            self.stack.addWidget(widget)
            QListWidgetItem(section.title, self.navigation)
        self.navigation.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.navigation.setCurrentRow(0)

        splitter = QSplitter(self)
        splitter.addWidget(self.navigation)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([NAVIGATION_WIDTH, 1050])
        self.setCentralWidget(splitter)

        self.mode_label = QLabel(self)
        self.pending_label = QLabel(self)
        self.sync_label = QLabel(self)
        bar = self.statusBar()
        bar.addWidget(self.mode_label)
        bar.addPermanentWidget(self.pending_label)
        bar.addPermanentWidget(self.sync_label)
        self.refresh_status()

    def show_section(self, key: str) -> None:
        self.navigation.setCurrentRow(list(self.sections).index(key))

    def refresh_status(self) -> None:
        with self.store.sessions() as session:
            pending = (
                session.scalar(select(func.count(OutboxEntry.seq)).where(OutboxEntry.state == "pending")) or 0
            )
        self.mode_label.setText(_("Demo portfolio · offline") if self.demo else _("Offline"))
        self.pending_label.setText(
            ngettext("{count} change waiting to sync", "{count} changes waiting to sync", pending).format(
                count=pending
            )
        )
        self.sync_label.setText(_("Never synced"))

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        self.shown.emit()
