"""Administrative operations behind the ``kamdesk-server`` CLI. Each takes a Session and a
``ChangeRecorder`` (so clients pull what the admin changed) and never commits."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kamdesk.errors import UserError
from kamdesk.models import (
    Account,
    CadenceRule,
    FormTemplate,
    RevenueMonth,
    Task,
    Team,
    User,
    new_id,
    utcnow,
)
from kamdesk.models.enums import CadencePeriod, Industry, Role, ScopeLevel, Tier, VisitKind
from kamdesk.server.changelog import ChangeRecorder
from kamdesk.server.security import Passwords
from kamdesk.server.sheets import read_rows
from kamdesk.server.tables import Device


class AdminError(UserError):
    """Bad input to an admin command; the message says what to fix."""


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def _user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise AdminError(f"no user {username!r}")
    return user


def _team(session: Session, name: str) -> Team:
    team = session.scalar(select(Team).where(Team.name == name))
    if team is None:
        raise AdminError(f"no team {name!r}")
    return team


def create_team(session: Session, recorder: ChangeRecorder, name: str, region: str | None = None) -> Team:
    if session.scalar(select(Team).where(Team.name == name)) is not None:
        raise AdminError(f"team {name!r} exists")
    team = Team(id=new_id(), name=name, region=region, owner_id=None)
    recorder.created(team)
    session.add(team)
    return team


def create_user(
    session: Session,
    recorder: ChangeRecorder,
    passwords: Passwords,
    *,
    username: str,
    display_name: str,
    role: Role,
    password: str,
    team_name: str | None = None,
) -> User:
    from kamdesk.server.auth import set_password

    if session.scalar(select(User).where(User.username == username)) is not None:
        raise AdminError(f"user {username!r} exists")
    team = _team(session, team_name) if team_name else None
    user = User(
        id=new_id(),
        username=username,
        display_name=display_name,
        role=role,
        team_id=team.id if team else None,
    )
    recorder.created(user)
    session.add(user)
    session.flush()
    set_password(session, passwords, user.id, password)
    if team is not None and role == Role.SUPERVISOR and team.supervisor_id is None:
        team.supervisor_id = user.id
        recorder.changed(team, {"supervisor_id"})
    return user


PORTFOLIO_ALIASES = {
    "客户编码": "code",
    "集团编码": "code",
    "客户名称": "name",
    "集团名称": "name",
    "简称": "short_name",
    "等级": "tier",
    "客户等级": "tier",
    "行业": "industry",
    "子行业": "sub_industry",
    "省": "province",
    "市": "city",
    "区县": "district",
    "地址": "address",
    "主客户经理": "primary_manager",
    "副客户经理": "secondary_manager",
    "客户级别": "scope_level",
}
INDUSTRY_WORDS = {
    "党政军": Industry.GOVERNMENT,
    "金融": Industry.FINANCE,
    "企业": Industry.ENTERPRISE,
    "科教文卫": Industry.EDUCATION_HEALTH,
    "公共事业": Industry.PUBLIC_UTILITY,
}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def import_portfolio(session: Session, recorder: ChangeRecorder, path: Path) -> ImportReport:
    """Create or update accounts by ``code`` with their primary/secondary manager usernames.

    A changed manager is a reassignment: the old manager's client is told, the new one gets the
    account and everything hanging off it. Bad rows are reported and skipped."""
    report = ImportReport()
    users = {u.username: u.id for u in session.scalars(select(User))}
    for line, row in read_rows(path, PORTFOLIO_ALIASES):
        try:
            fields = _portfolio_fields(row, users)
        except AdminError as error:
            report.errors.append(f"line {line}: {error}")
            continue
        account = session.scalar(select(Account).where(Account.code == fields["code"]))
        if account is None:
            account = Account(id=new_id(), **fields)
            recorder.created(account)
            session.add(account)
            report.created += 1
            continue
        changed = {k: v for k, v in fields.items() if v is not None and getattr(account, k) != v}
        for manager_field in ("primary_manager_id", "secondary_manager_id"):
            if manager_field in fields and getattr(account, manager_field) != fields[manager_field]:
                changed[manager_field] = fields[manager_field]
        if not changed:
            report.unchanged += 1
            continue
        previous = {account.primary_manager_id, account.secondary_manager_id}
        for key, value in changed.items():
            setattr(account, key, value)
        recorder.changed(account, set(changed))
        if {"primary_manager_id", "secondary_manager_id"} & set(changed):
            recorder.reassigned(account, previous)
        report.updated += 1
    return report


def _portfolio_fields(row: dict[str, Any], users: dict[str, str]) -> dict[str, Any]:
    code, name = _text(row.get("code")), _text(row.get("name"))
    if not code or not name:
        raise AdminError("code and name are required")
    tier_text = (_text(row.get("tier")) or "").upper()
    if tier_text not in Tier.__members__.values():
        raise AdminError(f"tier {tier_text!r} is not one of {', '.join(t.value for t in Tier)}")
    industry_text = _text(row.get("industry")) or ""
    industry = INDUSTRY_WORDS.get(industry_text)
    if industry is None:
        try:
            industry = Industry(industry_text)
        except ValueError:
            raise AdminError(f"industry {industry_text!r} is unknown") from None
    fields: dict[str, Any] = {"code": code, "name": name, "tier": Tier(tier_text), "industry": industry}
    for key in ("short_name", "sub_industry", "province", "city", "district", "address"):
        fields[key] = _text(row.get(key))
    level = _text(row.get("scope_level"))
    if level:
        try:
            fields["scope_level"] = ScopeLevel(level)
        except ValueError:
            raise AdminError(f"scope_level {level!r} is unknown") from None
    for column, key in (
        ("primary_manager_id", "primary_manager"),
        ("secondary_manager_id", "secondary_manager"),
    ):
        username = _text(row.get(key))
        if username is None:
            fields[column] = None
        elif username not in users:
            raise AdminError(f"no user {username!r} for {key}")
        else:
            fields[column] = users[username]
    if fields["primary_manager_id"] is None:
        raise AdminError("primary_manager is required")
    return fields


def publish_template(session: Session, recorder: ChangeRecorder, path: Path) -> FormTemplate:
    """Publish a template version from a JSON file (docs/FORM_TEMPLATES.md); versions are immutable."""
    try:
        definition = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise AdminError(f"cannot read {path}: {error}") from error
    if not isinstance(definition, dict):
        raise AdminError("a template is a JSON object")
    key, version, name = definition.get("key"), definition.get("version"), definition.get("name")
    if not isinstance(key, str) or not isinstance(version, int) or not isinstance(name, str):
        raise AdminError("a template needs key (text), version (integer) and name (text)")
    if definition.get("schema") != 1 or not isinstance(definition.get("sections"), list):
        raise AdminError("a template needs schema 1 and a sections list")
    kind = definition.get("visit_kind")
    if kind is not None and kind not in VisitKind.__members__.values():
        raise AdminError(f"visit_kind {kind!r} is unknown")
    existing = session.scalar(
        select(FormTemplate).where(FormTemplate.template_key == key, FormTemplate.version == version)
    )
    if existing is not None:
        raise AdminError(f"template {key} version {version} is already published; publish a new version")
    template = FormTemplate(
        id=new_id(),
        template_key=key,
        version=version,
        name=name,
        visit_kind=VisitKind(kind) if kind else None,
        definition=definition,
        published_at=utcnow(),
    )
    recorder.created(template)
    session.add(template)
    return template


def set_cadence(
    session: Session,
    recorder: ChangeRecorder,
    *,
    tier: Tier,
    visit_kind: VisitKind,
    visits: int,
    period: CadencePeriod,
    team_name: str | None = None,
) -> CadenceRule:
    """Set how many visits of a kind an account of a tier needs per period (team or default)."""
    if visits < 0:
        raise AdminError("visits cannot be negative")
    team_id = _team(session, team_name).id if team_name else None
    rule = session.scalar(
        select(CadenceRule).where(
            CadenceRule.tier == tier,
            CadenceRule.visit_kind == visit_kind,
            CadenceRule.team_id.is_(None) if team_id is None else CadenceRule.team_id == team_id,
            CadenceRule.deleted.is_(False),
        )
    )
    if rule is None:
        rule = CadenceRule(
            id=new_id(), team_id=team_id, tier=tier, visit_kind=visit_kind, visits=visits, period=period
        )
        recorder.created(rule)
        session.add(rule)
        return rule
    changed = {k for k, v in {"visits": visits, "period": period}.items() if getattr(rule, k) != v}
    if changed:
        rule.visits, rule.period = visits, period
        recorder.changed(rule, changed)
    return rule


BILLING_ALIASES = {
    "客户编码": "code",
    "集团编码": "code",
    "account_code": "code",
    "月份": "month",
    "账期": "month",
    "收入": "amount_yuan",
    "收入(元)": "amount_yuan",
    "欠费": "arrears_yuan",
    "欠费(元)": "arrears_yuan",
}


def _month(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date().replace(day=1)
    if isinstance(value, date):
        return value.replace(day=1)
    text = str(value or "").strip().replace("/", "-")
    for candidate in (text, f"{text}-01"):
        try:
            return date.fromisoformat(candidate).replace(day=1)
        except ValueError:
            continue
    if len(text) == 6 and text.isdigit():
        return date(int(text[:4]), int(text[4:]), 1)
    raise AdminError(f"month {value!r} is not YYYY-MM")


def _fen(value: Any, name: str) -> int:
    if value in (None, ""):
        return 0
    try:
        return int((Decimal(str(value).replace(",", "")) * 100).quantize(Decimal(1)))
    except InvalidOperation:
        raise AdminError(f"{name} {value!r} is not an amount in yuan") from None


def import_billing(session: Session, recorder: ChangeRecorder, path: Path) -> ImportReport:
    """Monthly billed revenue per account (yuan in the sheet, fen in the database), upserted."""
    report = ImportReport()
    accounts = dict(session.execute(select(Account.code, Account.id)).all())
    for line, row in read_rows(path, BILLING_ALIASES):
        try:
            code = _text(row.get("code"))
            if code not in accounts:
                raise AdminError(f"no account with code {code!r}")
            month = _month(row.get("month"))
            amount = (
                int(row["amount_fen"])
                if row.get("amount_fen") not in (None, "")
                else _fen(row.get("amount_yuan"), "amount")
            )
            arrears = _fen(row.get("arrears_yuan"), "arrears")
        except (AdminError, ValueError) as error:
            report.errors.append(f"line {line}: {error}")
            continue
        account_id = accounts[code]
        existing = session.scalar(
            select(RevenueMonth).where(RevenueMonth.account_id == account_id, RevenueMonth.month == month)
        )
        if existing is None:
            revenue = RevenueMonth(
                id=new_id(), account_id=account_id, month=month, amount_fen=amount, arrears_fen=arrears
            )
            recorder.created(revenue)
            session.add(revenue)
            report.created += 1
            continue
        changed = {
            k for k, v in {"amount_fen": amount, "arrears_fen": arrears}.items() if getattr(existing, k) != v
        }
        if not changed:
            report.unchanged += 1
            continue
        existing.amount_fen, existing.arrears_fen = amount, arrears
        recorder.changed(existing, changed)
        report.updated += 1
    return report


def assign_task(
    session: Session,
    recorder: ChangeRecorder,
    *,
    assignee: str,
    title: str,
    account_code: str | None = None,
    due_on: date | None = None,
    description: str | None = None,
    assigner: str | None = None,
) -> Task:
    assignee_user = _user(session, assignee)
    assigner_user = _user(session, assigner) if assigner else None
    account_id = None
    if account_code:
        account_id = session.scalar(select(Account.id).where(Account.code == account_code))
        if account_id is None:
            raise AdminError(f"no account with code {account_code!r}")
    task = Task(
        id=new_id(),
        account_id=account_id,
        assignee_id=assignee_user.id,
        assigner_id=assigner_user.id if assigner_user else None,
        title=title,
        description=description,
        due_on=due_on,
        owner_id=assigner_user.id if assigner_user else None,
    )
    recorder.created(task)
    session.add(task)
    return task


@dataclass(frozen=True)
class DeviceInfo:
    id: str
    username: str
    name: str
    created_at: datetime
    last_seen_at: datetime | None
    revoked_at: datetime | None


def list_devices(session: Session, username: str | None = None) -> list[DeviceInfo]:
    query = select(Device, User.username).join(User, User.id == Device.user_id).order_by(Device.created_at)
    if username:
        query = query.where(User.username == username)
    return [
        DeviceInfo(d.id, name, d.name, d.created_at, d.last_seen_at, d.revoked_at)
        for d, name in session.execute(query)
    ]
