from __future__ import annotations

import json
from datetime import date, time

import pytest

from kamdesk.domain import templates
from kamdesk.domain.clock import business_datetime
from kamdesk.domain.forms import TemplateError
from kamdesk.models.enums import VisitStatus
from kamdesk.printing.data import day_pack_data, find_template, previsit_data
from kamdesk.printing.form_sheet import answer_chunks
from kamdesk.printing.previsit import birthday_text, contract_text, next_birthday
from tests.unit.printing import seed


def test_previsit_data_holds_six_months_three_visits_and_open_items(store, chinese) -> None:
    with store.sessions.begin() as session:
        user_id = seed.add_user(session, "王建华")
        account_id = seed.add_account(session, manager_id=user_id)
    with store.sessions() as session:
        sheet = previsit_data(session, account_id, today=seed.TODAY)
    assert [b.month for b in sheet.billing] == [date(2026, m, 1) for m in range(5, 11)]
    assert all(b.amount_fen for b in sheet.billing)
    assert [v.summary[:4] for v in sheet.recent_visits] == ["20天前", "60天前", "100天"]
    assert sheet.recent_visits[0].manager == "王建华"
    assert sheet.contacts[0].role == "decision_maker"
    assert sheet.account.primary_manager == "王建华"
    assert sheet.account.address == "长沙市岳麓区麓谷大道668号"  # the city is not repeated
    assert [c.summary for c in sheet.complaints] == ["专线中断超过2小时，客户要求说明原因并赔付"]
    assert sheet.complaints[0].major
    assert [n.title for n in sheet.needs] == ["视频监控上云"]
    assert sheet.products[0].name == "集团V网（VPMN）"  # soonest contract end first


def test_missing_billing_months_stay_empty(store) -> None:
    with store.sessions.begin() as session:
        account_id = seed.add_account(session, with_history=False)
    with store.sessions() as session:
        sheet = previsit_data(session, account_id, today=seed.TODAY)
    assert len(sheet.billing) == 6
    assert all(b.amount_fen is None for b in sheet.billing)


def test_day_pack_takes_planned_and_draft_visits_of_that_day_for_that_manager(store) -> None:
    with store.sessions.begin() as session:
        me = seed.add_user(session)
        colleague = seed.add_user(session, "张伟")
        account_id = seed.add_account(session, with_history=False)
        late = seed.add_visit(
            session, account_id, planned=business_datetime(seed.TODAY, time(23, 30)), owner_id=me
        )
        early = seed.add_visit(
            session,
            account_id,
            planned=business_datetime(seed.TODAY, time(0, 10)),
            owner_id=me,
            status=VisitStatus.DRAFT,
        )
        seed.add_visit(session, account_id, owner_id=colleague)
        seed.add_visit(session, account_id, owner_id=me, status=VisitStatus.CANCELLED)
        seed.add_visit(session, account_id, owner_id=me, status=VisitStatus.SUBMITTED)
        seed.add_visit(
            session, account_id, planned=business_datetime(date(2026, 11, 24), time(0, 5)), owner_id=me
        )
    with store.sessions() as session:
        pack = day_pack_data(session, seed.TODAY, user_id=me)
        everyone = day_pack_data(session, seed.TODAY)
    assert [e.visit_id for e in pack.entries] == [early, late]
    assert pack.entries[0].planned_at.strftime("%H:%M") == "00:10"  # Shanghai time
    assert len(everyone.entries) == 3


def test_the_template_comes_from_the_store_then_the_shipped_files(store, tmp_path, monkeypatch) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    shipped = seed.small_template("shipped_form", 3)
    (folder / "shipped.json").write_text(json.dumps(shipped, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(templates, "resource", lambda *parts: folder)
    with store.sessions() as session:
        assert find_template(session).key == "shipped_form"
    with store.sessions.begin() as session:
        seed.add_template(session, seed.small_template("store_form", 1))
    with store.sessions() as session:
        found = find_template(session)
        assert (found.key, found.name) == ("store_form", "大客户上门回访表")
        assert found.field("complaint").show_if is not None  # the form engine's model
        assert find_template(session, key="shipped_form", version=3).version == 3
        assert find_template(session, key="nothing") is None


def test_a_template_the_form_engine_refuses_is_not_printed(store) -> None:
    """The sheets print the form the visit editor shows; a definition it cannot show (here a field
    type this version does not know) is refused with the form engine's words, not guessed at."""
    definition = seed.small_template("gps_form", 1)
    definition["sections"][0]["fields"].append({"key": "where", "type": "gps", "label": "定位"})
    with store.sessions.begin() as session:
        seed.add_template(session, definition)
    with store.sessions() as session, pytest.raises(TemplateError, match="gps"):
        find_template(session, key="gps_form")


def test_birthdays_and_contract_ends_are_flagged(chinese) -> None:
    today = date(2027, 2, 20)
    assert next_birthday(date(1980, 2, 29), today) == date(2027, 2, 28)
    assert birthday_text(date(1980, 2, 29), today) == "02-29（8 天后）"
    assert birthday_text(date(1980, 2, 20), today) == "02-20（今天）"
    assert birthday_text(date(1980, 6, 1), today) == "06-01"
    assert contract_text(date(2027, 2, 1), today) == ("2027-02-01（已到期）", True)
    assert contract_text(date(2027, 3, 1), today) == ("2027-03-01（9 天后到期）", True)
    assert contract_text(date(2028, 3, 1), today) == ("2028-03-01", False)


def test_long_answers_are_cut_at_punctuation() -> None:
    text = "客户反映专线晚高峰丢包，" * 40
    chunks = answer_chunks(text)
    assert "".join(chunks) == text
    assert all(len(chunk) <= 160 for chunk in chunks)
    assert all(chunk.endswith("，") for chunk in chunks)


def test_a_day_pack_read_in_bulk_holds_each_accounts_own_sheet(demo_store) -> None:
    """The pack reads all accounts' rows at once; each sheet must equal the one-account read."""
    from sqlalchemy import select

    from kamdesk.models import Account

    with demo_store.sessions() as session:
        account_ids = list(session.scalars(select(Account.id).order_by(Account.code).limit(8)))
    with demo_store.sessions.begin() as session:
        for index, account_id in enumerate(account_ids):
            planned = business_datetime(seed.TODAY, time(8 + index, 0))
            seed.add_visit(session, account_id, planned=planned, owner_id=demo_store.user_id)
    with demo_store.sessions() as session:
        pack = day_pack_data(session, seed.TODAY, user_id=demo_store.user_id)
        assert [e.sheet.account.id for e in pack.entries] == account_ids
        for entry in pack.entries:
            alone = previsit_data(
                session,
                entry.sheet.account.id,
                today=seed.TODAY,
                template_key=entry.sheet.template.key if entry.sheet.template else None,
                planned_at=business_datetime(seed.TODAY, time(0, 0)),
            )
            assert entry.sheet.contacts and entry.sheet.recent_visits
            for part in (
                "account",
                "contacts",
                "products",
                "billing",
                "recent_visits",
                "complaints",
                "needs",
            ):
                assert getattr(entry.sheet, part) == getattr(alone, part), part
