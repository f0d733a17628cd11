from __future__ import annotations

from pathlib import Path

import pytest

from kamdesk.__main__ import has_display
from kamdesk.config import detect_language, load_settings


def test_data_dir_from_argument_beats_environment(tmp_path: Path) -> None:
    env = {"KAMDESK_DATA_DIR": str(tmp_path / "env"), "LANG": "C"}
    assert load_settings(["--data-dir", str(tmp_path / "arg")], env).data_dir == tmp_path / "arg"
    assert load_settings([], env).data_dir == tmp_path / "env"


def test_default_data_dir_follows_xdg(tmp_path: Path) -> None:
    settings = load_settings([], {"XDG_DATA_HOME": str(tmp_path), "LANG": "C"})
    assert settings.data_dir.name == "kamdesk"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh_CN"),
        ({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, "zh_CN"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
    ],
)
def test_language_follows_the_system_locale(env: dict[str, str], expected: str) -> None:
    assert detect_language(env) == expected


def test_lang_option_overrides_locale(tmp_path: Path) -> None:
    env = {"LANG": "en_US.UTF-8", "KAMDESK_DATA_DIR": str(tmp_path)}
    assert load_settings(["--lang", "zh_CN"], env).language == "zh_CN"
    assert load_settings(["--lang", "zh-cn"], env).language == "zh_CN"
    with pytest.raises(SystemExit):
        load_settings(["--lang", "fr"], env)


def test_display_detection() -> None:
    assert not has_display({}, "linux")
    assert has_display({"DISPLAY": ":0"}, "linux")
    assert has_display({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert has_display({}, "win32")
