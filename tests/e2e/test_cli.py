"""The installed entry point, started as a new user would."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], env_overrides: dict[str, str | None]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for key, value in env_overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "-m", "kamdesk", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=180,
    )


def test_demo_starts_offscreen_and_shows_the_main_window(tmp_path: Path) -> None:
    result = _run(
        ["--data-dir", str(tmp_path), "--demo", "--exit-after-start"], {"QT_QPA_PLATFORM": "offscreen"}
    )
    assert result.returncode == 0, result.stderr
    assert "main_window_shown_at=" in result.stdout
    with sqlite3.connect(tmp_path / "demo.sqlite3") as connection:
        assert connection.execute("SELECT count(*) FROM accounts").fetchone()[0] == 300


def test_without_a_display_it_explains_instead_of_crashing(tmp_path: Path) -> None:
    result = _run(
        ["--data-dir", str(tmp_path), "--lang", "zh_CN"],
        {"QT_QPA_PLATFORM": None, "DISPLAY": None, "WAYLAND_DISPLAY": None},
    )
    assert result.returncode == 2
    assert "图形桌面" in result.stderr and "QT_QPA_PLATFORM=offscreen" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_store_from_a_newer_version_is_refused_in_words(tmp_path: Path) -> None:
    first = _run(["--data-dir", str(tmp_path), "--exit-after-start"], {"QT_QPA_PLATFORM": "offscreen"})
    assert first.returncode == 0, first.stderr
    with sqlite3.connect(tmp_path / "demo.sqlite3") as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    result = _run(["--data-dir", str(tmp_path), "--exit-after-start"], {"QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 1
    assert "newer version of kamdesk" in result.stderr
    assert "Traceback" not in result.stderr
