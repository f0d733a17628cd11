"""Settings and paths resolved from the command line, the environment and platformdirs; no Qt."""

from __future__ import annotations

import argparse
import locale
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "kamdesk"
DATA_DIR_ENV = "KAMDESK_DATA_DIR"
LANG_ENV = "KAMDESK_LANG"
SUPPORTED_LANGUAGES = ("zh_CN", "en")
DEFAULT_DEMO_SIZE = 300


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    language: str
    demo: bool = False
    demo_size: int = DEFAULT_DEMO_SIZE
    exit_after_start: bool = False
    open_visit: str | None = None

    @property
    def database_path(self) -> Path:
        """The manager's own store; it exists once the manager has signed in."""
        return self.data_dir / "kamdesk.sqlite3"

    @property
    def demo_database_path(self) -> Path:
        return self.data_dir / "demo.sqlite3"

    @property
    def backup_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def attachments_dir(self) -> Path:
        return self.data_dir / "attachments"


def default_data_dir(env: Mapping[str, str]) -> Path:
    if env.get(DATA_DIR_ENV):
        return Path(env[DATA_DIR_ENV]).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def detect_language(env: Mapping[str, str]) -> str:
    """zh_CN when the system locale is Chinese, English otherwise."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(var, "")
        if value:
            return "zh_CN" if value.lower().startswith("zh") else "en"
    system = locale.getlocale()[0] or ""
    return "zh_CN" if system.lower().startswith("zh") else "en"


def normalize_language(value: str) -> str:
    lowered = value.replace("-", "_").lower()
    if lowered.startswith("zh"):
        return "zh_CN"
    if lowered.startswith("en"):
        return "en"
    raise argparse.ArgumentTypeError(f"unsupported language {value!r}; choose zh_CN or en")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=APP_NAME, description="Key-account manager's workbench")
    parser.add_argument(
        "--data-dir", type=Path, help=f"data directory (default: ${DATA_DIR_ENV} or the user data dir)"
    )
    parser.add_argument("--lang", type=normalize_language, help="user interface language: zh_CN or en")
    parser.add_argument("--demo", action="store_true", help="start on a freshly generated demo portfolio")
    parser.add_argument(
        "--demo-size", type=int, default=DEFAULT_DEMO_SIZE, help="accounts in the demo portfolio"
    )
    parser.add_argument("--exit-after-start", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--open-visit", metavar="VISIT_ID", help="open this visit (e.g. a draft) at start")
    return parser


def load_settings(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    args = build_parser().parse_args(argv)
    data_dir = args.data_dir.expanduser() if args.data_dir else default_data_dir(env)
    language = args.lang or (normalize_language(env[LANG_ENV]) if env.get(LANG_ENV) else detect_language(env))
    if args.demo_size < 1:
        raise SystemExit("--demo-size must be at least 1")
    return Settings(
        data_dir=data_dir.resolve(),
        language=language,
        demo=args.demo,
        demo_size=args.demo_size,
        exit_after_start=args.exit_after_start,
        open_visit=args.open_visit,
    )
