"""Register the bundled TrueType CJK font with ReportLab, once per process.

WenQuanYi Micro Hei is TrueType (ReportLab embeds TrueType only, not CFF), covers GB18030 names
such as 喆 堃 昇 璟, and carries Droid Sans Latin glyphs, so one font serves Chinese and Latin.
ReportLab embeds it as a subset holding only the glyphs used, which keeps a sheet small.
The font has no bold face: the "bold" family member maps to the same face and headings are set
apart by size and colour instead of faked strokes.
"""

from __future__ import annotations

import threading

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from kamdesk.paths import cjk_font_file

FONT = "KamdeskSans"
"""The ReportLab font name of WenQuanYi Micro Hei (regular; also used for bold/italic)."""

_lock = threading.Lock()


def register_fonts() -> str:
    """Register the CJK font (idempotent, thread-safe) and return its ReportLab name."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return FONT
    with _lock:
        if FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(FONT, str(cjk_font_file()), subfontIndex=0))
            for bold in (0, 1):
                for italic in (0, 1):
                    addMapping(FONT, bold, italic, FONT)
    return FONT


def missing_glyphs(text: str) -> set[str]:
    """Characters of ``text`` the bundled font cannot draw (they would print as boxes)."""
    register_fonts()
    face = pdfmetrics.getFont(FONT).face  # type: ignore[attr-defined]
    return {ch for ch in text if not ch.isspace() and ord(ch) not in face.charToGlyph}
