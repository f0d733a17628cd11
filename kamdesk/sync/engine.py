"""The sync engine (no Qt): push the outbox in batches, then pull pages by cursor.

Every step is a short transaction, so a sync can be killed at any point and resumed:
- a batch is stamped with its id in the store *before* it is sent, and an unacknowledged
  stamped batch is always resent first with the same id (the server applies a batch once);
- the server's answer and the outbox clean-up for a batch are one transaction;
- each pulled page and its cursor are one transaction.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import Text, bindparam, delete, func, select, type_coerce, update
from sqlalchemy.orm import Session

from kamdesk.models import SYNCED_MODELS, OutboxEntry, utcnow
from kamdesk.models.wire import fields_from_wire, value_to_wire
from kamdesk.store import state
from kamdesk.store.database import Store
from kamdesk.store.outbox import applying_remote
from kamdesk.sync.apply import apply_page, read_cursor
from kamdesk.sync.client import SyncClient
from kamdesk.sync.errors import SyncStopped, TransientError
from kamdesk.sync.protocol import ChangeResult, ChangeStatus, PullPage, PushResponse
from kamdesk.sync.retry import RetryPolicy

log = logging.getLogger("kamdesk.sync")

BATCH_SIZE = 500
PAGE_SIZE = 1000


@dataclass(frozen=True)
class SyncProgress:
    phase: str  # "push" or "pull"
    done: int
    remaining: int | None = None
    message: str = ""


@dataclass
class SyncReport:
    pushed: int = 0
    applied: int = 0
    merged: int = 0
    conflicts: int = 0
    rejected: int = 0
    pulled: int = 0
    created: int = 0
    archived: int = 0
    pages: int = 0
    batches: int = 0
    retries: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Entry:
    """The columns of an outbox entry the acknowledgement needs."""

    seq: int
    entity: str
    entity_id: str


_NO_ANSWER = {"status": "rejected", "reason": {"code": "no_result", "message": "no answer"}}


def _refusal(entry: _Entry, state_name: str, result: ChangeResult) -> dict[str, object]:
    return {"b_seq": entry.seq, "state": state_name, "result": result.model_dump(mode="json")}


class _Outgoing(NamedTuple):
    """One outbox entry as it goes on the wire; ``payload`` is the stored JSON text, spliced
    into the request as it is (decoding and re-encoding 500 payloads cost more than the rest)."""

    seq: int
    entity: str
    entity_id: str
    op: str
    base_rev: int
    payload: str


@dataclass(frozen=True)
class _Batch:
    batch_id: str
    entries: list[_Outgoing]

    @property
    def seqs(self) -> list[int]:
        return [entry.seq for entry in self.entries]

    def encoded(self) -> bytes:
        """The push request body (``protocol.PushRequest``)."""
        changes = ",".join(
            f'{{"entity":{json.dumps(e.entity)},"id":{json.dumps(e.entity_id)},"op":{json.dumps(e.op)},'
            f'"base_rev":{int(e.base_rev)},"fields":{e.payload}}}'
            for e in self.entries
        )
        return f'{{"batch_id":{json.dumps(self.batch_id)},"changes":[{changes}]}}'.encode()


def _rebased(batch: _Batch, answered: _Batch, response: PushResponse) -> _Batch:
    """``batch`` with the base revisions its entries will have once ``answered`` is
    acknowledged: a later edit of a row the answer accepted builds on the row's new rev (the
    same rule as ``SyncEngine._store_revisions`` applies in the store)."""
    accepted = {
        (result.entity, result.id): result.rev
        for result in response.results
        if result.status in (ChangeStatus.APPLIED, ChangeStatus.MERGED) and result.rev is not None
    }
    if not accepted:
        return batch
    answered_at = {(e.entity, e.entity_id): e.seq for e in answered.entries}
    entries = []
    for entry in batch.entries:
        key = (entry.entity, entry.entity_id)
        rev = accepted.get(key)
        if rev is not None and key in answered_at and entry.seq > answered_at[key]:
            entry = entry._replace(base_rev=rev)
        entries.append(entry)
    return _Batch(batch.batch_id, entries)


class SyncEngine:
    def __init__(
        self,
        store: Store,
        client: SyncClient,
        *,
        user_id: str | None,
        batch_size: int = BATCH_SIZE,
        page_size: int = PAGE_SIZE,
        retry: RetryPolicy | None = None,
        progress: Callable[[SyncProgress], None] | None = None,
        stop_requested: Callable[[], bool] = lambda: False,
    ) -> None:
        self.store = store
        self.client = client
        self.user_id = user_id
        self.batch_size = batch_size
        self.page_size = page_size
        self.retry = retry or RetryPolicy()
        self._progress = progress or (lambda _p: None)
        self._stop_requested = stop_requested

    def sync(self) -> SyncReport:
        """Push until the outbox is empty, then pull until the server has nothing more."""
        report = SyncReport()
        self.push(report)
        self.pull(report)
        with self.store.sessions.begin() as session:
            state.put(session, state.LAST_SYNC, utcnow().isoformat())
        return report

    # --- push ---------------------------------------------------------------------------------

    def push(self, report: SyncReport) -> None:
        """Send the outbox batch by batch, keeping the server busy: while it applies batch N,
        this thread records the answer to N-1 and stamps N+1, in one transaction.

        Batch N+1 is sent only after N's answer, with base revisions rebased on that answer
        (``_rebased``), exactly as the store will hold them once N is acknowledged; stamped
        batches are always resent in order, so a crash anywhere resends the same batches."""
        with ThreadPoolExecutor(1, thread_name_prefix="kamdesk-push") as sender:
            with self.store.sessions.begin() as session:
                batch = self._next_batch(session)
            if batch is None:
                return
            sending = sender.submit(self._send, batch, report)
            with self.store.sessions.begin() as session:
                following = self._next_batch(session, in_flight=(batch.batch_id,))
            while batch is not None:
                response = sending.result()
                stop = self._stop_requested()
                if following is not None and not stop:
                    following = _rebased(following, batch, response)
                    sending = sender.submit(self._send, following, report)
                with self.store.sessions.begin() as session:
                    self._acknowledge(session, batch, response, report)
                    after = None
                    if following is not None and not stop:
                        after = self._next_batch(session, in_flight=(following.batch_id,))
                    pending = self._pending_count(session)
                report.batches += 1
                report.pushed += len(batch.entries)
                self._progress(SyncProgress("push", report.pushed, pending))
                if stop:
                    raise SyncStopped("stopped on request")
                batch, following = following, after

    def _send(self, batch: _Batch, report: SyncReport) -> PushResponse:
        body = batch.encoded()
        return self._call(lambda: self.client.push_encoded(body), report)

    @staticmethod
    def _pending_count(session: Session) -> int:
        return session.scalar(
            select(func.count()).select_from(OutboxEntry).where(OutboxEntry.state == "pending")
        )

    def _next_batch(self, session: Session, in_flight: tuple[str, ...] = ()) -> _Batch | None:
        """The oldest stamped batch still waiting for its answer (other than those in flight),
        else a newly stamped one. Stamps are written in the caller's transaction."""
        table = OutboxEntry.__table__
        batch_id = session.scalar(
            select(table.c.batch_id)
            .where(
                table.c.state == "pending", table.c.batch_id.is_not(None), table.c.batch_id.not_in(in_flight)
            )
            .order_by(table.c.seq)
            .limit(1)
        )
        if batch_id is None:
            seqs = list(
                session.scalars(
                    select(table.c.seq)
                    .where(table.c.state == "pending", table.c.batch_id.is_(None))
                    .order_by(table.c.seq)
                    .limit(self.batch_size)
                )
            )
            if not seqs:
                return None
            batch_id = str(uuid.uuid4())
            session.execute(update(table).where(table.c.seq.in_(seqs)).values(batch_id=batch_id))
        entries = session.execute(
            select(
                table.c.seq,
                table.c.entity,
                table.c.entity_id,
                table.c.op,
                table.c.base_rev,
                type_coerce(table.c.payload, Text),
            )
            .where(table.c.batch_id == batch_id)
            .order_by(table.c.seq)
        ).all()
        return _Batch(batch_id, [_Outgoing(*entry) for entry in entries])

    def _acknowledge(
        self, session: Session, batch: _Batch, response: PushResponse, report: SyncReport
    ) -> None:
        """Record the server's answer for a whole batch, in a few Core statements (no ORM
        objects for the outbox entries), whatever the batch size."""
        results = {(result.entity, result.id): result for result in response.results}
        table = OutboxEntry.__table__
        accepted: list[tuple[_Entry, ChangeResult]] = []
        refused: list[dict[str, object]] = []
        for outgoing in batch.entries:
            entry = _Entry(outgoing.seq, outgoing.entity, outgoing.entity_id)
            result = results.get((entry.entity, entry.entity_id))
            if result is None:
                refused.append({"b_seq": entry.seq, "state": "rejected", "result": _NO_ANSWER})
                report.rejected += 1
            elif result.status in (ChangeStatus.APPLIED, ChangeStatus.MERGED):
                accepted.append((entry, result))
                if result.status is ChangeStatus.MERGED:
                    report.merged += 1
                else:
                    report.applied += 1
            elif result.status is ChangeStatus.CONFLICT:
                refused.append(_refusal(entry, "conflict", result))
                report.conflicts += 1
            else:
                refused.append(_refusal(entry, "rejected", result))
                report.rejected += 1
        if refused:
            session.execute(
                update(table).where(table.c.seq == bindparam("b_seq")),
                refused,
                execution_options={"synchronize_session": False},
            )
        if accepted:
            self._store_revisions(session, accepted)
            seqs = [entry.seq for entry, _ in accepted]
            for chunk in range(0, len(seqs), 500):
                session.execute(delete(table).where(table.c.seq.in_(seqs[chunk : chunk + 500])))

    def _store_revisions(self, session: Session, accepted: list[tuple[_Entry, ChangeResult]]) -> None:
        """New server revisions onto the local rows (merged rows also take the others' fields),
        and onto later local edits of the same rows, which were made on top of this version.

        Plain revision bumps are Core updates: a new ``rev`` changes nothing the portfolio index
        or the outbox hooks look at, and loading hundreds of ORM rows per batch was the cost."""
        by_entity: dict[str, dict[str, tuple[_Entry, ChangeResult]]] = {}
        for entry, result in accepted:
            by_entity.setdefault(entry.entity, {})[entry.entity_id] = (entry, result)
        with applying_remote(session):  # server revisions: no outbox entries
            for entity, items in by_entity.items():
                model = SYNCED_MODELS[entity]
                table = model.__table__
                revs = [
                    {"b_id": entity_id, "rev": result.rev}
                    for entity_id, (_, result) in items.items()
                    if result.rev is not None
                ]
                if revs:
                    session.execute(
                        update(table).where(table.c.id == bindparam("b_id")).values(rev=bindparam("rev")),
                        revs,
                    )
                merged = [
                    entity_id
                    for entity_id, (_, result) in items.items()
                    if result.status is ChangeStatus.MERGED and result.row
                ]
                if merged:
                    for chunk in range(0, len(merged), 500):
                        for row in session.scalars(
                            select(model)
                            .where(model.id.in_(merged[chunk : chunk + 500]))
                            .execution_options(populate_existing=True)
                        ):
                            entry, result = items[row.id]
                            self._take_server_fields(session, entry, row, result.row)  # type: ignore[arg-type]
        first_seq = min(entry.seq for entry, _ in accepted)
        ids = sorted({entry.entity_id for entry, _ in accepted})
        outbox_table = OutboxEntry.__table__
        rebased: list[dict[str, object]] = []
        for chunk in range(0, len(ids), 500):
            later = session.execute(
                select(outbox_table.c.seq, outbox_table.c.entity, outbox_table.c.entity_id).where(
                    outbox_table.c.seq > first_seq,
                    outbox_table.c.state == "pending",
                    outbox_table.c.entity_id.in_(ids[chunk : chunk + 500]),
                )
            )
            for seq, entity, entity_id in later:
                settled = by_entity.get(entity, {}).get(entity_id)
                if settled and seq > settled[0].seq and settled[1].rev is not None:
                    rebased.append({"b_seq": seq, "base_rev": settled[1].rev})
        if rebased:
            session.execute(
                update(outbox_table)
                .where(outbox_table.c.seq == bindparam("b_seq"))
                .values(base_rev=bindparam("base_rev")),
                rebased,
            )

    @staticmethod
    def _take_server_fields(session: Session, entry: _Entry, row: object, server_row: dict) -> None:
        """After a merge, take the fields others changed, but not ones edited here since."""
        model = SYNCED_MODELS[entry.entity]
        later = {
            key
            for payload in session.scalars(
                select(OutboxEntry.payload).where(
                    OutboxEntry.entity == entry.entity,
                    OutboxEntry.entity_id == entry.entity_id,
                    OutboxEntry.seq > entry.seq,
                )
            )
            for key in payload
        }
        known = {key: value for key, value in server_row.items() if hasattr(row, key) and key not in later}
        for key, value in fields_from_wire(model, known).items():
            if key != "id" and value_to_wire(getattr(row, key)) != value_to_wire(value):
                setattr(row, key, value)

    # --- pull ---------------------------------------------------------------------------------

    def pull(self, report: SyncReport) -> None:
        """Pull pages until the server has nothing more, fetching page N+1 while page N is
        applied (its cursor is known as soon as N arrives). Each page is applied with its cursor
        in one transaction, in order; a page fetched but not applied is simply fetched again."""
        with self.store.sessions() as session:
            cursor = read_cursor(session)
        self._check_stop()
        with ThreadPoolExecutor(1, thread_name_prefix="kamdesk-pull") as fetcher:
            fetching = fetcher.submit(self._fetch, cursor, report)
            while True:
                page = fetching.result()
                if page.has_more and not self._stop_requested():
                    fetching = fetcher.submit(self._fetch, page.next_cursor, report)
                counts = apply_page(self.store, page.changes, page.next_cursor, self.user_id)
                report.pages += 1
                report.pulled += len(page.changes)
                report.created += counts.get("created", 0)
                report.archived += counts.get("archived", 0)
                self._progress(SyncProgress("pull", report.pulled, None))
                if not page.has_more:
                    return
                self._check_stop()

    def _fetch(self, cursor: int, report: SyncReport) -> PullPage:
        return self._call(lambda: self.client.pull(cursor, self.page_size), report)

    # --- plumbing -----------------------------------------------------------------------------

    def _call(self, operation: Callable[[], object], report: SyncReport):  # type: ignore[no-untyped-def]
        def retried(error: TransientError, pause: float) -> None:
            report.retries += 1
            log.info("sync call failed (%s); retrying in %.1fs", error, pause)
            self._check_stop()

        return self.retry.call(operation, on_retry=retried)

    def _check_stop(self) -> None:
        if self._stop_requested():
            raise SyncStopped("stopped on request")
