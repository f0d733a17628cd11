"""The one write path for synced rows: the change and its outbox entry share a transaction.

Domain code calls ``insert``/``update``/``tombstone`` with a session it does not commit; the
caller's ``with factory.begin()`` commits both or neither. A ``before_flush`` guard refuses any
change to a synced row that did not come through here (or through ``applying_remote`` for rows
the server sent), so no write path can skip the outbox.

Outbox ops are ``insert`` (the full row) and ``patch`` (changed fields against ``base_rev``; a
tombstone is a patch of ``deleted``). A pending entry not yet stamped with a batch id absorbs
later changes to the same row: autosaving a draft every few seconds leaves one entry, not
hundreds, and the server still receives every final value.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from kamdesk.errors import KamdeskError
from kamdesk.models.base import SyncColumns, new_id, utcnow
from kamdesk.models.local import OutboxEntry
from kamdesk.models.wire import row_to_wire, value_to_wire

T = TypeVar("T", bound=SyncColumns)

_RECORDED = "kamdesk_outboxed"
_REMOTE = "kamdesk_applying_remote"
USER_KEY = "kamdesk_user_id"
ALL_FIELDS = "*"


class UnrecordedWriteError(KamdeskError):
    """A synced row was changed without going through the outbox writer: a bug."""


def _recorded(session: Session) -> dict[tuple[str, str], set[str]]:
    return session.info.setdefault(_RECORDED, {})


def _key(obj: SyncColumns) -> tuple[str, str]:
    return (obj.__tablename__, obj.id)  # type: ignore[attr-defined]


def _pending_entry(session: Session, entity: str, entity_id: str) -> OutboxEntry | None:
    return session.scalars(
        select(OutboxEntry)
        .where(
            OutboxEntry.entity == entity,
            OutboxEntry.entity_id == entity_id,
            OutboxEntry.state == "pending",
            OutboxEntry.batch_id.is_(None),
        )
        .order_by(OutboxEntry.seq.desc())
        .limit(1)
    ).first()


def insert(session: Session, obj: T) -> T:
    """Add a new synced row and its ``insert`` outbox entry."""
    if obj.id is None:
        obj.id = new_id()
    obj.rev = obj.rev or 0
    obj.deleted = bool(obj.deleted)
    obj.updated_at = utcnow()
    if obj.owner_id is None:
        obj.owner_id = session.info.get(USER_KEY)
    _fill_python_defaults(obj)
    session.add(obj)
    _recorded(session)[_key(obj)] = {ALL_FIELDS}
    session.add(
        OutboxEntry(
            entity=obj.__tablename__,  # type: ignore[attr-defined]
            entity_id=obj.id,
            op="insert",
            payload=row_to_wire(obj),
            base_rev=0,
            created_at=utcnow(),
            state="pending",
        )
    )
    return obj


def update(session: Session, obj: T, **changes: Any) -> T:
    """Set ``changes`` on ``obj`` and record a ``patch`` of the fields that really changed."""
    forbidden = set(changes) & {"id", "rev", "updated_at", "owner_id"}
    if forbidden:
        raise ValueError(f"sync columns are not edited directly: {', '.join(sorted(forbidden))}")
    changed = {key: value for key, value in changes.items() if getattr(obj, key) != value}
    if not changed:
        return obj
    for key, value in changed.items():
        setattr(obj, key, value)
    obj.updated_at = utcnow()
    recorded = _recorded(session).setdefault(_key(obj), set())
    recorded.update(changed, {"updated_at"})
    patch = {key: value_to_wire(value) for key, value in changed.items()}
    patch["updated_at"] = value_to_wire(obj.updated_at)
    entity = obj.__tablename__  # type: ignore[attr-defined]
    pending = _pending_entry(session, entity, obj.id)
    if pending is not None:
        pending.payload = {**pending.payload, **patch}
    else:
        session.add(
            OutboxEntry(
                entity=entity,
                entity_id=obj.id,
                op="patch",
                payload=patch,
                base_rev=obj.rev,
                created_at=utcnow(),
                state="pending",
            )
        )
    return obj


def repush(session: Session, obj: SyncColumns, keys: set[str], *, base_rev: int) -> None:
    """Send ``keys`` of ``obj`` again as they are now, against ``base_rev``: the "keep mine"
    answer to a conflict, where the local values did not change but must win on the server."""
    patch = {key: value_to_wire(getattr(obj, key)) for key in sorted(keys)}
    session.add(
        OutboxEntry(
            entity=obj.__tablename__,  # type: ignore[attr-defined]
            entity_id=obj.id,
            op="patch",
            payload=patch,
            base_rev=base_rev,
            created_at=utcnow(),
            state="pending",
        )
    )


def tombstone(session: Session, obj: SyncColumns) -> None:
    """Delete a synced row the only way it may be: mark it deleted and tell the server."""
    update(session, obj, deleted=True)


@contextmanager
def applying_remote(session: Session) -> Iterator[Session]:
    """Within this block, writes come from the server (or the demo seeder) and need no outbox entry.
    They are flushed when the block ends, so later local changes are checked on their own."""
    previous = session.info.get(_REMOTE, False)
    session.info[_REMOTE] = True
    try:
        yield session
        session.flush()
    finally:
        session.info[_REMOTE] = previous


def is_applying_remote(session: Session) -> bool:
    """True inside ``applying_remote``: other guards (e.g. visit immutability) let server data through."""
    return bool(session.info.get(_REMOTE))


def _fill_python_defaults(obj: SyncColumns) -> None:
    """Apply scalar column defaults now, so the outbox payload carries the row as stored."""
    for attr in inspect(type(obj)).column_attrs:
        default = attr.columns[0].default
        if default is None or getattr(obj, attr.key) is not None:
            continue
        setattr(obj, attr.key, default.arg(None) if default.is_callable else default.arg)  # type: ignore[attr-defined]


def _changed_fields(obj: SyncColumns) -> set[str]:
    state = inspect(obj)
    return {attr.key for attr in state.attrs if attr.history.has_changes()}


def _guard(session: Session, _flush_context: Any, _instances: Any) -> None:
    if session.info.get(_REMOTE):
        return
    recorded = session.info.get(_RECORDED, {})
    for obj in session.new:
        if isinstance(obj, SyncColumns) and ALL_FIELDS not in recorded.get(_key(obj), set()):
            raise UnrecordedWriteError(f"new {type(obj).__name__} added without kamdesk.store.outbox.insert")
    for obj in session.deleted:
        if isinstance(obj, SyncColumns):
            raise UnrecordedWriteError(f"synced {type(obj).__name__} rows are tombstoned, never deleted")
    for obj in session.dirty:
        if not isinstance(obj, SyncColumns) or not session.is_modified(obj):
            continue
        allowed = recorded.get(_key(obj), set())
        if ALL_FIELDS in allowed:
            continue
        stray = _changed_fields(obj) - allowed
        if stray:
            raise UnrecordedWriteError(
                f"{type(obj).__name__}.{', '.join(sorted(stray))} changed without kamdesk.store.outbox.update"
            )


def _guard_bulk(execute_state: Any) -> None:
    """ORM-enabled bulk statements (``session.execute(insert(Account), rows)``) bypass
    ``before_flush``; refuse them on synced tables unless the rows come from the server."""
    statement = execute_state.statement
    if not (execute_state.is_insert or execute_state.is_update or execute_state.is_delete):
        return
    if execute_state.session.info.get(_REMOTE):
        return
    mapper = execute_state.bind_mapper
    if mapper is not None and issubclass(mapper.class_, SyncColumns):
        raise UnrecordedWriteError(f"bulk write to {statement.table} bypasses the outbox")


def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(_RECORDED, None)


def install_outbox_guard(factory: sessionmaker[Session]) -> None:
    event.listen(factory, "before_flush", _guard)
    event.listen(factory, "do_orm_execute", _guard_bulk)
    event.listen(factory, "after_commit", _forget)
    event.listen(factory, "after_soft_rollback", _forget)
