"""Rows and templates for printing tests and the printing benchmark (realistic Chinese data)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from kamdesk.domain.clock import add_months, business_datetime, month_start
from kamdesk.models import (
    Account,
    Complaint,
    Contact,
    FormTemplate,
    Opportunity,
    ProductHolding,
    RevenueMonth,
    User,
    Visit,
    new_id,
)
from kamdesk.models.enums import DecisionRole, Industry, ProductCategory, Tier, VisitKind, VisitStatus
from kamdesk.store.outbox import applying_remote

TODAY = date(2026, 11, 23)
RARE_NAMES = ["张喆", "王堃", "李昇", "陈璟"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "建华", "志强", "海燕", "晓东", "丽华", "国庆", "红梅", "文博"]
ROLES = [DecisionRole.DECISION_MAKER, DecisionRole.LIAISON, DecisionRole.INFLUENCER, DecisionRole.USER]


def small_template(key: str = "onsite_return_visit", version: int = 1) -> dict[str, Any]:
    """A realistic on-site return-visit form with one conditional complaint field."""
    return {
        "schema": 1,
        "key": key,
        "version": version,
        "name": "大客户上门回访表",
        "visit_kind": "onsite",
        "sections": [
            {
                "key": "basic",
                "title": "基本情况",
                "fields": [
                    {
                        "key": "contacts_met",
                        "type": "contact",
                        "label": "接待人",
                        "required": True,
                        "multiple": True,
                    },
                    {"key": "visit_date", "type": "date", "label": "回访日期", "required": True},
                    {"key": "start", "type": "time", "label": "开始时间"},
                    {
                        "key": "purpose",
                        "type": "choice",
                        "label": "回访目的",
                        "options": [
                            {"value": "routine", "label": "例行回访"},
                            {"value": "complaint", "label": "投诉处理"},
                            {"value": "renewal", "label": "合同续约"},
                        ],
                    },
                    {"key": "has_complaint", "type": "yesno", "label": "客户是否提出投诉", "required": True},
                    {
                        "key": "complaint",
                        "type": "long_text",
                        "label": "投诉内容",
                        "required": True,
                        "show_if": {"field": "has_complaint", "equals": True},
                        "record": "complaint",
                        "help": "详细记录客户原话，48小时内须答复客户",
                    },
                ],
            },
            {
                "key": "business",
                "title": "业务情况",
                "fields": [
                    {"key": "products", "type": "product", "label": "本次涉及产品", "multiple": True},
                    {
                        "key": "vas",
                        "type": "multi_choice",
                        "label": "关注的增值业务",
                        "options": [
                            {"value": "crbt", "label": "集团彩铃"},
                            {"value": "video", "label": "云视讯"},
                            {"value": "ptt", "label": "和对讲"},
                        ],
                    },
                    {
                        "key": "competitor",
                        "type": "text",
                        "label": "友商名称",
                        "show_if": {"field": "purpose", "in": ["renewal", "complaint"]},
                    },
                    {"key": "budget", "type": "money", "label": "客户预算"},
                    {"key": "satisfaction", "type": "rating", "label": "总体满意度", "required": True},
                    {"key": "photos", "type": "attachment", "label": "现场资料"},
                    {"key": "notes", "type": "long_text", "label": "其他说明"},
                ],
            },
        ],
    }


FIELD_TYPES = [
    "text",
    "long_text",
    "number",
    "money",
    "date",
    "time",
    "choice",
    "multi_choice",
    "yesno",
    "rating",
    "contact",
    "product",
    "attachment",
]


def big_template(fields: int = 80) -> dict[str, Any]:
    """``fields`` fields of every type over eight sections; every yes/no field gates the next field."""
    sections: list[dict[str, Any]] = [
        {"key": f"s{n}", "title": f"第{n + 1}部分 回访事项{n + 1}", "fields": []} for n in range(8)
    ]
    previous_yesno: str | None = None
    for index in range(fields):
        kind = FIELD_TYPES[index % len(FIELD_TYPES)]
        field: dict[str, Any] = {
            "key": f"f{index:02d}",
            "type": kind,
            "label": f"第{index + 1:02d}项 客户关注点{index + 1:02d}",
        }
        if kind in ("choice", "multi_choice"):
            field["options"] = [{"value": f"o{n}", "label": f"选项{index}-{n}"} for n in range(4)]
        if index % 7 == 0:
            field["required"] = True
        if previous_yesno and index % 13 == 9:
            field["show_if"] = {"field": previous_yesno, "equals": True}
        if kind == "yesno":
            previous_yesno = field["key"]
        if index % 5 == 0:
            field["help"] = f"说明{index + 1:02d}：请如实填写，必要时附上客户原话"
        sections[index * 8 // fields]["fields"].append(field)
    return {
        "schema": 1,
        "key": "big_form",
        "version": 1,
        "name": "八十项回访表",
        "visit_kind": "onsite",
        "sections": sections,
    }


def add_template(session: Session, definition: dict[str, Any]) -> None:
    with applying_remote(session):
        session.add(
            FormTemplate(
                template_key=definition["key"],
                version=definition["version"],
                name=definition["name"],
                visit_kind=VisitKind(definition["visit_kind"]),
                definition=definition,
                published_at=datetime(2026, 1, 1, tzinfo=UTC),
                rev=1,
            )
        )
        session.flush()


def add_user(session: Session, name: str = "李明") -> str:
    with applying_remote(session):
        user = User(username=f"u{new_id()[:8]}", display_name=name, rev=1)
        session.add(user)
        session.flush()
    return user.id


def add_account(
    session: Session,
    *,
    name: str = "湖南昇辉璟泰机械制造有限公司",
    contacts: int = 4,
    manager_id: str | None = None,
    with_history: bool = True,
) -> str:
    """An account with contacts (the first four have rare-character names), products, 13 months of
    billing, three earlier visits, an open complaint and an open need."""
    with applying_remote(session):
        account = Account(
            code=f"HN7319{new_id()[:5]}",
            name=name,
            tier=Tier.A1,
            industry=Industry.ENTERPRISE,
            sub_industry="制造业",
            city="长沙市",
            district="岳麓区",
            address="长沙市岳麓区麓谷大道668号",
            primary_manager_id=manager_id,
            secondary_manager_id=manager_id,
            customer_since=date(2019, 3, 1),
            employee_count=1200,
            rev=1,
        )
        session.add(account)
        session.flush()
        for index in range(contacts):
            person = (
                RARE_NAMES[index]
                if index < len(RARE_NAMES)
                else (SURNAMES[index % len(SURNAMES)] + GIVEN[index % len(GIVEN)] + str(index))
            )
            session.add(
                Contact(
                    account_id=account.id,
                    name=person,
                    title="信息中心主任" if index % 2 else "总经理",
                    department="信息中心",
                    decision_role=ROLES[index % 4],
                    mobile=f"1390731{index:04d}",
                    phone="0731-88886666",
                    birthday=date(1975, 11, 28) if index == 0 else date(1980, (index % 12) + 1, 15),
                    notes="喜欢喝茶，周三下午方便接待" if index % 3 == 0 else None,
                    rev=1,
                )
            )
        if with_history:
            for code, product, category, end in [
                ("DIA1000", "互联网专线 1000M", ProductCategory.DATA_LINE, TODAY + timedelta(days=40)),
                ("CLOUD", "移动云主机", ProductCategory.CLOUD, TODAY + timedelta(days=700)),
                ("VPMN", "集团V网（VPMN）", ProductCategory.VOICE, TODAY - timedelta(days=10)),
            ]:
                session.add(
                    ProductHolding(
                        account_id=account.id,
                        product_code=code,
                        product_name=product,
                        category=category,
                        quantity=1,
                        monthly_fee_fen=12_000_00,
                        start_date=date(2024, 1, 1),
                        end_date=end,
                        rev=1,
                    )
                )
            for offset in range(1, 14):
                session.add(
                    RevenueMonth(
                        account_id=account.id,
                        month=add_months(month_start(TODAY), -offset),
                        amount_fen=(250_000 + offset * 3_217) * 100,
                        arrears_fen=5_000_00 if offset == 2 else 0,
                        rev=1,
                    )
                )
            for days in (20, 60, 100, 200):
                moment = business_datetime(TODAY - timedelta(days=days), time(10, 0))
                session.add(
                    Visit(
                        account_id=account.id,
                        kind=VisitKind.ONSITE,
                        status=VisitStatus.SUBMITTED,
                        occurred_at=moment,
                        submitted_at=moment,
                        satisfaction=4,
                        owner_id=manager_id,
                        summary=f"{days}天前回访：客户反映专线晚高峰偶有延迟，已提交网络部排查。",
                        rev=1,
                    )
                )
            raised = business_datetime(TODAY - timedelta(days=3), time(9, 0))
            session.add(
                Complaint(
                    account_id=account.id,
                    raised_at=raised,
                    summary="专线中断超过2小时，客户要求说明原因并赔付",
                    severity="major",
                    answer_due_at=raised + timedelta(hours=48),
                    rev=1,
                )
            )
            session.add(
                Opportunity(
                    account_id=account.id,
                    raised_on=TODAY - timedelta(days=12),
                    title="视频监控上云",
                    category="新业务",
                    description="园区120路摄像头",
                    estimated_value_fen=360_000_00,
                    rev=1,
                )
            )
        session.flush()
    return account.id


def add_visit(
    session: Session,
    account_id: str,
    *,
    status: VisitStatus = VisitStatus.PLANNED,
    planned: datetime | None = None,
    template: dict[str, Any] | None = None,
    answers: dict[str, Any] | None = None,
    amends_id: str | None = None,
    owner_id: str | None = None,
    summary: str | None = None,
) -> str:
    planned = planned or business_datetime(TODAY, time(9, 30))
    submitted = status is VisitStatus.SUBMITTED
    with applying_remote(session):
        visit = Visit(
            account_id=account_id,
            kind=VisitKind.ONSITE,
            status=status,
            planned_at=planned,
            occurred_at=planned if submitted else None,
            submitted_at=planned + timedelta(hours=3) if submitted else None,
            entered_at=planned + timedelta(hours=2) if submitted else None,
            duration_minutes=60 if submitted else None,
            template_key=template["key"] if template else None,
            template_version=template["version"] if template else None,
            answers=answers or {},
            satisfaction=4 if submitted else None,
            summary=summary,
            amends_id=amends_id,
            owner_id=owner_id,
            rev=1,
        )
        session.add(visit)
        session.flush()
    return visit.id
