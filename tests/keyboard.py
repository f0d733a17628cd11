"""Typing any text (Chinese included) into a widget the way a keyboard/IME delivers it.

``QTest.keyClicks`` only knows ASCII (it asserts on 中文), so each character is sent as a key
press/release carrying its text, which is what QLineEdit and QPlainTextEdit consume."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget


def type_text(widget: QWidget, text: str) -> None:
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
            )
