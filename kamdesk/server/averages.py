"""Team averages for the report builder: how many on-site, phone and SMS visits a manager of
the team submitted in a period, on average, so a report can say whether its author is below."""

from __future__ import annotations

from collections import Counter as Tally
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kamdesk.domain.clock import BUSINESS_TZ
from kamdesk.models import User, Visit, utcnow
from kamdesk.models.enums import Role, VisitKind, VisitStatus
from kamdesk.server.auth import Caller
from kamdesk.server.errors import ApiError, forbidden
from kamdesk.sync.protocol import ActivityCounts, TeamAverages

FIELD_ROLES = (Role.MANAGER, Role.PHONE_MANAGER)
MAX_PERIOD_DAYS = 400


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=BUSINESS_TZ)


def _counts(tally: Tally[str], divisor: int) -> ActivityCounts:
    def share(kind: VisitKind) -> float:
        return round(tally[kind.value] / divisor, 2) if divisor else 0.0

    return ActivityCounts(
        onsite=share(VisitKind.ONSITE), phone=share(VisitKind.PHONE), sms=share(VisitKind.SMS)
    )


def team_averages(
    session: Session, caller: Caller, period_start: date, period_end: date, team_id: str | None = None
) -> TeamAverages:
    """Submitted visits whose ``occurred_at`` falls in [start, end] (business dates, Asia/Shanghai)
    per field manager of the team. Managers and supervisors get their own team; admins name one."""
    if period_end < period_start:
        raise ApiError(422, "invalid_period", "period_end is before period_start")
    if not (date(1900, 1, 1) <= period_start and period_end <= date(2999, 12, 31)):
        raise ApiError(422, "invalid_period", "the period is out of range")
    if (period_end - period_start).days > MAX_PERIOD_DAYS:
        raise ApiError(422, "invalid_period", f"a period is at most {MAX_PERIOD_DAYS} days")
    if team_id is None or team_id == caller.team_id:
        team_id = caller.team_id
    elif not caller.is_admin:
        raise forbidden("you may read your own team's figures only")
    if team_id is None:
        raise ApiError(404, "no_team", "you are not in a team")
    managers = set(
        session.scalars(
            select(User.id).where(
                User.team_id == team_id, User.role.in_(FIELD_ROLES), User.deleted.is_(False)
            )
        )
    )
    begin, end = _start_of(period_start), _start_of(period_end + timedelta(days=1))
    team_tally: Tally[str] = Tally()
    mine: Tally[str] = Tally()
    if managers:
        rows = session.execute(
            select(Visit.owner_id, Visit.kind, func.count())
            .where(
                Visit.owner_id.in_(managers),
                Visit.status == VisitStatus.SUBMITTED,
                Visit.deleted.is_(False),
                Visit.occurred_at >= begin,
                Visit.occurred_at < end,
            )
            .group_by(Visit.owner_id, Visit.kind)
        )
        for owner_id, kind, count in rows:
            key = kind.value if isinstance(kind, VisitKind) else str(kind)
            team_tally[key] += count
            if owner_id == caller.user_id:
                mine[key] += count
    return TeamAverages(
        team_id=team_id,
        period_start=period_start,
        period_end=period_end,
        managers=len(managers),
        average=_counts(team_tally, len(managers)),
        mine=_counts(mine, 1) if caller.user_id in managers else None,
        computed_at=utcnow(),
    )
