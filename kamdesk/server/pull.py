"""Pulling: the rows a caller may see that changed after their cursor, a page at a time.

The page is read from the change log in sequence order, filtered by scope, and each listed row
is sent in its current state (once per page, at its first position, so parents come before the
rows that refer to them). Entries that store a push exactly as the calling device sent it are
skipped: that device holds those rows already. The settled position (``changelog``) is read
before the log and bounds the page; when the page is not full the cursor jumps to it, so a client
does not rescan changes it may not see.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Select, select, union
from sqlalchemy.orm import Session

from kamdesk.models import SYNCED_MODELS
from kamdesk.models.wire import row_to_wire
from kamdesk.server.auth import Caller
from kamdesk.server.changelog import settled_position
from kamdesk.server.scope import Scope
from kamdesk.server.tables import ChangeLogEntry
from kamdesk.sync.protocol import PulledRow, PullPage


def pull(session: Session, caller: Caller, since: int, limit: int) -> PullPage:
    high = settled_position(session)
    entries = session.execute(_page_query(caller, since, high, limit + 1)).all()
    has_more = len(entries) > limit
    entries = entries[:limit]
    next_cursor = entries[-1].seq if has_more else max(high, since)
    first_seen: dict[tuple[str, str], int] = {}
    for seq, entity, entity_id in entries:
        first_seen.setdefault((entity, entity_id), seq)
    ids: dict[str, list[str]] = defaultdict(list)
    for entity, entity_id in first_seen:
        ids[entity].append(entity_id)
    rows: dict[tuple[str, str], PulledRow] = {}
    for entity, entity_ids in ids.items():
        model = SYNCED_MODELS.get(entity)
        if model is None:
            continue
        for obj in session.scalars(select(model).where(model.id.in_(entity_ids))):
            rows[(entity, obj.id)] = PulledRow.model_construct(
                entity=entity, id=obj.id, rev=obj.rev, seq=first_seen[(entity, obj.id)], row=row_to_wire(obj)
            )
    changes = [rows[key] for key in first_seen if key in rows]
    return PullPage(changes=changes, next_cursor=next_cursor, has_more=has_more)


def _page_query(caller: Caller, since: int, high: int, limit: int) -> Select[tuple[int, str, str]]:
    """The next ``limit`` log entries the caller may see: for each reason to see an entry, an
    index range scan from ``since``; then the first ``limit`` of their union."""
    log = ChangeLogEntry
    window = (
        log.seq > since,
        log.seq <= high,
        log.echo_of_device.is_distinct_from(caller.device_id),
    )
    parts = Scope(caller).log_parts()
    if parts is not None:
        ranges = [
            select(log.seq).where(*window, part).order_by(log.seq).limit(limit).subquery() for part in parts
        ]
        visible = union(*(select(r.c.seq) for r in ranges)).subquery()
        window = (log.seq.in_(select(visible.c.seq)),)
    return select(log.seq, log.entity, log.entity_id).where(*window).order_by(log.seq).limit(limit)
