"""Password hashing (Argon2id) and device tokens (random, stored as SHA-256)."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError


class Passwords:
    """Argon2id with configurable cost; a dummy hash keeps unknown users as slow as known ones."""

    def __init__(self, time_cost: int = 2, memory_kib: int = 19 * 1024) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)
        self._dummy = self._hasher.hash(secrets.token_hex(16))

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, stored_hash: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(stored_hash or self._dummy, password) and stored_hash is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


def new_token() -> str:
    """A 256-bit random bearer token, URL-safe."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Tokens are random and long, so a plain SHA-256 is enough (no salt, no stretching)."""
    return hashlib.sha256(token.encode()).hexdigest()
