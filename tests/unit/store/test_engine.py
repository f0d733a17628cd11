"""Two threads write at once (the GUI thread saving while a worker syncs): the second writer waits
for the first on the busy timeout; readers never wait."""

from __future__ import annotations

import threading

from sqlalchemy import select

from kamdesk.models import Account
from kamdesk.store import outbox
from tests import factories

HOLD_S = 1.0
"""How long the first writer keeps its transaction open while the second one tries to write; far
below the busy timeout (5 s), so a writer that waits for the lock always gets it."""


def _two_accounts(store) -> tuple[str, str]:
    with store.sessions.begin() as session:
        first = outbox.insert(session, factories.account(name="湖南昇辉机械制造有限公司"))
        second = outbox.insert(session, factories.account(name="长沙市第一中学"))
    return first.id, second.id


def _hold_a_write(store, account_id: str, wrote: threading.Event, release: threading.Event, errors: list):
    """The worker: write (flushed, not committed, so it holds the write lock) and keep the transaction
    open until ``release`` is set or ``HOLD_S`` has passed."""
    try:
        with store.sessions.begin() as session:
            outbox.update(session, session.get(Account, account_id), city="株洲市")
            session.flush()
            wrote.set()
            release.wait(HOLD_S)
    except Exception as error:  # reported to the test's thread
        errors.append(error)
    finally:
        wrote.set()


def test_a_second_writer_waits_for_the_first_instead_of_failing(store) -> None:
    """With a deferred BEGIN the GUI's transaction reads the account first (a read lock), then
    cannot upgrade it while the worker writes: SQLite answers "database is locked" at once without
    consulting the busy timeout. BEGIN IMMEDIATE takes the write lock up front, so it queues."""
    worker_account, gui_account = _two_accounts(store)
    wrote, gui_done, errors = threading.Event(), threading.Event(), []
    worker = threading.Thread(target=_hold_a_write, args=(store, worker_account, wrote, gui_done, errors))
    worker.start()
    wrote.wait()
    try:
        with store.sessions.begin() as session:
            outbox.update(session, session.get(Account, gui_account), city="湘潭市")
    finally:
        gui_done.set()
        worker.join()
    assert errors == []
    with store.sessions() as session:
        cities = dict(session.execute(select(Account.id, Account.city)).all())
    assert (cities[worker_account], cities[gui_account]) == ("株洲市", "湘潭市")


def test_readers_do_not_wait_for_a_writer(store) -> None:
    """A plain session reads the last committed data while a write transaction is open."""
    worker_account, _ = _two_accounts(store)
    wrote, read, errors = threading.Event(), threading.Event(), []
    worker = threading.Thread(target=_hold_a_write, args=(store, worker_account, wrote, read, errors))
    worker.start()
    wrote.wait()
    try:
        with store.sessions() as session:
            city = session.scalar(select(Account.city).where(Account.id == worker_account))
        read_while_writing = worker.is_alive()
    finally:
        read.set()
        worker.join()
    assert errors == [] and read_while_writing
    assert city == "长沙市"  # the worker's change was not committed yet
