"""Write validated rows: new codes become accounts, known codes are updated, all through the
outbox in the caller's one transaction, so an error or a crash part-way leaves nothing behind."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kamdesk.domain import account_index  # noqa: F401  (keeps the list's index in step)
from kamdesk.domain.importing.validation import RowDraft
from kamdesk.models import Account, Contact
from kamdesk.models.enums import AccountStatus, DecisionRole, Industry
from kamdesk.store import outbox

ACCOUNT_FIELDS = (
    "code",
    "name",
    "short_name",
    "tier",
    "industry",
    "sub_industry",
    "province",
    "city",
    "district",
    "address",
    "status",
    "customer_since",
    "employee_count",
    "notes",
)
LOOKUP_CHUNK = 500

Progress = Callable[[int, int], None]
"""Called with (rows done, rows in all) after each row; raising from it cancels the import."""


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def _existing(session: Session, codes: list[str]) -> dict[str, Account]:
    found: dict[str, Account] = {}
    for start in range(0, len(codes), LOOKUP_CHUNK):
        chunk = codes[start : start + LOOKUP_CHUNK]
        for account in session.scalars(select(Account).where(func.upper(Account.code).in_(chunk))):
            found[account.code.upper()] = account
    return found


def _contact(session: Session, account: Account, name: str, mobile: str | None, known: bool) -> bool:
    """Add or update the spreadsheet's contact of ``account``; True if anything changed."""
    existing = None
    if known:
        existing = session.scalars(
            select(Contact).where(
                Contact.account_id == account.id, Contact.name == name, Contact.deleted.is_(False)
            )
        ).first()
    if existing is None:
        outbox.insert(
            session,
            Contact(account_id=account.id, name=name, mobile=mobile, decision_role=DecisionRole.LIAISON),
        )
        return True
    if mobile and existing.mobile != mobile:
        outbox.update(session, existing, mobile=mobile)
        return True
    return False


def apply_rows(
    session: Session, drafts: list[RowDraft], *, user_id: str | None, progress: Progress | None = None
) -> ImportResult:
    """Create or update one account per draft (matched by code, case-insensitively). Empty cells
    never blank a stored value. The caller commits; any exception leaves the store untouched."""
    existing = _existing(session, sorted({d.values["code"].upper() for d in drafts}))
    created = updated = unchanged = 0
    session.autoflush = False  # one flush at commit, not one per lookup
    for done, draft in enumerate(drafts, start=1):
        values = {k: v for k, v in draft.values.items() if k in ACCOUNT_FIELDS}
        account = existing.get(values["code"].upper())
        if account is None:
            values.setdefault("industry", Industry.ENTERPRISE)
            values.setdefault("status", AccountStatus.ACTIVE)
            account = outbox.insert(session, Account(primary_manager_id=user_id, **values))
            existing[account.code.upper()] = account
            changed, created = True, created + 1
            known = False
        else:
            values.pop("code")
            if account.deleted:
                values["deleted"] = False
            changes = {k: v for k, v in values.items() if getattr(account, k) != v}
            if changes:
                outbox.update(session, account, **changes)
            changed = bool(changes)
            known = True
        if draft.values.get("contact_name"):
            name, mobile = draft.values["contact_name"], draft.values.get("contact_mobile")
            changed = _contact(session, account, name, mobile, known) or changed
        if known:
            if changed:
                updated += 1
            else:
                unchanged += 1
        if progress is not None:
            progress(done, len(drafts))
    session.flush()
    return ImportResult(created, updated, unchanged)
