"""Record that the manager contacted an account, from an alert or the plan.

This is the one seam to the visit life cycle: the forms engineer's ``kamdesk.domain.visits``
will own submitting visits (templates, answers, late reasons). Until it lands, a contact is a
submitted ``visits`` row written through the outbox; switch ``record_contact`` to that API then.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from kamdesk.domain.alerts import Alert, StateInfo
from kamdesk.domain.alerts import close as close_alert
from kamdesk.errors import UserError
from kamdesk.i18n import _
from kamdesk.models import Complaint, Visit, utcnow
from kamdesk.models.enums import ComplaintStatus, VisitKind, VisitStatus
from kamdesk.store import outbox


def record_contact(
    session: Session,
    account_id: str,
    kind: VisitKind,
    summary: str,
    *,
    occurred_at: datetime | None = None,
    duration_minutes: int | None = None,
    satisfaction: int | None = None,
    planned_visit_id: str | None = None,
) -> str:
    """A submitted visit of ``kind`` on ``account_id``; returns its id. When it carries out a
    planned visit, that row is submitted instead of a new one being added."""
    summary = summary.strip()
    if not summary:
        raise UserError(_("Write what was discussed."))
    now = utcnow()
    occurred = occurred_at or now
    if occurred > now:
        raise UserError(_("A visit cannot be recorded before it happens."))
    fields = {
        "status": VisitStatus.SUBMITTED,
        "occurred_at": occurred,
        "duration_minutes": duration_minutes,
        "summary": summary,
        "satisfaction": satisfaction,
        "entered_at": now,
        "submitted_at": now,
    }
    if planned_visit_id is not None:
        planned = session.get(Visit, planned_visit_id)
        if planned is None or planned.status != VisitStatus.PLANNED:
            raise UserError(_("This planned visit no longer exists."))
        outbox.update(session, planned, kind=kind, **fields)
        return planned.id
    visit = outbox.insert(
        session, Visit(account_id=account_id, kind=kind, answers={}, contacts_met=[], **fields)
    )
    return visit.id


def answer_alert(
    session: Session, alert: Alert, kind: VisitKind, summary: str, **details: object
) -> StateInfo:
    """Record the contact the alert asked for and close the alert by it, in one transaction."""
    visit_id = record_contact(session, alert.account_id, kind, summary, **details)  # type: ignore[arg-type]
    return close_alert(session, alert, "visits", visit_id)


def answer_complaint(session: Session, complaint_id: str, answer: str) -> None:
    """Record the answer given to the customer; the complaint's overdue alert closes by it."""
    answer = answer.strip()
    if not answer:
        raise UserError(_("Write the answer given to the customer."))
    complaint = session.get(Complaint, complaint_id)
    if complaint is None or complaint.deleted:
        raise UserError(_("This complaint no longer exists."))
    if complaint.status != ComplaintStatus.OPEN:
        raise UserError(_("This complaint has already been answered."))
    outbox.update(session, complaint, status=ComplaintStatus.ANSWERED, answer=answer, answered_at=utcnow())
