"""The sections talk to each other: alerts and plans open the visit form; a submit re-checks alerts."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kamdesk.app import build_sections, connect_sections, create_application
from kamdesk.config import load_settings
from kamdesk.models import Visit
from kamdesk.models.enums import VisitKind, VisitStatus
from kamdesk.ui.main_window import MainWindow

pytestmark = pytest.mark.qt


@pytest.fixture
def window(qtbot, demo_store):
    from kamdesk.domain import templates

    with demo_store.sessions.begin() as session:
        templates.install_builtin(session)
    create_application(load_settings(["--lang", "en"], {}))
    main = MainWindow(demo_store, build_sections(demo_store), demo=True)
    qtbot.addWidget(main)
    return main


def _first_account_id(store) -> str:
    from kamdesk.models import Account

    with store.sessions() as session:
        return session.scalars(select(Account.id).order_by(Account.code)).first()


def test_an_alert_action_opens_the_phone_visit_form(window, demo_store, qtbot) -> None:
    account_id = _first_account_id(demo_store)
    today, visits_view = window.sections["today"], window.sections["visits"]
    connect_sections(window)
    today.log_visit_requested.emit(account_id, VisitKind.PHONE.value, "visit_overdue:x")
    [(visit_id, editor)] = visits_view.editors.items()
    qtbot.addWidget(editor)
    with demo_store.sessions() as session:
        visit = session.get(Visit, visit_id)
        assert (visit.account_id, visit.kind) == (account_id, VisitKind.PHONE)
        assert visit.status == VisitStatus.DRAFT
    assert window.stack.currentWidget() is visits_view


def test_a_planned_visit_opens_in_the_visit_form(window, demo_store, qtbot) -> None:
    from kamdesk.domain import visits

    account_id = _first_account_id(demo_store)
    with demo_store.sessions.begin() as session:
        planned = visits.plan(session, account_id, VisitKind.ONSITE, visits.utcnow())
    connect_sections(window)
    window.sections["plan"].open_visit_requested.emit(planned.id)
    assert planned.id in window.sections["visits"].editors
    qtbot.addWidget(window.sections["visits"].editors[planned.id])


def test_a_submitted_visit_makes_the_alerts_recheck_its_account(window, demo_store, qtbot) -> None:
    account_id = _first_account_id(demo_store)
    today, visits_view = window.sections["today"], window.sections["visits"]
    checked: list[list[str]] = []
    today.service.refresh_accounts = lambda ids: checked.append(list(ids))  # type: ignore[method-assign]
    connect_sections(window)
    today.log_visit_requested.emit(account_id, VisitKind.PHONE.value, "")
    [(visit_id, editor)] = visits_view.editors.items()
    qtbot.addWidget(editor)
    editor.submitted.emit(visit_id)
    assert [account_id] in checked


def test_the_visit_form_and_the_plan_print(window, demo_store, qtbot) -> None:
    from kamdesk.domain import visits

    connect_sections(window)
    account_id = _first_account_id(demo_store)
    with demo_store.sessions.begin() as session:
        planned = visits.plan(session, account_id, VisitKind.ONSITE, visits.utcnow())
    window.sections["plan"].open_visit_requested.emit(planned.id)
    editor = window.sections["visits"].editors[planned.id]
    qtbot.addWidget(editor)
    record = editor.print_record()
    with qtbot.waitSignal(record.ready, timeout=60_000) as done:
        pass
    qtbot.addWidget(done.args[0])
    pack = window.sections["plan"].print_day()
    with qtbot.waitSignal(pack.ready, timeout=60_000) as done:
        pass
    qtbot.addWidget(done.args[0])


def test_account_detail_offers_start_visit_and_print(window, demo_store, qtbot) -> None:
    from kamdesk.ui.account_detail import AccountDetailView

    connect_sections(window)
    account_id = _first_account_id(demo_store)
    detail = AccountDetailView(demo_store.sessions, account_id)
    qtbot.addWidget(detail)
    window.sections["portfolio"].detail_opened.emit(detail)
    assert detail.start_visit_action.isVisible() or not detail.actions_bar.isHidden()
    detail.start_visit_requested.emit(account_id)
    [(visit_id, editor)] = window.sections["visits"].editors.items()
    qtbot.addWidget(editor)
    with demo_store.sessions() as session:
        assert session.get(Visit, visit_id).kind == VisitKind.ONSITE
