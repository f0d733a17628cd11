"""Domain vocabularies; values are stable wire/storage codes, labels live in domain code."""

from enum import StrEnum


class Role(StrEnum):
    MANAGER = "manager"
    PHONE_MANAGER = "phone_manager"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class Tier(StrEnum):
    A1 = "A1"  # high value
    A2 = "A2"  # strategic: government, media, key industries
    B1 = "B1"
    B2 = "B2"
    C = "C"


class ScopeLevel(StrEnum):
    GLOBAL = "global"
    NATIONAL = "national"
    REGIONAL = "regional"
    LOCAL = "local"


class Industry(StrEnum):
    GOVERNMENT = "government"  # 党政军
    FINANCE = "finance"  # 金融
    ENTERPRISE = "enterprise"  # 企业
    EDUCATION_HEALTH = "education_health"  # 科教文卫
    PUBLIC_UTILITY = "public_utility"  # 公共事业


class AccountStatus(StrEnum):
    PROSPECT = "prospect"
    ACTIVE = "active"
    LOST = "lost"
    ARCHIVED = "archived"  # taken away from this manager; kept for history


class DecisionRole(StrEnum):
    DECISION_MAKER = "decision_maker"
    INFLUENCER = "influencer"
    USER = "user"
    LIAISON = "liaison"


class ProductCategory(StrEnum):
    VOICE = "voice"
    DATA_LINE = "data_line"
    BROADBAND = "broadband"
    VPN = "vpn"
    IOT = "iot"
    CLOUD = "cloud"
    VALUE_ADDED = "value_added"


class VisitKind(StrEnum):
    ONSITE = "onsite"
    PHONE = "phone"
    SMS = "sms"


class VisitStatus(StrEnum):
    PLANNED = "planned"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CANCELLED = "cancelled"


class ComplaintStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


class OpportunityStatus(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"
    DROPPED = "dropped"


class TaskStatus(StrEnum):
    OPEN = "open"
    DELEGATED = "delegated"
    DONE = "done"
    CANCELLED = "cancelled"


class ReportKind(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class ReportStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class CadencePeriod(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
