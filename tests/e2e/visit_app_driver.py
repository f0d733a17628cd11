"""Test-only entry: runs the real app (``kamdesk.app.run``) and scripts one scenario in it.

    python -m tests.e2e.visit_app_driver MODE [kamdesk options…]

MODE ``type``: start an on-site visit from the Visits section, type into its summary field and
print ``SAVED <id>`` once autosave has written it; then keep running (the test SIGKILLs us).
MODE ``check``: print JSON describing the drafts the restarted app shows and the text in the
reopened draft's summary field, then quit.
MODE ``submit-pause-inside`` / ``submit-pause-after`` / ``submit``: fill a complete visit, press
Submit, and stop (sleep) inside the submit transaction after every row is flushed, or right after
it commits, or not at all; ``SUBMITTING <id>`` is printed just before.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from kamdesk.app import run
from kamdesk.config import load_settings
from kamdesk.domain import visits
from kamdesk.i18n import set_language
from kamdesk.models import Contact
from kamdesk.models.enums import VisitKind
from kamdesk.ui.main_window import MainWindow
from kamdesk.ui.visits_view import VisitsView
from tests.keyboard import type_text

TYPED = "客户反映专线上周中断两次，要求48小时内给出原因说明"


def say(line: str) -> None:
    print(line, flush=True)


def first_account(view: VisitsView) -> tuple[str, str]:
    with view.sessions() as session:
        contact = session.scalars(select(Contact).order_by(Contact.name)).first()
        return contact.account_id, contact.id


def scenario_type(view: VisitsView) -> None:
    account_id, _contact = first_account(view)
    editor = view.start_visit(account_id, VisitKind.ONSITE, prefill_from_last=False)
    editor.activateWindow()
    editor.saved.connect(lambda visit_id: say(f"SAVED {visit_id}"))
    editor.form.focus_field("summary")
    type_text(editor.form.editors["summary"].focus_widget(), TYPED)


def scenario_check(window: MainWindow, view: VisitsView) -> None:
    drafts = [v.id for v in view.model.drafts()]
    report: dict[str, Any] = {
        "drafts": drafts,
        "first_row": view.model.index(0, 0).data(256) if view.model.rowCount() else None,
        "section_is_visits": window.stack.currentWidget() is view,
        "banner": view.drafts_banner.isVisibleTo(view),
    }
    if drafts:
        editor = view.open_latest_draft()
        assert editor is not None
        report["summary"] = editor.form.editors["summary"].value()
        editor.close()
    say("CHECK " + json.dumps(report, ensure_ascii=False))
    QTimer.singleShot(0, QApplication.instance().quit)  # type: ignore[union-attr]


def complete_answers(contact_id: str) -> dict[str, Any]:
    return {
        "visit_purpose": "routine",
        "contacts_met": [contact_id],
        "appointment_confirmed": True,
        "network_quality": 3,
        "bill_checked": False,
        "spend_trend": "stable",
        "has_complaint": True,
        "complaint": TYPED,
        "complaint_severity": "normal",
        "answered_on_site": True,
        "has_need": True,
        "need_title": "视频监控上云",
        "need_category": "cloud",
        "competitor_seen": True,
        "competitor_name": "telecom",
        "competitor_offer": "千兆专线首年五折",
        "churn_risk": "medium",
        "satisfaction": 3,
        "follow_up_needed": True,
        "follow_up": "协调网络部出具中断原因报告",
        "follow_up_due": "2026-12-01",
        "summary": "客户对专线中断不满，已承诺48小时内答复。",
    }


def scenario_submit(view: VisitsView, pause: str | None) -> None:
    account_id, contact_id = first_account(view)
    with view.sessions.begin() as session:
        draft = visits.start(session, account_id, VisitKind.ONSITE)
        visits.save_draft(session, draft.id, answers=complete_answers(contact_id), duration_minutes=45)
    editor = view.open_visit(draft.id)
    editor.confirm_changes = lambda previous, changes: True  # type: ignore[method-assign]
    create_records = visits._create_records

    def create_then_pause(*args: Any, **kwargs: Any) -> Any:
        result = create_records(*args, **kwargs)
        args[0].flush()  # every row is in the database file's WAL, uncommitted
        if pause == "inside":
            say("PAUSED-INSIDE")
            time.sleep(600)
        return result

    visits._create_records = create_then_pause  # type: ignore[assignment]

    def go() -> None:
        say(f"SUBMITTING {draft.id}")
        ok = editor.request_submit()
        say(f"SUBMITTED {ok}")
        if pause == "after":
            time.sleep(600)

    QTimer.singleShot(50, go)


def main() -> None:
    mode, argv = sys.argv[1], sys.argv[2:]
    settings = load_settings(argv)
    set_language(settings.language)

    def on_window(window: MainWindow) -> None:
        view = window.section("visits")
        assert isinstance(view, VisitsView)
        say("STARTED")
        if mode == "type":
            QTimer.singleShot(0, lambda: scenario_type(view))
        elif mode == "check":
            QTimer.singleShot(0, lambda: scenario_check(window, view))
        elif mode.startswith("submit"):
            pause = mode.removeprefix("submit").removeprefix("-pause-") or None
            QTimer.singleShot(0, lambda: scenario_submit(view, pause))

    sys.exit(run(settings, on_window=on_window))


if __name__ == "__main__":
    main()
