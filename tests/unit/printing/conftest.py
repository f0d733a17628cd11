from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from kamdesk.models import Contact, ProductHolding
from kamdesk.models.enums import VisitStatus
from kamdesk.store.database import Store
from tests.unit.printing import seed


@dataclass
class Sample:
    store: Store
    user_id: str
    account_id: str
    contact_ids: list[str]
    product_ids: list[str]
    template: dict
    original_id: str
    correction_id: str


@pytest.fixture
def sample(store: Store, chinese: None) -> Iterator[Sample]:
    """One account with history, the small template, and a submitted visit with its correction."""
    with store.sessions.begin() as session:
        user_id = seed.add_user(session)
        template = seed.small_template()
        seed.add_template(session, template)
        account_id = seed.add_account(session, manager_id=user_id)
        contact_ids = list(session.scalars(select(Contact.id).where(Contact.account_id == account_id)))
        product_ids = list(
            session.scalars(select(ProductHolding.id).where(ProductHolding.account_id == account_id))
        )
        answers = {
            "contacts_met": contact_ids[:2],
            "visit_date": "2026-11-23",
            "start": "09:30",
            "purpose": "routine",
            "has_complaint": False,
            "complaint": "不应打印的隐藏投诉",
            "products": product_ids[:1],
            "vas": ["crbt", "video"],
            "competitor": "不应打印的友商",
            "budget": 50_000_00,
            "satisfaction": 4,
            "photos": [{"sha256": "ab", "name": "机房照片.jpg", "size": 10}],
            "notes": "客户希望下月上门演示云视讯。",
        }
        original_id = seed.add_visit(
            session,
            account_id,
            status=VisitStatus.SUBMITTED,
            template=template,
            answers=answers,
            owner_id=user_id,
            summary="例行回访",
        )
        corrected = answers | {"has_complaint": True, "complaint": "专线晚高峰丢包严重", "budget": 60_000_00}
        correction_id = seed.add_visit(
            session,
            account_id,
            status=VisitStatus.SUBMITTED,
            template=template,
            answers=corrected,
            owner_id=user_id,
            amends_id=original_id,
            summary="例行回访，补充投诉内容",
        )
    yield Sample(store, user_id, account_id, contact_ids, product_ids, template, original_id, correction_id)
