"""Server configuration from the environment (``KAMDESK_SERVER_*``) via pydantic-settings."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


def default_database_url() -> str:
    """An SQLite file in the user's data folder: ``kamdesk-server serve`` needs no setup."""
    import platformdirs

    folder = Path(platformdirs.user_data_dir("kamdesk-server", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'kamdesk-server.sqlite3'}"


class ServerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KAMDESK_SERVER_", extra="ignore")

    database_url: str = ""
    """SQLAlchemy URL; ``postgresql+psycopg://user@host/db`` in production. Empty: SQLite default."""
    host: str = "127.0.0.1"
    port: int = 8765
    log_level: str = "INFO"
    max_request_bytes: int = 8 * 1024 * 1024
    """Largest request body accepted, after gzip decoding."""
    login_window_seconds: int = 15 * 60
    login_max_failures_per_user: int = 5
    login_max_failures_per_address: int = 30
    argon2_time_cost: int = 2
    argon2_memory_kib: int = 19 * 1024
    pool_size: int = 10
    max_overflow: int = 20

    def resolved_database_url(self) -> str:
        return self.database_url or default_database_url()
