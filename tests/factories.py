"""Realistic Chinese rows for tests, one builder per synced model."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import count
from typing import Any

from kamdesk import models
from kamdesk.models.enums import CadencePeriod, Industry, ProductCategory, ReportKind, Tier, VisitKind

_serial = count(1)
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def account(**overrides: Any) -> models.Account:
    n = next(_serial)
    fields: dict[str, Any] = {
        "code": f"HN7319{n:05d}",
        "name": f"长沙市芙蓉区人民政府办公室{n}",
        "tier": Tier.A2,
        "industry": Industry.GOVERNMENT,
        "city": "长沙市",
        "district": "芙蓉区",
    }
    return models.Account(**(fields | overrides))


def instance_of(model: type, account_id: str) -> Any:
    """A valid new row of any synced model (hanging off ``account_id`` where it needs an account)."""
    now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    n = next(_serial)
    builders: dict[type, dict[str, Any]] = {
        models.Team: {"name": "长沙政企客户一部"},
        models.User: {"username": f"user{n}", "display_name": "王建华"},
        models.Account: {
            "code": f"HN7318{n:05d}",
            "name": "湖南昇辉机械制造有限公司",
            "tier": Tier.B1,
            "industry": Industry.ENTERPRISE,
        },
        models.Contact: {"account_id": account_id, "name": "张喆"},
        models.ProductHolding: {
            "account_id": account_id,
            "product_code": "DIA100",
            "product_name": "互联网专线 100M",
            "category": ProductCategory.DATA_LINE,
        },
        models.RevenueMonth: {
            "account_id": account_id,
            "month": date(2026, n % 12 + 1, 1),
            "amount_fen": 5_230_000,
        },
        models.FormTemplate: {
            "template_key": f"onsite{n}",
            "version": 1,
            "name": "上门回访表",
            "definition": {},
        },
        models.Visit: {"account_id": account_id, "kind": VisitKind.PHONE},
        models.Complaint: {
            "account_id": account_id,
            "raised_at": now,
            "summary": "专线中断",
            "answer_due_at": now,
        },
        models.Opportunity: {
            "account_id": account_id,
            "raised_on": date(2026, 11, 23),
            "title": "云视讯扩容",
        },
        models.CompetitorNote: {
            "account_id": account_id,
            "noted_on": date(2026, 11, 23),
            "competitor": "中国电信",
        },
        models.Task: {"account_id": account_id, "title": "核实欠费原因"},
        models.CadenceRule: {
            "tier": Tier.A1,
            "visit_kind": VisitKind.ONSITE,
            "visits": 2,
            "period": CadencePeriod.QUARTER,
        },
        models.Report: {
            "kind": ReportKind.WEEKLY,
            "period_start": date(2026, 11, 16),
            "period_end": date(2026, 11, 22),
        },
    }
    return model(**builders[model])
