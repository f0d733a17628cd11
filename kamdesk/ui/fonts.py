"""Register the bundled CJK font so Chinese renders on machines that have none installed."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from kamdesk.paths import cjk_font_file

UI_POINT_SIZE = 10


def install_cjk_font(app: QApplication) -> str:
    """Load WenQuanYi Micro Hei and make it the application font; returns the family used."""
    font_id = QFontDatabase.addApplicationFont(str(cjk_font_file()))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    family = families[0] if families else app.font().family()
    font = QFont(family, UI_POINT_SIZE)
    app.setFont(font)
    return family
