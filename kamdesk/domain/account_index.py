"""The portfolio's search and sort index (``account_index``): one derived row per account.

Why: the list sorts on revenue, trend, last visit and open complaints and searches contacts and
pinyin; computing those per keystroke over 100,000 accounts (1.3 million revenue rows) is too slow,
and SQL cannot compute pinyin. So each account gets a row holding the values the list shows and a
lower-cased ``search_text`` with the name, code, contact names, phones and the full pinyin and
initials of every name (``zgyd`` and ``zhongguoyidong`` both find 中国移动).

The index follows the data by itself: a session ``after_flush`` hook refreshes the rows of every
account whose account, contacts, revenue, visits or complaints were flushed through the ORM (which
is every local edit, because edits go through the outbox). Bulk Core inserts (demo seeding, a bulk
sync apply) bypass flush events: call ``refresh(session, ids)`` or ``mark_stale(session)`` after
them. ``ensure(session)`` rebuilds a stale or never-built index.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from pypinyin import lazy_pinyin, load_phrases_dict
from sqlalchemy import Connection, column, delete, event, func, select, table, update
from sqlalchemy.orm import Session, sessionmaker

from kamdesk.domain import cadence
from kamdesk.models import (
    Account,
    AccountIndex,
    CadenceRule,
    Complaint,
    Contact,
    RevenueMonth,
    SyncState,
    User,
    Visit,
)
from kamdesk.models.base import UTCDateTime
from kamdesk.models.enums import ComplaintStatus, VisitStatus
from kamdesk.store import state
from kamdesk.store.outbox import USER_KEY

VERSION = "2"  # 2: next visit due from the cadence engine
STATE_KEY = "account_index_version"
FIELD_SEPARATOR = "\n"  # cannot be typed into a search box, so no match spans two fields
BATCH = 500

_UTC = UTCDateTime()


# Readings pypinyin's phrase dictionary gets wrong in account names (banks' 支行 is zhihang).
load_phrases_dict(
    {
        "支行": [["zhī"], ["háng"]],
        "分行": [["fēn"], ["háng"]],
        "总行": [["zǒng"], ["háng"]],
        "行长": [["háng"], ["zhǎng"]],
        "银行": [["yín"], ["háng"]],
    }
)
_ADMINISTRATIVE_END = re.compile(r"(?<=[省市区县])")


@lru_cache(maxsize=65536)
def _keys(text: str) -> tuple[str, str]:
    syllables = lazy_pinyin(text, errors=lambda chunk: list(chunk))
    parts = [s.lower() for s in syllables if s.strip()]
    return "".join(parts), "".join(part[0] for part in parts)


@lru_cache(maxsize=65536)
def pinyin_keys(text: str) -> tuple[str, str]:
    """(full pinyin, initials) of ``text``: lower-case, no spaces, other characters kept as typed.

    Names are read piece by piece, cut after 省/市/区/县: whole-name phrase matching misreads place
    names (湖南省长沙市 as 省长 "zhang"), and the pieces (湖南省, 长沙市, 人民政府办公室) repeat across
    thousands of accounts, so caching them makes indexing 100,000 accounts affordable."""
    pieces = [piece for piece in _ADMINISTRATIVE_END.split(text) if piece]
    keys = [_keys(piece) for piece in pieces]
    return "".join(k[0] for k in keys), "".join(k[1] for k in keys)


def normalize_query(text: str) -> str:
    """What the search box matches against ``search_text``: lower-case, all whitespace removed."""
    return "".join(text.split()).lower()


def _digits(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())


def search_text(
    names: Iterable[str | None], codes: Iterable[str | None], phones: Iterable[str | None]
) -> str:
    """The searchable text of one account; names contribute themselves and their pinyin."""
    parts: list[str] = []
    for name in names:
        if name:
            parts.extend((normalize_query(name), *pinyin_keys(name)))
    for code in codes:
        if code:
            parts.append(normalize_query(code))
    for phone in phones:
        if phone:
            parts.append(normalize_query(phone))
            digits = _digits(phone)
            if digits and digits != parts[-1]:
                parts.append(digits)
    return FIELD_SEPARATOR.join(dict.fromkeys(parts))


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _as_utc(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return _UTC.process_result_value(value, None)  # type: ignore[arg-type]
    return _UTC.process_result_value(datetime.fromisoformat(str(value)), None)  # type: ignore[arg-type]


def _rows_for(connection: Connection, ids: list[str], policy: cadence.Policy) -> list[dict[str, Any]]:
    accounts = connection.execute(
        select(
            Account.id,
            Account.code,
            Account.name,
            Account.short_name,
            Account.tier,
            Account.industry,
            Account.city,
            Account.district,
            Account.status,
            Account.primary_manager_id,
            Account.secondary_manager_id,
        ).where(Account.id.in_(ids), Account.deleted.is_(False))
    ).all()
    if not accounts:
        return []
    found = [row.id for row in accounts]
    users = dict(connection.execute(select(User.id, User.display_name)).all())
    contacts: dict[str, list[Any]] = defaultdict(list)
    for row in connection.execute(
        select(Contact.account_id, Contact.name, Contact.mobile, Contact.phone).where(
            Contact.account_id.in_(found), Contact.deleted.is_(False)
        )
    ):
        contacts[row.account_id].append(row)
    revenue: dict[str, list[tuple[date, int]]] = defaultdict(list)
    for account_id, month, amount in connection.execute(
        select(RevenueMonth.account_id, RevenueMonth.month, RevenueMonth.amount_fen)
        .where(RevenueMonth.account_id.in_(found), RevenueMonth.deleted.is_(False))
        .order_by(RevenueMonth.account_id, RevenueMonth.month.desc())
    ):
        if len(revenue[account_id]) < 6:
            revenue[account_id].append((_as_date(month), amount))
    last_visits = dict(
        connection.execute(
            select(Visit.account_id, func.max(Visit.occurred_at))
            .where(
                Visit.account_id.in_(found),
                Visit.deleted.is_(False),
                Visit.status == VisitStatus.SUBMITTED,
            )
            .group_by(Visit.account_id)
        ).all()
    )
    complaints = dict(
        connection.execute(
            select(Complaint.account_id, func.count())
            .where(
                Complaint.account_id.in_(found),
                Complaint.deleted.is_(False),
                Complaint.status != ComplaintStatus.CLOSED,
            )
            .group_by(Complaint.account_id)
        ).all()
    )
    next_due = cadence.next_due_dates(policy, cadence.rows(connection, found))
    rows = []
    for account in accounts:
        tier = str(getattr(account.tier, "value", account.tier))
        months = revenue.get(account.id, [])
        last3 = sum(amount for _, amount in months[:3]) if months else None
        previous3 = sum(amount for _, amount in months[3:6]) if len(months) >= 6 else None
        trend = round((last3 - previous3) * 1000 / previous3) if last3 is not None and previous3 else None
        last_visit = _as_utc(last_visits.get(account.id))
        people = contacts.get(account.id, [])
        rows.append(
            {
                "account_id": account.id,
                "code": account.code,
                "name": account.name,
                "tier": tier,
                "industry": str(getattr(account.industry, "value", account.industry)),
                "city": account.city,
                "district": account.district,
                "status": str(getattr(account.status, "value", account.status)),
                "primary_manager_id": account.primary_manager_id,
                "secondary_manager_id": account.secondary_manager_id,
                "primary_name": users.get(account.primary_manager_id),
                "secondary_name": users.get(account.secondary_manager_id),
                "revenue_fen": months[0][1] if months else None,
                "revenue_month": months[0][0] if months else None,
                "last3_fen": last3,
                "previous3_fen": previous3,
                "trend_permille": trend,
                "last_visit_at": last_visit,
                "next_visit_due": next_due.get(account.id),
                "open_complaints": complaints.get(account.id, 0),
                "search_text": search_text(
                    [account.name, account.short_name, *(c.name for c in people)],
                    [account.code],
                    [phone for c in people for phone in (c.mobile, c.phone)],
                ),
            }
        )
    return rows


SEARCH_TABLE = "account_search"
search_table = table(SEARCH_TABLE, column("rowid"), column("search_text"))
"""FTS5 trigram table: rowid = ``account_index.id``; any 3+ character substring query is an index
lookup; shorter ones scan it (they match so much that the first page fills at once)."""


def ensure_search_table(connection: Connection) -> None:
    connection.exec_driver_sql(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {SEARCH_TABLE} "
        "USING fts5(search_text, tokenize='trigram case_sensitive 0')"
    )


def refresh_connection(connection: Connection, account_ids: Iterable[str]) -> None:
    """Recompute the index rows of ``account_ids`` (deleted accounts leave the index)."""
    ids = sorted(set(account_ids))
    if not ids:
        return
    ensure_search_table(connection)
    policy = cadence.load_policy(connection)
    index = AccountIndex.__table__
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        rows = _rows_for(connection, chunk, policy)
        old = select(index.c.id).where(index.c.account_id.in_(chunk)).scalar_subquery()
        connection.execute(delete(search_table).where(search_table.c.rowid.in_(old)))
        connection.execute(delete(index).where(index.c.account_id.in_(chunk)))
        if not rows:
            continue
        texts = {row["account_id"]: row.pop("search_text") for row in rows}
        connection.execute(index.insert(), rows)
        new_ids = connection.execute(
            select(index.c.id, index.c.account_id).where(index.c.account_id.in_(chunk))
        )
        connection.execute(
            search_table.insert(),
            [{"rowid": row_id, "search_text": texts[account_id]} for row_id, account_id in new_ids],
        )


def refresh(session: Session, account_ids: Iterable[str]) -> None:
    refresh_connection(session.connection(), account_ids)


def rebuild(session: Session) -> int:
    """Recompute the whole index; returns the number of accounts indexed."""
    connection = session.connection()
    ensure_search_table(connection)
    connection.execute(delete(search_table))
    connection.execute(delete(AccountIndex.__table__))
    ids = list(connection.scalars(select(Account.id).where(Account.deleted.is_(False))))
    refresh_connection(connection, ids)
    state.put(session, STATE_KEY, VERSION)
    return len(ids)


def rebuild_in_steps(sessions: sessionmaker[Session], step: int = 2000) -> int:
    """``rebuild`` as a series of short write transactions, ``step`` accounts each, so the
    manager's own writes (a visit autosave on the GUI thread) never wait long for the lock, even
    on a store with 100,000 accounts. The index is marked current only at the end: a rebuild cut
    short is simply redone; accounts changed meanwhile are kept right by the flush hook."""
    with sessions.begin() as session:
        mark_stale(session)
        connection = session.connection()
        ensure_search_table(connection)
        connection.execute(delete(search_table))
        connection.execute(delete(AccountIndex.__table__))
        ids = list(connection.scalars(select(Account.id).where(Account.deleted.is_(False))))
    for start in range(0, len(ids), step):
        with sessions.begin() as session:
            refresh_connection(session.connection(), ids[start : start + step])
    with sessions.begin() as session:
        state.put(session, STATE_KEY, VERSION)
    return len(ids)


def mark_stale(session: Session) -> None:
    state.put(session, STATE_KEY, None)


def is_current(session: Session) -> bool:
    return state.get(session, STATE_KEY) == VERSION


def ensure(session: Session) -> bool:
    """Build the index if it was never built or was marked stale; True if it rebuilt."""
    if is_current(session):
        ensure_search_table(session.connection())
        return False
    rebuild(session)
    return True


ACCOUNT_CHILDREN = (Contact, RevenueMonth, Visit, Complaint)
_ACCOUNT_CHILDREN = ACCOUNT_CHILDREN


def _after_flush(session: Session, _context: Any) -> None:
    if USER_KEY not in session.info:  # only the desktop store's sessions carry the index
        return
    ids: set[str] = set()
    users: set[str] = set()
    stale = False
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Account):
            ids.add(obj.id)
        elif isinstance(obj, _ACCOUNT_CHILDREN):
            if obj.account_id:
                ids.add(obj.account_id)
        elif isinstance(obj, User):
            users.add(obj.id)
        elif isinstance(obj, CadenceRule):
            stale = True
    if not (ids or users or stale):
        return
    connection = session.connection()
    if stale:
        connection.execute(update(SyncState).where(SyncState.key == STATE_KEY).values(value=None))
    table = AccountIndex.__table__
    for user_id in users:
        name = connection.scalar(select(User.display_name).where(User.id == user_id))
        connection.execute(
            update(table).where(table.c.primary_manager_id == user_id).values(primary_name=name)
        )
        connection.execute(
            update(table).where(table.c.secondary_manager_id == user_id).values(secondary_name=name)
        )
    refresh_connection(connection, ids)


event.listen(Session, "after_flush", _after_flush)
