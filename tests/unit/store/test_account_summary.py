"""The account summary (``account_summary``, kept by SQLite triggers) always says what the raw
visits and bills say, after every kind of write, inside the writer's own transaction."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kamdesk.domain import alerts, cadence, contact_log, visits
from kamdesk.domain.alerts import AlertKind
from kamdesk.domain.clock import add_months, business_today
from kamdesk.models import Account, AccountSummary, Contact, RevenueMonth, Visit, new_id
from kamdesk.models.enums import Tier, VisitKind, VisitStatus
from kamdesk.models.wire import row_to_wire
from kamdesk.store import outbox
from kamdesk.store.database import Store, open_store
from kamdesk.store.migrate import migrate
from kamdesk.sync.apply import apply_page
from kamdesk.sync.protocol import PulledRow
from tests import factories
from tests.visit_store import visit_store, visit_store_file  # noqa: F401

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def reference(session: Session) -> dict[str, tuple[Any, ...]]:
    """The summary recomputed in Python from the raw tables."""
    lasts: dict[tuple[str, str], date] = {}
    for account_id, kind, occurred in session.execute(
        select(Visit.account_id, Visit.kind, Visit.occurred_at).where(
            Visit.status == VisitStatus.SUBMITTED, Visit.deleted.is_(False), Visit.occurred_at.is_not(None)
        )
    ):
        day = business_today(occurred)
        for key in ((account_id, str(kind)), (account_id, "any")):
            lasts[key] = max(day, lasts.get(key, day))
    bills = {
        (account_id, month): fen
        for account_id, month, fen in session.execute(
            select(RevenueMonth.account_id, RevenueMonth.month, RevenueMonth.amount_fen).where(
                RevenueMonth.deleted.is_(False)
            )
        )
    }
    latest: dict[str, date] = {}
    for account_id, month in bills:
        latest[account_id] = max(month, latest.get(account_id, month))
    expected = {}
    for account in session.scalars(select(Account)):
        month = latest.get(account.id)
        before = [
            bills.get((account.id, add_months(month, -offset))) if month else None for offset in (1, 2, 3, 12)
        ]
        expected[account.id] = (
            account.name,
            str(account.tier),
            account.city,
            account.district,
            account.customer_since,
            str(account.status),
            account.deleted,
            *(lasts.get((account.id, kind)) for kind in ("onsite", "phone", "sms", "any")),
            month,
            bills.get((account.id, month)) if month else None,
            *before,
        )
    return expected


def stored(session: Session) -> dict[str, tuple[Any, ...]]:
    return {
        row.account_id: (
            row.name,
            row.tier,
            row.city,
            row.district,
            row.customer_since,
            row.status,
            row.deleted,
            row.last_onsite,
            row.last_phone,
            row.last_sms,
            row.last_contact,
            row.bill_month,
            row.bill_fen,
            row.bill_fen_1,
            row.bill_fen_2,
            row.bill_fen_3,
            row.bill_fen_12,
        )
        for row in session.scalars(select(AccountSummary))
    }


def assert_summary_right(session: Session) -> None:
    assert stored(session) == reference(session)


def summary_of(session: Session, account_id: str) -> AccountSummary:
    row = session.get(AccountSummary, account_id, populate_existing=True)
    assert row is not None
    return row


# ----- local writes


def test_demo_seeding_in_bulk_leaves_a_right_summary(demo_store: Store) -> None:
    with demo_store.sessions() as session:
        assert len(stored(session)) == 60
        assert_summary_right(session)


def test_a_submitted_visit_is_in_the_summary_within_its_own_transaction(visit_store: Store) -> None:  # noqa: F811
    with visit_store.sessions() as session:
        contact = session.scalars(select(Contact).order_by(Contact.name)).first()
        account_id, contact_id = contact.account_id, contact.id
        before = summary_of(session, account_id).last_phone
    occurred = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai
    with visit_store.sessions.begin() as session:
        draft = visits.start(session, account_id, VisitKind.PHONE, occurred_at=occurred, now=NOW)
        session.flush()
        assert summary_of(session, account_id).last_phone == before  # a draft is not a contact
        visits.save_draft(
            session,
            draft.id,
            answers={
                "call_reason": "monthly",
                "reached": True,
                "contacts_met": [contact_id],
                "has_complaint": False,
                "satisfaction": 5,
                "summary": "客户确认下月续约专线，对网络质量满意",
            },
        )
        visits.submit(session, draft.id, now=NOW)
        row = summary_of(session, account_id)
        assert (row.last_phone, row.last_contact) == (date(2026, 11, 23), date(2026, 11, 23))
        assert_summary_right(session)
    with visit_store.sessions() as session:
        assert summary_of(session, account_id).last_phone == date(2026, 11, 23)


def test_a_rolled_back_visit_leaves_the_summary_as_it_was(visit_store: Store) -> None:  # noqa: F811
    with visit_store.sessions() as session:
        account_id = session.scalars(select(Account.id).order_by(Account.code)).first()
        before = summary_of(session, account_id).last_contact
    with pytest.raises(RuntimeError), visit_store.sessions.begin() as session:
        contact_log.record_contact(
            session, account_id, VisitKind.PHONE, "电话回访，客户反映网速慢", occurred_at=NOW
        )
        session.flush()
        assert summary_of(session, account_id).last_contact == date(2026, 11, 23)
        raise RuntimeError("the manager's laptop lost power")
    with visit_store.sessions() as session:
        assert summary_of(session, account_id).last_contact == before


def test_a_tombstoned_visit_gives_way_to_the_one_before(store: Store) -> None:
    """A submitted visit is immutable here; the server tombstones one entered on the wrong account,
    and the pull writes ``deleted`` on the row as an ORM update."""
    with store.sessions.begin() as session:
        account = outbox.insert(session, factories.account(tier=Tier.A1))
        account_id = account.id
        older = contact_log.record_contact(
            session,
            account_id,
            VisitKind.ONSITE,
            "上门拜访信息中心主任",
            occurred_at=NOW - timedelta(days=40),
        )
        newer = contact_log.record_contact(
            session, account_id, VisitKind.ONSITE, "上门沟通专线扩容", occurred_at=NOW - timedelta(days=3)
        )
    with store.sessions() as session:
        assert summary_of(session, account_id).last_onsite == date(2026, 11, 20)
    with store.sessions.begin() as session, outbox.applying_remote(session):
        session.get(Visit, newer).deleted = True
    with store.sessions() as session:
        row = summary_of(session, account_id)
        assert (row.last_onsite, row.last_phone) == (date(2026, 10, 14), None)
        assert_summary_right(session)
        assert session.get(Visit, older).deleted is False


def test_an_edited_account_and_a_tombstoned_account(store: Store) -> None:
    with store.sessions.begin() as session:
        account = outbox.insert(session, factories.account(name="长沙市开福区教育局", tier=Tier.B1))
        account_id = account.id
    with store.sessions.begin() as session:
        outbox.update(
            session, session.get(Account, account_id), name="长沙市开福区教育局（新址）", tier=Tier.A2
        )
    with store.sessions() as session:
        row = summary_of(session, account_id)
        assert (row.name, row.tier, row.deleted) == ("长沙市开福区教育局（新址）", "A2", False)
        assert [r[cadence.ID] for r in cadence.rows(session)] == [account_id]
    with store.sessions.begin() as session:
        outbox.tombstone(session, session.get(Account, account_id))
    with store.sessions() as session:
        assert summary_of(session, account_id).deleted is True
        assert cadence.rows(session) == []  # no longer tracked: no alerts, not planned
        assert_summary_right(session)


def test_rows_deleted_outright_leave_the_summary_too(store: Store) -> None:
    """Synced rows are tombstoned, but a hard delete (a repair by hand) is followed as well."""
    with store.sessions.begin() as session, outbox.applying_remote(session):
        account = factories.account(rev=1)
        session.add(account)
        session.flush()
        session.add(RevenueMonth(account_id=account.id, month=date(2026, 10, 1), amount_fen=800_000, rev=1))
        session.add(RevenueMonth(account_id=account.id, month=date(2026, 9, 1), amount_fen=900_000, rev=1))
        account_id = account.id
    with store.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM revenue_months WHERE month = '2026-10-01'")
    with store.sessions() as session:
        row = summary_of(session, account_id)
        assert (row.bill_month, row.bill_fen, row.bill_fen_1) == (date(2026, 9, 1), 900_000, None)
    with store.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM revenue_months")
        connection.exec_driver_sql("DELETE FROM accounts")
    with store.sessions() as session:
        assert stored(session) == {}


# ----- rows pulled from the server


def _pulled(obj: Any, seq: int) -> PulledRow:
    """``obj`` as the server lists it at change ``seq``."""
    obj.id = obj.id or new_id()
    obj.rev = seq
    obj.updated_at = NOW
    obj.deleted = bool(obj.deleted)
    return PulledRow(entity=obj.__tablename__, id=obj.id, rev=seq, seq=seq, row=row_to_wire(obj))


def _visit(account_id: str, kind: VisitKind, occurred: datetime, **more: Any) -> Visit:
    return Visit(
        account_id=account_id,
        kind=kind,
        status=VisitStatus.SUBMITTED,
        occurred_at=occurred,
        submitted_at=occurred,
        summary="电话回访，了解专线使用情况",
        answers={},
        contacts_met=[],
        **more,
    )


def test_a_pulled_page_children_before_their_account(store: Store) -> None:
    account = factories.account(
        id="55555555-5555-4555-8555-555555555555", tier=Tier.A1, customer_since=date(2019, 3, 1)
    )
    # 16:30 UTC on 22 Nov is 00:30 on 23 Nov in Shanghai.
    phone = _visit(account.id, VisitKind.PHONE, datetime(2026, 11, 22, 16, 30, tzinfo=UTC))
    onsite = _visit(account.id, VisitKind.ONSITE, datetime(2026, 9, 30, 2, 0, tzinfo=UTC))
    draft = _visit(account.id, VisitKind.ONSITE, NOW)
    draft.status = VisitStatus.DRAFT
    bills = [
        RevenueMonth(account_id=account.id, month=month, amount_fen=fen, arrears_fen=0)
        for month, fen in [
            (date(2025, 10, 1), 1_000_000),
            (date(2026, 8, 1), 900_000),
            (date(2026, 10, 1), 600_000),
        ]
    ]
    apply_page(store, [_pulled(phone, 1), _pulled(onsite, 2), _pulled(draft, 3)], 3, None)
    apply_page(store, [_pulled(bill, 4 + n) for n, bill in enumerate(bills)], 6, None)
    with store.sessions() as session:
        assert session.get(AccountSummary, account.id) is None  # the account has not arrived yet
    apply_page(store, [_pulled(account, 7)], 7, None)
    with store.sessions() as session:
        row = summary_of(session, account.id)
        assert (row.last_phone, row.last_onsite, row.last_contact) == (
            date(2026, 11, 23),
            date(2026, 9, 30),
            date(2026, 11, 23),
        )
        assert (row.bill_month, row.bill_fen, row.bill_fen_1, row.bill_fen_2, row.bill_fen_12) == (
            date(2026, 10, 1),
            600_000,
            None,
            900_000,
            1_000_000,
        )
        assert_summary_right(session)

    # The server tombstones the phone call (entered on the wrong account).
    phone.deleted = True
    apply_page(store, [_pulled(phone, 8)], 8, None)
    with store.sessions() as session:
        row = summary_of(session, account.id)
        assert (row.last_phone, row.last_contact) == (None, date(2026, 9, 30))
        assert_summary_right(session)


def test_a_visit_moved_to_another_account_leaves_the_first_one(store: Store) -> None:
    first, second = (
        factories.account(id=new_id(), name=name, tier=Tier.B1)
        for name in ("长沙市望城区财政局", "长沙市望城区税务局")
    )
    visit = _visit(first.id, VisitKind.ONSITE, datetime(2026, 11, 2, 2, 0, tzinfo=UTC))
    apply_page(store, [_pulled(first, 1), _pulled(second, 2), _pulled(visit, 3)], 3, None)
    visit.account_id = second.id  # the server corrects the account the visit was entered on
    apply_page(store, [_pulled(visit, 4)], 4, None)
    with store.sessions() as session:
        assert summary_of(session, first.id).last_onsite is None
        assert summary_of(session, second.id).last_onsite == date(2026, 11, 2)
        assert_summary_right(session)


def test_a_revenue_import_pulled_from_the_server_raises_and_clears_the_drop(store: Store) -> None:
    """Billing is imported on the server (``kamdesk-server import-revenue``) and reaches the
    laptop as pulled pages: new months are bulk-inserted, corrected months update rows."""
    accounts = [
        factories.account(id=new_id(), name=name, tier=Tier.B1, customer_since=date(2018, 5, 1))
        for name in ("株洲市荷塘区中心医院", "湘潭市雨湖区人民政府办公室")
    ]
    history = {
        account.id: [
            RevenueMonth(
                account_id=account.id, month=date(2026, month, 1), amount_fen=5_000_000, arrears_fen=0
            )
            for month in (7, 8, 9)
        ]
        for account in accounts
    }
    apply_page(
        store,
        [_pulled(a, n) for n, a in enumerate(accounts, 1)]
        + [_pulled(bill, 10 + n) for n, bill in enumerate(b for bills in history.values() for b in bills)],
        20,
        None,
    )
    # October's bills: the hospital's halves.
    october = [
        RevenueMonth(account_id=accounts[0].id, month=date(2026, 10, 1), amount_fen=2_500_000, arrears_fen=0),
        RevenueMonth(account_id=accounts[1].id, month=date(2026, 10, 1), amount_fen=4_900_000, arrears_fen=0),
    ]
    apply_page(store, [_pulled(bill, 21 + n) for n, bill in enumerate(october)], 22, None)
    with store.sessions() as session:
        assert_summary_right(session)
        drops = [a for a in alerts.open_alerts(session, NOW) if a.kind is AlertKind.REVENUE_DROP]
        assert [(a.account_id, a.facts["amount"], a.facts["average"]) for a in drops] == [
            (accounts[0].id, 2_500_000, 5_000_000)
        ]
    # The billing system corrects the hospital's October bill.
    october[0].amount_fen = 4_800_000
    apply_page(store, [_pulled(october[0], 23)], 23, None)
    with store.sessions() as session:
        assert summary_of(session, accounts[0].id).bill_fen == 4_800_000
        assert_summary_right(session)
        assert [a for a in alerts.open_alerts(session, NOW) if a.kind is AlertKind.REVENUE_DROP] == []
    # And withdraws it: the latest bill is September's again, so October has no bill and no alert.
    october[0].deleted = True
    apply_page(store, [_pulled(october[0], 24)], 24, None)
    with store.sessions() as session:
        row = summary_of(session, accounts[0].id)
        assert (row.bill_month, row.bill_fen, row.bill_fen_1) == (date(2026, 9, 1), 5_000_000, 5_000_000)
        assert_summary_right(session)


# ----- the migration that creates it


def _insert(connection: sqlite3.Connection, table: str, row: dict[str, Any]) -> None:
    keys = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    connection.execute(f"INSERT INTO {table} ({keys}) VALUES ({marks})", list(row.values()))


def test_migrating_a_store_with_data_builds_the_summary_and_keeps_it(tmp_path: Path) -> None:
    path = tmp_path / "kamdesk.sqlite3"
    migrate(path, tmp_path / "backups", target="0003_portfolio")
    synced = {"rev": 1, "updated_at": "2026-11-01 00:00:00.000000", "deleted": 0}
    accounts = {
        "a1": ("长沙银行股份有限公司芙蓉支行", "A1", "active", "2015-06-01"),
        "b2": ("湖南昇辉机械制造有限公司", "B2", "active", None),
        "lost": ("岳阳市君山区农业农村局", "C", "lost", "2012-01-01"),
    }
    with sqlite3.connect(path) as connection:
        for n, (account_id, (name, tier, status, since)) in enumerate(accounts.items()):
            _insert(
                connection,
                "accounts",
                {
                    "id": account_id,
                    "code": f"HN73100000{n}",
                    "name": name,
                    "tier": tier,
                    "scope_level": "local",
                    "industry": "enterprise",
                    "city": "长沙市",
                    "district": "芙蓉区",
                    "status": status,
                    "customer_since": since,
                    **synced,
                },
            )
        for n, (account_id, kind, status, occurred, deleted) in enumerate(
            [
                ("a1", "onsite", "submitted", "2026-10-01 02:00:00.000000", 0),
                ("a1", "phone", "submitted", "2026-10-30 20:00:00.000000", 0),  # 31 Oct in Shanghai
                ("a1", "phone", "submitted", "2026-11-20 02:00:00.000000", 1),  # tombstoned
                ("a1", "onsite", "draft", "2026-11-21 02:00:00.000000", 0),
                ("b2", "sms", "submitted", "2026-06-15 02:00:00.000000", 0),
            ]
        ):
            _insert(
                connection,
                "visits",
                {
                    "id": f"v{n}",
                    "account_id": account_id,
                    "kind": kind,
                    "status": status,
                    "occurred_at": occurred,
                    "answers": "{}",
                    "contacts_met": "[]",
                    **synced,
                    "deleted": deleted,
                },
            )
        for n, (account_id, month, fen, deleted) in enumerate(
            [
                ("a1", "2025-10-01", 8_000_000, 0),
                ("a1", "2026-07-01", 7_000_000, 0),
                ("a1", "2026-09-01", 6_000_000, 0),
                ("a1", "2026-10-01", 3_000_000, 0),
                ("a1", "2026-11-01", 9_999_999, 1),  # withdrawn
                ("b2", "2026-10-01", 500_000, 0),
            ]
        ):
            _insert(
                connection,
                "revenue_months",
                {
                    "id": f"r{n}",
                    "account_id": account_id,
                    "month": month,
                    "amount_fen": fen,
                    "arrears_fen": 0,
                    **synced,
                    "deleted": deleted,
                },
            )

    store = open_store(path, tmp_path / "backups")
    try:
        assert store.migration.from_revision == "0003_portfolio"
        with store.sessions() as session:
            assert_summary_right(session)
            a1 = summary_of(session, "a1")
            assert (a1.last_onsite, a1.last_phone, a1.last_sms, a1.last_contact) == (
                date(2026, 10, 1),
                date(2026, 10, 31),
                None,
                date(2026, 10, 31),
            )
            assert (a1.bill_month, a1.bill_fen, a1.bill_fen_1, a1.bill_fen_2, a1.bill_fen_3) == (
                date(2026, 10, 1),
                3_000_000,
                6_000_000,
                None,
                7_000_000,
            )
            assert a1.bill_fen_12 == 8_000_000
            assert [row[cadence.ID] for row in cadence.rows(session)] == ["a1", "b2"]
            drops = [a for a in alerts.open_alerts(session, NOW) if a.kind is AlertKind.REVENUE_DROP]
            assert [a.account_id for a in drops] == ["a1"]
        # The triggers are live in the migrated store.
        with store.sessions.begin() as session:
            contact_log.record_contact(
                session,
                "b2",
                VisitKind.PHONE,
                "电话回访，客户关心专线价格",
                occurred_at=NOW - timedelta(hours=1),
            )
        with store.sessions() as session:
            assert summary_of(session, "b2").last_phone == date(2026, 11, 23)
            assert_summary_right(session)
    finally:
        store.close()
