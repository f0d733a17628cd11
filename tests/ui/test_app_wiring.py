"""The sections talk to each other: alerts and plans open the visit form; a submit re-checks alerts."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QObject, Signal
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
    today, visits_view = window.section("today"), window.section("visits")
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
    window.section("plan").open_visit_requested.emit(planned.id)
    assert planned.id in window.section("visits").editors
    qtbot.addWidget(window.section("visits").editors[planned.id])


def test_a_submitted_visit_makes_the_alerts_recheck_its_account(window, demo_store, qtbot) -> None:
    account_id = _first_account_id(demo_store)
    today, visits_view = window.section("today"), window.section("visits")
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
    window.section("plan").open_visit_requested.emit(planned.id)
    editor = window.section("visits").editors[planned.id]
    qtbot.addWidget(editor)
    record = editor.print_record()
    with qtbot.waitSignal(record.ready, timeout=60_000) as done:
        pass
    qtbot.addWidget(done.args[0])
    pack = window.section("plan").print_day()
    with qtbot.waitSignal(pack.ready, timeout=60_000) as done:
        pass
    qtbot.addWidget(done.args[0])


def test_account_detail_offers_start_visit_and_print(window, demo_store, qtbot) -> None:
    from kamdesk.ui.account_detail import AccountDetailView

    connect_sections(window)
    account_id = _first_account_id(demo_store)
    detail = AccountDetailView(demo_store.sessions, account_id)
    qtbot.addWidget(detail)
    window.section("portfolio").detail_opened.emit(detail)
    assert detail.start_visit_action.isVisible() or not detail.actions_bar.isHidden()
    detail.start_visit_requested.emit(account_id)
    [(visit_id, editor)] = window.section("visits").editors.items()
    qtbot.addWidget(editor)
    with demo_store.sessions() as session:
        assert session.get(Visit, visit_id).kind == VisitKind.ONSITE


class RecordingController(QObject):
    """Stands in for the sync controller: counts the syncs a submit starts, and says when a
    sync brought data in."""

    data_changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.syncs = 0

    def sync_now(self) -> bool:
        self.syncs += 1
        return True


def test_only_the_start_page_is_built_at_attach(window) -> None:
    assert list(window.sections) == ["today"]
    assert window.stack.currentWidget() is window.sections["today"]
    entries = [window.navigation.item(row).text() for row in range(window.navigation.count())]
    assert [entry.split(" (")[0] for entry in entries] == ["Today", "Portfolio", "Plan", "Visits", "Reports"]


def test_a_section_is_built_when_first_shown_and_only_once(window) -> None:
    assert not window.is_built("reports")
    window.navigation.setCurrentRow(4)  # the manager clicks "Reports"
    reports = window.sections["reports"]
    assert window.stack.currentWidget() is reports
    window.navigation.setCurrentRow(0)
    window.navigation.setCurrentRow(4)
    assert window.sections["reports"] is reports and window.stack.currentWidget() is reports
    assert sorted(window.sections) == ["reports", "today"]


def test_the_plan_entry_counts_the_weeks_visits_before_the_plan_is_built(window, demo_store) -> None:
    from kamdesk.domain import visits

    def entry() -> str:
        return window.navigation.item(2).text()

    def planned_now() -> None:
        with demo_store.sessions.begin() as session:
            visits.plan(session, _first_account_id(demo_store), VisitKind.ONSITE, visits.utcnow())

    before = entry()
    planned_now()
    window.section("today").service.changed.emit()  # the alerts re-checked after the plan changed
    after = entry()
    count = int(before.removeprefix("Plan (").removesuffix(")")) if "(" in before else 0
    assert after == f"Plan ({count + 1})"
    assert not window.is_built("plan")
    plan = window.show_section("plan")
    assert plan.badge_text() == after == entry()
    planned_now()
    plan.reload()  # once built, the view keeps its entry up to date itself
    assert entry() == f"Plan ({count + 2})"


def test_an_alert_opens_the_visit_form_in_a_visits_section_built_on_demand(window, demo_store, qtbot) -> None:
    account_id = _first_account_id(demo_store)
    controller = RecordingController()
    connect_sections(window, controller)  # type: ignore[arg-type]
    assert not window.is_built("visits")
    today = window.section("today")
    checked: list[list[str]] = []
    today.service.refresh_accounts = lambda ids: checked.append(list(ids))  # type: ignore[method-assign]
    today.log_visit_requested.emit(account_id, VisitKind.PHONE.value, "visit_overdue:x")
    visits_view = window.sections["visits"]
    assert window.stack.currentWidget() is visits_view
    [(visit_id, editor)] = visits_view.editors.items()
    qtbot.addWidget(editor)
    editor.submitted.emit(visit_id)  # wired when Visits was built, after connect_sections ran
    assert checked == [[account_id]] and controller.syncs == 1


def test_the_sync_page_signs_in_and_out_once_it_is_built(qtbot, demo_store) -> None:
    from kamdesk.app import Shell
    from kamdesk.domain.workspace import Workspace

    settings = load_settings(["--lang", "en"], {})
    app = create_application(settings)
    main = MainWindow()
    qtbot.addWidget(main)
    shell = Shell(app, main, settings)
    asked: list[str] = []
    shell.ask_sign_in = lambda reason="": asked.append("sign in")  # type: ignore[method-assign]
    shell.sign_out = lambda: asked.append("sign out")  # type: ignore[method-assign]
    shell.attach(Workspace(demo_store, demo=True))
    try:
        assert not main.is_built("sync")
        sync_view = main.show_section("sync")
        sync_view.sign_in_requested.emit()
        sync_view.sign_out_requested.emit()
        assert asked == ["sign in", "sign out"]
    finally:
        shell.controller.stop()


def test_what_a_sync_brings_in_refreshes_the_alerts_and_the_lists(window, qtbot) -> None:
    controller = RecordingController()
    calls: list[str] = []
    today, portfolio = window.section("today"), window.section("portfolio")
    visits_view = window.section("visits")
    today.service.refresh_all = lambda: calls.append("alerts")  # type: ignore[method-assign]
    portfolio.model.refresh = lambda: calls.append("portfolio")  # type: ignore[method-assign]
    visits_view.refresh = lambda: calls.append("visits")  # type: ignore[method-assign]
    connect_sections(window, controller)  # type: ignore[arg-type]
    controller.data_changed.emit()
    assert sorted(calls) == ["alerts", "portfolio", "visits"]
