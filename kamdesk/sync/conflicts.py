"""Changes the server did not simply accept: conflicts to resolve and rejections to read.

A conflict keeps its outbox entry (state ``conflict``) with the server's version. For each
conflicting field the manager keeps theirs (sent again against the server's revision) or takes
the server's (written locally as if pulled). Either way the choice syncs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kamdesk.models import SYNCED_MODELS, OutboxEntry
from kamdesk.models.wire import fields_from_wire, value_to_wire
from kamdesk.store import outbox
from kamdesk.store.outbox import applying_remote
from kamdesk.sync.messages import describe_rejection

Choice = Literal["mine", "theirs"]


@dataclass(frozen=True)
class FieldConflict:
    field: str
    mine: Any
    theirs: Any


@dataclass(frozen=True)
class Conflict:
    seq: int
    entity: str
    entity_id: str
    title: str
    server_rev: int
    fields: list[FieldConflict]


@dataclass(frozen=True)
class UnacceptedChange:
    seq: int
    entity: str
    entity_id: str
    title: str
    state: str  # pending / conflict / rejected
    explanation: str


def _title(session: Session, entity: str, entity_id: str) -> str:
    model = SYNCED_MODELS.get(entity)
    row = session.get(model, entity_id) if model else None
    for attribute in ("name", "title", "summary", "display_name", "code"):
        value = getattr(row, attribute, None)
        if value:
            return str(value)
    return entity_id


def list_conflicts(session: Session) -> list[Conflict]:
    conflicts = []
    for entry in session.scalars(
        select(OutboxEntry).where(OutboxEntry.state == "conflict").order_by(OutboxEntry.seq)
    ):
        result = entry.result or {}
        server_row = result.get("row") or {}
        model = SYNCED_MODELS[entry.entity]
        row = session.get(model, entry.entity_id)
        fields = [
            FieldConflict(name, value_to_wire(getattr(row, name, None)), server_row.get(name))
            for name in result.get("conflicts", [])
        ]
        conflicts.append(
            Conflict(
                entry.seq,
                entry.entity,
                entry.entity_id,
                _title(session, entry.entity, entry.entity_id),
                int(result.get("rev") or server_row.get("rev") or 0),
                fields,
            )
        )
    return conflicts


def resolve(session: Session, seq: int, choices: dict[str, Choice]) -> None:
    """Settle conflict ``seq``: every conflicting field must have a choice."""
    entry = session.get(OutboxEntry, seq)
    if entry is None or entry.state != "conflict":
        raise ValueError(f"outbox entry {seq} is not a conflict")
    result = entry.result or {}
    conflicting = set(result.get("conflicts", []))
    if set(choices) != conflicting:
        raise ValueError(f"choose mine or theirs for: {', '.join(sorted(conflicting - set(choices)))}")
    model = SYNCED_MODELS[entry.entity]
    row = session.get(model, entry.entity_id)
    server_row = result.get("row") or {}
    server_rev = int(result.get("rev") or server_row.get("rev") or 0)
    theirs = {name: server_row.get(name) for name, choice in choices.items() if choice == "theirs"}
    with applying_remote(session):
        for name, value in fields_from_wire(model, theirs).items():
            setattr(row, name, value)
        row.rev = server_rev
    mine = {name for name, choice in choices.items() if choice == "mine"}
    if mine:
        outbox.repush(session, row, mine, base_rev=server_rev)
    session.execute(delete(OutboxEntry).where(OutboxEntry.seq == seq))


def unaccepted_changes(session: Session) -> list[UnacceptedChange]:
    """Every local change the server has not accepted yet, oldest first, explained."""
    from kamdesk.i18n import _

    changes = []
    for entry in session.scalars(select(OutboxEntry).order_by(OutboxEntry.seq)):
        if entry.state == "rejected":
            explanation = describe_rejection(entry.result)
        elif entry.state == "conflict":
            explanation = _("Changed on the server too: choose which version to keep in Conflicts.")
        elif entry.batch_id:
            explanation = _("Sent; waiting for the server's answer.")
        else:
            explanation = _("Waiting to be sent at the next sync.")
        changes.append(
            UnacceptedChange(
                entry.seq,
                entry.entity,
                entry.entity_id,
                _title(session, entry.entity, entry.entity_id),
                entry.state,
                explanation,
            )
        )
    return changes


def retry_rejected(session: Session, seq: int) -> None:
    """Send a refused change again (e.g. after the supervisor fixed the assignment)."""
    entry = session.get(OutboxEntry, seq)
    if entry is None or entry.state != "rejected":
        raise ValueError(f"outbox entry {seq} is not a rejected change")
    entry.state, entry.batch_id, entry.result = "pending", None, None
