"""Where the device token lives: the OS keyring, or a file only this user can read.

Headless Linux has no keyring backend (``NoKeyringError``); there the token goes to
``<data dir>/credentials.json`` written with mode 0600, never into the store itself (a copied
store must not carry a working login).
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import keyring
from keyring.errors import KeyringError, NoKeyringError, PasswordDeleteError

SERVICE = "kamdesk"
FILE_NAME = "credentials.json"


@dataclass(frozen=True)
class TokenStore:
    data_dir: Path

    @property
    def file(self) -> Path:
        return self.data_dir / FILE_NAME

    @staticmethod
    def _key(server_url: str, username: str) -> str:
        return f"{username}@{server_url.rstrip('/')}"

    def save(self, server_url: str, username: str, token: str) -> str:
        """Store ``token``; returns where it went (``keyring`` or ``file``)."""
        key = self._key(server_url, username)
        try:
            keyring.set_password(SERVICE, key, token)
        except (NoKeyringError, KeyringError, RuntimeError):
            self._write_file({**self._read_file(), key: token})
            return "file"
        self._forget_in_file(key)
        return "keyring"

    def load(self, server_url: str, username: str) -> str | None:
        key = self._key(server_url, username)
        try:
            token = keyring.get_password(SERVICE, key)
        except (NoKeyringError, KeyringError, RuntimeError):
            token = None
        return token or self._read_file().get(key)

    def delete(self, server_url: str, username: str) -> None:
        key = self._key(server_url, username)
        with contextlib.suppress(NoKeyringError, KeyringError, PasswordDeleteError, RuntimeError):
            keyring.delete_password(SERVICE, key)
        self._forget_in_file(key)

    def _forget_in_file(self, key: str) -> None:
        tokens = self._read_file()
        if key in tokens:
            del tokens[key]
            self._write_file(tokens)

    def _read_file(self) -> dict[str, str]:
        try:
            return json.loads(self.file.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return {}

    def _write_file(self, tokens: dict[str, str]) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        temporary = self.file.with_suffix(".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(tokens, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, self.file)
