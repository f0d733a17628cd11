from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from kamdesk.domain import account_index, portfolio, saved_filters
from kamdesk.domain.account_index import pinyin_keys
from kamdesk.domain.portfolio import MyRole, PortfolioQuery, SortKey
from kamdesk.models import Account, AccountIndex, CadenceRule, Complaint, Contact, RevenueMonth, Visit
from kamdesk.models.enums import CadencePeriod, ComplaintStatus, Tier, VisitKind, VisitStatus
from kamdesk.store import outbox
from tests import factories


def test_pinyin_full_and_initials_including_place_names_and_banks() -> None:
    assert pinyin_keys("中国移动") == ("zhongguoyidong", "zgyd")
    keys = pinyin_keys("湖南省长沙市芙蓉区人民政府")
    assert keys == ("hunanshengchangshashifurongqurenminzhengfu", "hnscssfrqrmzf")
    assert pinyin_keys("长沙银行岳麓支行")[0] == "changshayinhangyueluzhihang"
    assert pinyin_keys("张喆 ABC-12") == ("zhangzheabc-12", "zzabc-12")


def index_row(session, account_id: str) -> AccountIndex | None:
    return session.scalars(select(AccountIndex).where(AccountIndex.account_id == account_id)).first()


def test_index_follows_contacts_revenue_visits_complaints_and_deletes(store) -> None:
    with store.sessions.begin() as session:
        account_index.ensure(session)
        account = outbox.insert(session, factories.account(name="湖南华天物流有限公司", tier=Tier.B1))
        outbox.insert(
            session,
            CadenceRule(tier=Tier.B1, visit_kind=VisitKind.PHONE, visits=1, period=CadencePeriod.MONTH),
        )
    with store.sessions.begin() as session:
        account_index.ensure(session)  # the new cadence rule marked the index stale
        outbox.insert(
            session,
            Contact(account_id=account.id, name="司马懿", mobile="13607310099", phone="0731-88776655"),
        )
        for offset, amount in enumerate([100, 100, 100, 110, 120, 130]):
            outbox.insert(
                session,
                RevenueMonth(
                    account_id=account.id, month=date(2026, 5 + offset, 1), amount_fen=amount * 100_00
                ),
            )
        visited = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
        outbox.insert(
            session,
            Visit(
                account_id=account.id,
                kind=VisitKind.ONSITE,
                status=VisitStatus.SUBMITTED,
                occurred_at=visited,
            ),
        )
        complaint = outbox.insert(
            session,
            Complaint(
                account_id=account.id,
                raised_at=visited,
                summary="断网",
                answer_due_at=visited + timedelta(hours=48),
            ),
        )
    with store.sessions() as session:
        row = index_row(session, account.id)
        assert (row.revenue_fen, row.last3_fen, row.previous3_fen) == (13_000_00, 36_000_00, 30_000_00)
        assert row.trend_permille == 200 and row.revenue_month == date(2026, 10, 1)
        assert row.last_visit_at == visited and row.next_visit_due == date(
            2026, 12, 1
        )  # 1 phone call a month
        assert row.open_complaints == 1
        for text in ("smy", "simayi", "13607310099", "88776655", "0731-8877", "htwl"):
            assert portfolio.search_matches(session, text) == [account.id], text
    with store.sessions.begin() as session:
        outbox.update(session, session.get(Complaint, complaint.id), status=ComplaintStatus.CLOSED)
        contact = session.scalars(select(Contact).where(Contact.account_id == account.id)).one()
        outbox.tombstone(session, contact)
    with store.sessions() as session:
        assert index_row(session, account.id).open_complaints == 0
        assert portfolio.search_matches(session, "simayi") == []
    with store.sessions.begin() as session:
        outbox.tombstone(session, session.get(Account, account.id))
    with store.sessions() as session:
        assert index_row(session, account.id) is None


def test_next_visit_due_is_the_cadence_engines(store) -> None:
    """Calendar months, as the cadence engine counts them: a monthly call after 31 January is due
    on 28 February (not 30 days later); the earliest kind wins; never contacted is "due now"."""
    from kamdesk.domain import cadence

    with store.sessions.begin() as session:
        account_index.ensure(session)
        for kind, visits, period in (
            (VisitKind.PHONE, 1, CadencePeriod.MONTH),
            (VisitKind.ONSITE, 1, CadencePeriod.QUARTER),
        ):
            outbox.insert(session, CadenceRule(tier=Tier.B1, visit_kind=kind, visits=visits, period=period))
        called = outbox.insert(session, factories.account(tier=Tier.B1, customer_since=None))
        fresh = outbox.insert(session, factories.account(tier=Tier.B1, customer_since=None))
    with store.sessions.begin() as session:
        account_index.ensure(session)
        for kind, moment in (
            (VisitKind.ONSITE, datetime(2026, 1, 10, 2, 0, tzinfo=UTC)),  # due again 10 April
            (VisitKind.PHONE, datetime(2026, 1, 31, 1, 30, tzinfo=UTC)),  # 09:30 in Changsha
        ):
            outbox.insert(
                session,
                Visit(account_id=called.id, kind=kind, status=VisitStatus.SUBMITTED, occurred_at=moment),
            )
    with store.sessions() as session:
        assert index_row(session, called.id).next_visit_due == date(2026, 2, 28)
        assert index_row(session, fresh.id).next_visit_due is None
        engine_view = cadence.account_cadence(session, called.id, date(2026, 2, 1))
        assert engine_view is not None and engine_view.next_due == date(2026, 2, 28)


def test_queries_filter_by_role_status_and_sort_with_stable_paging(demo_store) -> None:
    me = demo_store.user_id
    with demo_store.sessions.begin() as session:
        account_index.ensure(session)
        everything = portfolio.count(session, PortfolioQuery())
        mine = portfolio.count(session, PortfolioQuery(my_role=MyRole.PRIMARY, user_id=me))
        second = portfolio.count(session, PortfolioQuery(my_role=MyRole.SECONDARY, user_id=me))
        assert everything == 60 and mine + second == 60 and mine > second > 0
        query = PortfolioQuery(sort=SortKey.TIER)
        paged = [r.id for offset in range(0, 60, 7) for r in portfolio.page(session, query, offset, 7)]
        assert len(paged) == len(set(paged)) == 60  # ties broken by id: no row twice, none lost
        saved_filters.save(session, "A类", PortfolioQuery(tiers=frozenset({Tier.A1, Tier.A2}), text="yh"))
        assert saved_filters.names(session) == ["A类"]
        loaded = saved_filters.load(session, "A类", user_id=me)
        assert loaded.tiers == {Tier.A1, Tier.A2} and loaded.text == "yh" and loaded.user_id == me
        saved_filters.remove(session, "A类")
        assert saved_filters.names(session) == []


def test_rebuild_matches_incremental_maintenance(demo_store) -> None:
    with demo_store.sessions.begin() as session:
        account_index.rebuild(session)
        texts = select(AccountIndex.account_id, account_index.search_table.c.search_text).join(
            account_index.search_table, account_index.search_table.c.rowid == AccountIndex.id
        )
        first = dict(session.execute(texts).all())
        account_index.rebuild(session)
        assert dict(session.execute(texts).all()) == first
        assert len(first) == 60


def test_a_rebuild_in_steps_matches_a_rebuild_and_is_redone_when_cut_short(demo_store, monkeypatch) -> None:
    """Short transactions of a few accounts each; the index is current only once all are in."""
    rows = select(AccountIndex.account_id, AccountIndex.next_visit_due, AccountIndex.revenue_fen)
    with demo_store.sessions.begin() as session:
        account_index.rebuild(session)
        whole = set(session.execute(rows).all())
    calls = 0
    refresh = account_index.refresh_connection

    def dies_on_the_third_step(connection, ids):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("killed")
        refresh(connection, ids)

    monkeypatch.setattr(account_index, "refresh_connection", dies_on_the_third_step)
    with pytest.raises(RuntimeError):
        account_index.rebuild_in_steps(demo_store.sessions, step=25)
    with demo_store.sessions() as session:
        assert not account_index.is_current(session)
        assert len(session.execute(rows).all()) == 50  # two steps of 25 were committed
    monkeypatch.undo()
    assert account_index.rebuild_in_steps(demo_store.sessions, step=25) == 60
    with demo_store.sessions() as session:
        assert account_index.is_current(session)
        assert set(session.execute(rows).all()) == whole
