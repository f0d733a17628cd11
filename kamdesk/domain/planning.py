"""Plan the week: propose visits that bring overdue and due-soon accounts back on cadence.

On-site visits are grouped so a day stays in one district, or at least one city; phone visits
only need a free slot. A visit due within the week is placed on or before its due date, an
overdue one as early as possible; what finds no free slot is reported, never silently dropped.
Accepted proposals become ``visits`` rows with status ``planned`` (through the outbox); planned
visits can be moved to another day or dropped (cancelled, since synced rows are never deleted).
"""

from __future__ import annotations

import gc
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from kamdesk.domain import cadence
from kamdesk.domain.clock import BUSINESS_TZ, business_datetime
from kamdesk.errors import UserError
from kamdesk.i18n import _
from kamdesk.models import Account, Visit
from kamdesk.models.enums import Tier, VisitKind, VisitStatus
from kamdesk.store import outbox

TIER_ORDER = {tier: index for index, tier in enumerate(Tier)}
ONSITE_START = time(9, 30)
ONSITE_SLOT = timedelta(hours=2)
PHONE_START = time(14, 0)
PHONE_SLOT = timedelta(minutes=20)


class UnplacedReason(StrEnum):
    NO_SLOT = "no_slot"  # every day of the week is full
    NO_SLOT_BEFORE_DUE = "no_slot_before_due"  # days up to the due date are full
    NO_DAYS_LEFT = "no_days_left"  # the week's working days are past


@dataclass(frozen=True)
class Capacity:
    onsite_per_day: int = 4
    phone_per_day: int = 10
    workdays: int = 5  # Monday to Friday


@dataclass(frozen=True)
class Proposal:
    account_id: str
    account_name: str
    tier: Tier
    city: str | None
    district: str | None
    kind: VisitKind
    day: date
    due: date
    overdue_days: int

    @property
    def on_cadence(self) -> bool:
        """Planned no later than due (an overdue visit can only be brought back, as early as possible)."""
        return self.day <= self.due


@dataclass(frozen=True)
class Unplaced:
    account_id: str
    account_name: str
    kind: VisitKind
    due: date
    overdue_days: int
    reason: UnplacedReason


@dataclass(frozen=True)
class WeekPlan:
    week_start: date
    days: tuple[date, ...]
    proposals: tuple[Proposal, ...]
    unplaced: tuple[Unplaced, ...]

    def moved(self, proposal: Proposal, day: date) -> WeekPlan:
        return replace(
            self, proposals=tuple(replace(p, day=day) if p == proposal else p for p in self.proposals)
        )

    def dropped(self, proposal: Proposal) -> WeekPlan:
        return replace(self, proposals=tuple(p for p in self.proposals if p != proposal))

    def on_day(self, day: date) -> list[Proposal]:
        return [p for p in self.proposals if p.day == day]


@dataclass(frozen=True)
class PlannedVisit:
    id: str
    account_id: str
    account_name: str
    city: str | None
    district: str | None
    kind: VisitKind
    planned_at: datetime

    @property
    def day(self) -> date:
        return self.planned_at.astimezone(BUSINESS_TZ).date()


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def unplaced_reason_text(reason: UnplacedReason) -> str:
    return {
        UnplacedReason.NO_SLOT: _("No free slot this week"),
        UnplacedReason.NO_SLOT_BEFORE_DUE: _("No free slot on or before its due date"),
        UnplacedReason.NO_DAYS_LEFT: _("No working day left this week"),
    }[reason]


def planned_visits(session: Session, start: date, end: date) -> list[PlannedVisit]:
    """Planned (not yet carried out) visits from ``start`` to ``end`` inclusive, by time."""
    rows = session.execute(
        select(
            Visit.id,
            Visit.account_id,
            Account.name,
            Account.city,
            Account.district,
            Visit.kind,
            Visit.planned_at,
        )
        .join(Account, Account.id == Visit.account_id)
        .where(
            Visit.deleted.is_(False),
            Visit.status == VisitStatus.PLANNED,
            Visit.planned_at >= business_datetime(start, time(0)),
            Visit.planned_at < business_datetime(end + timedelta(days=1), time(0)),
        )
        .order_by(Visit.planned_at)
    )
    return [PlannedVisit(*row) for row in rows]


def _already_planned(session: Session, today: date) -> set[tuple[str, VisitKind]]:
    rows = session.execute(
        select(Visit.account_id, Visit.kind).where(
            Visit.deleted.is_(False),
            Visit.status == VisitStatus.PLANNED,
            Visit.planned_at >= business_datetime(today, time(0)),
        )
    )
    return {(account_id, VisitKind(kind)) for account_id, kind in rows}


def propose_week(
    session: Session,
    start: date,
    today: date,
    capacity: Capacity | None = None,
    policy: cadence.Policy | None = None,
) -> WeekPlan:
    """Proposals for the week beginning ``start`` (a Monday), using days from ``today`` on."""
    # A large portfolio gives a few hundred thousand small acyclic objects (statuses, candidates,
    # unplaced visits); the cyclic collector would walk all of them again and again: pause it.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _propose_week(session, start, today, capacity or Capacity(), policy)
    finally:
        if paused:
            gc.enable()


def _propose_week(
    session: Session, start: date, today: date, capacity: Capacity, policy: cadence.Policy | None
) -> WeekPlan:
    days = tuple(d for d in (start + timedelta(days=i) for i in range(capacity.workdays)) if d >= today)
    week_end = start + timedelta(days=6)
    statuses = cadence.portfolio_cadence(session, today, policy=policy, due_by=week_end)
    skip = _already_planned(session, today)
    load: dict[tuple[date, VisitKind], int] = Counter()
    cities: dict[date, Counter[tuple[str | None, str | None]]] = defaultdict(Counter)
    for planned in planned_visits(session, start, week_end):
        load[(planned.day, planned.kind)] += 1
        if planned.kind is VisitKind.ONSITE:
            cities[planned.day][(planned.city, planned.district)] += 1

    candidates = [
        (account, status)
        for account in statuses
        for status in account.kinds
        if status.due <= week_end and (account.account_id, status.kind) not in skip
    ]
    candidates.sort(key=lambda c: (c[1].due, TIER_ORDER[c[0].tier], c[0].name))
    proposals: list[Proposal] = []
    unplaced: list[Unplaced] = []

    def refuse(account: cadence.AccountCadence, status: cadence.KindStatus, reason: UnplacedReason) -> None:
        unplaced.append(
            Unplaced(account.account_id, account.name, status.kind, status.due, status.overdue_days, reason)
        )

    # On-site: the most urgent that fit the week's free slots, then placed city by city (the
    # city of the most urgent first) so a day's visits are close together.
    onsite = [c for c in candidates if c[1].kind is VisitKind.ONSITE]
    free_onsite = sum(max(0, capacity.onsite_per_day - load[(d, VisitKind.ONSITE)]) for d in days)
    chosen, surplus = onsite[:free_onsite], onsite[free_onsite:]
    city_rank: dict[str | None, int] = {}
    for account, _status in chosen:
        city_rank.setdefault(account.city, len(city_rank))
    chosen.sort(key=lambda c: (city_rank[c[0].city], c[0].district or "", c[1].due))
    phone = [c for c in candidates if c[1].kind is not VisitKind.ONSITE]
    for account, status in chosen + phone:
        limit = capacity.onsite_per_day if status.kind is VisitKind.ONSITE else capacity.phone_per_day
        allowed = [d for d in days if d <= status.due] if days and status.due >= days[0] else list(days)
        free = [d for d in allowed if load[(d, status.kind)] < limit]
        if not free:
            reason = (
                UnplacedReason.NO_DAYS_LEFT
                if not days
                else UnplacedReason.NO_SLOT
                if len(allowed) == len(days)
                else UnplacedReason.NO_SLOT_BEFORE_DUE
            )
            refuse(account, status, reason)
            continue
        if status.kind is VisitKind.ONSITE:
            place = (account.city, account.district)

            def closeness(day: date, place: tuple[str | None, str | None] = place) -> tuple[int, int]:
                here = cities[day]
                if here[place]:
                    return (0, days.index(day))
                if any(city == place[0] for city, _district in here):
                    return (1, days.index(day))
                return (2 if not here else 3, days.index(day))

            day = min(free, key=closeness)
            cities[day][place] += 1
        else:
            day = free[0]
        load[(day, status.kind)] += 1
        proposals.append(
            Proposal(
                account.account_id,
                account.name,
                account.tier,
                account.city,
                account.district,
                status.kind,
                day,
                status.due,
                status.overdue_days,
            )
        )
    for account, status in surplus:
        refuse(account, status, UnplacedReason.NO_SLOT if days else UnplacedReason.NO_DAYS_LEFT)
    proposals.sort(key=lambda p: (p.day, p.kind, p.city or "", p.district or "", p.account_name))
    return WeekPlan(start, days, tuple(proposals), tuple(unplaced))


def accept(session: Session, proposals: list[Proposal] | tuple[Proposal, ...]) -> list[str]:
    """Write the proposals as planned visits; returns their ids in order."""
    slots: Counter[tuple[date, VisitKind]] = Counter()
    ids = []
    for proposal in proposals:
        index = slots[(proposal.day, proposal.kind)]
        slots[(proposal.day, proposal.kind)] += 1
        if proposal.kind is VisitKind.ONSITE:
            at = business_datetime(proposal.day, ONSITE_START) + ONSITE_SLOT * index
        else:
            at = business_datetime(proposal.day, PHONE_START) + PHONE_SLOT * index
        visit = outbox.insert(
            session,
            Visit(
                account_id=proposal.account_id,
                kind=proposal.kind,
                status=VisitStatus.PLANNED,
                planned_at=at,
                answers={},
                contacts_met=[],
            ),
        )
        ids.append(visit.id)
    return ids


def _planned(session: Session, visit_id: str) -> Visit:
    visit = session.get(Visit, visit_id)
    if visit is None or visit.deleted or visit.status != VisitStatus.PLANNED:
        raise UserError(_("This planned visit no longer exists."))
    return visit


def move_planned(session: Session, visit_id: str, day: date) -> None:
    """Move a planned visit to ``day``, keeping its time of day."""
    visit = _planned(session, visit_id)
    assert visit.planned_at is not None
    at = visit.planned_at.astimezone(BUSINESS_TZ).time()
    outbox.update(session, visit, planned_at=business_datetime(day, at))


def drop_planned(session: Session, visit_id: str) -> None:
    outbox.update(session, _planned(session, visit_id), status=VisitStatus.CANCELLED)


def plan_visit(session: Session, account_id: str, kind: VisitKind, day: date) -> str:
    """One planned visit (from an alert's "plan a visit"), after what is already planned that day."""
    existing = [v for v in planned_visits(session, day, day) if v.kind is kind]
    name, tier, city, district = session.execute(
        select(Account.name, Account.tier, Account.city, Account.district).where(Account.id == account_id)
    ).one()
    proposal = Proposal(account_id, name, tier, city, district, kind, day, day, 0)
    visit_id = accept(session, [proposal])[0]
    if existing:
        move_to = max(v.planned_at for v in existing) + (
            ONSITE_SLOT if kind is VisitKind.ONSITE else PHONE_SLOT
        )
        outbox.update(session, session.get(Visit, visit_id), planned_at=move_to)  # type: ignore[arg-type]
    return visit_id
