"""Two devices and a real kamdesk-server under uvicorn on loopback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from kamdesk.models import Account, Contact, OutboxEntry, Visit
from kamdesk.models.enums import AccountStatus, DecisionRole, VisitKind, VisitStatus
from kamdesk.store import outbox
from kamdesk.sync import account, conflicts
from kamdesk.sync.errors import AuthenticationError
from tests.e2e.conftest import Device
from tests.e2e.live_server import LiveServer


def _first_account(device: Device) -> Account:
    with device.store.sessions() as session:
        return session.scalars(select(Account).order_by(Account.code)).first()


def _record_offline_work(device: Device) -> tuple[str, str]:
    """A new contact and a submitted phone visit, as a manager records them without network."""
    target = _first_account(device)
    now = datetime.now(UTC)
    with device.store.sessions.begin() as session:
        contact = outbox.insert(
            session,
            Contact(
                account_id=target.id,
                name="欧阳璟",
                title="信息科科长",
                decision_role=DecisionRole.INFLUENCER,
                mobile="13807310001",
            ),
        )
        visit = outbox.insert(
            session,
            Visit(
                account_id=target.id,
                kind=VisitKind.PHONE,
                status=VisitStatus.SUBMITTED,
                occurred_at=now - timedelta(hours=1),
                entered_at=now,
                submitted_at=now,
                duration_minutes=12,
                template_key="phone_return_visit",
                template_version=1,
                answers={"topic": "专线续约意向", "satisfied": True},
                contacts_met=[contact.id],
                satisfaction=5,
                summary="客户同意下月上门洽谈续约",
            ),
        )
        outbox.update(session, session.get(Account, target.id), notes="客户计划明年扩容")
    return contact.id, visit.id


def test_offline_work_reaches_the_server_and_the_second_device(
    server: LiveServer, devices: list[Device]
) -> None:
    first, second = devices
    report = first.sync()
    assert report.created >= 20 and report.pushed == 0
    contact_id, visit_id = _record_offline_work(first)

    report = first.sync()
    assert (report.applied, report.rejected, report.conflicts) == (3, 0, 0)
    assert report.pulled == 0  # what this device pushed as it had it is not sent back to it
    assert server.count("contacts", f"id = '{contact_id}'") == 1
    assert server.count("visits", f"id = '{visit_id}' AND status = 'submitted'") == 1

    second.sync()
    with second.store.sessions() as session:
        assert session.get(Contact, contact_id).name == "欧阳璟"
        assert session.get(Visit, visit_id).answers == {"topic": "专线续约意向", "satisfied": True}
        assert session.get(Account, _first_account(first).id).notes == "客户计划明年扩容"
        assert session.scalar(select(func.count(OutboxEntry.seq))) == 0


def test_two_devices_edit_one_contact_merge_then_conflict(devices: list[Device]) -> None:
    first, second = devices
    first.sync()
    contact_id, _ = _record_offline_work(first)
    first.sync()
    second.sync()

    with first.store.sessions.begin() as session:
        outbox.update(session, session.get(Contact, contact_id), title="信息中心主任")
    with second.store.sessions.begin() as session:
        outbox.update(session, session.get(Contact, contact_id), mobile="13907319999")
    assert first.sync().applied == 1
    merged = second.sync()
    assert merged.merged == 1 and merged.conflicts == 0
    with second.store.sessions() as session:
        contact = session.get(Contact, contact_id)
        assert (contact.title, contact.mobile) == ("信息中心主任", "13907319999")

    first.sync()
    with first.store.sessions.begin() as session:
        outbox.update(session, session.get(Contact, contact_id), notes="爱好羽毛球")
    with second.store.sessions.begin() as session:
        outbox.update(session, session.get(Contact, contact_id), notes="生日送花篮")
    first.sync()
    report = second.sync()
    assert report.conflicts == 1
    with second.store.sessions.begin() as session:
        [conflict] = conflicts.list_conflicts(session)
        assert [(f.field, f.mine, f.theirs) for f in conflict.fields] == [
            ("notes", "生日送花篮", "爱好羽毛球")
        ]
        conflicts.resolve(session, conflict.seq, {"notes": "mine"})
    assert second.sync().applied == 1
    first.sync()
    with first.store.sessions() as session:
        assert session.get(Contact, contact_id).notes == "生日送花篮"


def test_an_account_reassigned_away_is_archived_and_its_work_is_not_lost(
    server: LiveServer, devices: list[Device]
) -> None:
    first, _ = devices
    first.sync()
    target = _first_account(first)
    now = datetime.now(UTC)
    with first.store.sessions.begin() as session:
        outbox.update(session, session.get(Account, target.id), notes="交接前最后一次拜访记录")
        visit = outbox.insert(
            session,
            Visit(
                account_id=target.id,
                kind=VisitKind.PHONE,
                status=VisitStatus.SUBMITTED,
                occurred_at=now,
                entered_at=now,
                submitted_at=now,
                template_key="phone_return_visit",
                template_version=1,
                answers={"topic": "交接前回访", "satisfied": True},
                summary="客户知悉更换客户经理",
            ),
        )
    server.admin(
        "create-user", "wangfang", "--display-name", "王芳", "--role", "manager", "--team", "长沙政企客户一部"
    )
    path = server.write_portfolio(1, primary="wangfang", secondary="zhangwei")
    server.admin("import-portfolio", str(path))

    report = first.sync()

    assert report.archived == 1
    assert server.count("visits", f"id = '{visit.id}'") == 1, (
        "the visit recorded before the handover was lost"
    )
    with first.store.sessions() as session:
        row = session.get(Account, target.id)
        assert row.status == AccountStatus.ARCHIVED
        assert row.notes == "交接前最后一次拜访记录"  # kept on screen, not silently overwritten
        [refused] = conflicts.unaccepted_changes(session)
    assert refused.entity_id == target.id and refused.state == "rejected"
    assert "no longer assigned to you" in refused.explanation


def test_a_revoked_token_sends_the_manager_back_to_sign_in_keeping_local_work(
    server: LiveServer, devices: list[Device]
) -> None:
    first, _ = devices
    first.sync()
    _record_offline_work(first)
    device = next(d for d in server.admin("devices") if d["revoked_at"] is None)
    server.admin("revoke-device", device["id"])
    with pytest.raises(AuthenticationError):
        first.sync()
    with first.store.sessions() as session:
        assert session.scalar(select(func.count(OutboxEntry.seq))) == 3
    account.forget_token(first.store, first.tokens)
    with pytest.raises(AuthenticationError):
        account.connect(first.store, first.tokens)
