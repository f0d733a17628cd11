"""One call per printed document: gather in the caller's session, lay out, return PDF bytes.

The UI runs these off the GUI thread with a session of its own; reading only, they never write.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from kamdesk.models.enums import VisitKind
from kamdesk.printing.data import day_pack_data, previsit_data, visit_record_data
from kamdesk.printing.day_pack import build_day_pack
from kamdesk.printing.previsit import build_previsit_sheet
from kamdesk.printing.visit_record import build_visit_record


def previsit_pdf(
    session: Session,
    account_id: str,
    *,
    today: date,
    template_key: str | None = None,
    kind: VisitKind = VisitKind.ONSITE,
) -> bytes:
    return build_previsit_sheet(
        previsit_data(session, account_id, today=today, template_key=template_key, kind=kind)
    )


def visit_record_pdf(session: Session, visit_id: str) -> bytes:
    return build_visit_record(visit_record_data(session, visit_id))


def day_pack_pdf(session: Session, day: date, *, user_id: str | None = None) -> bytes:
    return build_day_pack(day_pack_data(session, day, user_id=user_id))
