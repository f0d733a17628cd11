"""Resolve a git merge conflict in the zh_CN catalog: union the translations of both sides.

    python scripts/merge_catalogs.py && scripts/translations.sh
Run during a conflicted merge; it rewrites kamdesk.po from stage 2 (ours) plus stage 3 (theirs),
after which the translations script re-extracts, merges and compiles.
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PO = "kamdesk/locale/zh_CN/LC_MESSAGES/kamdesk.po"


def _stage(number: int) -> bytes:
    return subprocess.run(
        ["git", "show", f":{number}:{PO}"], cwd=ROOT, capture_output=True, check=True
    ).stdout


def main() -> None:
    ours = read_po(io.BytesIO(_stage(2)), locale="zh_CN")
    theirs = read_po(io.BytesIO(_stage(3)), locale="zh_CN")
    for message in theirs:
        if not message.id:
            continue
        mine = ours.get(message.id)
        if mine is None:
            ours[message.id] = message
        elif not (mine.string if isinstance(mine.string, str) else all(mine.string)):
            mine.string = message.string
    with (ROOT / PO).open("wb") as handle:
        write_po(handle, ours, width=100, sort_output=True, no_location=True)


if __name__ == "__main__":
    main()
