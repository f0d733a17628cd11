from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from kamdesk import models
from kamdesk.models import Account, OutboxEntry
from kamdesk.store import outbox
from kamdesk.store.database import open_store
from kamdesk.store.outbox import UnrecordedWriteError
from tests import factories


def _entries(store) -> list[OutboxEntry]:
    with store.sessions() as session:
        return list(session.scalars(select(OutboxEntry).order_by(OutboxEntry.seq)))


def _count(store, model) -> int:
    with store.sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_insert_writes_the_row_and_a_full_insert_entry(store) -> None:
    with store.sessions.begin() as session:
        account = outbox.insert(session, factories.account(name="中国移动通信集团湖南有限公司"))
    [entry] = _entries(store)
    assert (entry.entity, entry.entity_id, entry.op, entry.base_rev) == ("accounts", account.id, "insert", 0)
    assert entry.payload["name"] == "中国移动通信集团湖南有限公司"
    assert entry.payload["tier"] == "A2"
    assert entry.payload["deleted"] is False and entry.payload["rev"] == 0


def test_update_records_only_changed_fields_against_base_rev(store) -> None:
    with store.sessions.begin() as session:
        account = outbox.insert(session, factories.account())
    with store.sessions.begin() as session:
        # pretend the server accepted the insert
        session.execute(OutboxEntry.__table__.update().values(batch_id="b1", state="sent"))
        with outbox.applying_remote(session):
            session.get(Account, account.id).rev = 7
    with store.sessions.begin() as session:
        row = session.get(Account, account.id)
        outbox.update(session, row, name=row.name, city="株洲市")
    patch = _entries(store)[-1]
    assert patch.op == "patch" and patch.base_rev == 7
    assert set(patch.payload) == {"city", "updated_at"}


def test_unchanged_values_write_nothing(store) -> None:
    with store.sessions.begin() as session:
        account = outbox.insert(session, factories.account())
    with store.sessions.begin() as session:
        outbox.update(session, session.get(Account, account.id), name=account.name)
    assert len(_entries(store)) == 1


def test_pending_entries_absorb_later_changes_until_batched(store) -> None:
    with store.sessions.begin() as session:
        account = outbox.insert(session, factories.account())
    for city in ("株洲市", "湘潭市", "衡阳市"):
        with store.sessions.begin() as session:
            outbox.update(session, session.get(Account, account.id), city=city)
    [entry] = _entries(store)
    assert entry.op == "insert" and entry.payload["city"] == "衡阳市"

    with store.sessions.begin() as session:
        session.execute(OutboxEntry.__table__.update().values(batch_id="batch-1"))
    with store.sessions.begin() as session:
        outbox.update(session, session.get(Account, account.id), city="岳阳市")
    first, second = _entries(store)
    assert first.payload["city"] == "衡阳市"
    assert (second.op, second.payload["city"]) == ("patch", "岳阳市")


def test_tombstone_marks_deleted_and_records_it(store) -> None:
    with store.sessions.begin() as session:
        account = outbox.insert(session, factories.account())
    with store.sessions.begin() as session:
        session.execute(OutboxEntry.__table__.update().values(batch_id="batch-1"))
        outbox.tombstone(session, session.get(Account, account.id))
    with store.sessions() as session:
        assert session.get(Account, account.id).deleted is True
    assert _entries(store)[-1].payload["deleted"] is True


def test_sync_columns_cannot_be_patched(store) -> None:
    with store.sessions.begin() as session:
        account = outbox.insert(session, factories.account())
        with pytest.raises(ValueError, match="sync columns"):
            outbox.update(session, account, rev=3)


def test_failure_after_the_row_leaves_neither_row_nor_entry(store) -> None:
    with pytest.raises(RuntimeError), store.sessions.begin() as session:
        outbox.insert(session, factories.account())
        session.flush()
        raise RuntimeError("power cut between the row and the commit")
    assert _count(store, Account) == 0 and _count(store, OutboxEntry) == 0


def test_database_error_mid_transaction_leaves_nothing(store) -> None:
    with store.sessions.begin() as session:
        outbox.insert(session, factories.account(code="HN0001"))
    with pytest.raises(Exception, match="UNIQUE"), store.sessions.begin() as session:
        outbox.insert(session, factories.account(code="HN0002"))
        outbox.insert(session, factories.account(code="HN0001"))  # duplicate code fails at flush
    assert _count(store, Account) == 1 and _count(store, OutboxEntry) == 1


@pytest.mark.parametrize("model", list(models.SYNCED_MODELS.values()), ids=list(models.SYNCED_MODELS))
def test_every_synced_model_is_written_through_the_outbox(store, model) -> None:
    with store.sessions.begin() as session:
        parent = outbox.insert(session, factories.account())
    with store.sessions.begin() as session:
        row = outbox.insert(session, factories.instance_of(model, parent.id))
    assert _entries(store)[-1].entity_id == row.id


@pytest.mark.parametrize("model", list(models.SYNCED_MODELS.values()), ids=list(models.SYNCED_MODELS))
def test_no_synced_model_can_be_added_without_the_outbox(store, model) -> None:
    with store.sessions.begin() as session:
        parent = outbox.insert(session, factories.account())
    with pytest.raises(UnrecordedWriteError), store.sessions.begin() as session:
        session.add(factories.instance_of(model, parent.id))
    assert _count(store, model) == (1 if model is Account else 0)


def test_direct_attribute_change_is_refused(store) -> None:
    with store.sessions.begin() as session:
        account = outbox.insert(session, factories.account())
    with pytest.raises(UnrecordedWriteError, match=r"Account\.name"), store.sessions.begin() as session:
        session.get(Account, account.id).name = "改名不留痕"


def test_change_beyond_the_recorded_fields_is_refused(store) -> None:
    with store.sessions.begin() as session:
        account = outbox.insert(session, factories.account())
    with pytest.raises(UnrecordedWriteError, match="tier"), store.sessions.begin() as session:
        row = session.get(Account, account.id)
        outbox.update(session, row, city="株洲市")
        row.tier = "C"


def test_hard_delete_and_bulk_writes_are_refused(store) -> None:
    with store.sessions.begin() as session:
        account = outbox.insert(session, factories.account())
    with pytest.raises(UnrecordedWriteError, match="tombstoned"), store.sessions.begin() as session:
        session.delete(session.get(Account, account.id))
    with pytest.raises(UnrecordedWriteError, match="bypasses the outbox"), store.sessions.begin() as session:
        session.execute(insert(Account), [{"code": "X1", "name": "绕过", "tier": "C", "industry": "finance"}])
    assert _count(store, Account) == 1


def test_rows_from_the_server_need_no_outbox_entry(store) -> None:
    with store.sessions.begin() as session, outbox.applying_remote(session):
        session.add(factories.account(rev=3))
    assert _count(store, Account) == 1 and _count(store, OutboxEntry) == 0


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from kamdesk.store.database import open_store
    from kamdesk.store import outbox
    from tests import factories

    store = open_store(Path(sys.argv[1]), Path(sys.argv[2]))
    n = 0
    while True:
        with store.sessions.begin() as session:
            account = outbox.insert(session, factories.account())
            for city in ("株洲市", "湘潭市"):
                outbox.update(session, account, city=city)
        n += 1
        if n == 1:
            print("committed", flush=True)
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.15, 0.4, 0.9])
def test_kill_9_while_writing_never_leaves_a_row_without_its_entry(tmp_path: Path, delay: float) -> None:
    path = tmp_path / "store.sqlite3"
    open_store(path, tmp_path / "b").close()
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(tmp_path / "b")],
        stdout=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[3],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])},
    )
    assert child.stdout is not None and child.stdout.readline().strip() == b"committed"
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    child.wait()

    store = open_store(path, tmp_path / "b")
    with store.sessions() as session:
        account_ids = set(session.scalars(select(Account.id)))
        entries = list(session.scalars(select(OutboxEntry)))
    store.close()
    assert account_ids, "the writer committed nothing before it was killed"
    assert {entry.entity_id for entry in entries} == account_ids
    assert len(entries) == len(account_ids)
    assert all(entry.payload["city"] == "湘潭市" for entry in entries)
