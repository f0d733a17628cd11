"""The main window: section navigation on the left, the section on the right, sync state below.

The window is shown before the store is open (opening imports the database layer, which costs
more than the whole window); ``attach`` then builds the sections on the opened store.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from kamdesk.i18n import _, ngettext

if TYPE_CHECKING:
    from kamdesk.store.database import Store

NAVIGATION_WIDTH = 160


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    build: Callable[[], QWidget]


class MainWindow(QMainWindow):
    shown = Signal()
    attached = Signal()

    def __init__(
        self, store: Store | None = None, sections: Sequence[Section] = (), *, demo: bool = False
    ) -> None:
        super().__init__()
        self.store: Store | None = None
        self.demo = demo
        self.sections: dict[str, QWidget] = {}
        self.setWindowTitle(_("kamdesk — account manager's workbench"))
        self.resize(1200, 760)

        self.navigation = QListWidget(self)
        self.navigation.setFixedWidth(NAVIGATION_WIDTH)
        self.navigation.setStyleSheet("QListWidget::item { padding: 8px 12px; }")
        self.stack = QStackedWidget(self)
        self.opening_label = QLabel(_("Opening your data…"), self.stack)
        self.opening_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.opening_label)
        self.navigation.currentRowChanged.connect(self._show_row)

        splitter = QSplitter(self)
        splitter.addWidget(self.navigation)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)

        self.mode_label = QLabel(self)
        self.pending_label = QLabel(self)
        self.sync_label = QLabel(self)
        bar = self.statusBar()
        bar.addWidget(self.mode_label)
        bar.addPermanentWidget(self.pending_label)
        bar.addPermanentWidget(self.sync_label)
        if store is not None:
            self.attach(store, sections, demo=demo)

    def attach(self, store: Store, sections: Sequence[Section], *, demo: bool) -> None:
        """Build the sections on the opened ``store`` and show the first one."""
        self.store = store
        self.demo = demo
        for section in sections:
            widget = section.build()
            self.sections[section.key] = widget
            self.stack.addWidget(widget)
            item = QListWidgetItem(section.title, self.navigation)
            # A section may show a count in the navigation: a ``badge_changed(str)`` signal
            # carrying its full entry text, and ``badge_text()`` for the text right now.
            badge = getattr(widget, "badge_changed", None)
            if badge is not None:
                badge.connect(item.setText)
                item.setText(widget.badge_text())  # type: ignore[attr-defined]
        self.stack.removeWidget(self.opening_label)
        self.opening_label.deleteLater()
        self.navigation.setCurrentRow(0)
        self.refresh_status()
        self.attached.emit()

    def _show_row(self, row: int) -> None:
        if 0 <= row < len(self.sections):
            self.stack.setCurrentWidget(list(self.sections.values())[row])

    def show_section(self, key: str) -> None:
        self.navigation.setCurrentRow(list(self.sections).index(key))

    def refresh_status(self) -> None:
        from kamdesk.domain.sync_status import pending_changes

        assert self.store is not None
        with self.store.sessions() as session:
            pending = pending_changes(session)
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
