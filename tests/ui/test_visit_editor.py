"""Filling every built-in template through the widgets, keyboard first; autosave; errors beside
fields; what-changed review; template version move; the Visits section."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox
from sqlalchemy import select

from kamdesk.domain import templates, visits
from kamdesk.domain.forms import FieldType
from kamdesk.models import Complaint, Contact, Task, Visit
from kamdesk.models.enums import VisitKind, VisitStatus
from kamdesk.ui.visit_editor import VisitEditor
from kamdesk.ui.visit_fields import AttachmentEditor, CheckListEditor, ComboEditor, MultiChoiceEditor
from kamdesk.ui.visits_view import VisitsView
from tests.keyboard import type_text
from tests.visit_store import visit_store, visit_store_file  # noqa: F401

pytestmark = pytest.mark.qt

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"

SAMPLE_TEXT = {
    "member_number": "13874125896",
    "member_name": "刘璟",
    "summary": "客户反映专线运行稳定，对近期服务满意，约定下月再次回访。",
}


@pytest.fixture(autouse=True)
def no_window_outlives_the_test(qapp):
    """Delete every top-level window a test leaves behind: PySide6 6.12 on Python 3.11 can abort
    at interpreter exit ("deallocating True/None") when Qt widgets are still alive then."""
    yield
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()


@pytest.fixture
def account(visit_store):  # noqa: F811
    with visit_store.sessions() as s:
        contact = s.scalars(select(Contact).order_by(Contact.name)).first()
        return contact.account_id


def open_editor(qtbot, store, account_id, kind, template_key, tmp_path) -> VisitEditor:
    with store.sessions.begin() as s:
        visit = visits.start(s, account_id, kind, template_key, duration_minutes=30)
    editor = VisitEditor(store.sessions, visit.id, attachments_dir=tmp_path / "attachments")
    qtbot.addWidget(editor)
    with qtbot.waitActive(editor):
        editor.show()
        editor.activateWindow()
    return editor


def press(widget, key, times=1):
    for _ in range(times):
        QTest.keyClick(widget, key)


def fill_field(editor: VisitEditor, key: str, tmp_path: Path) -> None:
    """Answer one field with the keyboard, as a manager would (attachments through their list)."""
    field_editor = editor.form.editors[key]
    field = field_editor.field
    target = field_editor.focus_widget()
    target.setFocus()
    kind = field.type
    if isinstance(field_editor, ComboEditor):
        combo: QComboBox = field_editor.combo
        # Down from the blank item picks the first option: "Yes" for yes/no, rating 1 → go to 4
        press(combo, Qt.Key.Key_Down, 4 if kind is FieldType.RATING else 1)
    elif isinstance(field_editor, MultiChoiceEditor):
        press(field_editor.boxes[0][1], Qt.Key.Key_Space)
    elif isinstance(field_editor, CheckListEditor):
        field_editor.list.setCurrentRow(0)
        press(field_editor.list, Qt.Key.Key_Space)
    elif isinstance(field_editor, AttachmentEditor):
        photo = tmp_path / "门头照片.jpg"
        photo.write_bytes(b"\xff\xd8\xff" + b"kamdesk" * 300)
        field_editor.add_files([photo])
    else:
        text = SAMPLE_TEXT.get(key) or {
            FieldType.NUMBER: "120",
            FieldType.MONEY: "8000.50",
            FieldType.DATE: "2026-11-26",
            FieldType.TIME: "09:30",
        }.get(kind, f"{field.label}：已与客户确认")
        type_text(target, text)


def fill_visible(editor: VisitEditor, tmp_path: Path) -> set[str]:
    """Answer every visible field once; new fields revealed by answers are filled too."""
    done: set[str] = set()
    while True:
        todo = [k for k in editor.form.editors if editor.form.is_shown(k) and k not in done]
        if not todo:
            return done
        for key in todo:
            if editor.form.is_shown(key):
                fill_field(editor, key, tmp_path)
            done.add(key)


@pytest.mark.parametrize(
    ("template_key", "kind"),
    [
        ("onsite_return_visit", VisitKind.ONSITE),
        ("phone_return_visit", VisitKind.PHONE),
        ("new_member_greeting", VisitKind.PHONE),
        ("complaint_follow_up", VisitKind.PHONE),
    ],
)
def test_fill_and_submit_each_builtin_template(qtbot, visit_store, account, template_key, kind, tmp_path):  # noqa: F811
    editor = open_editor(qtbot, visit_store, account, kind, template_key, tmp_path)
    filled = fill_visible(editor, tmp_path)
    assert len(filled) >= 8
    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    editor.grab().save(str(SHOTS / f"visit_{template_key}.png"))
    editor.confirm_changes = lambda previous, changes: True  # type: ignore[method-assign]
    assert editor.request_submit(), [e.message for e in editor.validation_errors()]
    assert editor.read_only and not editor.submit_button.isVisible()
    with visit_store.sessions() as s:
        visit = s.get(Visit, editor.visit_id)
        assert visit.status is VisitStatus.SUBMITTED
        assert visit.template_key == template_key and visit.template_version == 1
        assert visit.summary == SAMPLE_TEXT["summary"] and visit.duration_minutes == 30
        template = templates.get_template(s, template_key)
        hidden = set(template.fields_by_key) - filled
        assert not hidden & set(visit.answers)
        if template_key == "onsite_return_visit":
            # every yes/no answered "yes": complaint, need, competitor note and task all recorded
            assert (
                s.scalars(select(Complaint).where(Complaint.visit_id == visit.id)).one().severity == "normal"
            )
            assert (
                s.scalars(select(Task).where(Task.visit_id == visit.id)).one().due_on.isoformat()
                == "2026-11-26"
            )
            photo = visit.answers["photos"][0]
            stored = tmp_path / "attachments" / photo["sha256"][:2] / photo["sha256"]
            assert stored.read_bytes().startswith(b"\xff\xd8\xff") and photo["name"] == "门头照片.jpg"
            assert visit.answers["need_value"] == 800050 and visit.answers["employee_count"] == 120


def test_tab_walks_the_fields_in_order(qtbot, visit_store, account, tmp_path):  # noqa: F811
    editor = open_editor(qtbot, visit_store, account, VisitKind.PHONE, "phone_return_visit", tmp_path)
    editor.form.focus_field("call_reason")
    visited = []
    for _ in range(6):
        focused = QApplication.focusWidget()
        assert focused is not None
        owner = next(
            (k for k, e in editor.form.editors.items() if e.isAncestorOf(focused) or e is focused), None
        )
        visited.append(owner)
        QTest.keyClick(focused, Qt.Key.Key_Tab)
    # alert_detail and the not-reached fields are hidden: Tab skips them
    assert visited[:3] == ["call_reason", "reached", "summary"]


def test_conditional_fields_and_errors_beside_the_field(qtbot, visit_store, account, tmp_path):  # noqa: F811
    editor = open_editor(qtbot, visit_store, account, VisitKind.ONSITE, "onsite_return_visit", tmp_path)
    assert not editor.form.is_shown("complaint")
    yes_no = editor.form.editors["has_complaint"].combo
    yes_no.setFocus()
    QTest.keyClick(yes_no, Qt.Key.Key_Down)  # Yes
    assert editor.form.is_shown("complaint") and editor.form.is_shown("complaint_severity")
    QTest.keyClick(yes_no, Qt.Key.Key_Down)  # No
    assert not editor.form.is_shown("complaint")
    editor.form.editors["network_quality"].combo.setCurrentIndex(0)
    assert not editor.request_submit()
    row = editor.form.rows["contacts_met"]
    assert row.error_label.isVisible() and "接待人" in row.error_label.text()
    assert editor.form.rows["summary"].error_label.isVisible()
    assert not editor.form.rows["location"].error_label.isVisible()  # optional field: no error
    # answering a field clears its error
    editor.form.focus_field("summary")
    type_text(QApplication.focusWidget(), "客户要求下周提供方案")
    assert not editor.form.rows["summary"].error_label.isVisible()
    editor.grab().save(str(SHOTS / "visit_errors.png")) if SHOTS.exists() else None


def test_autosave_on_typing_and_on_close(qtbot, visit_store, account, tmp_path):  # noqa: F811
    editor = open_editor(qtbot, visit_store, account, VisitKind.ONSITE, "onsite_return_visit", tmp_path)
    editor.form.focus_field("location")
    with qtbot.waitSignal(editor.saved, timeout=5000):
        type_text(QApplication.focusWidget(), "客户办公楼")
    with visit_store.sessions() as s:
        assert s.get(Visit, editor.visit_id).answers == {"location": "客户办公楼"}
    editor.form.focus_field("summary")
    type_text(QApplication.focusWidget(), "未完")
    editor.close()  # before the debounce fires
    with visit_store.sessions() as s:
        assert s.get(Visit, editor.visit_id).answers["summary"] == "未完"


def test_focus_change_saves_at_once(qtbot, visit_store, account, tmp_path):  # noqa: F811
    editor = open_editor(qtbot, visit_store, account, VisitKind.ONSITE, "onsite_return_visit", tmp_path)
    editor.form.focus_field("location")
    type_text(QApplication.focusWidget(), "三楼")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    with visit_store.sessions() as s:
        assert s.get(Visit, editor.visit_id).answers == {"location": "三楼"}


def test_late_entry_reason_appears_and_is_required(qtbot, visit_store, account, tmp_path):  # noqa: F811
    editor = open_editor(qtbot, visit_store, account, VisitKind.PHONE, "phone_return_visit", tmp_path)
    assert not editor.late_reason.isVisibleTo(editor)
    editor.occurred.setDateTime(editor.occurred.dateTime().addDays(-6))
    assert editor.late_reason.isVisibleTo(editor)
    assert not editor.request_submit()
    assert editor.header_errors["late_reason"].isVisible()


def test_start_from_last_visit_shows_what_changed_before_submit(qtbot, visit_store, account, tmp_path):  # noqa: F811
    with visit_store.sessions.begin() as s:
        contact = s.scalars(select(Contact.id).where(Contact.account_id == account)).first()
        first = visits.start(s, account, VisitKind.PHONE, now=datetime.now(UTC) - timedelta(days=30))
        visits.save_draft(
            s,
            first.id,
            answers={
                "call_reason": "monthly",
                "reached": True,
                "contacts_met": [contact],
                "has_complaint": False,
                "satisfaction": 4,
                "summary": "例行回访",
            },
        )
        visits.submit(s, first.id)
    view = VisitsView(visit_store.sessions, tmp_path / "attachments")
    qtbot.addWidget(view)
    editor = view.quick_phone_log(account)
    qtbot.addWidget(editor)
    assert editor.form.editors["satisfaction"].value() == 4  # prefilled
    editor.form.editors["satisfaction"].combo.setCurrentIndex(5)
    seen = {}

    def review(previous, changes):
        seen["changes"] = [(c.label, c.before, c.after) for c in changes]
        return False  # back to the form

    editor.confirm_changes = review  # type: ignore[method-assign]
    assert not editor.request_submit()
    assert seen["changes"] == [("客户满意度", "★★★★☆", "★★★★★")]
    assert not editor.read_only


def test_visits_view_lists_drafts_first_and_opens_them(qtbot, visit_store, account, tmp_path):  # noqa: F811
    with visit_store.sessions.begin() as s:
        draft = visits.start(s, account, VisitKind.ONSITE)
        visits.save_draft(s, draft.id, answers={"summary": "草稿内容"})
    view = VisitsView(visit_store.sessions, tmp_path / "attachments")
    qtbot.addWidget(view)
    view.show()
    assert view.has_drafts() and view.drafts_banner.isVisible()
    assert view.model.index(0, 0).data(Qt.ItemDataRole.UserRole) == draft.id
    SHOTS.mkdir(parents=True, exist_ok=True)
    view.grab().save(str(SHOTS / "visits_view.png"))
    editor = view.open_latest_draft()
    qtbot.addWidget(editor)
    assert editor.form.editors["summary"].value() == "草稿内容"
    assert view.open_visit(draft.id) is editor  # one window per visit


def test_planned_visit_opens_as_draft(qtbot, visit_store, account, tmp_path):  # noqa: F811
    with visit_store.sessions.begin() as s:
        planned = visits.plan(s, account, VisitKind.ONSITE, datetime.now(UTC) + timedelta(days=1))
    view = VisitsView(visit_store.sessions, tmp_path / "attachments")
    qtbot.addWidget(view)
    editor = view.open_visit(planned.id)
    qtbot.addWidget(editor)
    assert editor.visit.status is VisitStatus.DRAFT and not editor.read_only


def test_submitted_visit_is_read_only_and_can_be_amended(qtbot, visit_store, account, tmp_path):  # noqa: F811
    with visit_store.sessions() as s:
        submitted_id = s.scalars(
            select(Visit.id).where(Visit.account_id == account, Visit.status == VisitStatus.SUBMITTED)
        ).first()
    view = VisitsView(visit_store.sessions, tmp_path / "attachments")
    qtbot.addWidget(view)
    editor = view.open_visit(submitted_id)
    qtbot.addWidget(editor)
    assert editor.read_only and editor.amend_button.isVisible() and not editor.submit_button.isVisible()
    assert not editor.form.editors["summary"].isEnabled()
    new_id = editor.amend()
    amendment = view.editors[new_id]
    qtbot.addWidget(amendment)
    assert amendment.visit.amends_id == submitted_id and not amendment.read_only


def test_move_draft_to_newer_template_version(qtbot, visit_store, account, tmp_path):  # noqa: F811
    editor = open_editor(qtbot, visit_store, account, VisitKind.PHONE, "phone_return_visit", tmp_path)
    editor.form.focus_field("summary")
    type_text(QApplication.focusWidget(), "已回访")
    editor.save()
    assert not editor.version_banner.isVisibleTo(editor)
    with visit_store.sessions.begin() as s:
        newer = next(d for d in templates.builtin_definitions() if d["key"] == "phone_return_visit")
        newer = {**newer, "version": 2}
        templates.publish(s, newer)
    editor.close()
    editor = VisitEditor(visit_store.sessions, editor.visit_id, attachments_dir=tmp_path)
    qtbot.addWidget(editor)
    assert editor.version_banner.isVisibleTo(editor)
    assert editor.move_to_newer_version() == []
    assert editor.context.template.version == 2 and editor.form.editors["summary"].value() == "已回访"


def test_app_start_shows_drafts_first_and_opens_the_visit_asked_for(qtbot, visit_store, account, tmp_path):  # noqa: F811
    from kamdesk.app import build_sections, reopen_visits
    from kamdesk.config import load_settings
    from kamdesk.ui.main_window import MainWindow

    with visit_store.sessions.begin() as s:
        draft = visits.start(s, account, VisitKind.PHONE)
    window = MainWindow(visit_store, build_sections(visit_store), demo=True)
    qtbot.addWidget(window)
    reopen_visits(window, load_settings(["--open-visit", draft.id], {}))
    view = window.section("visits")
    assert window.stack.currentWidget() is view
    qtbot.waitUntil(lambda: draft.id in view.editors)
    qtbot.addWidget(view.editors[draft.id])
