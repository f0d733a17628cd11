"""Editing an account's profile and its contacts: validated field by field (messages in the
user's language, shown next to the field), written through the outbox."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from kamdesk.domain import account_index  # noqa: F401  (keeps the list's index in step)
from kamdesk.domain.account_detail import AccountNotFoundError
from kamdesk.domain.clock import business_today
from kamdesk.errors import UserError
from kamdesk.i18n import _
from kamdesk.models import Account, Contact
from kamdesk.models.enums import AccountStatus, DecisionRole, Industry, ScopeLevel, Tier
from kamdesk.store import outbox

MOBILE = re.compile(r"^1[3-9]\d{9}$")
PHONE = re.compile(r"^(\+?\d[\d\- ]{4,18}\d)(转\d{1,6})?$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ValidationError(UserError):
    """Some fields are invalid; ``errors`` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(_("Please correct the highlighted fields."), details={"errors": errors})
        self.errors = errors


@dataclass
class ProfileEdit:
    name: str
    tier: Tier
    industry: Industry
    status: AccountStatus
    scope_level: ScopeLevel = ScopeLevel.LOCAL
    short_name: str = ""
    sub_industry: str = ""
    city: str = ""
    district: str = ""
    address: str = ""
    customer_since: date | None = None
    employee_count: int | None = None
    notes: str = ""


@dataclass
class ContactEdit:
    name: str
    decision_role: DecisionRole = DecisionRole.USER
    title: str = ""
    department: str = ""
    mobile: str = ""
    phone: str = ""
    email: str = ""
    birthday: date | None = None
    notes: str = ""


def _too_long(value: str, limit: int) -> str | None:
    return _("At most {limit} characters.").format(limit=limit) if len(value) > limit else None


def validate_profile(edit: ProfileEdit, today: date | None = None) -> dict[str, str]:
    today = today or business_today()
    errors: dict[str, str] = {}
    if not edit.name.strip():
        errors["name"] = _("Enter the account name.")
    for key, limit in (
        ("name", 200),
        ("short_name", 60),
        ("sub_industry", 60),
        ("city", 30),
        ("district", 30),
        ("address", 300),
    ):
        problem = _too_long(getattr(edit, key).strip(), limit)
        if problem and key not in errors:
            errors[key] = problem
    if edit.customer_since is not None and edit.customer_since > today:
        errors["customer_since"] = _("The date cannot be in the future.")
    if edit.employee_count is not None and edit.employee_count < 0:
        errors["employee_count"] = _("Enter zero or more employees.")
    return errors


def validate_contact(edit: ContactEdit, today: date | None = None) -> dict[str, str]:
    today = today or business_today()
    errors: dict[str, str] = {}
    if not edit.name.strip():
        errors["name"] = _("Enter the contact's name.")
    elif len(edit.name.strip()) > 60:
        errors["name"] = _("At most {limit} characters.").format(limit=60)
    mobile = edit.mobile.replace(" ", "").replace("-", "")
    if mobile and not MOBILE.match(mobile):
        errors["mobile"] = _("A mobile number has 11 digits and starts with 1, e.g. 13807310001.")
    if edit.phone.strip() and not PHONE.match(edit.phone.strip()):
        errors["phone"] = _("Enter a phone number such as 0731-84561234.")
    if edit.email.strip() and not EMAIL.match(edit.email.strip()):
        errors["email"] = _("Enter an e-mail address such as name@example.com.")
    if edit.birthday is not None and edit.birthday > today:
        errors["birthday"] = _("The birthday cannot be in the future.")
    if not (mobile or edit.phone.strip()):
        errors.setdefault("mobile", _("Enter a mobile or an office phone so the contact can be reached."))
    return errors


def _blank_none(value: str) -> str | None:
    value = value.strip()
    return value or None


def save_profile(session: Session, account_id: str, edit: ProfileEdit) -> None:
    """Validate and write the profile; raises ``ValidationError`` with per-field messages."""
    errors = validate_profile(edit)
    if errors:
        raise ValidationError(errors)
    account = session.get(Account, account_id)
    if account is None or account.deleted:
        raise AccountNotFoundError(_("This account no longer exists in your portfolio."))
    changes: dict[str, Any] = {
        "name": edit.name.strip(),
        "tier": edit.tier,
        "industry": edit.industry,
        "status": edit.status,
        "scope_level": edit.scope_level,
        "short_name": _blank_none(edit.short_name),
        "sub_industry": _blank_none(edit.sub_industry),
        "city": _blank_none(edit.city),
        "district": _blank_none(edit.district),
        "address": _blank_none(edit.address),
        "customer_since": edit.customer_since,
        "employee_count": edit.employee_count,
        "notes": _blank_none(edit.notes),
    }
    outbox.update(session, account, **changes)


def _contact_fields(edit: ContactEdit) -> dict[str, Any]:
    mobile = edit.mobile.replace(" ", "").replace("-", "")
    return {
        "name": edit.name.strip(),
        "decision_role": edit.decision_role,
        "title": _blank_none(edit.title),
        "department": _blank_none(edit.department),
        "mobile": mobile or None,
        "phone": _blank_none(edit.phone),
        "email": _blank_none(edit.email),
        "birthday": edit.birthday,
        "notes": _blank_none(edit.notes),
    }


def save_contact(session: Session, account_id: str, contact_id: str | None, edit: ContactEdit) -> str:
    """Add (``contact_id`` None) or update a contact; returns its id."""
    errors = validate_contact(edit)
    if errors:
        raise ValidationError(errors)
    if contact_id is None:
        contact = outbox.insert(session, Contact(account_id=account_id, **_contact_fields(edit)))
        return contact.id
    contact = session.get(Contact, contact_id)
    if contact is None or contact.deleted or contact.account_id != account_id:
        raise UserError(_("This contact no longer exists."))
    outbox.update(session, contact, **_contact_fields(edit))
    return contact.id


def remove_contact(session: Session, contact_id: str) -> None:
    contact = session.get(Contact, contact_id)
    if contact is not None and not contact.deleted:
        outbox.tombstone(session, contact)
