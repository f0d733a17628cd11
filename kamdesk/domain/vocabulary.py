"""User-facing labels of the domain vocabularies, translated through gettext."""

from __future__ import annotations

from enum import StrEnum

from kamdesk.i18n import N_, _
from kamdesk.models.enums import (
    AccountStatus,
    DecisionRole,
    Industry,
    ProductCategory,
    ScopeLevel,
    Tier,
    VisitKind,
    VisitStatus,
)

_LABELS: dict[StrEnum, str] = {
    Tier.A1: N_("A1 · high value"),
    Tier.A2: N_("A2 · strategic"),
    Tier.B1: N_("B1"),
    Tier.B2: N_("B2"),
    Tier.C: N_("C"),
    Industry.GOVERNMENT: N_("Government & military"),
    Industry.FINANCE: N_("Finance"),
    Industry.ENTERPRISE: N_("Enterprise"),
    Industry.EDUCATION_HEALTH: N_("Education, science, culture & health"),
    Industry.PUBLIC_UTILITY: N_("Public utilities"),
    ScopeLevel.GLOBAL: N_("Global"),
    ScopeLevel.NATIONAL: N_("National"),
    ScopeLevel.REGIONAL: N_("Regional"),
    ScopeLevel.LOCAL: N_("Local"),
    AccountStatus.PROSPECT: N_("Prospect"),
    AccountStatus.ACTIVE: N_("Active"),
    AccountStatus.LOST: N_("Lost"),
    AccountStatus.ARCHIVED: N_("Archived"),
    DecisionRole.DECISION_MAKER: N_("Decision-maker"),
    DecisionRole.INFLUENCER: N_("Influencer"),
    DecisionRole.USER: N_("User"),
    DecisionRole.LIAISON: N_("Liaison"),
    ProductCategory.VOICE: N_("Voice"),
    ProductCategory.DATA_LINE: N_("Data line"),
    ProductCategory.BROADBAND: N_("Broadband"),
    ProductCategory.VPN: N_("VPN"),
    ProductCategory.IOT: N_("IoT"),
    ProductCategory.CLOUD: N_("Cloud"),
    ProductCategory.VALUE_ADDED: N_("Value-added service"),
    VisitKind.ONSITE: N_("On-site visit"),
    VisitKind.PHONE: N_("Phone visit"),
    VisitKind.SMS: N_("SMS"),
    VisitStatus.PLANNED: N_("Planned"),
    VisitStatus.DRAFT: N_("Draft"),
    VisitStatus.SUBMITTED: N_("Submitted"),
    VisitStatus.CANCELLED: N_("Cancelled"),
}


def label(value: StrEnum | str | None) -> str:
    """The translated label of a vocabulary value ('' for None, the code itself if unknown)."""
    if value is None:
        return ""
    text = _LABELS.get(value)  # type: ignore[call-overload]
    return _(text) if text else str(value)


def format_yuan(fen: int | None) -> str:
    """Money for people: ``¥52,300.00``; amounts are stored as integer fen."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}¥{yuan:,}.{cents:02d}"
