"""SQLAlchemy 2.x models shared by the client and the server (``Base``) and client-only (``LocalBase``)."""

from kamdesk.models.accounts import Account, Contact, ProductHolding, RevenueMonth
from kamdesk.models.alerts import AlertState
from kamdesk.models.base import Base, LocalBase, SyncColumns, new_id, utcnow
from kamdesk.models.index import AccountIndex
from kamdesk.models.local import OutboxEntry, SyncState
from kamdesk.models.people import Team, User
from kamdesk.models.planning import CadenceRule, Report
from kamdesk.models.records import CompetitorNote, Complaint, Opportunity, Task
from kamdesk.models.summary import AccountSummary
from kamdesk.models.visits import FormTemplate, Visit

SYNCED_MODELS: dict[str, type[SyncColumns]] = {
    model.__tablename__: model  # type: ignore[attr-defined]
    for model in (
        Team,
        User,
        Account,
        Contact,
        ProductHolding,
        RevenueMonth,
        FormTemplate,
        Visit,
        Complaint,
        Opportunity,
        CompetitorNote,
        Task,
        CadenceRule,
        Report,
    )
}
"""Every synced table by its wire name (the table name)."""

__all__ = [
    "SYNCED_MODELS",
    "Account",
    "AccountIndex",
    "AccountSummary",
    "AlertState",
    "Base",
    "CadenceRule",
    "CompetitorNote",
    "Complaint",
    "Contact",
    "FormTemplate",
    "LocalBase",
    "Opportunity",
    "OutboxEntry",
    "ProductHolding",
    "Report",
    "RevenueMonth",
    "SyncColumns",
    "SyncState",
    "Task",
    "Team",
    "User",
    "Visit",
    "new_id",
    "utcnow",
]
