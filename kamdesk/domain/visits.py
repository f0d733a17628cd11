"""The visit life cycle: planned → draft → submitted, and what a submit creates.

Every function takes the caller's Session and never commits: ``with store.sessions.begin() as s:
visits.submit(s, visit_id)`` makes the visit, its complaints, opportunities, competitor notes,
tasks and all their outbox entries one transaction, so a crash leaves either all or nothing.

A submitted visit is immutable (checked here and by a ``before_flush`` guard); a correction is an
amendment, a new visit whose ``amends_id`` names the original. ``entered_at`` records when the
manager really started writing, beside ``occurred_at`` (when the visit happened); a visit entered
more than ``VisitPolicy.late_entry_days`` after it happened needs a reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import case, event, func, inspect, select
from sqlalchemy.orm import Session

from kamdesk.domain import templates
from kamdesk.domain.clock import business_today
from kamdesk.domain.forms import (
    AnswerChange,
    FieldError,
    FieldType,
    RecordRequest,
    Template,
    clean_answers,
    diff_answers,
    record_requests,
    validate_answers,
)
from kamdesk.errors import KamdeskError, UserError
from kamdesk.i18n import _
from kamdesk.models import (
    Account,
    CompetitorNote,
    Complaint,
    Contact,
    Opportunity,
    ProductHolding,
    Task,
    Visit,
    utcnow,
)
from kamdesk.models.enums import VisitKind, VisitStatus
from kamdesk.store import outbox, state

FUTURE_TOLERANCE = timedelta(minutes=10)
HEADER_FIELDS = ("occurred_at", "duration_minutes", "late_reason")


@dataclass(frozen=True)
class VisitPolicy:
    """Rules a team may tune: when an entry counts as late, the complaint answer window."""

    late_entry_days: int = 3
    complaint_answer_hours: int = 48
    follow_up_days: int = 3  # due date of a follow-up task the form gave no date for


LATE_ENTRY_DAYS_KEY = "visit_policy.late_entry_days"


def policy_for(session: Session) -> VisitPolicy:
    """The team's policy as the server distributed it (stored in ``sync_state``), else the default."""
    value = state.get(session, LATE_ENTRY_DAYS_KEY)
    if value is not None and value.isdigit():
        return VisitPolicy(late_entry_days=int(value))
    return VisitPolicy()


@dataclass(frozen=True)
class VisitInfo:
    id: str
    account_id: str
    account_name: str
    kind: VisitKind
    status: VisitStatus
    template_key: str | None
    template_version: int | None
    planned_at: datetime | None
    occurred_at: datetime | None
    duration_minutes: int | None
    answers: dict[str, Any]
    contacts_met: list[str]
    satisfaction: int | None
    summary: str | None
    entered_at: datetime | None
    submitted_at: datetime | None
    late_reason: str | None
    amends_id: str | None
    updated_at: datetime


@dataclass(frozen=True)
class SubmitResult:
    visit: VisitInfo
    complaint_ids: list[str] = field(default_factory=list)
    opportunity_ids: list[str] = field(default_factory=list)
    competitor_note_ids: list[str] = field(default_factory=list)
    task_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FormContext:
    """Everything the form UI needs to render a visit's form, loaded in one go."""

    visit: VisitInfo
    template: Template
    contacts: list[tuple[str, str]]  # (id, "name · title")
    products: list[tuple[str, str]]  # (id, product name)
    newer_version: int | None

    @property
    def names(self) -> dict[str, str]:
        return dict(self.contacts) | dict(self.products)


@dataclass(frozen=True)
class MoveResult:
    visit: VisitInfo
    dropped: list[str]  # keys whose answers the new version has no field for


class VisitError(UserError):
    """A visit action the manager asked for that the rules do not allow."""


class VisitLocked(VisitError):
    pass


class SubmitRefused(VisitError):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(
            _("The visit cannot be submitted yet: {count} answer(s) need attention.").format(
                count=len(errors)
            ),
            details={"errors": [e.as_dict() for e in errors]},
        )
        self.errors = errors


class ImmutableVisitError(KamdeskError):
    """Code tried to change a submitted visit: a bug (corrections are amendments)."""


# ---------------------------------------------------------------------------------------------
# Reading


def _info(visit: Visit, account_name: str) -> VisitInfo:
    return VisitInfo(
        id=visit.id,
        account_id=visit.account_id,
        account_name=account_name,
        kind=visit.kind,
        status=visit.status,
        template_key=visit.template_key,
        template_version=visit.template_version,
        planned_at=visit.planned_at,
        occurred_at=visit.occurred_at,
        duration_minutes=visit.duration_minutes,
        answers=dict(visit.answers or {}),
        contacts_met=list(visit.contacts_met or []),
        satisfaction=visit.satisfaction,
        summary=visit.summary,
        entered_at=visit.entered_at,
        submitted_at=visit.submitted_at,
        late_reason=visit.late_reason,
        amends_id=visit.amends_id,
        updated_at=visit.updated_at,
    )


def _account_name(session: Session, account_id: str) -> str:
    return session.scalar(select(Account.name).where(Account.id == account_id)) or ""


def _load(session: Session, visit_id: str) -> Visit:
    visit = session.get(Visit, visit_id)
    if visit is None or visit.deleted:
        raise VisitError(_("This visit no longer exists."))
    return visit


def get(session: Session, visit_id: str) -> VisitInfo:
    visit = _load(session, visit_id)
    return _info(visit, _account_name(session, visit.account_id))


def list_visits(
    session: Session,
    *,
    statuses: Iterable[VisitStatus] | None = None,
    account_id: str | None = None,
    limit: int = 500,
) -> list[VisitInfo]:
    """Visits newest first, drafts before planned before submitted (unfinished work on top)."""
    query = (
        select(Visit, Account.name)
        .join(Account, Account.id == Visit.account_id)
        .where(Visit.deleted.is_(False), Visit.status != VisitStatus.CANCELLED)
    )
    if statuses is not None:
        query = query.where(Visit.status.in_(list(statuses)))
    if account_id is not None:
        query = query.where(Visit.account_id == account_id)
    order = {VisitStatus.DRAFT: 0, VisitStatus.PLANNED: 1, VisitStatus.SUBMITTED: 2}
    status_rank = case(
        (Visit.status == VisitStatus.DRAFT, 0), (Visit.status == VisitStatus.PLANNED, 1), else_=2
    )
    when = func.coalesce(Visit.occurred_at, Visit.planned_at)
    # drafts by last edit (the one being worked on first), the others newest visit first
    recency = case((Visit.status == VisitStatus.DRAFT, Visit.updated_at), else_=when)
    rows = session.execute(query.order_by(status_rank, recency.desc()).limit(limit)).all()
    infos = [_info(visit, name) for visit, name in rows]
    return sorted(infos, key=lambda v: order.get(v.status, 3))


def open_drafts(session: Session) -> list[VisitInfo]:
    """Unsubmitted drafts, most recently edited first: what the app reopens after a crash."""
    return list_visits(session, statuses=[VisitStatus.DRAFT])


def has_open_drafts(session: Session) -> bool:
    """Whether a draft waits to be submitted: the app then starts on the Visits section."""
    return bool(
        session.scalar(
            select(Visit.id).where(Visit.deleted.is_(False), Visit.status == VisitStatus.DRAFT).limit(1)
        )
    )


def account_choices(session: Session, text: str = "", limit: int = 50) -> list[tuple[str, str]]:
    """(id, name) of active accounts whose name or code contains ``text``: the account picker."""
    query = select(Account.id, Account.name).where(Account.deleted.is_(False))
    if text:
        query = query.where(Account.name.contains(text) | Account.code.contains(text))
    return [(row.id, row.name) for row in session.execute(query.order_by(Account.name).limit(limit))]


def contact_choices(session: Session, account_id: str) -> list[tuple[str, str]]:
    rows = session.execute(
        select(Contact.id, Contact.name, Contact.title)
        .where(Contact.account_id == account_id, Contact.deleted.is_(False))
        .order_by(Contact.name)
    ).all()
    return [(row.id, f"{row.name} · {row.title}" if row.title else row.name) for row in rows]


def product_choices(session: Session, account_id: str) -> list[tuple[str, str]]:
    rows = session.execute(
        select(ProductHolding.id, ProductHolding.product_name)
        .where(ProductHolding.account_id == account_id, ProductHolding.deleted.is_(False))
        .order_by(ProductHolding.product_name)
    ).all()
    return [(row.id, row.product_name) for row in rows]


def form_context(session: Session, visit_id: str) -> FormContext:
    visit = _load(session, visit_id)
    info = replace(
        _info(visit, _account_name(session, visit.account_id)), answers=_answers_with_columns(visit)
    )
    template = _template_of(session, visit)
    latest = templates.latest_version(session, template.key)
    newer = (
        latest
        if latest is not None and latest > template.version and visit.status is VisitStatus.DRAFT
        else None
    )
    return FormContext(
        info,
        template,
        contact_choices(session, visit.account_id),
        product_choices(session, visit.account_id),
        newer,
    )


def _template_of(session: Session, visit: Visit) -> Template:
    """The exact template version the visit was filled with; visits recorded before forms existed
    (imported history) are shown on the current default form of their kind."""
    if visit.template_key is None:
        return templates.get_template(session, templates.DEFAULT_TEMPLATE_FOR_KIND[visit.kind])
    return templates.get_template(session, visit.template_key, visit.template_version)


def _answers_with_columns(visit: Visit) -> dict[str, Any]:
    """The answers, completed from the visit's own columns where a form field mirrors them."""
    answers = dict(visit.answers or {})
    if visit.contacts_met and "contacts_met" not in answers:
        answers["contacts_met"] = list(visit.contacts_met)
    if visit.satisfaction is not None and "satisfaction" not in answers:
        answers["satisfaction"] = visit.satisfaction
    if visit.summary and "summary" not in answers:
        answers["summary"] = visit.summary
    return answers


# ---------------------------------------------------------------------------------------------
# Life cycle


def _require_account(session: Session, account_id: str) -> None:
    if session.get(Account, account_id) is None:
        raise VisitError(_("The account of this visit is not in your portfolio."))


def plan(
    session: Session,
    account_id: str,
    kind: VisitKind,
    planned_at: datetime,
    template_key: str | None = None,
) -> VisitInfo:
    """Put a visit on the plan; it becomes a draft when the manager starts filling it."""
    _require_account(session, account_id)
    key = template_key or templates.DEFAULT_TEMPLATE_FOR_KIND[kind]
    version = templates.get_template(session, key).version
    visit = outbox.insert(
        session,
        Visit(
            account_id=account_id,
            kind=kind,
            status=VisitStatus.PLANNED,
            planned_at=planned_at,
            template_key=key,
            template_version=version,
            answers={},
            contacts_met=[],
        ),
    )
    return _info(visit, _account_name(session, account_id))


def start(
    session: Session,
    account_id: str,
    kind: VisitKind,
    template_key: str | None = None,
    *,
    occurred_at: datetime | None = None,
    duration_minutes: int | None = None,
    prefill_from_last: bool = False,
    now: datetime | None = None,
) -> VisitInfo:
    """A new draft for ``account_id`` on the latest version of ``template_key``.

    ``prefill_from_last`` copies the answers of the last submitted visit of the same account and
    kind ("start from the last visit"); ``changes_since_last`` later shows what differs."""
    _require_account(session, account_id)
    now = now or utcnow()
    key = template_key or templates.DEFAULT_TEMPLATE_FOR_KIND[kind]
    template = templates.get_template(session, key)
    answers: dict[str, Any] = {}
    if prefill_from_last:
        previous = last_submitted(session, account_id, kind, template_key=key)
        if previous is not None:
            answers = prefill_answers(template, previous.answers)
    visit = outbox.insert(
        session,
        Visit(
            account_id=account_id,
            kind=kind,
            status=VisitStatus.DRAFT,
            occurred_at=occurred_at or now,
            duration_minutes=duration_minutes,
            template_key=key,
            template_version=template.version,
            answers=answers,
            contacts_met=list(answers.get("contacts_met") or []),
            entered_at=now,
        ),
    )
    return _info(visit, _account_name(session, account_id))


def quick_phone_log(session: Session, account_id: str, *, now: datetime | None = None) -> VisitInfo:
    """ "Log a phone visit for account X": a phone draft prefilled from the last phone visit."""
    return start(session, account_id, VisitKind.PHONE, prefill_from_last=True, now=now, duration_minutes=5)


def start_planned(
    session: Session, visit_id: str, *, prefill_from_last: bool = False, now: datetime | None = None
) -> VisitInfo:
    """Turn a planned visit into a draft (same row, so the plan and its record stay one visit)."""
    visit = _load(session, visit_id)
    if visit.status is not VisitStatus.PLANNED:
        return _info(visit, _account_name(session, visit.account_id))
    now = now or utcnow()
    answers: dict[str, Any] = {}
    template = _template_of(session, visit)
    if prefill_from_last:
        previous = last_submitted(session, visit.account_id, visit.kind, template_key=template.key)
        if previous is not None:
            answers = prefill_answers(template, previous.answers)
    outbox.update(
        session,
        visit,
        status=VisitStatus.DRAFT,
        occurred_at=now,
        entered_at=now,
        answers=answers,
        contacts_met=list(answers.get("contacts_met") or []),
    )
    return _info(visit, _account_name(session, visit.account_id))


def _require_draft(visit: Visit) -> None:
    if visit.status is VisitStatus.SUBMITTED:
        raise VisitLocked(
            _("This visit was submitted and can no longer be changed; make an amendment instead.")
        )
    if visit.status is not VisitStatus.DRAFT:
        raise VisitError(_("Start the visit before filling in its form."))


def _derived_columns(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The visit's own columns that mirror reserved form fields (contacts met, satisfaction, summary)."""
    contacts = answers.get("contacts_met")
    if isinstance(contacts, str):
        contacts = [contacts]
    satisfaction = answers.get("satisfaction")
    summary = answers.get("summary")
    return {
        "contacts_met": list(contacts) if isinstance(contacts, list) else [],
        "satisfaction": satisfaction
        if isinstance(satisfaction, int) and not isinstance(satisfaction, bool)
        else None,
        "summary": summary.strip() if isinstance(summary, str) and summary.strip() else None,
    }


_UNSET: Any = object()


def save_draft(
    session: Session,
    visit_id: str,
    *,
    answers: Mapping[str, Any] | None = None,
    occurred_at: datetime | None = _UNSET,
    duration_minutes: int | None = _UNSET,
    late_reason: str | None = _UNSET,
) -> VisitInfo:
    """Store what the manager has typed so far (autosave). Nothing is validated: a draft may be
    half-filled; everything is kept, even answers of fields hidden right now."""
    visit = _load(session, visit_id)
    _require_draft(visit)
    changes: dict[str, Any] = {}
    if answers is not None:
        stored = {key: value for key, value in answers.items() if value is not None}
        changes["answers"] = stored
        changes.update(_derived_columns(stored))
    if occurred_at is not _UNSET:
        changes["occurred_at"] = occurred_at
    if duration_minutes is not _UNSET:
        changes["duration_minutes"] = duration_minutes
    if late_reason is not _UNSET:
        changes["late_reason"] = (late_reason or "").strip() or None
    outbox.update(session, visit, **changes)
    return _info(visit, _account_name(session, visit.account_id))


def is_late(occurred_at: datetime, entered_at: datetime, policy: VisitPolicy) -> bool:
    """Entered more than ``late_entry_days`` business days after the visit happened."""
    return (business_today(entered_at) - business_today(occurred_at)).days > policy.late_entry_days


def header_errors(
    occurred_at: datetime | None,
    duration_minutes: int | None,
    late_reason: str | None,
    *,
    entered_at: datetime,
    now: datetime,
    policy: VisitPolicy,
) -> list[FieldError]:
    errors = []
    if occurred_at is None:
        errors.append(FieldError("occurred_at", _("Enter when the visit took place.")))
    elif occurred_at > now + FUTURE_TOLERANCE:
        errors.append(FieldError("occurred_at", _("A visit cannot be recorded before it has taken place.")))
    elif is_late(occurred_at, entered_at, policy) and not (late_reason or "").strip():
        errors.append(
            FieldError(
                "late_reason",
                _("This visit is entered more than {days} days after it took place; give the reason.").format(
                    days=policy.late_entry_days
                ),
            )
        )
    if duration_minutes is not None and not 0 <= duration_minutes <= 24 * 60:
        errors.append(FieldError("duration_minutes", _("The duration must be between 0 and 1440 minutes.")))
    return errors


def validate(
    session: Session, visit_id: str, *, now: datetime | None = None, policy: VisitPolicy | None = None
) -> list[FieldError]:
    """Every problem that would stop ``submit`` (header fields first, then the form in order)."""
    visit = _load(session, visit_id)
    return _validate(session, visit, _template_of(session, visit), now or utcnow(), policy or VisitPolicy())


def _validate(
    session: Session, visit: Visit, template: Template, now: datetime, policy: VisitPolicy
) -> list[FieldError]:
    errors = header_errors(
        visit.occurred_at,
        visit.duration_minutes,
        visit.late_reason,
        entered_at=visit.entered_at or now,
        now=now,
        policy=policy,
    )
    contact_ids = {i for i, _n in contact_choices(session, visit.account_id)}
    product_ids = {i for i, _n in product_choices(session, visit.account_id)}
    answers = {k: v for k, v in (visit.answers or {}).items() if k in template.fields_by_key}
    errors.extend(validate_answers(template, answers, contact_ids=contact_ids, product_ids=product_ids))
    return errors


def submit(
    session: Session, visit_id: str, *, now: datetime | None = None, policy: VisitPolicy | None = None
) -> SubmitResult:
    """Validate and submit a draft, creating its structured records, all in the caller's transaction.

    Raises ``SubmitRefused`` (with the field errors) and changes nothing when an answer is wrong."""
    policy = policy or VisitPolicy()
    now = now or utcnow()
    visit = _load(session, visit_id)
    _require_draft(visit)
    template = _template_of(session, visit)
    errors = _validate(session, visit, template, now, policy)
    if errors:
        raise SubmitRefused(errors)
    answers = clean_answers(template, visit.answers or {})
    outbox.update(
        session,
        visit,
        status=VisitStatus.SUBMITTED,
        submitted_at=now,
        answers=answers,
        **_derived_columns(answers),
    )
    requests = record_requests(template, answers)
    if visit.amends_id:
        requests = _new_in_amendment(session, visit.amends_id, requests)
    result = _create_records(session, visit, requests, policy)
    session.flush()
    return result


def _new_in_amendment(
    session: Session, original_id: str, requests: list[RecordRequest]
) -> list[RecordRequest]:
    """An amendment repeats the original's records; only records the original did not have are new."""
    original = _load(session, original_id)
    seen: set[tuple[str, str, str]] = set()
    current: Visit | None = original
    while current is not None:
        seen |= {r.identity for r in record_requests(_template_of(session, current), current.answers or {})}
        current = _load(session, current.amends_id) if current.amends_id else None
    return [request for request in requests if request.identity not in seen]


def _create_records(
    session: Session, visit: Visit, requests: list[RecordRequest], policy: VisitPolicy
) -> SubmitResult:
    occurred = visit.occurred_at or utcnow()
    day = business_today(occurred)
    user_id = session.info.get(outbox.USER_KEY)
    made: dict[str, list[str]] = {"complaint": [], "need": [], "competitor": [], "task": []}
    for request in requests:
        parts = request.parts
        row: Any
        if request.kind == "complaint":
            severity = parts.get("severity")
            major = severity is True or severity == "major"
            row = Complaint(
                account_id=visit.account_id,
                visit_id=visit.id,
                raised_at=occurred,
                summary=str(parts["summary"]),
                severity="major" if major else "normal",
                answer_due_at=occurred + timedelta(hours=policy.complaint_answer_hours),
            )
        elif request.kind == "need":
            row = Opportunity(
                account_id=visit.account_id,
                visit_id=visit.id,
                raised_on=day,
                title=str(parts["title"])[:200],
                category=str(parts["category"])[:40] if parts.get("category") else None,
                description=parts.get("description"),
                estimated_value_fen=parts.get("estimated_value"),
            )
        elif request.kind == "competitor":
            row = CompetitorNote(
                account_id=visit.account_id,
                visit_id=visit.id,
                noted_on=day,
                competitor=str(parts["competitor"])[:60],
                offer=parts.get("offer"),
                customer_reaction=parts.get("customer_reaction"),
            )
        else:
            due = parts.get("due_on")
            row = Task(
                account_id=visit.account_id,
                visit_id=visit.id,
                assignee_id=user_id,
                assigner_id=user_id,
                title=str(parts["title"])[:200],
                description=parts.get("description"),
                due_on=date.fromisoformat(due) if due else day + timedelta(days=policy.follow_up_days),
            )
        outbox.insert(session, row)
        made[request.kind].append(row.id)
    return SubmitResult(
        _info(visit, _account_name(session, visit.account_id)),
        made["complaint"],
        made["need"],
        made["competitor"],
        made["task"],
    )


def amend(session: Session, visit_id: str, *, now: datetime | None = None) -> VisitInfo:
    """A new draft correcting a submitted visit: same account, kind, template version and answers;
    ``amends_id`` points at the original, which stays exactly as it was submitted."""
    original = _load(session, visit_id)
    if original.status is not VisitStatus.SUBMITTED:
        raise VisitError(_("Only a submitted visit can be amended; edit the draft instead."))
    now = now or utcnow()
    template = _template_of(session, original)
    visit = outbox.insert(
        session,
        Visit(
            account_id=original.account_id,
            kind=original.kind,
            status=VisitStatus.DRAFT,
            planned_at=original.planned_at,
            occurred_at=original.occurred_at,
            duration_minutes=original.duration_minutes,
            template_key=template.key,
            template_version=template.version,
            answers=_answers_with_columns(original),
            contacts_met=list(original.contacts_met or []),
            satisfaction=original.satisfaction,
            summary=original.summary,
            entered_at=now,
            late_reason=original.late_reason,
            amends_id=original.id,
        ),
    )
    return _info(visit, _account_name(session, visit.account_id))


def amendments_of(session: Session, visit_id: str) -> list[VisitInfo]:
    rows = session.scalars(select(Visit).where(Visit.amends_id == visit_id, Visit.deleted.is_(False))).all()
    return [_info(row, _account_name(session, row.account_id)) for row in rows]


def discard_draft(session: Session, visit_id: str) -> None:
    """The manager throws a draft away: it is cancelled (kept for the record, hidden from lists)."""
    visit = _load(session, visit_id)
    _require_draft(visit)
    outbox.update(session, visit, status=VisitStatus.CANCELLED)


# ---------------------------------------------------------------------------------------------
# Start from the last visit; template versions


def last_submitted(
    session: Session,
    account_id: str,
    kind: VisitKind,
    *,
    template_key: str | None = None,
    before: datetime | None = None,
) -> VisitInfo | None:
    """The most recent submitted visit of ``account_id`` and ``kind`` (optionally on ``template_key``)."""
    query = select(Visit).where(
        Visit.account_id == account_id,
        Visit.kind == kind,
        Visit.status == VisitStatus.SUBMITTED,
        Visit.deleted.is_(False),
    )
    if template_key is not None:
        query = query.where(Visit.template_key == template_key)
    if before is not None:
        query = query.where(Visit.submitted_at < before)
    visit = session.scalars(
        query.order_by(Visit.occurred_at.desc(), Visit.submitted_at.desc()).limit(1)
    ).first()
    return None if visit is None else _info(visit, _account_name(session, account_id))


def prefill_answers(template: Template, previous: Mapping[str, Any]) -> dict[str, Any]:
    """Answers worth carrying into the next visit: everything except what happened only that time
    (complaints, needs, competitor sightings, follow-ups: fields with ``record``) and attachments."""
    carried: dict[str, Any] = {}
    for item in template.fields:
        if item.record or item.type is FieldType.ATTACHMENT or item.key not in previous:
            continue
        carried[item.key] = previous[item.key]
    return carried


def changes_since_last(session: Session, visit_id: str) -> tuple[VisitInfo | None, list[AnswerChange]]:
    """The previous submitted visit of the same account, kind and template, and what this draft
    answers differently: the manager reviews it before submitting a prefilled visit."""
    visit = _load(session, visit_id)
    template = _template_of(session, visit)
    previous = last_submitted(session, visit.account_id, visit.kind, template_key=template.key)
    if previous is None or previous.id == visit.id:
        return None, []
    names = dict(contact_choices(session, visit.account_id)) | dict(
        product_choices(session, visit.account_id)
    )
    return previous, diff_answers(template, previous.answers, visit.answers or {}, names)


def move_to_template_version(session: Session, visit_id: str, version: int | None = None) -> MoveResult:
    """Move a draft onto a newer version of its template, carrying answers by field key.

    Answers whose key the new version lacks, or whose type changed, are dropped and reported."""
    visit = _load(session, visit_id)
    _require_draft(visit)
    if visit.template_key is None:
        raise VisitError(_("This visit has no form template."))
    target = templates.get_template(session, visit.template_key, version)
    old = _template_of(session, visit)
    kept: dict[str, Any] = {}
    dropped: list[str] = []
    for key, value in (visit.answers or {}).items():
        new_field = target.fields_by_key.get(key)
        old_field = old.fields_by_key.get(key)
        if new_field is None or (old_field is not None and old_field.type is not new_field.type):
            dropped.append(key)
        else:
            kept[key] = value
    outbox.update(session, visit, template_version=target.version, answers=kept, **_derived_columns(kept))
    return MoveResult(_info(visit, _account_name(session, visit.account_id)), sorted(dropped))


# ---------------------------------------------------------------------------------------------
# Immutability guard: no code path may change a submitted visit (server data excepted).

_MUTABLE_AFTER_SUBMIT = frozenset({"rev", "updated_at"})


def _guard_submitted(session: Session, _context: Any, _instances: Any) -> None:
    if outbox.is_applying_remote(session):
        return
    for obj in session.dirty:
        if not isinstance(obj, Visit):
            continue
        state = inspect(obj)
        status_history = state.attrs.status.history
        original_status = status_history.deleted[0] if status_history.deleted else obj.status
        if original_status is not VisitStatus.SUBMITTED:
            continue
        changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
        if changed - _MUTABLE_AFTER_SUBMIT:
            raise ImmutableVisitError(
                f"submitted visit {obj.id} cannot change ({', '.join(sorted(changed))}); amend it instead"
            )


event.listen(Session, "before_flush", _guard_submitted)
