"""Every user-visible string has its Chinese translation, and the shipped catalog is current."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from kamdesk.i18n import LOCALE_DIR, _, ngettext, set_language

ROOT = Path(__file__).resolve().parents[2]
PO = LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "kamdesk.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def _source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT / "kamdesk", method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _catalog(path: Path, reader) -> dict[str, object]:
    with path.open("rb") as handle:
        catalog = reader(handle) if reader is read_mo else reader(handle, locale="zh_CN")
    return {
        (m.id if isinstance(m.id, str) else m.id[0]): (
            m.string if isinstance(m.string, str) else tuple(m.string)
        )
        for m in catalog
        if m.id
    }


def test_every_source_string_is_translated_to_chinese() -> None:
    translated = _catalog(PO, read_po)
    missing = sorted(
        message
        for message in _source_messages()
        if not translated.get(message)
        or (isinstance(translated[message], tuple) and not all(translated[message]))
    )
    assert missing == [], "run scripts/translations.sh and translate: " + "; ".join(missing)


def test_compiled_catalog_matches_the_po_file() -> None:
    assert _catalog(MO, read_mo) == _catalog(PO, read_po), "run scripts/translations.sh to recompile the .mo"


def test_switching_language_translates_sentences_and_plurals() -> None:
    assert _("Portfolio") == "Portfolio"
    set_language("zh_CN")
    assert _("Portfolio") == "客户"
    assert ngettext("{count} account", "{count} accounts", 3).format(count=3) == "共 3 家客户"
    set_language("en")
    assert ngettext("{count} account", "{count} accounts", 1).format(count=1) == "1 account"


def test_catalogs_parse() -> None:
    read_po(io.BytesIO(PO.read_bytes()))
