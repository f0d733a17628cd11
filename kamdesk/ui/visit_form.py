"""A visit form rendered from its template: sections, labelled editors, errors beside each field,
and conditional fields shown or hidden as the answers change."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from kamdesk.domain.forms import FieldError, Template, visible_keys
from kamdesk.ui.visit_fields import FieldEditor, make_editor

ERROR_COLOR = QColor("#c62828")
HELP_COLOR = QColor("#666666")


def colored(label: QLabel, color: QColor) -> QLabel:
    """Colour a label through its palette: style sheets cost ~0.5 ms per widget, palettes nothing."""
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, color)
    label.setPalette(palette)
    return label


LABEL_WIDTH = 170


class FieldRow(QWidget):
    """The editor with its help line and its error message right under it."""

    def __init__(self, editor: FieldEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.setSpacing(2)
        self.layout_.addWidget(editor)
        self.help_label: QLabel | None = None
        if editor.field.help:
            self.help_label = colored(QLabel(editor.field.help, self), HELP_COLOR)
            self.help_label.setWordWrap(True)
            self.layout_.addWidget(self.help_label)
        self._error_label: QLabel | None = None  # made on the first error: opening stays fast
        self.setFocusProxy(editor)

    @property
    def error_label(self) -> QLabel:
        if self._error_label is None:
            self._error_label = colored(QLabel(self), ERROR_COLOR)
            self._error_label.setWordWrap(True)
            self._error_label.setVisible(False)
            self.layout_.addWidget(self._error_label)
        return self._error_label

    def set_error(self, message: str | None) -> None:
        if not message and self._error_label is None:
            return
        self.error_label.setText(message or "")
        self.error_label.setVisible(bool(message))


class VisitForm(QWidget):
    """Holds every answer, including those of fields hidden right now (a draft keeps them)."""

    changed = Signal()

    def __init__(
        self,
        template: Template,
        *,
        contacts: list[tuple[str, str]],
        products: list[tuple[str, str]],
        store_file: Callable[[Path], dict[str, Any]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.template = template
        self.editors: dict[str, FieldEditor] = {}
        self.rows: dict[str, FieldRow] = {}
        self.labels: dict[str, QLabel] = {}
        self.groups: dict[str, QGroupBox] = {}
        self._loading = False
        layout = QVBoxLayout(self)
        for section in template.sections:
            group = QGroupBox(section.title, self)
            form = QFormLayout(group)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
            if section.help:
                note = colored(QLabel(section.help, group), HELP_COLOR)
                note.setWordWrap(True)
                form.addRow(note)
            for field in section.fields:
                editor = make_editor(
                    field, contacts=contacts, products=products, store_file=store_file, parent=group
                )
                row = FieldRow(editor, group)
                label = QLabel(f"{field.label}{' *' if field.required else ''}", group)
                label.setBuddy(editor.focus_widget())
                label.setWordWrap(True)
                label.setMinimumWidth(LABEL_WIDTH)
                label.setMaximumWidth(LABEL_WIDTH + 40)
                if field.help:
                    label.setToolTip(field.help)
                form.addRow(label, row)
                editor.changed.connect(self._on_changed)
                self.editors[field.key] = editor
                self.rows[field.key] = row
                self.labels[field.key] = label
            layout.addWidget(group)
            self.groups[section.key] = group
        layout.addStretch(1)
        self._hidden: dict[str, Any] = {}
        self.update_visibility()

    def answers(self) -> dict[str, Any]:
        """Every answer given, visible or not; unknown keys loaded from a draft are kept too."""
        values = dict(self._hidden)
        for key, editor in self.editors.items():
            value = editor.value()
            if value is None:
                values.pop(key, None)
            else:
                values[key] = value
        return values

    def set_answers(self, answers: Mapping[str, Any]) -> None:
        self._loading = True
        try:
            self._hidden = {k: v for k, v in answers.items() if k not in self.editors}
            for key, editor in self.editors.items():
                editor.set_value(answers.get(key))
        finally:
            self._loading = False
        self.update_visibility()

    def update_visibility(self) -> None:
        shown = visible_keys(self.template, self.answers())
        toggled = False
        for key, row in self.rows.items():
            visible = key in shown
            if row.isHidden() == visible:
                row.setVisible(visible)
                self.labels[key].setVisible(visible)
                toggled = True
        for section in self.template.sections:
            group = self.groups.get(section.key)
            wanted = any(f.key in shown for f in section.fields)
            if group is not None and group.isHidden() == wanted:
                group.setVisible(wanted)  # a section whose fields are all hidden disappears
        if toggled and self.isVisible():
            self.adjustSize()  # grow the scrolled page now, not at the next layout pass

    def is_shown(self, key: str) -> bool:
        return not self.rows[key].isHidden()

    def show_errors(self, errors: list[FieldError]) -> None:
        by_key = {}
        for error in errors:
            by_key.setdefault(error.field, error.message)
        for key, row in self.rows.items():
            row.set_error(by_key.get(key))

    def clear_error(self, key: str) -> None:
        if key in self.rows:
            self.rows[key].set_error(None)

    def focus_field(self, key: str) -> None:
        if key in self.editors:
            self.editors[key].focus_widget().setFocus()

    def set_read_only(self, read_only: bool) -> None:
        for editor in self.editors.values():
            editor.set_read_only(read_only)

    def _on_changed(self) -> None:
        if self._loading:
            return
        self.update_visibility()
        sender = self.sender()
        if isinstance(sender, FieldEditor):
            self.clear_error(sender.field.key)
        self.changed.emit()
