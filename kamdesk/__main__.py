"""``kamdesk`` console entry: parse settings, make sure there is a screen, then start Qt."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping, Sequence

from kamdesk.config import load_settings
from kamdesk.i18n import _, set_language


def has_display(env: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Qt aborts the process without a display on Linux; find out first and say so in words."""
    if not platform.startswith("linux"):
        return True
    return any(env.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def main(argv: Sequence[str] | None = None) -> int:
    settings = load_settings(argv)
    set_language(settings.language)
    if not has_display(os.environ):
        print(
            _(
                "kamdesk needs a graphical desktop, and none was found (DISPLAY is not set).\n"
                "Start it from your desktop session, or run it without a screen with "
                "QT_QPA_PLATFORM=offscreen."
            ),
            file=sys.stderr,
        )
        return 2
    from kamdesk.app import run

    code = run(settings)
    # PySide6 6.12 on Python 3.11 can abort the interpreter while tearing Qt down after a clean
    # exit; everything is saved and closed by now, so leave without that teardown.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    sys.exit(main())
