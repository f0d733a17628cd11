"""What can go wrong while syncing, split by what the client should do about it."""

from __future__ import annotations

from kamdesk.errors import KamdeskError


class SyncError(KamdeskError):
    """Root of sync failures; ``str()`` is for logs, ``user_message()`` for the manager."""

    def user_message(self) -> str:
        from kamdesk.sync.messages import describe

        return describe(self)


class TransientError(SyncError):
    """Network down, timeout, 5xx, 429, a truncated or non-JSON body: try again later."""

    def __init__(self, message: str, *, retry_after: float | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.status = status


class AuthenticationError(SyncError):
    """The device token was revoked or expired (401): sign in again; local work stays."""


class RefusedError(SyncError):
    """The server refused the request (4xx other than 401/429): retrying will not help."""

    def __init__(
        self, status: int, code: str, message: str, details: dict[str, object] | None = None
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}


class SyncStopped(SyncError):
    """The user (or shutdown) asked the sync to stop; everything done so far is kept."""
