"""Fill Chinese translations into the zh_CN catalog from a JSON file of {"English": "中文"}.

    python scripts/add_translations.py new.json && scripts/translations.sh
Prints the messages that are still untranslated.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parents[1] / "kamdesk/locale/zh_CN/LC_MESSAGES/kamdesk.po"


def main(source: str) -> None:
    translations = json.loads(Path(source).read_text(encoding="utf-8"))
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="zh_CN")
    missing = []
    for message in catalog:
        if not message.id:
            continue
        plural = not isinstance(message.id, str)
        key = message.id[0] if plural else message.id
        if key in translations:
            message.string = (translations[key],) if plural else translations[key]
        elif not (all(message.string) if plural else message.string):
            missing.append(key)
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=True, no_location=True)
    print("untranslated:", missing or "none")


if __name__ == "__main__":
    main(sys.argv[1])
