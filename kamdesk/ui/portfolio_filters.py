"""Filter widgets of the portfolio bar: a drop-down of check boxes per vocabulary."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from kamdesk.i18n import _


class MultiSelectButton(QToolButton):
    """A button showing ``title`` (and how many are chosen) with a menu of checkable values."""

    changed = Signal()

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = title
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self._menu = QMenu(self)
        self.setMenu(self._menu)
        self._actions: dict[str, QAction] = {}
        self._update_text()

    def set_options(self, options: Iterable[tuple[str, str]]) -> None:
        """(value, label) pairs; keeps the current selection where values survive."""
        chosen = self.values()
        self._menu.clear()
        self._actions.clear()
        for value, text in options:
            action = QAction(text, self._menu)
            action.setCheckable(True)
            action.setChecked(value in chosen)
            action.toggled.connect(self._toggled)
            self._menu.addAction(action)
            self._actions[value] = action
        if self._actions:
            self._menu.addSeparator()
            clear = QAction(_("Clear"), self._menu)
            clear.triggered.connect(lambda: self.set_values(set()))
            self._menu.addAction(clear)
        self._update_text()

    def values(self) -> set[str]:
        return {value for value, action in self._actions.items() if action.isChecked()}

    def set_values(self, values: Iterable[str], *, emit: bool = True) -> None:
        wanted = set(values)
        for value, action in self._actions.items():
            action.blockSignals(True)
            action.setChecked(value in wanted)
            action.blockSignals(False)
        self._update_text()
        if emit:
            self.changed.emit()

    def _toggled(self, _checked: bool) -> None:
        self._update_text()
        self.changed.emit()

    def _update_text(self) -> None:
        count = len(self.values())
        self.setText(f"{self._title} ({count})" if count else self._title)
