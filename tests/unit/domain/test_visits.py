"""The visit life cycle against a real store: drafts, submit and its records, immutability,
amendments, late entry, prefill and template versions."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from kamdesk.domain import templates, visits
from kamdesk.models import (
    CompetitorNote,
    Complaint,
    Contact,
    Opportunity,
    OutboxEntry,
    ProductHolding,
    Task,
    Visit,
)
from kamdesk.models.enums import VisitKind, VisitStatus
from kamdesk.store import outbox
from tests.visit_store import visit_store, visit_store_file  # noqa: F401

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # 14:00 in Shanghai


@pytest.fixture
def store(visit_store):  # noqa: F811
    return visit_store


@pytest.fixture
def account(store):
    with store.sessions() as s:
        contact = s.scalars(select(Contact).order_by(Contact.name)).first()
        product_ids = s.scalars(
            select(ProductHolding.id).where(ProductHolding.account_id == contact.account_id)
        ).all()
        return {"id": contact.account_id, "contact": contact.id, "products": list(product_ids)}


def onsite_answers(account, **overrides):
    answers = {
        "visit_purpose": "routine",
        "contacts_met": [account["contact"]],
        "appointment_confirmed": True,
        "network_quality": 4,
        "bill_checked": False,
        "spend_trend": "stable",
        "has_complaint": True,
        "complaint": "专线上周中断两次，每次超过2小时，要求说明原因",
        "complaint_severity": "major",
        "answered_on_site": False,
        "departments_involved": ["network"],
        "has_need": True,
        "need_title": "视频监控上云",
        "need_category": "cloud",
        "need_value": 1_200_000,
        "competitor_seen": True,
        "competitor_name": "telecom",
        "competitor_offer": "千兆专线首年五折",
        "customer_reaction": "客户表示会比较，但更看重服务响应",
        "churn_risk": "medium",
        "satisfaction": 3,
        "follow_up_needed": True,
        "follow_up": "协调网络部给出中断原因报告",
        "follow_up_due": "2026-11-25",
        "summary": "客户对近期专线中断不满，已承诺48小时内答复。",
    }
    return answers | overrides


def start_onsite(store, account, **kwargs):
    with store.sessions.begin() as s:
        return visits.start(s, account["id"], VisitKind.ONSITE, now=NOW, **kwargs)


def test_start_save_and_submit_creates_every_record_in_one_transaction(store, account):
    draft = start_onsite(store, account, occurred_at=NOW - timedelta(hours=2))
    assert draft.status is VisitStatus.DRAFT and draft.template_key == "onsite_return_visit"
    assert draft.template_version == 1 and draft.entered_at == NOW
    with store.sessions.begin() as s:
        visits.save_draft(s, draft.id, answers=onsite_answers(account), duration_minutes=60)
    with store.sessions.begin() as s:
        result = visits.submit(s, draft.id, now=NOW)
    assert result.visit.status is VisitStatus.SUBMITTED and result.visit.submitted_at == NOW
    assert result.visit.satisfaction == 3 and result.visit.contacts_met == [account["contact"]]
    assert result.visit.summary.startswith("客户对近期")
    with store.sessions() as s:
        complaint = s.get(Complaint, result.complaint_ids[0])
        assert complaint.visit_id == draft.id and complaint.severity == "major"
        assert complaint.raised_at == NOW - timedelta(hours=2)
        assert complaint.answer_due_at == complaint.raised_at + timedelta(hours=48)
        need = s.get(Opportunity, result.opportunity_ids[0])
        assert (need.title, need.category, need.estimated_value_fen) == ("视频监控上云", "云计算", 1_200_000)
        note = s.get(CompetitorNote, result.competitor_note_ids[0])
        assert (note.competitor, note.offer) == ("中国电信", "千兆专线首年五折")
        task = s.get(Task, result.task_ids[0])
        assert task.title == "协调网络部给出中断原因报告" and str(task.due_on) == "2026-11-25"
        assert task.assignee_id == store.user_id and task.account_id == account["id"]
        entities = {
            (e.entity, e.entity_id)
            for e in s.scalars(select(OutboxEntry).where(OutboxEntry.state == "pending"))
        }
        for entity, ids in [
            ("visits", [draft.id]),
            ("complaints", result.complaint_ids),
            ("opportunities", result.opportunity_ids),
            ("competitor_notes", result.competitor_note_ids),
            ("tasks", result.task_ids),
        ]:
            assert {(entity, i) for i in ids} <= entities


def test_hidden_answers_are_dropped_and_no_record_is_made_for_them(store, account):
    draft = start_onsite(store, account)
    answers = onsite_answers(
        account, has_complaint=False, has_need=False, competitor_seen=False, follow_up_needed=False
    )
    with store.sessions.begin() as s:
        visits.save_draft(s, draft.id, answers=answers)
        result = visits.submit(s, draft.id, now=NOW)
    assert (
        result.complaint_ids == result.opportunity_ids == result.competitor_note_ids == result.task_ids == []
    )
    assert "complaint" not in result.visit.answers and "need_title" not in result.visit.answers


def test_submit_refuses_with_field_errors_and_changes_nothing(store, account):
    draft = start_onsite(store, account)
    with store.sessions.begin() as s:
        visits.save_draft(s, draft.id, answers={"has_complaint": True, "network_quality": 9})
    with store.sessions.begin() as s, pytest.raises(visits.SubmitRefused) as caught:
        visits.submit(s, draft.id, now=NOW)
    keys = [e.field for e in caught.value.errors]
    assert "complaint" in keys and "network_quality" in keys and "contacts_met" in keys
    with store.sessions() as s:
        assert s.get(Visit, draft.id).status is VisitStatus.DRAFT
        assert s.scalars(select(Complaint).where(Complaint.visit_id == draft.id)).all() == []


def submitted(store, account):
    draft = start_onsite(store, account)
    with store.sessions.begin() as s:
        visits.save_draft(s, draft.id, answers=onsite_answers(account))
        return visits.submit(s, draft.id, now=NOW)


def test_submitted_visit_is_immutable(store, account):
    result = submitted(store, account)
    with store.sessions.begin() as s, pytest.raises(visits.VisitLocked):
        visits.save_draft(s, result.visit.id, answers={"summary": "改过了"})
    with store.sessions.begin() as s, pytest.raises(visits.VisitLocked):
        visits.submit(s, result.visit.id, now=NOW)
    with store.sessions.begin() as s, pytest.raises(visits.VisitLocked):
        visits.move_to_template_version(s, result.visit.id)
    # even code that goes around the domain API cannot change it
    with pytest.raises(visits.ImmutableVisitError), store.sessions.begin() as s:
        outbox.update(s, s.get(Visit, result.visit.id), summary="偷偷改")
    with pytest.raises(visits.ImmutableVisitError), store.sessions.begin() as s:
        outbox.tombstone(s, s.get(Visit, result.visit.id))
    with store.sessions() as s:
        assert s.get(Visit, result.visit.id).summary == result.visit.summary
    # the server may still stamp a revision on it
    with store.sessions.begin() as s, outbox.applying_remote(s):
        s.get(Visit, result.visit.id).rev = 7


def test_amendment_references_original_and_only_adds_new_records(store, account):
    original = submitted(store, account)
    with store.sessions.begin() as s:
        amendment = visits.amend(s, original.visit.id, now=NOW + timedelta(hours=1))
    assert amendment.amends_id == original.visit.id and amendment.status is VisitStatus.DRAFT
    assert amendment.answers == original.visit.answers and amendment.id != original.visit.id
    changed = amendment.answers | {
        "summary": "更正：客户满意度应为4分，补充新的跟进事项。",
        "satisfaction": 4,
        "follow_up": "上门演示云视讯",
    }
    with store.sessions.begin() as s:
        visits.save_draft(s, amendment.id, answers=changed)
        result = visits.submit(s, amendment.id, now=NOW + timedelta(hours=1))
    # the complaint, need and competitor note were already recorded by the original
    assert result.complaint_ids == result.opportunity_ids == result.competitor_note_ids == []
    assert len(result.task_ids) == 1
    with store.sessions() as s:
        first = visits.get(s, original.visit.id)
        assert first.satisfaction == 3 and first.status is VisitStatus.SUBMITTED
        assert [a.id for a in visits.amendments_of(s, original.visit.id)] == [amendment.id]
    with store.sessions.begin() as s, pytest.raises(visits.VisitError):
        visits.amend(s, visits.start(s, account["id"], VisitKind.PHONE, now=NOW).id)


def test_late_entry_needs_a_reason_and_keeps_the_real_entry_time(store, account):
    policy = visits.VisitPolicy(late_entry_days=3)
    draft = start_onsite(store, account, occurred_at=NOW - timedelta(days=5))
    with store.sessions.begin() as s:
        visits.save_draft(s, draft.id, answers=onsite_answers(account))
    with store.sessions.begin() as s, pytest.raises(visits.SubmitRefused) as caught:
        visits.submit(s, draft.id, now=NOW, policy=policy)
    assert [e.field for e in caught.value.errors] == ["late_reason"]
    with store.sessions.begin() as s:
        assert visits.validate(s, draft.id, now=NOW, policy=visits.VisitPolicy(late_entry_days=7)) == []
        visits.save_draft(s, draft.id, late_reason="在县城驻点三天无网络，回来补录")
        result = visits.submit(s, draft.id, now=NOW, policy=policy)
    assert result.visit.occurred_at == NOW - timedelta(days=5) and result.visit.entered_at == NOW
    assert result.visit.late_reason == "在县城驻点三天无网络，回来补录"


def test_visit_in_the_future_is_refused(store, account):
    draft = start_onsite(store, account, occurred_at=NOW + timedelta(days=1))
    with store.sessions.begin() as s:
        visits.save_draft(s, draft.id, answers=onsite_answers(account))
        assert [e.field for e in visits.validate(s, draft.id, now=NOW)] == ["occurred_at"]


def test_planned_visit_becomes_a_draft_in_place(store, account):
    with store.sessions.begin() as s:
        planned = visits.plan(s, account["id"], VisitKind.ONSITE, NOW + timedelta(days=2))
    assert planned.status is VisitStatus.PLANNED
    with store.sessions.begin() as s:
        draft = visits.start_planned(s, planned.id, now=NOW)
    assert draft.id == planned.id and draft.status is VisitStatus.DRAFT and draft.entered_at == NOW
    with store.sessions() as s:
        assert [v.id for v in visits.open_drafts(s)] == [planned.id]


def test_start_from_last_visit_prefills_and_shows_what_changed(store, account):
    with store.sessions.begin() as s:
        first = visits.quick_phone_log(s, account["id"], now=NOW - timedelta(days=30))
        visits.save_draft(
            s,
            first.id,
            answers={
                "call_reason": "monthly",
                "reached": True,
                "contacts_met": [account["contact"]],
                "network_quality": 4,
                "has_complaint": True,
                "complaint": "话费偏高",
                "complaint_severity": "normal",
                "satisfaction": 4,
                "summary": "例行月度回访，客户无异议",
            },
        )
        visits.submit(s, first.id, now=NOW - timedelta(days=30))
    with store.sessions.begin() as s:
        second = visits.quick_phone_log(s, account["id"], now=NOW)
    # carried: everything except what happened only that time (the complaint)
    assert second.answers["call_reason"] == "monthly" and second.answers["satisfaction"] == 4
    assert "complaint" not in second.answers and second.contacts_met == [account["contact"]]
    with store.sessions.begin() as s:
        visits.save_draft(s, second.id, answers=second.answers | {"satisfaction": 5, "has_complaint": False})
        previous, changes = visits.changes_since_last(s, second.id)
    assert previous.id == first.id
    assert [(c.key, c.before, c.after) for c in changes] == [
        ("has_complaint", "Yes", "No"),
        ("complaint", "话费偏高", ""),
        ("complaint_severity", "一般投诉", ""),
        ("satisfaction", "★★★★☆", "★★★★★"),
    ]


def test_move_draft_to_newer_template_version_carries_answers_by_key(store, account):
    draft = start_onsite(store, account)
    with store.sessions.begin() as s:
        visits.save_draft(
            s, draft.id, answers={"visit_purpose": "care", "location": "客户三楼会议室", "network_quality": 5}
        )
        newer = copy.deepcopy(
            next(d for d in templates.builtin_definitions() if d["key"] == "onsite_return_visit")
        )
        newer["version"] = 2
        usage = next(sec for sec in newer["sections"] if sec["key"] == "usage")
        usage["fields"] = [f for f in usage["fields"] if f["key"] != "network_quality"]
        usage["fields"].append({"key": "five_g_coverage", "type": "yesno", "label": "5G信号是否覆盖办公区"})
        templates.publish(s, newer)
    with store.sessions() as s:
        assert visits.form_context(s, draft.id).newer_version == 2
    with store.sessions.begin() as s:
        moved = visits.move_to_template_version(s, draft.id)
    assert moved.visit.template_version == 2 and moved.dropped == ["network_quality"]
    assert moved.visit.answers == {"visit_purpose": "care", "location": "客户三楼会议室"}
    # a submitted visit on version 1 still displays with version 1
    with store.sessions() as s:
        assert templates.get_template(s, "onsite_return_visit", 1).field("network_quality")
        assert templates.get_template(s, "onsite_return_visit").version == 2


def test_autosave_keeps_one_pending_outbox_entry_per_visit(store, account):
    draft = start_onsite(store, account)
    for text in ["客", "客户", "客户反映"]:
        with store.sessions.begin() as s:
            visits.save_draft(s, draft.id, answers={"summary": text})
    with store.sessions() as s:
        entries = s.scalars(select(OutboxEntry).where(OutboxEntry.entity_id == draft.id)).all()
        assert len(entries) == 1 and entries[0].payload["answers"] == {"summary": "客户反映"}


def test_lists_put_drafts_first(store, account):
    submitted(store, account)
    draft = start_onsite(store, account)
    with store.sessions() as s:
        listed = visits.list_visits(s)
    assert listed[0].id == draft.id and listed[0].status is VisitStatus.DRAFT
    assert {v.status for v in listed[1:]} == {VisitStatus.SUBMITTED}


def test_discarded_draft_leaves_the_lists(store, account):
    draft = start_onsite(store, account)
    with store.sessions.begin() as s:
        visits.discard_draft(s, draft.id)
        assert visits.open_drafts(s) == []
