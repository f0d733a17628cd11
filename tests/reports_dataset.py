"""A small hand-built portfolio around ISO week 2026-W01 (2025-12-29 – 2026-01-04, spanning new
year) whose every report figure was worked out by hand; see the expected values in the tests.

Times are written as Shanghai wall-clock times: several sit right at a day edge where the UTC
date differs from the business date.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from kamdesk.domain.clock import BUSINESS_TZ
from kamdesk.models import (
    Account,
    CadenceRule,
    CompetitorNote,
    Complaint,
    Opportunity,
    ProductHolding,
    RevenueMonth,
    Team,
    User,
    Visit,
)
from kamdesk.models.enums import (
    AccountStatus,
    CadencePeriod,
    ComplaintStatus,
    Industry,
    ProductCategory,
    Tier,
    VisitKind,
    VisitStatus,
)
from kamdesk.store import state
from kamdesk.store.database import Store, open_store
from kamdesk.store.outbox import applying_remote

ME = "user-liming"
OTHER = "user-zhangwei"
TEAM = "team-changsha-1"

NAMES = {
    "A": "湖南昇辉机械制造有限公司",
    "B": "长沙银行芙蓉支行",
    "C": "株洲市第一人民医院",
    "D": "湘潭璟泰物流有限公司",
    "E": "岳阳市自来水有限公司",
    "F": "湖南堃元软件有限公司",
    "G": "衡阳市公安局",
    "H": "常德市武陵区财政局",
}


def sh(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A Shanghai wall-clock time as aware UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=BUSINESS_TZ).astimezone(UTC)


def _sync(owner: str = ME) -> dict[str, Any]:
    return {"rev": 1, "updated_at": datetime(2026, 1, 10, tzinfo=UTC), "deleted": False, "owner_id": owner}


def populate(session: Any) -> None:
    with applying_remote(session):
        session.add(Team(id=TEAM, name="长沙市分公司政企客户一部", **_sync(OTHER)))
        session.add(User(id=ME, username="liming", display_name="李明", team_id=TEAM, **_sync(OTHER)))
        session.add(User(id=OTHER, username="zhangwei", display_name="张伟", team_id=TEAM, **_sync(OTHER)))
        session.flush()
        accounts = [
            ("A", Tier.A1, AccountStatus.ACTIVE, date(2020, 1, 1), None, None, ME),
            ("B", Tier.B1, AccountStatus.ACTIVE, date(2021, 5, 1), None, None, ME),
            ("C", Tier.C, AccountStatus.ACTIVE, date(2025, 12, 31), None, None, ME),
            ("D", Tier.B2, AccountStatus.LOST, date(2025, 12, 30), date(2026, 1, 3), "试用后未续约", ME),
            ("E", Tier.C, AccountStatus.LOST, date(2019, 1, 1), date(2026, 1, 2), "转网至中国电信", ME),
            ("F", Tier.C, AccountStatus.PROSPECT, None, None, None, ME),
            ("G", Tier.A2, AccountStatus.ACTIVE, date(2025, 12, 30), None, None, OTHER),
            ("H", Tier.A2, AccountStatus.LOST, date(2018, 3, 1), date(2025, 6, 1), "机构撤并", ME),
        ]
        for key, tier, status, since, lost_on, reason, manager in accounts:
            session.add(
                Account(
                    id=f"acc-{key}",
                    code=f"HN73100000{key}",
                    name=NAMES[key],
                    tier=tier,
                    industry=Industry.ENTERPRISE,
                    status=status,
                    customer_since=since,
                    lost_on=lost_on,
                    lost_reason=reason,
                    primary_manager_id=manager,
                    **_sync(manager),
                )
            )
        session.flush()
        revenue = [
            ("A", date(2024, 12, 1), 80_000_00),
            ("B", date(2024, 12, 1), 30_000_00),
            ("E", date(2024, 12, 1), 5_000_00),
            ("A", date(2025, 11, 1), 100_000_00),
            ("B", date(2025, 11, 1), 30_000_00),
            ("E", date(2025, 11, 1), 5_000_00),
            ("A", date(2025, 12, 1), 90_000_00),
            ("B", date(2025, 12, 1), 36_000_00),
            ("E", date(2025, 12, 1), 4_000_00),
            ("G", date(2025, 12, 1), 999_999_00),
            ("G", date(2026, 1, 1), 999_999_00),  # another manager's: must not move the billing month
        ]
        for key, month, fen in revenue:
            session.add(
                RevenueMonth(id=f"rev-{key}-{month:%Y%m}", account_id=f"acc-{key}", month=month,
                             amount_fen=fen, **_sync())
            )  # fmt: skip
        products = [
            ("p-A-video", "A", "云视讯会议", ProductCategory.VALUE_ADDED, 1_200_00, date(2026, 1, 2)),
            ("p-B-crbt", "B", "集团彩铃", ProductCategory.VALUE_ADDED, 200_00, date(2025, 12, 28)),
            ("p-C-dia", "C", "互联网专线 100M", ProductCategory.DATA_LINE, 3_500_00, date(2025, 12, 31)),
            ("p-G-ptt", "G", "和对讲", ProductCategory.VALUE_ADDED, 600_00, date(2026, 1, 1)),
        ]
        for pid, key, name, category, fee, start in products:
            session.add(
                ProductHolding(id=pid, account_id=f"acc-{key}", product_code=pid, product_name=name,
                               category=category, monthly_fee_fen=fee, start_date=start, **_sync())
            )  # fmt: skip
        complaints = [
            ("K1", "A", sh(2025, 12, 29), ComplaintStatus.ANSWERED, sh(2025, 12, 30, 15), 4),
            ("K2", "B", sh(2025, 12, 20), ComplaintStatus.CLOSED, sh(2026, 1, 3), 2),
            ("K3", "E", sh(2026, 1, 4, 23, 30), ComplaintStatus.OPEN, None, None),
            ("K4", "A", sh(2026, 1, 5, 0, 30), ComplaintStatus.OPEN, None, None),
            ("K5", "B", sh(2025, 12, 15), ComplaintStatus.OPEN, None, None),
            ("K6", "A", sh(2025, 12, 10), ComplaintStatus.CLOSED, sh(2025, 12, 12), 5),
            ("K7", "B", sh(2025, 12, 29), ComplaintStatus.ANSWERED, sh(2026, 1, 6), None),
            ("K8", "G", sh(2025, 12, 30), ComplaintStatus.OPEN, None, None),
        ]
        for cid, key, raised, status, answered, rating in complaints:
            session.add(
                Complaint(id=cid, account_id=f"acc-{key}", raised_at=raised, summary=f"投诉{cid}：专线中断",
                          status=status, answer_due_at=raised, answered_at=answered, satisfaction=rating,
                          **_sync())
            )  # fmt: skip
        needs = [
            ("N1", "A", date(2025, 12, 30), "云视讯扩容"),
            ("N2", "B", date(2026, 1, 2), "云视讯 扩容"),
            ("N3", "C", date(2026, 1, 3), "物联网资产定位"),
            ("N4", "C", date(2026, 1, 4), "物联网资产定位"),
            ("N5", "A", date(2025, 12, 28), "云视讯扩容"),
        ]
        for nid, key, day, title in needs:
            session.add(Opportunity(id=nid, account_id=f"acc-{key}", raised_on=day, title=title, **_sync()))
        session.add(
            CompetitorNote(id="CN1", account_id="acc-E", noted_on=date(2026, 1, 1), competitor="中国电信",
                           offer="千兆专线首年五折", customer_reaction="已转网", **_sync())
        )  # fmt: skip
        session.add(
            CompetitorNote(id="CN2", account_id="acc-A", noted_on=date(2025, 12, 25), competitor="中国联通",
                           offer="云主机八折", **_sync())
        )  # fmt: skip
        visits = [
            ("V1", "A", VisitKind.ONSITE, sh(2025, 12, 29, 10), VisitStatus.SUBMITTED, 5, ME, False),
            ("V2", "B", VisitKind.PHONE, sh(2025, 12, 31, 23, 30), VisitStatus.SUBMITTED, 4, ME, False),
            ("V3", "C", VisitKind.PHONE, sh(2026, 1, 1, 0, 10), VisitStatus.SUBMITTED, None, ME, False),
            ("V4", "E", VisitKind.SMS, sh(2026, 1, 4, 20), VisitStatus.SUBMITTED, None, ME, False),
            ("V5", "A", VisitKind.ONSITE, sh(2026, 1, 5, 0, 30), VisitStatus.SUBMITTED, 5, ME, False),
            ("V6", "B", VisitKind.PHONE, sh(2025, 12, 29, 8), VisitStatus.DRAFT, None, ME, False),
            ("V7", "A", VisitKind.ONSITE, sh(2025, 12, 29, 7, 59), VisitStatus.SUBMITTED, 3, ME, False),
            ("V8", "G", VisitKind.PHONE, sh(2025, 12, 30), VisitStatus.SUBMITTED, 5, OTHER, False),
            ("V9", "A", VisitKind.PHONE, sh(2025, 12, 30), VisitStatus.SUBMITTED, 1, ME, True),
            ("P1", "A", VisitKind.ONSITE, sh(2025, 12, 23), VisitStatus.SUBMITTED, None, ME, False),
            ("P2", "B", VisitKind.ONSITE, sh(2025, 12, 24), VisitStatus.SUBMITTED, None, ME, False),
            ("P3", "B", VisitKind.ONSITE, sh(2025, 12, 28, 23), VisitStatus.SUBMITTED, None, ME, False),
            ("P4", "B", VisitKind.PHONE, sh(2025, 12, 26), VisitStatus.SUBMITTED, 2, ME, False),
            ("L1", "A", VisitKind.ONSITE, sh(2025, 1, 2), VisitStatus.SUBMITTED, None, ME, False),
        ]
        for vid, key, kind, occurred, status, rating, owner, deleted in visits:
            session.add(
                Visit(id=vid, account_id=f"acc-{key}", kind=kind, status=status, occurred_at=occurred,
                      satisfaction=rating, summary=f"回访{vid}", **(_sync(owner) | {"deleted": deleted}))
            )  # fmt: skip
        cadence = [
            (Tier.A1, VisitKind.ONSITE, 2, CadencePeriod.QUARTER),
            (Tier.A1, VisitKind.PHONE, 1, CadencePeriod.MONTH),
            (Tier.B1, VisitKind.PHONE, 1, CadencePeriod.MONTH),
            (Tier.C, VisitKind.ONSITE, 1, CadencePeriod.YEAR),
        ]
        for n, (tier, kind, count, period) in enumerate(cadence):
            session.add(
                CadenceRule(
                    id=f"cad-{n}", tier=tier, visit_kind=kind, visits=count, period=period, **_sync(OTHER)
                )
            )
        state.put(session, state.CURRENT_USER, ME)


_TEMPLATE: list[Path] = []


def open_handbuilt(tmp_path: Path) -> Store:
    """A fresh copy of the data set (built and migrated once per test run, then copied)."""
    if not _TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="kamdesk-handbuilt-"))
        seeded = open_store(folder / "handbuilt.sqlite3", folder / "backups")
        with seeded.sessions.begin() as session:
            populate(session)
        with seeded.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        seeded.close()
        _TEMPLATE.append(folder / "handbuilt.sqlite3")
    path = tmp_path / "handbuilt.sqlite3"
    shutil.copyfile(_TEMPLATE[0], path)
    return open_store(path, tmp_path / "backups")
