"""One translation mechanism for every layer: gettext catalogs, so validation messages, PDFs and
reports are translated like widgets. Source strings are English; ``kamdesk/locale`` holds zh_CN.

Use ``_("...")`` for a sentence, ``ngettext`` for counts, and ``N_`` to mark a string that is
translated later (e.g. a column title in a table of constants).
"""

from __future__ import annotations

import gettext as _gettext
from pathlib import Path

DOMAIN = "kamdesk"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_translations: _gettext.NullTranslations = _gettext.NullTranslations()
_language = "en"


def set_language(language: str) -> None:
    """Switch every later ``_()`` call to ``language`` (``zh_CN`` or ``en``)."""
    global _translations, _language
    if language == "en":
        _translations = _gettext.NullTranslations()
    else:
        _translations = _gettext.translation(DOMAIN, LOCALE_DIR, languages=[language])
    _language = language


def current_language() -> str:
    return _language


def _(message: str) -> str:
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it yet."""
    return message
