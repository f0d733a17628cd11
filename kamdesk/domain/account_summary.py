"""Read the per-account summary (``account_summary``, kept by SQLite triggers; see
``kamdesk.models.summary``): the one table the alert engine, the cadence and "plan my week" read.

Rows are plain tuples straight from the ``sqlite3`` cursor (no ``Row`` wrapping), dates as ISO
text: ISO dates compare as text, so whole-portfolio loops parse a date only for the accounts
they report (see ``cadence.Days``).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from kamdesk.models.enums import VisitKind
from kamdesk.store import raw

LAST_COLUMN = {VisitKind.ONSITE: "last_onsite", VisitKind.PHONE: "last_phone", VisitKind.SMS: "last_sms"}
"""The column holding the business date of the latest submitted visit of each kind."""

TRACKED = "deleted = 0 AND status IN ('active', 'prospect')"
"""The accounts the cadence and the alerts follow (``cadence.TRACKED_STATUSES``)."""

Row = tuple[Any, ...]


def tracked(
    session: Session | Connection, columns: Sequence[str], account_ids: Collection[str] | None = None
) -> list[Row]:
    """``columns`` (names, or SQL expressions over them) of every tracked account's summary row,
    or of those among ``account_ids``. One pass over one compact table: no visit or revenue row
    is read."""
    sql = f"SELECT {', '.join(columns)} FROM account_summary WHERE {TRACKED}"
    params: dict[str, object] = {}
    if account_ids is not None:
        sql += " AND account_id IN " + raw.in_list("id", account_ids, params)
    return raw.rows(session, sql, params)
