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
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from kamdesk.i18n import _, ngettext

if TYPE_CHECKING:
    from kamdesk.store.database import Store
    from kamdesk.ui.sync_controller import SyncController

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
        self.sync_controller: SyncController | None = None
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

        central = QWidget(self)
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.navigation)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

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

    def detach(self) -> None:
        """Drop the sections (before attaching another store, e.g. after signing in)."""
        self.navigation.blockSignals(True)
        self.navigation.clear()
        self.navigation.blockSignals(False)
        for widget in self.sections.values():
            self.stack.removeWidget(widget)
            widget.deleteLater()
        self.sections = {}
        self.sync_controller = None
        self.store = None

    def set_sync_controller(self, controller: SyncController) -> None:
        self.sync_controller = controller
        controller.state_changed.connect(self.refresh_status)
        self.refresh_status()

    def _show_row(self, row: int) -> None:
        if 0 <= row < len(self.sections):
            self.stack.setCurrentWidget(list(self.sections.values())[row])

    def show_section(self, key: str) -> None:
        self.navigation.setCurrentRow(list(self.sections).index(key))

    def refresh_status(self) -> None:
        """Status bar: offline/online, pending changes, last sync and the latest sync message."""
        if self.store is None:
            return
        if self.sync_controller is None:
            from kamdesk.domain.sync_status import pending_changes

            with self.store.sessions() as session:
                pending, last, online, message = pending_changes(session), None, None, ""
        else:
            status = self.sync_controller.status()
            pending, last, online, message = status.pending, status.last_sync, status.online, status.message
        if self.demo:
            mode = _("Demo portfolio · offline")
        elif online:
            mode = _("Online")
        else:
            mode = _("Offline")
        self.mode_label.setText(f"{mode}  {message}".strip())
        self.pending_label.setText(
            ngettext("{count} change waiting to sync", "{count} changes waiting to sync", pending).format(
                count=pending
            )
        )
        when = last.astimezone().strftime("%m-%d %H:%M") if last else None
        self.sync_label.setText(_("Last sync {when}").format(when=when) if when else _("Never synced"))

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        self.shown.emit()
