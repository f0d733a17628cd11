from __future__ import annotations

import stat
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from kamdesk.sync.credentials import TokenStore


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.saved: dict[tuple[str, str], str] = {}

    def set_password(self, service: str, username: str, password: str) -> None:
        self.saved[(service, username)] = password

    def get_password(self, service: str, username: str) -> str | None:
        return self.saved.get((service, username))

    def delete_password(self, service: str, username: str) -> None:
        self.saved.pop((service, username), None)


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_without_a_keyring_the_token_goes_to_a_private_file(tmp_path: Path) -> None:
    tokens = TokenStore(tmp_path)
    assert tokens.save("https://kam.example.cn", "liming", "secret-token") == "file"
    assert stat.S_IMODE(tokens.file.stat().st_mode) == 0o600
    assert tokens.load("https://kam.example.cn/", "liming") == "secret-token"
    tokens.delete("https://kam.example.cn", "liming")
    assert tokens.load("https://kam.example.cn", "liming") is None


def test_with_a_keyring_the_token_stays_out_of_files(tmp_path: Path, memory_keyring) -> None:
    tokens = TokenStore(tmp_path)
    assert tokens.save("https://kam.example.cn", "liming", "secret-token") == "keyring"
    assert memory_keyring.saved == {("kamdesk", "liming@https://kam.example.cn"): "secret-token"}
    assert not tokens.file.exists() or "secret-token" not in tokens.file.read_text()
    assert tokens.load("https://kam.example.cn", "liming") == "secret-token"
    tokens.delete("https://kam.example.cn", "liming")
    assert memory_keyring.saved == {}
