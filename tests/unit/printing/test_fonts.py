from __future__ import annotations

from reportlab.pdfbase import pdfmetrics

from kamdesk.printing.fonts import FONT, missing_glyphs, register_fonts


def test_the_bundled_font_is_truetype_and_draws_rare_name_characters() -> None:
    assert register_fonts() == FONT
    assert FONT in pdfmetrics.getRegisteredFontNames()
    assert missing_glyphs("喆堃昇璟 张喆 王堃 ABCxyz 0123 ¥,.:「」“”—…✓↳") == set()


def test_registering_twice_is_harmless() -> None:
    assert register_fonts() == register_fonts()
