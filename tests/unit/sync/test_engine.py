"""The engine against a scripted server: batching, resume after a lost answer, conflicts, pull."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, select

from kamdesk.models import Account, Contact, OutboxEntry
from kamdesk.models.enums import AccountStatus
from kamdesk.models.wire import row_to_wire
from kamdesk.store import outbox
from kamdesk.sync import conflicts
from kamdesk.sync.apply import read_cursor
from kamdesk.sync.engine import SyncEngine, SyncReport
from kamdesk.sync.errors import SyncStopped, TransientError
from kamdesk.sync.protocol import ChangeResult, ChangeStatus, PulledRow, PullPage, PushRequest, PushResponse
from kamdesk.sync.retry import RetryPolicy
from tests import factories

ME = "11111111-1111-4111-8111-111111111111"
OTHER = "22222222-2222-4222-8222-222222222222"


@dataclass
class ScriptedServer:
    """Applies batches once by id, like the real server; can lose an answer or serve pages."""

    applied: dict[str, PushResponse] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    lose_next_answer: bool = False
    pages: list[PullPage] = field(default_factory=list)
    conflict_on: set[str] = field(default_factory=set)
    calls: list[str] = field(default_factory=list)
    base_revs: list[tuple[str, int]] = field(default_factory=list)
    while_applying: Callable[[PushRequest], None] = lambda _request: None
    pulled_since: list[int] = field(default_factory=list)

    def push(self, request: PushRequest) -> PushResponse:
        self.calls.append(request.batch_id)
        self.base_revs.extend((change.id, change.base_rev) for change in request.changes)
        self.while_applying(request)
        if request.batch_id not in self.applied:
            results = []
            for change in request.changes:
                rev = self.rows.get(change.id, 0) + 1
                self.rows[change.id] = rev
                if change.id in self.conflict_on:
                    row = {**change.fields, "city": "岳阳市", "rev": rev}
                    results.append(
                        ChangeResult(
                            entity=change.entity,
                            id=change.id,
                            status=ChangeStatus.CONFLICT,
                            rev=rev,
                            conflicts=["city"],
                            row=row,
                        )
                    )
                else:
                    results.append(
                        ChangeResult(entity=change.entity, id=change.id, status=ChangeStatus.APPLIED, rev=rev)
                    )
            self.applied[request.batch_id] = PushResponse(batch_id=request.batch_id, results=results)
        if self.lose_next_answer:
            self.lose_next_answer = False
            raise TransientError("connection reset after the server committed")
        return self.applied[request.batch_id]

    def push_encoded(self, body: bytes) -> PushResponse:
        return self.push(PushRequest.model_validate_json(body))  # the engine writes valid requests

    def pull(self, since: int, limit: int) -> PullPage:
        self.pulled_since.append(since)
        if not self.pages:
            return PullPage(changes=[], next_cursor=since, has_more=False)
        return self.pages.pop(0)


def _engine(store, server: ScriptedServer, **kwargs) -> SyncEngine:
    retry = RetryPolicy(sleep=lambda _s: None)
    return SyncEngine(store, server, user_id=ME, retry=retry, **kwargs)  # type: ignore[arg-type]


def _accounts(store, n: int) -> list[str]:
    ids = []
    with store.sessions.begin() as session:
        for _ in range(n):
            ids.append(outbox.insert(session, factories.account(primary_manager_id=None)).id)
    return ids


def test_push_sends_the_outbox_in_batches_and_empties_it(store) -> None:
    ids = _accounts(store, 7)
    server = ScriptedServer()
    report = SyncReport()
    _engine(store, server, batch_size=3).push(report)
    assert len(server.calls) == 3 and report.applied == 7
    with store.sessions() as session:
        assert session.scalars(select(OutboxEntry)).all() == []
        assert {session.get(Account, i).rev for i in ids} == {1}


def test_a_lost_answer_resends_the_same_batch_and_nothing_twice(store) -> None:
    _accounts(store, 4)
    server = ScriptedServer(lose_next_answer=True)
    report = SyncReport()
    _engine(store, server, batch_size=10).push(report)
    assert server.calls[0] == server.calls[1] and len(set(server.calls)) == 1
    assert report.retries == 1 and set(server.rows.values()) == {1}


def test_a_batch_stamped_before_a_crash_is_resent_first(store) -> None:
    _accounts(store, 2)
    engine = _engine(store, ScriptedServer(), batch_size=10)
    with store.sessions.begin() as session:
        stamped = engine._next_batch(session)  # the process dies right after stamping
    assert stamped is not None
    _accounts(store, 1)
    server = ScriptedServer()
    _engine(store, server, batch_size=10).push(SyncReport())
    assert server.calls[0] == stamped.batch_id
    assert len(server.calls) == 2


def test_edits_made_while_a_batch_is_in_flight_follow_with_the_new_base_rev(store) -> None:
    [account_id] = _accounts(store, 1)
    engine = _engine(store, ScriptedServer(), batch_size=10)
    with store.sessions.begin() as session:
        engine._next_batch(session)
    with store.sessions.begin() as session:
        outbox.update(session, session.get(Account, account_id), district="雨花区")
    server = ScriptedServer()
    _engine(store, server).push(SyncReport())
    assert server.rows[account_id] == 2
    assert server.base_revs == [(account_id, 0), (account_id, 1)]


def test_the_next_batch_is_ready_while_the_server_applies_one(store) -> None:
    """Pipelined: batch N+1 is stamped during N's round trip, and sent after N's answer with the
    revisions that answer gave (here an edit of a row the previous batch created)."""
    ids = _accounts(store, 2)
    engine = _engine(store, ScriptedServer(), batch_size=2)
    with store.sessions.begin() as session:
        engine._next_batch(session)  # both accounts stamped; edits now queue behind them
    with store.sessions.begin() as session:
        outbox.update(session, session.get(Account, ids[0]), district="开福区")
    _accounts(store, 3)
    stamped_during_calls: list[int] = []

    def count_stamped(_request: PushRequest) -> None:
        if len(stamped_during_calls) == 2:
            return  # the last batch has nothing behind it
        for _ in range(200):  # up to 2 s for the engine thread to stamp the next batch
            with store.sessions() as session:
                stamped = session.scalar(
                    select(func.count(func.distinct(OutboxEntry.batch_id))).where(
                        OutboxEntry.batch_id.is_not(None)
                    )
                )
            if stamped >= 2:
                break
            time.sleep(0.01)
        stamped_during_calls.append(stamped)

    server = ScriptedServer(while_applying=count_stamped)
    report = SyncReport()
    _engine(store, server, batch_size=2).push(report)
    assert report.applied == 6 and len(server.calls) == 3
    assert stamped_during_calls[:2] == [2, 2]
    assert (ids[0], 1) in server.base_revs
    with store.sessions() as session:
        assert session.scalars(select(OutboxEntry)).all() == []
        assert session.get(Account, ids[0]).rev == 2


def test_conflicts_wait_for_the_managers_choice_and_the_choice_syncs(store) -> None:
    [account_id] = _accounts(store, 1)
    _engine(store, ScriptedServer()).push(SyncReport())
    with store.sessions.begin() as session:
        outbox.update(session, session.get(Account, account_id), city="株洲市", district="荷塘区")
    server = ScriptedServer(rows={account_id: 1}, conflict_on={account_id})
    report = SyncReport()
    _engine(store, server).push(report)
    assert report.conflicts == 1
    with store.sessions.begin() as session:
        [conflict] = conflicts.list_conflicts(session)
        assert [(f.field, f.mine, f.theirs) for f in conflict.fields] == [("city", "株洲市", "岳阳市")]
        with pytest.raises(ValueError, match="city"):
            conflicts.resolve(session, conflict.seq, {})
        conflicts.resolve(session, conflict.seq, {"city": "mine"})
    with store.sessions() as session:
        [entry] = session.scalars(select(OutboxEntry)).all()
    assert (entry.op, entry.payload, entry.base_rev, entry.state) == (
        "patch",
        {"city": "株洲市"},
        2,
        "pending",
    )


def test_taking_theirs_writes_the_server_value_locally(store) -> None:
    [account_id] = _accounts(store, 1)
    _engine(store, ScriptedServer()).push(SyncReport())
    with store.sessions.begin() as session:
        outbox.update(session, session.get(Account, account_id), city="株洲市")
    _engine(store, ScriptedServer(rows={account_id: 1}, conflict_on={account_id})).push(SyncReport())
    with store.sessions.begin() as session:
        [conflict] = conflicts.list_conflicts(session)
        conflicts.resolve(session, conflict.seq, {"city": "theirs"})
    with store.sessions() as session:
        assert session.get(Account, account_id).city == "岳阳市"
        assert session.scalars(select(OutboxEntry)).all() == []


def _pulled(entity: str, obj, seq: int) -> PulledRow:
    row = row_to_wire(obj)
    return PulledRow(entity=entity, id=obj.id, rev=seq, seq=seq, row=row)


def test_pull_applies_children_before_parents_and_saves_the_cursor(store) -> None:
    account = factories.account(
        id="33333333-3333-4333-8333-333333333333",
        primary_manager_id=None,
        secondary_manager_id=None,
        rev=5,
        updated_at=factories.NOW,
        deleted=False,
    )
    contact = Contact(
        id="44444444-4444-4444-8444-444444444444",
        account_id=account.id,
        name="王璟",
        rev=3,
        updated_at=factories.NOW,
        deleted=False,
        decision_role="liaison",
    )
    server = ScriptedServer(
        pages=[
            PullPage(changes=[_pulled("contacts", contact, 3)], next_cursor=3, has_more=True),
            PullPage(changes=[_pulled("accounts", account, 5)], next_cursor=5, has_more=False),
        ]
    )
    report = SyncReport()
    _engine(store, server).pull(report)
    with store.sessions() as session:
        assert session.get(Contact, contact.id).name == "王璟"
        assert session.get(Account, account.id).rev == 5
        assert read_cursor(session) == 5
    assert report.pulled == 2 and report.pages == 2


def _contact_pages(store, count: int) -> list[PullPage]:
    [account_id] = _accounts(store, 1)
    pages = []
    for n in range(count):
        contact = Contact(
            id=f"55555555-5555-4555-8555-55555555555{n}",
            account_id=account_id,
            name=f"联系人{n}",
            rev=1,
            updated_at=factories.NOW,
            deleted=False,
            decision_role="liaison",
        )
        pages.append(
            PullPage(changes=[_pulled("contacts", contact, n + 1)], next_cursor=n + 1, has_more=n < count - 1)
        )
    return pages


def test_the_next_page_is_fetched_while_one_is_applied(store, monkeypatch) -> None:
    from kamdesk.sync import engine as engine_module

    server = ScriptedServer(pages=_contact_pages(store, 3))
    fetched_while_applying: list[int] = []
    apply_page = engine_module.apply_page

    def watched(store_, rows, next_cursor, user_id):  # type: ignore[no-untyped-def]
        for _ in range(200):  # up to 2 s for the fetching thread to ask for the next page
            if len(server.pulled_since) > next_cursor or next_cursor == 3:
                break
            time.sleep(0.01)
        fetched_while_applying.append(len(server.pulled_since))
        return apply_page(store_, rows, next_cursor, user_id)

    monkeypatch.setattr(engine_module, "apply_page", watched)
    report = SyncReport()
    _engine(store, server).pull(report)
    assert fetched_while_applying == [2, 3, 3]
    assert server.pulled_since == [0, 1, 2]
    assert report.pages == 3


def test_a_stopped_pull_keeps_the_applied_pages_and_fetches_the_rest_again(store) -> None:
    pages = _contact_pages(store, 3)
    server = ScriptedServer(pages=list(pages))
    applied: list[int] = []
    engine = _engine(store, server, progress=lambda progress: applied.append(progress.done))
    engine._stop_requested = lambda: bool(applied)  # stop once the first page is in
    with pytest.raises(SyncStopped):
        engine.pull(SyncReport())
    with store.sessions() as session:
        assert read_cursor(session) == 1
    again = ScriptedServer(pages=pages[1:])
    report = SyncReport()
    _engine(store, again).pull(report)
    assert again.pulled_since == [1, 2]
    with store.sessions() as session:
        assert read_cursor(session) == 3
        assert {c.name for c in session.scalars(select(Contact))} == {"联系人0", "联系人1", "联系人2"}


def test_an_account_taken_away_is_archived_and_local_edits_are_kept(store) -> None:
    with store.sessions.begin() as session, outbox.applying_remote(session):
        account = factories.account(
            rev=1, scope_level="local", status="active", deleted=False, updated_at=factories.NOW
        )
        session.add(account)
    with store.sessions.begin() as session:
        outbox.update(session, session.get(Account, account.id), notes="客户下周搬迁新址")
    with store.sessions() as session:
        server_row = row_to_wire(session.get(Account, account.id))
    server_row.update(notes=None, rev=2, primary_manager_id=OTHER, secondary_manager_id=None)
    moved = PulledRow(entity="accounts", id=account.id, rev=2, seq=9, row=server_row)
    server = ScriptedServer(pages=[PullPage(changes=[moved], next_cursor=9, has_more=False)])
    report = SyncReport()
    _engine(store, server).pull(report)
    with store.sessions() as session:
        row = session.get(Account, account.id)
        assert row.status == AccountStatus.ARCHIVED and row.notes == "客户下周搬迁新址"
        assert session.scalars(select(OutboxEntry)).one().payload["notes"] == "客户下周搬迁新址"
    assert report.archived == 1
