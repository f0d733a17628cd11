"""Where kamdesk's shipped resources live, installed or run from a checkout."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path


@cache
def resources_dir() -> Path:
    """The ``resources/`` folder: packaged as ``kamdesk.resources``, or beside the source tree."""
    try:
        candidate = Path(str(resources.files("kamdesk.resources")))
        if (candidate / "fonts").is_dir():
            return candidate
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def cjk_font_file() -> Path:
    """The bundled WenQuanYi Micro Hei (TrueType, Apache-2.0); covers 喆堃昇璟 and Latin."""
    return resource("fonts", "wqy-microhei.ttc")
