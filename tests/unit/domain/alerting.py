"""Builders for alert, cadence and planning tests: rows as the server would have sent them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy.orm import Session

from kamdesk import models
from kamdesk.domain.clock import business_datetime
from kamdesk.models.enums import ComplaintStatus, ProductCategory, Tier, VisitKind, VisitStatus
from kamdesk.store.database import Store
from kamdesk.store.outbox import applying_remote
from tests import factories

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, Monday 23 Nov 2026


class Portfolio:
    """Adds rows to ``store`` in their own transactions and returns their ids."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _add(self, row: Any) -> str:
        with self.store.sessions.begin() as session, applying_remote(session):
            row.rev = 1
            session.add(row)
        return row.id

    def account(self, **overrides: Any) -> str:
        fields: dict[str, Any] = {"tier": Tier.C, "customer_since": date(2020, 1, 1)}
        return self._add(factories.account(**(fields | overrides)))

    def contact(self, account_id: str, birthday: date | None, name: str = "张喆", **more: Any) -> str:
        return self._add(models.Contact(account_id=account_id, name=name, birthday=birthday, **more))

    def revenue(self, account_id: str, months: dict[date, int]) -> None:
        """``months``: first-of-month → yuan."""
        for month, yuan in months.items():
            self._add(models.RevenueMonth(account_id=account_id, month=month, amount_fen=yuan * 100))

    def visit(
        self,
        account_id: str,
        kind: VisitKind,
        when: date | datetime,
        status: VisitStatus = VisitStatus.SUBMITTED,
    ) -> str:
        moment = when if isinstance(when, datetime) else business_datetime(when, time(10, 0))
        return self._add(
            models.Visit(
                account_id=account_id,
                kind=kind,
                status=status,
                occurred_at=moment if status is VisitStatus.SUBMITTED else None,
                planned_at=moment,
                submitted_at=moment if status is VisitStatus.SUBMITTED else None,
                summary="例行回访",
                answers={},
                contacts_met=[],
            )
        )

    def complaint(self, account_id: str, raised_at: datetime, severity: str = "normal") -> str:
        from datetime import timedelta

        return self._add(
            models.Complaint(
                account_id=account_id,
                raised_at=raised_at,
                summary="专线中断超过2小时，客户要求说明原因",
                severity=severity,
                status=ComplaintStatus.OPEN,
                answer_due_at=raised_at + timedelta(hours=48),
            )
        )

    def holding(self, account_id: str, end: date, name: str = "集团彩铃") -> str:
        return self._add(
            models.ProductHolding(
                account_id=account_id,
                product_code="CRBT",
                product_name=name,
                category=ProductCategory.VALUE_ADDED,
                end_date=end,
            )
        )


def session_of(store: Store) -> Session:
    return store.sessions()
