"""The main window: section navigation on the left, the section on the right, sync state below.

The window is shown before the store is open (opening imports the database layer, which costs
more than the whole window); ``attach`` then lists the sections of the opened store and builds the
first; the others are built when first shown (``when_built`` wires them as they appear).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, SignalInstance
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
    """A page of the window. It is built (``build``) when first shown or asked for, not at attach;
    ``badge`` gives its navigation text until then (e.g. "Plan (3)"), asked again whenever
    ``badge_changed`` fires. Once built, the widget's own ``badge_changed(str)`` signal and
    ``badge_text()`` (if it has them) take over."""

    key: str
    title: str
    build: Callable[[], QWidget]
    badge: Callable[[], str] | None = None
    badge_changed: SignalInstance | None = None


SectionHook = Callable[..., None]


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
        self.declared: dict[str, Section] = {}
        self.sections: dict[str, QWidget] = {}
        """The sections built so far; ``section(key)`` builds one, ``when_built`` waits for it."""
        self._hooks: list[tuple[tuple[str, ...], SectionHook]] = []
        self._badge_connections: list[tuple[SignalInstance, Callable[[], None]]] = []
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
        """List the sections of the opened ``store`` and show the first one (the only one built now:
        building every section cost seconds of start-up, mostly importing what they use)."""
        self.store = store
        self.demo = demo
        for section in sections:
            self.declared[section.key] = section
            item = QListWidgetItem(section.title, self.navigation)
            if section.badge is not None:
                item.setText(section.badge())
                if section.badge_changed is not None:
                    update = self._badge_updater(section, item)
                    section.badge_changed.connect(update)
                    self._badge_connections.append((section.badge_changed, update))
        self.navigation.setCurrentRow(0)
        self.stack.removeWidget(self.opening_label)
        self.opening_label.deleteLater()
        self.refresh_status()
        self.attached.emit()

    def _badge_updater(self, section: Section, item: QListWidgetItem) -> Callable[[], None]:
        def update() -> None:
            if section.key not in self.sections and section.badge is not None:
                item.setText(section.badge())

        return update

    def detach(self) -> None:
        """Drop the sections (before attaching another store, e.g. after signing in)."""
        for signal, update in self._badge_connections:
            signal.disconnect(update)
        self._badge_connections = []
        self._hooks = []
        self.navigation.blockSignals(True)
        self.navigation.clear()
        self.navigation.blockSignals(False)
        for widget in self.sections.values():
            self.stack.removeWidget(widget)
            widget.deleteLater()
        self.declared = {}
        self.sections = {}
        self.sync_controller = None
        self.store = None

    def set_sync_controller(self, controller: SyncController) -> None:
        self.sync_controller = controller
        controller.state_changed.connect(self.refresh_status)
        self.refresh_status()

    # ----- sections, built on demand
    def section(self, key: str) -> QWidget:
        """The section ``key``, built now if it was not yet (without showing it)."""
        widget = self.sections.get(key)
        if widget is not None:
            return widget
        section = self.declared[key]
        widget = section.build()
        self.sections[key] = widget
        self.stack.addWidget(widget)
        # A section may show a count in the navigation: a ``badge_changed(str)`` signal
        # carrying its full entry text, and ``badge_text()`` for the text right now.
        item = self.navigation.item(list(self.declared).index(key))
        badge = getattr(widget, "badge_changed", None)
        if badge is not None:
            badge.connect(item.setText)
            item.setText(widget.badge_text())  # type: ignore[attr-defined]
        self._run_hooks()
        return widget

    def when_built(self, keys: str | Sequence[str], hook: SectionHook) -> None:
        """Call ``hook(*widgets)`` once every section in ``keys`` exists: now if they do, else right
        after the last of them is built. How sections are wired to each other without building them."""
        wanted = (keys,) if isinstance(keys, str) else tuple(keys)
        for key in wanted:
            if key not in self.declared:
                raise KeyError(key)
        self._hooks.append((wanted, hook))
        self._run_hooks()

    def _run_hooks(self) -> None:
        while ready := [entry for entry in self._hooks if all(k in self.sections for k in entry[0])]:
            for entry in ready:
                self._hooks.remove(entry)
            for keys, hook in ready:
                hook(*(self.sections[key] for key in keys))

    def is_built(self, key: str) -> bool:
        return key in self.sections

    def _show_row(self, row: int) -> None:
        if 0 <= row < len(self.declared):
            self.stack.setCurrentWidget(self.section(list(self.declared)[row]))

    def show_section(self, key: str) -> QWidget:
        """Show the section ``key`` (building it if needed) and return it."""
        widget = self.section(key)
        self.navigation.setCurrentRow(list(self.declared).index(key))
        return widget

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
