"""Error roots shared by every layer.

``UserError`` is something the user or the environment caused (shown in words, no trace);
anything else that escapes is a bug (logged with its trace, shown as "something went wrong").
"""

from __future__ import annotations


class KamdeskError(Exception):
    """Root of every error kamdesk raises on purpose."""


class UserError(KamdeskError):
    """A problem the user can understand and act on; ``str(err)`` is already translated."""

    def __init__(self, message: str, *, details: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}
