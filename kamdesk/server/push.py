"""Applying a pushed batch: once, in one transaction, with a result per change.

The batch id is claimed first (a row in ``server_processed_batches`` with a unique key), so a
concurrent push of the same batch waits on that key and then returns the stored response; a
later repeat finds it straight away. Changes are checked in Python first (types, scope,
references, visit templates) so rejections cost no database round trip; if the database still
refuses something at flush, the batch is redone with one savepoint per change so only the
offending change is rejected.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from kamdesk import models
from kamdesk.models import SYNCED_MODELS, Account, Base, SyncColumns, utcnow
from kamdesk.models.enums import ReportStatus, VisitStatus
from kamdesk.models.wire import row_to_wire
from kamdesk.server.auth import Caller
from kamdesk.server.changelog import ChangeRecorder, touched_since
from kamdesk.server.db import Database, bulk_insert
from kamdesk.server.errors import ApiError
from kamdesk.server.rows import Draft, FieldError, columns_of, missing_required, parse_fields
from kamdesk.server.scope import Scope
from kamdesk.server.tables import AccountHandover, ProcessedBatch
from kamdesk.server.validation import TemplateCache, validate_visit
from kamdesk.sync.protocol import Change, ChangeResult, ChangeStatus, PushRequest, PushResponse, Rejection

log = logging.getLogger("kamdesk.server.push")

HANDOVER_ENTITIES = frozenset({"visits", "complaints", "opportunities", "competitor_notes"})
"""What a manager may still send for an account taken from them, within ``HANDOVER_GRACE``:
work recorded offline before they learnt of the reassignment is not lost."""
HANDOVER_GRACE = timedelta(days=30)
FIELD_MERGE = frozenset({"accounts", "contacts"})
"""Edited by several people: patches merge field by field against ``base_rev``."""
SINGLE_AUTHOR = frozenset({"visits", "reports"})
"""Written by their author only; never conflict, immutable once submitted."""
ADMIN_ONLY = frozenset({"users", "teams", "form_templates", "revenue_months"})
"""Handed out by the server; changed through the admin CLI, not by pushes of managers."""
MANAGER_FIELDS = frozenset({"primary_manager_id", "secondary_manager_id"})


class _Rejected(Exception):
    def __init__(self, code: str, message: str, field_name: str | None = None) -> None:
        super().__init__(message)
        self.rejection = Rejection(code=code, message=message, field=field_name)


@dataclass
class _Batch:
    """What one batch needs to know, loaded once."""

    session: Session
    caller: Caller
    scope: Scope
    recorder: ChangeRecorder
    templates: TemplateCache
    visible_accounts: set[str] | None
    existing: dict[tuple[str, str], SyncColumns] = field(default_factory=dict)
    known_ids: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    team_members: set[str] = field(default_factory=set)
    handed_over: set[str] = field(default_factory=set)
    """Accounts taken from the caller within ``HANDOVER_GRACE``."""
    pending: dict[str, list[Draft]] = field(default_factory=lambda: defaultdict(list))
    """New rows not yet written: inserted in bulk, bypassing the ORM unit of work."""
    pending_ids: set[tuple[str, str]] = field(default_factory=set)

    def flush_inserts(self) -> None:
        """Write the pending new rows, parents before children."""
        if not self.pending:
            return
        for table in Base.metadata.sorted_tables:
            objects = self.pending.pop(table.name, None)
            if objects:
                bulk_insert(self.session, table, [obj.values() for obj in objects])
        self.pending.clear()
        self.pending_ids.clear()

    def may_record_on(self, entity: str, account_id: str | None) -> bool:
        """Visible, or handed over lately and ``entity`` is a visit or something a visit found."""
        return self.account_visible(account_id) or (
            entity in HANDOVER_ENTITIES and account_id in self.handed_over
        )

    def account_visible(self, account_id: str | None) -> bool:
        if account_id is None:
            return False
        if self.visible_accounts is None:
            return account_id in self.known_ids["accounts"]
        return account_id in self.visible_accounts


def push(database: Database, caller: Caller, request: PushRequest) -> PushResponse:
    """Apply ``request`` once; repeats (sequential or concurrent) get the first response."""
    if request.device_id is not None and request.device_id != caller.device_id:
        raise ApiError(400, "wrong_device", "device_id does not belong to this token")
    for careful in (False, True):
        try:
            with database.begin(write=True) as session:
                batch_row = ProcessedBatch(
                    batch_id=request.batch_id,
                    user_id=caller.user_id,
                    device_id=caller.device_id,
                    change_count=len(request.changes),
                    response="",
                )
                session.add(batch_row)
                try:
                    session.flush()
                except IntegrityError:
                    raise _Claimed() from None
                response, recorder = _apply(session, caller, request, careful=careful)
                batch_row.response = response.model_dump_json()
                session.flush()
                # Last: take change-log positions (on SQLite the counter row stays locked until
                # the commit right after; see ``changelog.allocate_positions``).
                recorder.flush()
                return response
        except _Claimed:
            stored = _stored_response(database, caller, request.batch_id)
            if stored is not None:
                return stored
            raise ApiError(409, "batch_in_progress", "This batch is being applied; retry shortly.") from None
        except DBAPIError as error:
            if careful:
                raise
            log.info("batch %s hit %s; redoing change by change", request.batch_id, type(error).__name__)
    raise AssertionError("unreachable")


class _Claimed(Exception):
    """Another transaction holds or has stored this batch id."""


def _stored_response(database: Database, caller: Caller, batch_id: str) -> PushResponse | None:
    with database.begin() as session:
        stored = session.get(ProcessedBatch, batch_id)
        if stored is None:
            return None
        if stored.user_id != caller.user_id:
            raise ApiError(409, "batch_id_taken", "This batch id was used by another user; use a new one.")
        response = PushResponse.model_validate_json(stored.response)
        return response.model_copy(update={"replayed": True})


def _apply(
    session: Session, caller: Caller, request: PushRequest, *, careful: bool
) -> tuple[PushResponse, ChangeRecorder]:
    scope = Scope(caller)
    batch = _Batch(
        session=session,
        caller=caller,
        scope=scope,
        recorder=ChangeRecorder(session, caller.user_id, caller.device_id),
        templates=TemplateCache.for_session(session),
        visible_accounts=None if scope.sees_all else set(),
    )
    _preload(batch, request.changes)
    batch.handed_over = set(
        session.scalars(
            select(AccountHandover.account_id).where(
                AccountHandover.user_id == caller.user_id,
                AccountHandover.handed_over_at >= utcnow() - HANDOVER_GRACE,
            )
        )
    )
    batch.known_ids["users"].add(caller.user_id)
    if caller.is_supervisor:
        batch.team_members = set(session.scalars(scope.member_ids()))
    results: list[ChangeResult] = []
    for change in request.changes:
        if careful:
            savepoint = session.begin_nested()
            try:
                result = _apply_one(batch, change)
                batch.flush_inserts()
                session.flush()
                savepoint.commit()
            except (IntegrityError, DBAPIError) as error:
                savepoint.rollback()
                batch.pending.clear()
                batch.pending_ids.clear()
                batch.existing.pop((change.entity, change.id), None)
                reason = str(getattr(error, "orig", error)).splitlines()[0][:300]
                result = _rejected(change, Rejection(code="constraint", message=reason))
        else:
            result = _apply_one(batch, change)
        results.append(result)
    batch.flush_inserts()
    session.flush()
    return PushResponse(batch_id=request.batch_id, results=results), batch.recorder


def _preload(batch: _Batch, changes: list[Change]) -> None:
    """Load in a few queries every row the batch touches or references, and which of the
    accounts involved the caller may use (only those: a supervisor's team may hold tens of
    thousands)."""
    targets: dict[str, set[str]] = defaultdict(set)
    referenced: dict[str, set[str]] = defaultdict(set)
    for change in changes:
        model = SYNCED_MODELS.get(change.entity)
        if model is None:
            continue
        targets[change.entity].add(change.id)
        columns = columns_of(model)
        for key, value in change.fields.items():
            info = columns.get(key)
            if info is not None and info.foreign_table and isinstance(value, str):
                referenced[info.foreign_table].add(value)
    session = batch.session
    for entity, ids in targets.items():  # rows the batch may change: loaded whole
        model = SYNCED_MODELS[entity]
        for chunk in _chunks(sorted(ids), 500):
            for row in session.scalars(select(model).where(model.id.in_(chunk))):
                batch.existing[(entity, row.id)] = row
                batch.known_ids[entity].add(row.id)
    if batch.visible_accounts is not None:  # accounts are checked for scope, not existence
        involved = referenced.pop("accounts", set()) | targets.get("accounts", set())
        involved.update(row.account_id for row in batch.existing.values() if getattr(row, "account_id", None))
        for chunk in _chunks(sorted(involved), 500):
            batch.visible_accounts.update(
                session.scalars(
                    select(Account.id).where(Account.id.in_(chunk), batch.scope.account_condition())
                )
            )
    for entity, ids in referenced.items():  # rows the batch only points at: whether they exist
        model = SYNCED_MODELS[entity]
        for chunk in _chunks(sorted(ids - batch.known_ids[entity]), 500):
            batch.known_ids[entity].update(session.scalars(select(model.id).where(model.id.in_(chunk))))


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _rejected(change: Change, reason: Rejection) -> ChangeResult:
    return ChangeResult(entity=change.entity, id=change.id, status=ChangeStatus.REJECTED, reason=reason)


def _apply_one(batch: _Batch, change: Change) -> ChangeResult:
    try:
        model = SYNCED_MODELS.get(change.entity)
        if model is None:
            raise _Rejected("unknown_entity", f"unknown entity {change.entity!r}", "entity")
        if change.fields.get("id", change.id) != change.id:
            raise _Rejected("invalid", "fields.id differs from the change id", "id")
        try:
            fields = parse_fields(model, change.fields)
        except FieldError as error:
            raise _Rejected(error.code, error.message, error.field) from None
        existing = batch.existing.get((change.entity, change.id))
        if existing is not None and (change.entity, change.id) in batch.pending_ids:
            batch.flush_inserts()  # a second change to a row this batch created: make it real
            existing = batch.session.get(model, change.id)
            batch.existing[(change.entity, change.id)] = existing
        if existing is None:
            if change.op == "patch":
                raise _Rejected("not_found", f"no {change.entity} row {change.id} you may change")
            return _insert(batch, model, change, fields)
        if not _may_write(batch, existing):
            if change.op == "insert":
                raise _Rejected("id_taken", f"id {change.id} is already used")
            raise _Rejected("not_found", f"no {change.entity} row {change.id} you may change")
        base_rev = change.base_rev if change.op == "patch" else 0
        return _patch(batch, existing, change, fields, base_rev)
    except _Rejected as rejected:
        return _rejected(change, rejected.rejection)


def _check_role(batch: _Batch, entity: str, obj: SyncColumns | Draft) -> None:
    caller = batch.caller
    if caller.is_admin:
        return
    if entity in ADMIN_ONLY:
        raise _Rejected("forbidden", f"{entity} are managed by an administrator")
    if entity == "cadence_rules":
        team_id = getattr(obj, "team_id", None)
        if not (caller.is_supervisor and team_id is not None and team_id == caller.team_id):
            raise _Rejected("forbidden", "cadence rules are set by the team's supervisor")


def _may_write(batch: _Batch, obj: SyncColumns | Draft) -> bool:
    """Whether the caller may change ``obj`` as it is now (or store it as it would become)."""
    caller = batch.caller
    if caller.is_admin:
        return True
    entity = obj.__tablename__
    if entity == "accounts":
        return obj.id in (batch.visible_accounts or set())
    if entity == "tasks":
        return (
            batch.account_visible(obj.account_id)
            or obj.assignee_id == caller.user_id
            or obj.assigner_id == caller.user_id
            or (caller.is_supervisor and obj.assignee_id in batch.team_members)
        )
    if entity == "reports":
        return obj.owner_id == caller.user_id
    if entity in ("cadence_rules", "users", "teams", "form_templates"):
        return caller.is_supervisor and getattr(obj, "team_id", None) == caller.team_id is not None
    account_id = getattr(obj, "account_id", None)
    return batch.may_record_on(entity, account_id)


def _check_references(
    batch: _Batch, model: type[SyncColumns], obj: SyncColumns | Draft, keys: set[str]
) -> None:
    columns = columns_of(model)
    for key in keys:
        info = columns[key]
        value = getattr(obj, key)
        if info.foreign_table is None or value is None:
            continue
        if info.foreign_table == "accounts":
            if not batch.may_record_on(model.__tablename__, value):  # type: ignore[attr-defined]
                raise _Rejected("not_found", f"no account {value} you may use", key)
        elif value not in batch.known_ids[info.foreign_table]:
            raise _Rejected("not_found", f"{key} refers to a missing {info.foreign_table} row", key)


def _check_account_managers(batch: _Batch, account: models.Account | Draft, keys: set[str]) -> None:
    caller = batch.caller
    changed = keys & MANAGER_FIELDS
    if not changed or caller.is_admin:
        return
    managers = {account.primary_manager_id, account.secondary_manager_id} - {None}
    if caller.is_supervisor:
        if not managers <= batch.team_members:
            raise _Rejected("forbidden", "accounts go to members of your team only", sorted(changed)[0])
        return
    raise _Rejected("forbidden", "only a supervisor assigns accounts", sorted(changed)[0])


def _insert(batch: _Batch, model: type[SyncColumns], change: Change, fields: dict[str, Any]) -> ChangeResult:
    if change.op == "patch":
        raise _Rejected("not_found", f"no {change.entity} row {change.id}")
    missing = missing_required(model, fields)
    if missing:
        raise _Rejected("required", f"a new {change.entity} row needs {', '.join(missing)}", missing[0])
    caller = batch.caller
    filled = {"owner_id"}  # what the server sets itself; compared with what was sent, below
    managers = {fields.get("primary_manager_id"), fields.get("secondary_manager_id")}
    if change.entity == "accounts" and not caller.is_admin and caller.user_id not in managers:
        if fields.get("primary_manager_id") is None:
            fields["primary_manager_id"] = caller.user_id
            filled.add("primary_manager_id")
        elif not caller.is_supervisor:
            raise _Rejected("forbidden", "a new account must be yours", "primary_manager_id")
    obj = Draft.of(model, {**fields, "id": change.id})
    obj.owner_id = caller.user_id
    _check_role(batch, change.entity, obj)
    entity = change.entity
    if entity == "tasks":
        for default in ("assignee_id", "assigner_id"):
            if getattr(obj, default) is None:
                setattr(obj, default, caller.user_id)
                filled.add(default)
    _check_references(batch, model, obj, set(fields))
    if entity == "accounts":
        _check_account_managers(batch, obj, set(fields) if caller.is_supervisor else set())
    elif not _may_write(batch, obj):
        raise _Rejected("not_found", "the row refers to an account you may not use", "account_id")
    if entity == "visits":
        _check_visit(batch, obj)
    # The sender already holds the row unless the server filled in something it did not send.
    as_sent = all(change.fields.get(key) == getattr(obj, key) for key in filled)
    batch.recorder.created(obj, echo=as_sent)
    batch.pending[change.entity].append(obj)
    batch.pending_ids.add((change.entity, obj.id))
    batch.existing[(change.entity, obj.id)] = obj
    batch.known_ids[change.entity].add(obj.id)
    if entity == "accounts" and batch.visible_accounts is not None:
        batch.visible_accounts.add(obj.id)
    return ChangeResult.model_construct(
        entity=change.entity,
        id=change.id,
        status=ChangeStatus.APPLIED,
        rev=obj.rev,
        conflicts=[],
        row=None,
        reason=None,
    )


def _check_visit(batch: _Batch, visit: models.Visit | Draft) -> None:
    problems = validate_visit(visit, batch.templates, batch_rows=batch.existing.values())  # type: ignore[arg-type]
    if problems:
        raise _Rejected(problems[0].code, "; ".join(p.message for p in problems), problems[0].field)


def _patch(
    batch: _Batch, obj: SyncColumns, change: Change, fields: dict[str, Any], base_rev: int
) -> ChangeResult:
    entity = change.entity
    model = type(obj)
    _check_role(batch, entity, obj)
    if base_rev > obj.rev:
        raise _Rejected("bad_base_rev", f"base_rev {base_rev} is newer than the server's rev {obj.rev}")
    changed = {key: value for key, value in fields.items() if getattr(obj, key) != value}
    if entity in SINGLE_AUTHOR and changed:
        submitted = VisitStatus.SUBMITTED if entity == "visits" else ReportStatus.SUBMITTED
        if getattr(obj, "status", None) == submitted:
            raise _Rejected(
                "immutable", f"a submitted {entity[:-1]} cannot change; record a correction instead", "status"
            )
    conflicts: list[str] = []
    stale = base_rev < obj.rev
    if entity in FIELD_MERGE and stale and changed:
        touched = touched_since(batch.session, entity, obj.id, base_rev)
        conflicts = sorted(key for key in changed if key in touched)
        for key in conflicts:
            del changed[key]
    if changed:
        previous = {key: getattr(obj, key) for key in changed}
        for key, value in changed.items():
            setattr(obj, key, value)
        try:
            _check_role(batch, entity, obj)
            if not _may_write(batch, obj):
                raise _Rejected(
                    "not_found", "the change moves the row to an account you may not use", "account_id"
                )
            _check_references(batch, model, obj, set(changed))
            if isinstance(obj, models.Account):
                _check_account_managers(batch, obj, set(changed))
            if isinstance(obj, models.Visit):
                _check_visit(batch, obj)
        except _Rejected:
            for key, value in previous.items():
                setattr(obj, key, value)
            raise
        batch.recorder.changed(obj, set(changed), echo=not stale)
        if isinstance(obj, models.Account) and set(changed) & MANAGER_FIELDS:
            batch.flush_inserts()
            old = {previous.get(k, getattr(obj, k)) for k in MANAGER_FIELDS}
            batch.recorder.reassigned(obj, old)
            if batch.visible_accounts is not None:
                now_managers = {obj.primary_manager_id, obj.secondary_manager_id}
                mine = {batch.caller.user_id} | batch.team_members
                if now_managers & mine:
                    batch.visible_accounts.add(obj.id)
                else:
                    batch.visible_accounts.discard(obj.id)
    if conflicts:
        status = ChangeStatus.CONFLICT
    elif stale:
        status = ChangeStatus.MERGED
    else:
        status = ChangeStatus.APPLIED
    row = row_to_wire(obj) if status != ChangeStatus.APPLIED else None
    return ChangeResult(entity=entity, id=obj.id, status=status, rev=obj.rev, conflicts=conflicts, row=row)
