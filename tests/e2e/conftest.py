from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kamdesk.store.database import Store, open_store
from kamdesk.sync import account
from kamdesk.sync.credentials import TokenStore
from kamdesk.sync.engine import SyncEngine, SyncReport
from kamdesk.sync.retry import RetryPolicy
from tests.e2e.live_server import PASSWORD, LiveServer


@pytest.fixture(scope="session")
def seeded_server_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("seeded-server")
    LiveServer(directory).seed(accounts=20)
    return directory / "server.sqlite3"


@pytest.fixture
def server(tmp_path: Path, seeded_server_db: Path) -> Iterator[LiveServer]:
    directory = tmp_path / "server"
    directory.mkdir()
    shutil.copy(seeded_server_db, directory / "server.sqlite3")
    live = LiveServer(directory)
    live.start()
    yield live
    live.stop()


@dataclass
class Device:
    directory: Path
    store: Store
    tokens: TokenStore
    user_id: str

    def engine(self, **kwargs: object) -> SyncEngine:
        client = account.connect(self.store, self.tokens)
        kwargs.setdefault("retry", RetryPolicy(base_delay=0.05, max_delay=0.5))
        return SyncEngine(self.store, client, user_id=self.user_id, **kwargs)  # type: ignore[arg-type]

    def sync(self, **kwargs: object) -> SyncReport:
        engine = self.engine(**kwargs)
        try:
            return engine.sync()
        finally:
            engine.client.close()


def sign_in_device(directory: Path, server: LiveServer, username: str = "liming") -> Device:
    tokens = TokenStore(directory)
    who = account.sign_in(
        directory / "kamdesk.sqlite3", directory / "backups", tokens, server.url, username, PASSWORD
    )
    return Device(
        directory, open_store(directory / "kamdesk.sqlite3", directory / "backups"), tokens, who.user_id
    )


@pytest.fixture
def devices(tmp_path: Path, server: LiveServer) -> Iterator[list[Device]]:
    made = [sign_in_device(tmp_path / f"device{n}", server) for n in (1, 2)]
    yield made
    for device in made:
        device.store.close()
