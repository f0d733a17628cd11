from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import func, select

from kamdesk.domain import demo
from kamdesk.models import Account, Contact, OutboxEntry, ProductHolding, RevenueMonth, User, Visit
from kamdesk.models.enums import DecisionRole, Industry
from kamdesk.store import state


def test_every_account_has_a_primary_and_a_different_secondary_manager(demo_store) -> None:
    with demo_store.sessions() as session:
        users = set(session.scalars(select(User.id)))
        pairs = session.execute(select(Account.primary_manager_id, Account.secondary_manager_id)).all()
        me = state.get(session, state.CURRENT_USER)
    assert pairs
    for primary, secondary in pairs:
        assert primary in users and secondary in users and primary != secondary
        assert me in (primary, secondary)


def test_codes_are_unique_and_revenue_is_never_negative(demo_store) -> None:
    with demo_store.sessions() as session:
        codes = list(session.scalars(select(Account.code)))
        amounts = list(session.scalars(select(RevenueMonth.amount_fen)))
        per_account = Counter(session.scalars(select(RevenueMonth.account_id)))
    assert len(codes) == len(set(codes)) == 60
    assert min(amounts) >= 0
    assert set(per_account.values()) == {demo.REVENUE_MONTHS}


def test_portfolio_looks_like_a_real_one(demo_store) -> None:
    with demo_store.sessions() as session:
        tiers = set(session.scalars(select(Account.tier)))
        industries = set(session.scalars(select(Account.industry)))
        roles = Counter(session.scalars(select(Contact.decision_role)))
        contacts = session.scalar(select(func.count(Contact.id)))
        products = session.scalar(select(func.count(ProductHolding.id)))
        visits = session.scalar(select(func.count(Visit.id)))
        names = list(session.scalars(select(Account.name)))
        birthdays = list(session.scalars(select(Contact.birthday)))
        outbox = session.scalar(select(func.count(OutboxEntry.seq)))
    assert len(tiers) >= 4 and industries == set(Industry)
    assert roles[DecisionRole.DECISION_MAKER] == 60 and roles[DecisionRole.LIAISON] == 60
    assert contacts >= 120 and products >= 120 and visits >= 60
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in name) for name in names)
    assert all(birthdays)
    assert outbox == 0, "demo rows arrive as if from the server"


def test_some_accounts_are_declining(demo_store) -> None:
    with demo_store.sessions() as session:
        rows = session.execute(
            select(RevenueMonth.account_id, RevenueMonth.month, RevenueMonth.amount_fen)
        ).all()
    series: dict[str, list[tuple[date, int]]] = {}
    for account_id, month, amount in rows:
        series.setdefault(account_id, []).append((month, amount))
    declining = [s for s in series.values() if sorted(s)[-1][1] < sorted(s)[0][1] * 0.75]
    assert declining


def test_generation_is_deterministic(store, tmp_path) -> None:
    from kamdesk.store.database import open_store

    other = open_store(tmp_path / "other.sqlite3", tmp_path / "b")
    for target in (store, other):
        with target.sessions.begin() as session:
            demo.generate(session, 25, seed=7, today=date(2026, 2, 28))
    snapshot = []
    for target in (store, other):
        with target.sessions() as session:
            snapshot.append(
                session.execute(select(Account.id, Account.code, Account.name).order_by(Account.code)).all()
            )
    other.close()
    assert snapshot[0] == snapshot[1]
