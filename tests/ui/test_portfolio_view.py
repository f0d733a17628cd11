from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from kamdesk.domain import cadence
from kamdesk.domain.portfolio import SortKey
from kamdesk.models import Account, Contact, User
from kamdesk.models.enums import Industry, Tier
from kamdesk.store import outbox
from kamdesk.ui.portfolio_model import ACCOUNT_ID_ROLE, SORT_KEYS, Column, PortfolioTableModel
from kamdesk.ui.portfolio_view import PortfolioView
from tests import factories

pytestmark = pytest.mark.qt


@pytest.fixture
def known(demo_store):
    """Two accounts with names, contacts and phones the tests search for."""
    with demo_store.sessions.begin() as session:
        mobile = outbox.insert(
            session,
            factories.account(
                code="HN0000000001",
                name="中国移动通信集团湖南有限公司",
                tier=Tier.A1,
                industry=Industry.ENTERPRISE,
                primary_manager_id=demo_store.user_id,
            ),
        )
        bank = outbox.insert(
            session,
            factories.account(
                code="HN0000000002", name="长沙银行岳麓支行", tier=Tier.B2, industry=Industry.FINANCE
            ),
        )
        session.flush()
        outbox.insert(session, Contact(account_id=bank.id, name="欧阳喆", mobile="13912345678"))
    return {"mobile": mobile.id, "bank": bank.id}


def make_view(qtbot, store) -> PortfolioView:
    view = PortfolioView(store.sessions, user_id=store.user_id)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.model.loaded, timeout=20000):
        pass
    return view


def search(qtbot, view: PortfolioView, text: str) -> list[str]:
    with qtbot.waitSignal(view.model.loaded, timeout=20000):
        view.search.setText(text)
    return [view.model.index(r, 0).data() for r in range(view.model.rowCount())]


def ids(view: PortfolioView) -> set[str]:
    return {view.model.index(r, 0).data(ACCOUNT_ID_ROLE) for r in range(view.model.rowCount())}


def test_search_by_chinese_full_pinyin_initials_code_contact_and_phone(qtbot, demo_store, known) -> None:
    view = make_view(qtbot, demo_store)
    assert view.model.total == 62
    for text in ("中国移动", "zgyd", "zhongguoyidong", "Zhong Guo Yi Dong", "HN0000000001", "hn0000000001"):
        assert search(qtbot, view, text) == ["中国移动通信集团湖南有限公司"], text
    for text in ("欧阳喆", "ouyangzhe", "oyz", "13912345678", "1391234"):
        assert "长沙银行岳麓支行" in search(qtbot, view, text), text
        assert known["bank"] in ids(view)
    assert search(qtbot, view, "没有这个客户xyz") == []
    assert "0 accounts" in view.count_label.text()


def test_filters_tier_industry_city_and_my_role(qtbot, demo_store, known) -> None:
    view = make_view(qtbot, demo_store)
    with qtbot.waitSignal(view.model.loaded, timeout=20000):
        view.tier_filter.set_values({"A1"})
    rows = [view.model.row_at(r) for r in range(view.model.rowCount())]
    assert rows and all(r.tier is Tier.A1 for r in rows)
    with qtbot.waitSignal(view.model.loaded, timeout=20000):
        view.industry_filter.set_values({"finance"})
    assert all(view.model.row_at(r).industry is Industry.FINANCE for r in range(view.model.rowCount()))
    with qtbot.waitSignal(view.model.loaded, timeout=20000):
        view.tier_filter.set_values(set())
    assert known["bank"] in ids(view)
    with qtbot.waitSignal(view.model.loaded, timeout=20000):
        view.industry_filter.set_values(set())
    city = view.city_filter.values() or {"长沙市"}
    with qtbot.waitSignal(view.model.loaded, timeout=20000):
        view.city_filter.set_values(city)
    assert view.model.rowCount() > 0
    assert all(view.model.row_at(r).city in city for r in range(view.model.rowCount()))
    with qtbot.waitSignal(view.model.loaded, timeout=20000):
        view.city_filter.set_values(set())
    with demo_store.sessions() as session:
        me = demo_store.user_id
        mine = {a.id for a in session.scalars(select(Account).where(Account.primary_manager_id == me))}
        second = {a.id for a in session.scalars(select(Account).where(Account.secondary_manager_id == me))}
    with qtbot.waitSignal(view.model.loaded, timeout=20000):
        view.role_filter.setCurrentIndex(1)
    while view.model.canFetchMore(view.model.index(-1, -1)):
        with qtbot.waitSignal(view.model.rowsInserted, timeout=20000):
            view.model.fetchMore(view.model.index(-1, -1))
    assert ids(view) == mine and known["mobile"] in mine
    with qtbot.waitSignal(view.model.loaded, timeout=20000):
        view.role_filter.setCurrentIndex(2)
    assert ids(view) == second and view.model.total == len(second)


@pytest.mark.parametrize("column", list(Column))
def test_every_column_sorts_in_sql_both_ways(qtbot, demo_store, column) -> None:
    model = PortfolioTableModel(demo_store.sessions)
    with qtbot.waitSignal(model.loaded, timeout=20000):
        model.refresh()
    key = SORT_KEYS[column]
    for descending in (True, False):  # the model starts on name ascending
        with qtbot.waitSignal(model.loaded, timeout=20000):
            model.sort(column, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder)
        assert model.query.sort is key and model.query.descending is descending
        values = [_sort_value(model.row_at(r), key) for r in range(model.rowCount())]
        present = [v for v in values if v is not None]
        assert present == sorted(present, reverse=descending), column
        assert len(set(present)) > 1 or key in (SortKey.PRIMARY, SortKey.SECONDARY, SortKey.COMPLAINTS)


def _sort_value(row, key: SortKey):
    return {
        SortKey.NAME: row.name,
        SortKey.CODE: row.code,
        SortKey.TIER: row.tier.value,
        SortKey.INDUSTRY: row.industry.value,
        SortKey.CITY: row.city,
        SortKey.REVENUE: row.revenue_fen,
        SortKey.TREND: row.trend_permille,
        SortKey.LAST_VISIT: row.last_visit_at,
        SortKey.NEXT_VISIT: row.next_visit_due,
        SortKey.PRIMARY: row.primary_manager,
        SortKey.SECONDARY: row.secondary_manager,
        SortKey.COMPLAINTS: row.open_complaints,
    }[key]


def test_a_stale_index_is_rebuilt_in_the_background_before_the_first_page(qtbot, demo_store) -> None:
    from kamdesk.domain import account_index

    with demo_store.sessions.begin() as session:  # e.g. a store upgraded to a new index version
        account_index.mark_stale(session)
    model = PortfolioTableModel(demo_store.sessions)
    with qtbot.waitSignal(model.loaded, timeout=20000):
        model.refresh()
    assert model.rowCount() == 60
    with demo_store.sessions() as session:
        assert account_index.is_current(session)


def test_model_passes_qtmodeltester(qtbot, qtmodeltester, demo_store) -> None:
    model = PortfolioTableModel(demo_store.sessions)
    with qtbot.waitSignal(model.loaded, timeout=20000):
        model.refresh()
    qtmodeltester.check(model)


def test_revenue_trend_last_visit_and_complaints_columns(qtbot, demo_store, known) -> None:
    view = make_view(qtbot, demo_store)
    model = view.model
    with qtbot.waitSignal(model.loaded, timeout=20000):
        model.sort(Column.COMPLAINTS, Qt.SortOrder.DescendingOrder)
    top = model.row_at(0)
    assert top.open_complaints >= 1 and model.index(0, Column.COMPLAINTS).data() == str(top.open_complaints)
    row = next(model.row_at(r) for r in range(model.rowCount()) if model.row_at(r).trend is not None)
    text = model.index([model.row_at(r) for r in range(model.rowCount())].index(row), Column.TREND).data()
    assert text.startswith(("↑", "↓", "→")) and text.endswith("%")
    assert row.last3_fen is not None and row.previous3_fen is not None
    expected = round((row.last3_fen - row.previous3_fen) * 1000 / row.previous3_fen)
    assert row.trend_permille == expected
    assert row.last_visit_at is not None
    due = next(model.row_at(r) for r in range(model.rowCount()) if model.row_at(r).next_visit_due is not None)
    with demo_store.sessions() as session:  # the list shows what the cadence engine says
        engine = cadence.account_cadence(session, due.id, date.today())
    assert engine is not None and engine.next_due == due.next_visit_due


def test_saved_filters_round_trip_through_the_store(qtbot, demo_store, known) -> None:
    view = make_view(qtbot, demo_store)
    with qtbot.waitSignal(view.model.loaded, timeout=20000):
        view.tier_filter.set_values({"B2"})
    search(qtbot, view, "cs")
    view.save_filter("长沙 B2")
    with qtbot.waitSignal(view.model.loaded, timeout=20000):
        view.tier_filter.set_values(set())
    search(qtbot, view, "")
    other = make_view(qtbot, demo_store)  # a new window reads the filter back from the store
    assert other.saved.findData("长沙 B2") > 0
    with qtbot.waitSignal(other.model.loaded, timeout=20000):
        other.load_filter("长沙 B2")
    assert other.search.text() == "cs" and other.tier_filter.values() == {"B2"}
    assert other.model.query.tiers == frozenset({Tier.B2}) and other.model.query.text == "cs"
    assert known["bank"] in ids(other)


def test_a_renamed_manager_shows_in_the_list(qtbot, demo_store, known) -> None:
    with demo_store.sessions.begin() as session:
        me = session.get(User, demo_store.user_id)
        outbox.update(session, me, display_name="李明明")
    view = make_view(qtbot, demo_store)
    search(qtbot, view, "zgyd")
    assert view.model.index(0, Column.PRIMARY).data() == "李明明"


def test_export_writes_the_filtered_list(qtbot, demo_store, known, tmp_path) -> None:
    from openpyxl import load_workbook

    view = make_view(qtbot, demo_store)
    search(qtbot, view, "银行")
    path = tmp_path / "list.xlsx"
    with qtbot.waitSignal(view.exported, timeout=20000) as signal:
        view.export_to(path)
    assert signal.args == [str(path), view.model.total]
    sheet = load_workbook(path).active
    assert sheet.max_row == view.model.total + 1
    assert all("银行" in sheet.cell(row=r, column=1).value for r in range(2, sheet.max_row + 1))
