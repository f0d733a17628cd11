"""Sync problems in words a manager understands, with what to do about them."""

from __future__ import annotations

from typing import Any

from kamdesk.i18n import N_, _
from kamdesk.sync.errors import AuthenticationError, RefusedError, SyncError, SyncStopped, TransientError

REJECTION_ADVICE: dict[str, str] = {
    "immutable": N_("This record was already submitted and cannot change. Record a correction instead."),
    "forbidden": N_("You are not allowed to make this change. Ask your supervisor if it is needed."),
    "not_found": N_("The customer or record is no longer assigned to you, so the server did not accept it."),
    "required": N_("Some required information is missing. Open the record, complete it and save again."),
    "invalid": N_("Some information is not valid. Open the record, correct it and save again."),
    "template_unknown": N_(
        "The form version used here is unknown to the server. Move the visit to the current form."
    ),
    "id_taken": N_("This record clashes with one already on the server. Contact support."),
}


def describe(error: SyncError) -> str:
    if isinstance(error, AuthenticationError):
        return _("Your sign-in has expired or was revoked. Please sign in again; your local work is kept.")
    if isinstance(error, TransientError):
        return _(
            "Cannot reach the server right now. Your work is saved and will sync when the network is back."
        )
    if isinstance(error, SyncStopped):
        return _("Sync was stopped. What was already sent is kept.")
    if isinstance(error, RefusedError):
        return _("The server refused the request: {message}").format(message=error.message)
    return _("Sync failed: {error}").format(error=error)


def describe_rejection(result: dict[str, Any] | None) -> str:
    """The reason of a refused change, with what to do (server message kept for details)."""
    reason = (result or {}).get("reason") or {}
    code = str(reason.get("code", ""))
    advice = REJECTION_ADVICE.get(code)
    message = str(reason.get("message", ""))
    if advice:
        return _(advice) + (f" ({message})" if message else "")
    return _("The server did not accept this change: {message}").format(message=message or code)
