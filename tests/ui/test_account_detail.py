from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtWidgets import QDialog
from sqlalchemy import select

from kamdesk.domain import portfolio
from kamdesk.models import Account, Contact, OutboxEntry, ProductHolding
from kamdesk.models.enums import DecisionRole, Tier
from kamdesk.ui.account_detail import EXPIRING_BACKGROUND, AccountDetailView

pytestmark = pytest.mark.qt
TODAY = date(2026, 11, 23)


@pytest.fixture
def account_id(demo_store) -> str:
    with demo_store.sessions() as session:
        return session.scalars(select(Account.id).order_by(Account.code)).first()


def open_view(qtbot, store, account_id: str) -> AccountDetailView:
    view = AccountDetailView(store.sessions, account_id, today=TODAY)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=20000):
        pass
    return view


def entries(store, entity: str) -> list[OutboxEntry]:
    with store.sessions() as session:
        return list(session.scalars(select(OutboxEntry).where(OutboxEntry.entity == entity)))


def test_detail_shows_profile_contacts_products_chart_and_history(qtbot, demo_store, account_id) -> None:
    view = open_view(qtbot, demo_store, account_id)
    detail = view.detail
    assert view.title.text() == detail.profile.name and detail.profile.code in view.subtitle.text()
    assert view.contacts_table.rowCount() == len(detail.contacts) >= 2
    assert detail.contacts[0].decision_role is DecisionRole.DECISION_MAKER  # decision-makers first
    assert view.contacts_table.item(0, 1).text() == "Decision-maker"
    assert len(detail.revenue) == 13 and len(view.chart.points) == 13
    assert all(p.amount_fen for p in detail.revenue)
    assert view.visits_table.rowCount() == len(detail.visits) >= 1
    for row, product in enumerate(detail.products):
        expected = product.end_date is not None and product.end_date <= TODAY + timedelta(days=90)
        assert product.expiring is expected
        highlighted = view.products_table.item(row, 0).background().color() == EXPIRING_BACKGROUND
        assert highlighted is expected


def test_expiring_contract_is_highlighted(qtbot, demo_store, account_id) -> None:
    from kamdesk.store import outbox

    with demo_store.sessions.begin() as session:
        outbox.insert(
            session,
            ProductHolding(
                account_id=account_id,
                product_code="DIA1000",
                product_name="互联网专线 1000M",
                category="data_line",
                end_date=TODAY + timedelta(days=20),
            ),
        )
    view = open_view(qtbot, demo_store, account_id)
    row = next(
        r
        for r in range(view.products_table.rowCount())
        if view.products_table.item(r, 0).text() == "互联网专线 1000M"
    )
    assert view.products_table.item(row, 5).background().color() == EXPIRING_BACKGROUND


def test_profile_edit_validates_inline_in_chinese_and_saves_through_the_outbox(
    qtbot, demo_store, account_id, chinese
) -> None:
    view = open_view(qtbot, demo_store, account_id)
    form = view.profile
    before = len(entries(demo_store, "accounts"))
    form.name.setText("   ")
    form.customer_since.setText("2099-01-01")
    assert form.save() is False
    assert form.errors.message("name") == "请输入客户名称。"
    assert form.errors.message("customer_since") == "日期不能晚于今天。"
    form.customer_since.setText("2020-13-45")
    assert (
        form.save() is False and form.errors.message("customer_since") == "请按 2024-03-15 的格式输入日期。"
    )
    assert len(entries(demo_store, "accounts")) == before  # nothing written
    form.name.setText("湖南省长沙市芙蓉区人民政府办公室（新）")
    form.customer_since.setText("2018-06-01")
    form.tier.setCurrentIndex(form.tier.findData("A1"))
    with qtbot.waitSignal(view.changed, timeout=5000), qtbot.waitSignal(view.loaded, timeout=20000):
        assert form.save() is True
    assert form.errors.message("name") == ""
    with demo_store.sessions() as session:
        account = session.get(Account, account_id)
        assert account.name == "湖南省长沙市芙蓉区人民政府办公室（新）" and account.tier is Tier.A1
        assert account.customer_since == date(2018, 6, 1)
        patch = session.scalars(
            select(OutboxEntry).where(OutboxEntry.entity_id == account_id).order_by(OutboxEntry.seq.desc())
        ).first()
        assert patch.op == "patch" and patch.payload["tier"] == "A1" and "name" in patch.payload
        # the list index follows the edit: the new name is searchable at once, in pinyin too
        assert account_id in portfolio.search_matches(session, "hnscssfrq")
    assert view.title.text() == "湖南省长沙市芙蓉区人民政府办公室（新）"


def test_contact_add_and_edit_with_inline_messages(qtbot, demo_store, account_id, chinese) -> None:
    view = open_view(qtbot, demo_store, account_id)
    count = view.contacts_table.rowCount()
    dialog = view.open_contact(None)
    dialog.name.setText("")
    dialog.mobile.setText("1380731")
    dialog.email.setText("not-an-email")
    dialog.birthday.setText("1985-02-30")
    assert dialog.save() is False
    assert dialog.errors.message("birthday") == "请按 2024-03-15 的格式输入日期。"
    dialog.birthday.setText("1985-02-28")
    assert dialog.save() is False
    assert dialog.errors.message("name") == "请输入联系人姓名。"
    assert dialog.errors.message("mobile") == "手机号码为 11 位数字，以 1 开头，例如 13807310001。"
    assert dialog.errors.message("email") == "请输入电子邮箱，例如 name@example.com。"
    assert dialog.isVisible()
    dialog.name.setText("欧阳堃")
    dialog.mobile.setText("138 0731 0001")
    dialog.email.setText("ouyk@example.com")
    dialog.role.setCurrentIndex(dialog.role.findData("influencer"))
    with qtbot.waitSignal(view.loaded, timeout=20000):
        assert dialog.save() is True
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert view.contacts_table.rowCount() == count + 1
    with demo_store.sessions() as session:
        contact = session.scalars(select(Contact).where(Contact.name == "欧阳堃")).one()
        assert contact.mobile == "13807310001" and contact.birthday == date(1985, 2, 28)
        assert contact.decision_role is DecisionRole.INFLUENCER
        assert account_id in portfolio.search_matches(session, "oyk")
    insert = [e for e in entries(demo_store, "contacts") if e.entity_id == contact.id]
    assert [e.op for e in insert] == ["insert"]
    row = next(
        r for r in range(view.contacts_table.rowCount()) if view.contacts_table.item(r, 0).text() == "欧阳堃"
    )
    view.contacts_table.selectRow(row)
    editing = view.open_contact(view.detail.contacts[row])
    editing.phone.setText("0731-8456123")
    with qtbot.waitSignal(view.loaded, timeout=20000):
        assert editing.save() is True
    with demo_store.sessions() as session:
        assert session.get(Contact, contact.id).phone == "0731-8456123"


def test_start_visit_action_emits_the_account(qtbot, demo_store, account_id) -> None:
    view = open_view(qtbot, demo_store, account_id)
    assert not view.start_visit_action.isVisible()
    view.show_actions()
    with qtbot.waitSignal(view.start_visit_requested) as signal:
        view.start_visit_action.trigger()
    assert signal.args == [account_id]
    with qtbot.waitSignal(view.print_previsit_requested) as signal:
        view.print_action.trigger()
    assert signal.args == [account_id]
