"""``kamdesk`` console entry: parse settings, make sure there is a screen, then start Qt."""

from __future__ import annotations

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

    return run(settings)


if __name__ == "__main__":
    sys.exit(main())
