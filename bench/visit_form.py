"""Time to open a 40-field visit form and to submit it (targets: open < 100 ms, submit < 50 ms).

    QT_QPA_PLATFORM=offscreen python bench/visit_form.py

"open" = load the visit, its template and the account's contacts/products, build every widget,
fill in the draft's answers and show the window. "submit" = validate, write the visit, its
complaint/opportunity/competitor note/task and their outbox entries, and commit with
synchronous=FULL (one fsync). Medians and worst of several runs are printed.
"""

from __future__ import annotations

import copy
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from kamdesk.domain import demo, templates, visits
from kamdesk.domain.forms import parse_template
from kamdesk.models import Contact
from kamdesk.models.enums import VisitKind
from kamdesk.store.database import open_store
from kamdesk.ui.fonts import install_cjk_font
from kamdesk.ui.visit_editor import VisitEditor

RUNS = 15


def forty_field_template() -> dict:
    onsite = next(d for d in templates.builtin_definitions() if d["key"] == "onsite_return_visit")
    data = copy.deepcopy(onsite)
    data["key"], data["version"], data["name"] = "bench_forty", 1, "四十项回访表"
    data["sections"][-1]["fields"].insert(
        0, {"key": "next_contact_time", "type": "time", "label": "约定下次联系时间"}
    )
    assert len(parse_template(data).fields) == 40
    return data


def answers(contact_id: str) -> dict:
    return {
        "visit_purpose": "routine",
        "contacts_met": [contact_id],
        "appointment_confirmed": True,
        "other_attendees": "项目经理 周伟",
        "location": "客户三楼会议室",
        "network_quality": 4,
        "bill_checked": True,
        "bill_issue": "10月话费比9月多出约1200元",
        "spend_trend": "rising",
        "spend_change_reason": "新增20个物联网卡",
        "vas_in_use": ["ringtone", "video_meeting"],
        "employee_count": 320,
        "services_accepted": ["bill_detail"],
        "has_complaint": True,
        "complaint": "专线上周中断两次，每次超过2小时",
        "complaint_severity": "normal",
        "answered_on_site": False,
        "departments_involved": ["network"],
        "has_need": True,
        "need_title": "视频监控上云",
        "need_category": "cloud",
        "need_description": "园区40路摄像头",
        "need_value": 1_200_000,
        "competitor_seen": True,
        "competitor_name": "telecom",
        "competitor_offer": "千兆专线首年五折",
        "customer_reaction": "更看重服务响应",
        "churn_risk": "medium",
        "org_changes": "信息科科长换人",
        "contact_care_notes": "王科长12月生日",
        "next_visit_date": "2026-12-20",
        "satisfaction": 3,
        "suggestions": "希望故障时主动通知",
        "follow_up_needed": True,
        "follow_up": "协调网络部出具中断原因报告",
        "follow_up_due": "2026-11-26",
        "next_contact_time": "10:00",
        "summary": "客户对专线中断不满，已承诺48小时内答复。",
    }


def report(name: str, samples: list[tuple[float, float]], target_ms: float) -> None:
    """Wall time is what the manager waits; CPU time shows how much of it is ours on a busy machine."""
    wall = [w * 1000 for w, _c in samples]
    cpu = [c * 1000 for _w, c in samples]
    median = statistics.median(wall)
    verdict = "OK" if median < target_ms else "OVER TARGET"
    print(
        f"{name}: median {median:.1f} ms wall ({statistics.median(cpu):.1f} ms CPU), "
        f"worst {max(wall):.1f} ms over {len(samples)} runs (target < {target_ms:.0f} ms) {verdict}"
    )


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    install_cjk_font(app)
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "bench.sqlite3", Path(folder) / "backups")
        with store.sessions.begin() as session:
            demo.generate(session, 40, today=date(2026, 11, 23))
        store.close()
        store = open_store(Path(folder) / "bench.sqlite3", Path(folder) / "backups")
        with store.sessions.begin() as session:
            templates.install_builtin(session)
            templates.publish(session, forty_field_template())
            contact = session.scalars(select(Contact).order_by(Contact.name)).first()
            account_id, contact_id = contact.account_id, contact.id
        ids = []
        for _ in range(RUNS):
            with store.sessions.begin() as session:
                visit = visits.start(
                    session, account_id, VisitKind.ONSITE, "bench_forty", duration_minutes=50
                )
                visits.save_draft(session, visit.id, answers=answers(contact_id))
                ids.append(visit.id)

        opened: list[tuple[float, float]] = []
        for visit_id in ids:
            started, cpu = time.perf_counter(), time.process_time()
            editor = VisitEditor(store.sessions, visit_id, attachments_dir=Path(folder) / "attachments")
            editor.show()
            app.processEvents()
            opened.append((time.perf_counter() - started, time.process_time() - cpu))
            assert len(editor.form.editors) == 40
            editor.close()
            editor.deleteLater()
            app.processEvents()

        submitted: list[tuple[float, float]] = []
        for visit_id in ids:
            started, cpu = time.perf_counter(), time.process_time()
            with store.sessions.begin() as session:
                result = visits.submit(session, visit_id)
            submitted.append((time.perf_counter() - started, time.process_time() - cpu))
            assert len(result.task_ids) == 1 and len(result.complaint_ids) == 1
        store.close()
    report("open 40-field form", opened[1:], 100)  # the first run also loads fonts and caches
    report("submit visit", submitted, 50)


if __name__ == "__main__":
    main()
