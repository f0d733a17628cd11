"""Report life cycle on the hand-built data set: required reasons block submit, the plan is carried
forward, a submitted report is frozen and reaches the outbox, a month starts from its weeks."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from kamdesk.domain import reports
from kamdesk.domain.reports import (
    PlanItem,
    ReportIncompleteError,
    ReportLockedError,
    Section,
    TeamAverages,
)
from kamdesk.errors import UserError
from kamdesk.models import OutboxEntry, Report, Visit
from kamdesk.models.enums import ReportKind, ReportStatus, VisitKind, VisitStatus
from kamdesk.store import outbox
from tests.reports_dataset import sh

NEW_YEAR = date(2026, 1, 1)
NOW = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
TEAM = TeamAverages(onsite=3.0, phone=1.5, sms=2.0, managers=6, as_of=NOW)


def build(store, scope, kind=ReportKind.WEEKLY, day=NEW_YEAR, team=None):
    with store.sessions.begin() as session:
        return reports.build_report(session, kind, day, scope, team, now=NOW)


def try_submit(store, scope, document, team=None):
    with store.sessions.begin() as session:
        return reports.submit(session, document.id, document.content, scope, team, now=NOW)


def codes(gaps) -> set[tuple[str, str]]:
    return {(g.code, g.key) for g in gaps}


def test_fell_counts_and_churn_block_submit_until_a_reason_is_written(handbuilt, scope) -> None:
    document = build(handbuilt, scope)
    with pytest.raises(ReportIncompleteError) as refused:
        try_submit(handbuilt, scope, document)
    # on-site 3 → 2 and revenue 135,000 → 130,000 fell; D and E were lost. No team figure: no
    # below-average rule.
    assert codes(refused.value.missing) == {
        ("fell", "activity.onsite"),
        ("fell", "revenue.amount"),
        ("churn", "accounts.lost"),
    }
    messages = " ".join(g.message for g in refused.value.missing)
    assert "On-site visits fell from 3 to 2" in messages and "¥135,000.00 to ¥130,000.00" in messages
    assert "湘潭璟泰物流有限公司" in messages
    with handbuilt.sessions() as session:
        assert reports.load(session, document.id).status is ReportStatus.DRAFT

    document.content.text(Section.ACCOUNTS).reasons = "岳阳自来水被电信低价挖走；璟泰试用后未续约。"
    document.content.text(Section.REVENUE).reasons = "昇辉机械12月停产检修，专线降速。"
    with pytest.raises(ReportIncompleteError) as still:
        try_submit(handbuilt, scope, document)
    assert codes(still.value.missing) == {("fell", "activity.onsite")}

    document.content.text(Section.ACTIVITY).reasons = "   "  # blank is not a reason
    with pytest.raises(ReportIncompleteError):
        try_submit(handbuilt, scope, document)
    document.content.text(Section.ACTIVITY).reasons = "元旦假期客户放假，上门改为电话。"
    submitted = try_submit(handbuilt, scope, document)
    assert submitted.status is ReportStatus.SUBMITTED and submitted.submitted_at == NOW


def test_below_team_average_blocks_submit_only_when_a_team_figure_exists(handbuilt, scope) -> None:
    document = build(handbuilt, scope, team=TEAM)
    assert document.figures.team == TEAM
    gaps = reports.missing(document.figures, document.content)
    # on-site 2 < 3 and SMS 1 < 2 are below; phone 2 ≥ 1.5 is not
    assert {key for code, key in codes(gaps) if code == "below_team"} == {"activity.onsite", "activity.sms"}
    below = next(g for g in gaps if g.code == "below_team" and g.key == "activity.sms")
    assert below.message == "SMS sent: 1 is below the team average of 2: write why."
    for section in (Section.ACCOUNTS, Section.REVENUE):
        document.content.text(section).reasons = "已说明"
    with pytest.raises(ReportIncompleteError) as refused:
        try_submit(handbuilt, scope, document, TEAM)
    assert {g.section for g in refused.value.missing} == {Section.ACTIVITY}
    document.content.text(Section.ACTIVITY).reasons = "本周集中处理投诉，短信关怀下周补发。"
    assert try_submit(handbuilt, scope, document, TEAM).submitted


def test_a_submitted_report_is_frozen_and_in_the_outbox(handbuilt, scope) -> None:
    document = build(handbuilt, scope)
    for section in (Section.ACCOUNTS, Section.REVENUE, Section.ACTIVITY):
        document.content.text(section).reasons = "原因已写明"
    document.content.plan.append(PlanItem("上门拜访昇辉机械信息中心", "acc-A", "湖南昇辉机械制造有限公司"))
    try_submit(handbuilt, scope, document)
    with handbuilt.sessions() as session:
        entries = list(session.scalars(select(OutboxEntry).where(OutboxEntry.entity_id == document.id)))
        report = session.get(Report, document.id)
        assert len(entries) == 1 and entries[0].op == "insert"  # never synced: one entry holds it all
        assert entries[0].payload["status"] == "submitted"
        assert entries[0].payload["plan"][0]["text"] == "上门拜访昇辉机械信息中心"
        assert entries[0].payload["figures"]["figures"] == report.figures["figures"]
    with handbuilt.sessions.begin() as session, pytest.raises(ReportLockedError):
        reports.save_draft(session, document.id, document.content)
    # a visit recorded afterwards does not change what was submitted
    with handbuilt.sessions.begin() as session:
        outbox.insert(session, Visit(account_id="acc-B", kind=VisitKind.ONSITE, status=VisitStatus.SUBMITTED,
                                     occurred_at=sh(2026, 1, 2)))  # fmt: skip
    again = build(handbuilt, scope)
    assert again.id == document.id and again.figures.value("activity.onsite") == 2
    with handbuilt.sessions() as session:
        assert reports.list_reports(session, scope)[0].status is ReportStatus.SUBMITTED


def test_drafts_autosave_into_one_pending_outbox_entry(handbuilt, scope) -> None:
    document = build(handbuilt, scope)
    for text in ("元", "元旦", "元旦假期"):
        document.content.text(Section.SUGGESTIONS).measures = text
        with handbuilt.sessions.begin() as session:
            reports.save_draft(session, document.id, document.content)
    with handbuilt.sessions() as session:
        assert reports.load(session, document.id).content.text(Section.SUGGESTIONS).measures == "元旦假期"
        entries = list(session.scalars(select(OutboxEntry).where(OutboxEntry.entity_id == document.id)))
    assert len(entries) == 1
    assert entries[0].payload["narrative"]["sections"]["suggestions"]["measures"] == "元旦假期"
    assert build(handbuilt, scope).id == document.id  # reopening the period finds the same draft


def test_the_plan_is_carried_into_the_next_report(handbuilt, scope) -> None:
    last_week = build(handbuilt, scope, day=date(2025, 12, 24))
    assert last_week.period.label == "2025-W52" and last_week.content.review == []
    for section in Section:
        last_week.content.text(section).reasons = "已说明"
    visit = PlanItem("上门拜访昇辉机械", "acc-A", "湖南昇辉机械制造有限公司")
    bill = PlanItem("整理12月欠费清单")
    last_week.content.plan.extend([visit, bill])
    try_submit(handbuilt, scope, last_week)

    document = build(handbuilt, scope)
    assert document.review_from == "2025-W52"
    assert [(r.item.text, r.item.account_id, r.done) for r in document.content.review] == [
        ("上门拜访昇辉机械", "acc-A", None), ("整理12月欠费清单", None, None)
    ]  # fmt: skip
    for section in Section:
        document.content.text(section).reasons = "已说明"
    with pytest.raises(ReportIncompleteError) as refused:
        try_submit(handbuilt, scope, document)
    assert codes(refused.value.missing) == {("plan_unmarked", visit.id), ("plan_unmarked", bill.id)}
    document.content.review[0].done = True
    document.content.review[1].done = False
    with pytest.raises(ReportIncompleteError) as refused:
        try_submit(handbuilt, scope, document)
    assert codes(refused.value.missing) == {("plan_reason", bill.id)}
    document.content.review[1].reason = "财务系统元旦停机，顺延至下周。"
    assert try_submit(handbuilt, scope, document).submitted


def test_a_month_starts_from_its_weekly_reports(handbuilt, scope) -> None:
    week = build(handbuilt, scope)
    week.content.text(Section.COMPETITORS).reasons = "电信千兆专线五折抢客"
    week.content.text(Section.COMPETITORS).measures = "提供专线提速方案"
    with handbuilt.sessions.begin() as session:
        reports.save_draft(session, week.id, week.content)
    january = build(handbuilt, scope, ReportKind.MONTHLY, date(2026, 1, 20))
    assert january.period.label == "2026-01"
    assert january.content.text(Section.COMPETITORS).reasons == "2026-W01：电信千兆专线五折抢客"
    assert january.content.text(Section.COMPETITORS).measures == "2026-W01：提供专线提速方案"
    assert january.figures.weeks[0].label == "2026-W01" and january.figures.weeks[0].report_status == "draft"
    assert (january.figures.weeks[0].start, january.figures.weeks[0].end) == (
        date(2026, 1, 1),
        date(2026, 1, 4),
    )


def test_a_correction_is_a_new_report_that_references_the_submitted_one(handbuilt, scope) -> None:
    document = build(handbuilt, scope)
    with handbuilt.sessions.begin() as session, pytest.raises(UserError):
        reports.amend(session, document.id, scope)  # a draft is edited, not corrected
    for section in (Section.ACCOUNTS, Section.REVENUE, Section.ACTIVITY):
        document.content.text(section).reasons = "原因已写明"
    original = try_submit(handbuilt, scope, document)

    with handbuilt.sessions.begin() as session:
        correction = reports.amend(session, original.id, scope)
    assert correction.id != original.id and correction.amends_id == original.id
    assert correction.status is ReportStatus.DRAFT
    assert correction.content.text(Section.ACCOUNTS).reasons == "原因已写明"
    assert build(handbuilt, scope).id == correction.id  # the period now opens on the correction
    correction.content.text(Section.ACCOUNTS).reasons = "更正：璟泰为试用客户，不计入流失。"
    corrected = try_submit(handbuilt, scope, correction)
    assert corrected.submitted and corrected.amends_id == original.id
    with handbuilt.sessions() as session:
        assert reports.load(session, original.id).content.text(Section.ACCOUNTS).reasons == "原因已写明"
        listed = reports.list_reports(session, scope)
        entry = session.scalars(select(OutboxEntry).where(OutboxEntry.entity_id == corrected.id)).one()
    assert [(r.id, r.superseded) for r in listed] == [(corrected.id, False), (original.id, True)]
    assert entry.op == "insert" and entry.payload["amends_id"] == original.id
    with handbuilt.sessions.begin() as session, pytest.raises(UserError):
        reports.amend(session, original.id, scope)  # correct the newest version, not the old one
