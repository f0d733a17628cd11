"""One editor widget per template field type, all keyboard-operable.

Each editor reports ``value()`` in the answer format of docs/FORM_TEMPLATES.md (``None`` when
empty), accepts ``set_value`` and emits ``changed``. Blank stays possible everywhere (a combo box
starts on an empty item) so a draft never invents an answer the manager did not give.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kamdesk.domain.forms import FieldDef, FieldType
from kamdesk.i18n import _

ROW_HEIGHT = 22


class FieldEditor(QWidget):
    changed = Signal()

    def __init__(self, field: FieldDef, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.layout_ = QHBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def focus_widget(self) -> QWidget:
        """The widget that takes the keyboard focus for this field."""
        return self.focusProxy() or self

    def set_read_only(self, read_only: bool) -> None:
        self.setEnabled(not read_only)


class TextEditor(FieldEditor):
    def __init__(self, field: FieldDef, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.edit = QLineEdit(self)
        if field.max_length:
            self.edit.setMaxLength(field.max_length)
        if field.placeholder:
            self.edit.setPlaceholderText(field.placeholder)
        self.edit.textChanged.connect(self.changed)
        self.layout_.addWidget(self.edit)
        self.setFocusProxy(self.edit)

    def value(self) -> Any:
        return self.edit.text() or None

    def set_value(self, value: Any) -> None:
        self.edit.setText("" if value is None else str(value))


class LongTextEditor(FieldEditor):
    def __init__(self, field: FieldDef, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.edit = QPlainTextEdit(self)
        self.edit.setTabChangesFocus(True)  # keyboard-only filling: Tab moves on, never types a tab
        self.edit.setFixedHeight(ROW_HEIGHT * 3 + 8)
        if field.placeholder:
            self.edit.setPlaceholderText(field.placeholder)
        self.edit.textChanged.connect(self.changed)
        self.layout_.addWidget(self.edit)
        self.setFocusProxy(self.edit)

    def value(self) -> Any:
        return self.edit.toPlainText() or None

    def set_value(self, value: Any) -> None:
        text = "" if value is None else str(value)
        if text != self.edit.toPlainText():
            self.edit.setPlainText(text)


class ShortTextEditor(TextEditor):
    """A narrow entry (number, amount, date, time) kept at the left of its row."""

    WIDTH = 180

    def __init__(self, field: FieldDef, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.edit.setMaximumWidth(self.WIDTH)
        self.layout_.addStretch(1)


class NumberEditor(ShortTextEditor):
    """Typed as text so "empty" exists; a wrong entry is kept as text and reported by validation."""

    def __init__(self, field: FieldDef, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        if field.unit:
            self.edit.setPlaceholderText(field.unit)

    def value(self) -> Any:
        text = self.edit.text().strip().replace(",", "")
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            return text
        return int(number) if number == number.to_integral_value() and "." not in text else float(number)

    def set_value(self, value: Any) -> None:
        self.edit.setText("" if value is None else f"{value:g}" if isinstance(value, float) else str(value))


class MoneyEditor(ShortTextEditor):
    """Typed in yuan (``1234.5``), stored in fen (``123450``)."""

    def __init__(self, field: FieldDef, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.edit.setPlaceholderText(_("yuan"))

    def value(self) -> Any:
        text = self.edit.text().strip().replace(",", "").replace("¥", "")
        if not text:
            return None
        try:
            fen = Decimal(text) * 100
        except InvalidOperation:
            return text
        return int(fen) if fen == fen.to_integral_value() else text

    def set_value(self, value: Any) -> None:
        if isinstance(value, int) and not isinstance(value, bool):
            self.edit.setText(f"{Decimal(value) / 100:.2f}")
        else:
            self.edit.setText("" if value is None else str(value))


class DateEditor(ShortTextEditor):
    def __init__(self, field: FieldDef, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.edit.setPlaceholderText(_("YYYY-MM-DD"))


class TimeEditor(ShortTextEditor):
    WIDTH = 120

    def __init__(self, field: FieldDef, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.edit.setPlaceholderText(_("HH:MM"))


class ComboEditor(FieldEditor):
    """One value from a list; the first item is empty (not answered). Arrow keys and typing the
    first letters choose, as in every Qt combo box."""

    def __init__(self, field: FieldDef, items: list[tuple[Any, str]], parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.combo = QComboBox(self)
        self.values: list[Any] = [None, *(value for value, _label in items)]
        self.combo.addItems(["", *(label for _value, label in items)])  # one call: fast to open
        self.combo.setMinimumWidth(180)
        self.combo.currentIndexChanged.connect(self.changed)
        self.layout_.addWidget(self.combo)
        self.layout_.addStretch(1)
        self.setFocusProxy(self.combo)

    def value(self) -> Any:
        index = self.combo.currentIndex()
        return self.values[index] if 0 <= index < len(self.values) else None

    def set_value(self, value: Any) -> None:
        for index, candidate in enumerate(self.values):
            if candidate is value or (candidate == value and type(candidate) is type(value)):
                self.combo.setCurrentIndex(index)
                return
        self.combo.setCurrentIndex(0)


class CheckListEditor(FieldEditor):
    """Several values: a list of check boxes (arrow keys move, Space ticks)."""

    def __init__(self, field: FieldDef, items: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.list = QListWidget(self)
        for value, label in items:
            item = QListWidgetItem(label, self.list)
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        self.list.setFixedHeight(min(len(items), 6) * ROW_HEIGHT + 6)
        self.list.itemChanged.connect(self.changed)
        self.layout_.addWidget(self.list)
        self.setFocusProxy(self.list)

    def value(self) -> Any:
        chosen = [
            self.list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        ]
        return chosen or None

    def set_value(self, value: Any) -> None:
        wanted = set(value or [])
        self.list.blockSignals(True)
        for i in range(self.list.count()):
            item = self.list.item(i)
            checked = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)
        self.changed.emit()


class MultiChoiceEditor(FieldEditor):
    """Few options: a row of check boxes; Tab walks them, Space ticks."""

    def __init__(self, field: FieldDef, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.boxes: list[tuple[str, QCheckBox]] = []
        for option in field.options:
            box = QCheckBox(option.label, self)
            box.toggled.connect(self.changed)
            self.layout_.addWidget(box)
            self.boxes.append((option.value, box))
        self.layout_.addStretch(1)
        if self.boxes:
            self.setFocusProxy(self.boxes[0][1])

    def value(self) -> Any:
        return [value for value, box in self.boxes if box.isChecked()] or None

    def set_value(self, value: Any) -> None:
        wanted = set(value or [])
        for option_value, box in self.boxes:
            box.blockSignals(True)
            box.setChecked(option_value in wanted)
            box.blockSignals(False)
        self.changed.emit()


class AttachmentEditor(FieldEditor):
    """Files copied into the data directory by content hash (``store_file``) when attached."""

    def __init__(
        self, field: FieldDef, store_file: Callable[[Path], dict[str, Any]], parent: QWidget | None = None
    ) -> None:
        super().__init__(field, parent)
        self.store_file = store_file
        self.entries: list[dict[str, Any]] = []
        self.list = QListWidget(self)
        self.list.setFixedHeight(ROW_HEIGHT * 3 + 6)
        self.add_button = QPushButton(_("Attach file…"), self)
        self.remove_button = QPushButton(_("Remove"), self)
        self.remove_button.setShortcut(QKeySequence.StandardKey.Delete)
        buttons = QVBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        self.layout_.addWidget(self.list, 1)
        self.layout_.addLayout(buttons)
        self.add_button.clicked.connect(self.choose_files)
        self.remove_button.clicked.connect(self.remove_selected)
        self.setFocusProxy(self.add_button)

    def choose_files(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(self, _("Attach files"))
        self.add_files([Path(p) for p in paths])

    def add_files(self, paths: list[Path]) -> None:
        for path in paths:
            entry = self.store_file(path)
            if all(e["sha256"] != entry["sha256"] for e in self.entries):
                self.entries.append(entry)
        self._refresh()
        self.changed.emit()

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.entries):
            del self.entries[row]
            self._refresh()
            self.changed.emit()

    def _refresh(self) -> None:
        self.list.clear()
        for entry in self.entries:
            self.list.addItem(f"{entry['name']}  ({max(1, entry['size'] // 1024)} KB)")

    def value(self) -> Any:
        return [dict(e) for e in self.entries] or None

    def set_value(self, value: Any) -> None:
        self.entries = [dict(e) for e in value or [] if isinstance(e, dict)]
        self._refresh()

    def set_read_only(self, read_only: bool) -> None:
        self.add_button.setEnabled(not read_only)
        self.remove_button.setEnabled(not read_only)


def rating_items() -> list[tuple[Any, str]]:
    return [(n, f"{n}  {'★' * n}{'☆' * (5 - n)}") for n in range(1, 6)]


def make_editor(
    field: FieldDef,
    *,
    contacts: list[tuple[str, str]],
    products: list[tuple[str, str]],
    store_file: Callable[[Path], dict[str, Any]],
    parent: QWidget | None = None,
) -> FieldEditor:
    kind = field.type
    if kind is FieldType.TEXT:
        return TextEditor(field, parent)
    if kind is FieldType.LONG_TEXT:
        return LongTextEditor(field, parent)
    if kind is FieldType.NUMBER:
        return NumberEditor(field, parent)
    if kind is FieldType.MONEY:
        return MoneyEditor(field, parent)
    if kind is FieldType.DATE:
        return DateEditor(field, parent)
    if kind is FieldType.TIME:
        return TimeEditor(field, parent)
    if kind is FieldType.CHOICE:
        return ComboEditor(field, [(o.value, o.label) for o in field.options], parent)
    if kind is FieldType.MULTI_CHOICE:
        return MultiChoiceEditor(field, parent)
    if kind is FieldType.YESNO:
        return ComboEditor(field, [(True, _("Yes")), (False, _("No"))], parent)
    if kind is FieldType.RATING:
        return ComboEditor(field, rating_items(), parent)
    if kind in (FieldType.CONTACT, FieldType.PRODUCT):
        items = contacts if kind is FieldType.CONTACT else products
        if field.multiple:
            return CheckListEditor(field, items, parent)
        return ComboEditor(field, list(items), parent)
    return AttachmentEditor(field, store_file, parent)
