"""The sync wire protocol (v1), shared by the desktop client and kamdesk-server.

Pydantic models of every request and response body; ``docs/PROTOCOL.md`` explains the rules.
Rows travel as ``kamdesk.models.wire`` dicts (JSON-safe column values keyed by attribute name).
Nothing here imports the server or the store, so the client can use it alone.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

PROTOCOL_VERSION = 1
MAX_PUSH_CHANGES = 1000
"""Most changes one push may carry; clients send batches of up to 500."""
MAX_PULL_LIMIT = 1000
DEFAULT_PULL_LIMIT = 500

UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- errors -------------------------------------------------------------------------------------


class ErrorBody(_Wire):
    """Every non-2xx response: a stable machine ``code``, an English ``message`` for logs and
    developers, and ``details`` (field errors, retry hints). Clients translate by ``code``."""

    code: str
    message: str
    details: dict[str, Any] = Field(default_factory=dict)


# --- auth ---------------------------------------------------------------------------------------


class LoginRequest(_Wire):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    device_name: str = Field(min_length=1, max_length=100)


class UserInfo(_Wire):
    id: str
    username: str
    display_name: str
    role: str
    team_id: str | None


class LoginResponse(_Wire):
    """``token`` is shown once; send it as ``Authorization: Bearer <token>``."""

    token: str
    device_id: str
    user: UserInfo
    protocol: int = PROTOCOL_VERSION


# --- push ---------------------------------------------------------------------------------------


class Change(_Wire):
    """One outbox entry. ``insert`` carries the whole row; ``patch`` the changed fields, judged
    against ``base_rev`` (the row's rev when the client last had it). A tombstone is a patch of
    ``{"deleted": true}``. Sync columns other than ``deleted`` are set by the server and ignored."""

    entity: str = Field(min_length=1, max_length=40, description="table name, e.g. accounts, visits")
    id: str = Field(pattern=UUID_PATTERN)
    op: Literal["insert", "patch"]
    base_rev: int = Field(default=0, ge=0)
    fields: dict[str, Any] = Field(default_factory=dict)


class PushRequest(_Wire):
    """A batch, stamped with ``batch_id`` by the client before the first send; a retry resends the
    same id and gets the first result back with nothing applied twice."""

    batch_id: str = Field(pattern=UUID_PATTERN)
    device_id: str | None = Field(default=None, description="optional; must match the token's device")
    changes: list[Change] = Field(max_length=MAX_PUSH_CHANGES)


class ChangeStatus(StrEnum):
    APPLIED = "applied"
    """Stored as sent; ``rev`` is the row's new revision."""
    MERGED = "merged"
    """Stored, and the server had other fields changed since ``base_rev``: take ``row``."""
    CONFLICT = "conflict"
    """Fields in ``conflicts`` were changed on the server too; the rest was stored. ``row`` is
    the server's version; the user keeps theirs (a new patch with ``base_rev = rev``) or takes it."""
    REJECTED = "rejected"
    """Nothing stored; ``reason`` says why. Resending the same change will not help."""


class Rejection(_Wire):
    code: str
    message: str
    field: str | None = None


class ChangeResult(_Wire):
    entity: str
    id: str
    status: ChangeStatus
    rev: int | None = None
    conflicts: list[str] = Field(default_factory=list)
    row: dict[str, Any] | None = None
    reason: Rejection | None = None


class PushResponse(_Wire):
    batch_id: str
    results: list[ChangeResult]
    replayed: bool = Field(default=False, description="true when this batch had been applied before")


# --- pull ---------------------------------------------------------------------------------------


class PulledRow(_Wire):
    """The current state of one row the user may see (tombstones included). ``seq`` is the
    change-log position the row was listed at."""

    entity: str
    id: str
    rev: int
    seq: int
    row: dict[str, Any]


class PullPage(_Wire):
    """Rows changed after the cursor, in server order. Store ``next_cursor`` with the rows in
    one transaction; pull again while ``has_more``."""

    changes: list[PulledRow]
    next_cursor: int
    has_more: bool


# --- team figures -------------------------------------------------------------------------------


class ActivityCounts(_Wire):
    onsite: float
    phone: float
    sms: float


class TeamAverages(_Wire):
    """Per-manager average activity of a team in a period, for the report builder's
    "below the team average" check (DOMAIN.md, reports item 9)."""

    team_id: str
    period_start: date
    period_end: date
    managers: int
    average: ActivityCounts
    mine: ActivityCounts | None = None
    computed_at: datetime


class HealthStatus(_Wire):
    status: Literal["ok"]
    database: Literal["ok"]
    protocol: int = PROTOCOL_VERSION
    version: str
