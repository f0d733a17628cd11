"""Hermetic test environment: offscreen Qt, temporary XDG/data folders, no real keyring."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

_SANDBOX = Path(tempfile.mkdtemp(prefix="kamdesk-tests-"))
for _name, _value in {
    "QT_QPA_PLATFORM": "offscreen",
    "HOME": str(_SANDBOX / "home"),
    "XDG_DATA_HOME": str(_SANDBOX / "xdg-data"),
    "XDG_CONFIG_HOME": str(_SANDBOX / "xdg-config"),
    "XDG_CACHE_HOME": str(_SANDBOX / "xdg-cache"),
    "XDG_RUNTIME_DIR": str(_SANDBOX / "xdg-runtime"),
    "KAMDESK_DATA_DIR": str(_SANDBOX / "kamdesk-data"),
    "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    "LANG": "C.UTF-8",
}.items():
    os.environ[_name] = _value
    if _name.startswith(("XDG_", "HOME")):
        Path(_value).mkdir(parents=True, exist_ok=True, mode=0o700)
os.environ.pop("LC_ALL", None)
os.environ.pop("LANGUAGE", None)

import pytest  # noqa: E402

from kamdesk.i18n import set_language  # noqa: E402
from kamdesk.store.database import Store, open_store  # noqa: E402


@pytest.fixture(autouse=True)
def english_by_default() -> Iterator[None]:
    """Each test starts in English; tests of Chinese output switch explicitly."""
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def chinese() -> Iterator[None]:
    set_language("zh_CN")
    yield


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path / "kamdesk.sqlite3", tmp_path / "backups")
    yield opened
    opened.close()


@pytest.fixture
def demo_store(tmp_path: Path) -> Iterator[Store]:
    """A store holding a small deterministic demo portfolio (60 accounts), signed in as 李明."""
    from datetime import date

    from kamdesk.domain import demo

    path = tmp_path / "demo.sqlite3"
    seeded = open_store(path, tmp_path / "backups")
    with seeded.sessions.begin() as session:
        demo.generate(session, 60, today=date(2026, 11, 23))
    seeded.close()
    opened = open_store(path, tmp_path / "backups")
    yield opened
    opened.close()


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """Leave without Python's finalization when Qt was used: PySide6 6.12 on Python 3.11 can abort
    there ("deallocating True/None", exit 134) after a fully green run, depending on which Qt
    objects happen to be alive. Every report has been written by now."""
    if "PySide6.QtWidgets" in sys.modules:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(getattr(config, "_kamdesk_exitstatus", 0))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    session.config._kamdesk_exitstatus = int(exitstatus)  # type: ignore[attr-defined]
