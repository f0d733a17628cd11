"""A deterministic demo portfolio of realistic Chinese group customers (Hunan province).

The same ``seed``, ``size`` and ``today`` give the same store, row for row. Rows are written
as if the server had sent them (``applying_remote``, rev 1), in bulk, so 100,000 accounts work.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from kamdesk.domain import account_index
from kamdesk.domain.cadence import DEFAULT_CADENCE
from kamdesk.domain.clock import add_months, business_datetime, business_today
from kamdesk.models import (
    Account,
    CadenceRule,
    CompetitorNote,
    Complaint,
    Contact,
    Opportunity,
    ProductHolding,
    RevenueMonth,
    Task,
    Team,
    User,
    Visit,
    utcnow,
)
from kamdesk.models.enums import (
    AccountStatus,
    ComplaintStatus,
    DecisionRole,
    Industry,
    ProductCategory,
    Role,
    ScopeLevel,
    Tier,
    VisitKind,
    VisitStatus,
)
from kamdesk.store import state
from kamdesk.store.outbox import applying_remote

REVENUE_MONTHS = 13
CHUNK = 5000

CITIES: dict[str, list[str]] = {
    "长沙市": ["芙蓉区", "天心区", "岳麓区", "开福区", "雨花区", "望城区", "长沙县", "浏阳市", "宁乡市"],
    "株洲市": ["荷塘区", "芦淞区", "石峰区", "天元区", "渌口区", "醴陵市", "攸县"],
    "湘潭市": ["雨湖区", "岳塘区", "湘潭县", "湘乡市", "韶山市"],
    "衡阳市": ["珠晖区", "雁峰区", "石鼓区", "蒸湘区", "南岳区", "耒阳市", "衡阳县"],
    "岳阳市": ["岳阳楼区", "云溪区", "君山区", "汨罗市", "临湘市", "华容县"],
    "常德市": ["武陵区", "鼎城区", "津市市", "澧县", "桃源县"],
    "郴州市": ["北湖区", "苏仙区", "资兴市", "桂阳县", "宜章县"],
    "益阳市": ["资阳区", "赫山区", "沅江市", "桃江县"],
    "邵阳市": ["双清区", "大祥区", "北塔区", "邵东市", "武冈市"],
    "怀化市": ["鹤城区", "洪江市", "沅陵县", "芷江侗族自治县"],
    "娄底市": ["娄星区", "冷水江市", "涟源市", "双峰县"],
    "永州市": ["零陵区", "冷水滩区", "祁阳市", "道县"],
}
STREETS = [
    "人民路",
    "解放西路",
    "五一大道",
    "芙蓉中路",
    "韶山北路",
    "建设路",
    "滨江路",
    "迎宾路",
    "中山路",
    "新华路",
]

GOVERNMENT_OFFICES = [
    "人民政府办公室",
    "公安局",
    "财政局",
    "税务局",
    "人力资源和社会保障局",
    "自然资源局",
    "市场监督管理局",
    "教育局",
    "卫生健康委员会",
    "交通运输局",
    "住房和城乡建设局",
    "应急管理局",
    "政务服务中心",
    "武装部",
]
BANKS = [
    "中国工商银行",
    "中国建设银行",
    "中国农业银行",
    "中国银行",
    "交通银行",
    "招商银行",
    "长沙银行",
    "湖南银行",
    "湖南省农村信用社",
    "中国人寿保险",
    "中国平安保险",
    "中国邮政储蓄银行",
]
BANK_UNITS = ["分行", "支行", "营业部"]
INSURER_UNITS = ["中心支公司", "营业部"]
COMPANY_PREFIXES = [
    "湘江",
    "岳麓",
    "星城",
    "华天",
    "楚天",
    "芙蓉",
    "麓谷",
    "金霞",
    "天心",
    "洞庭",
    "衡岳",
    "潇湘",
    "韶峰",
    "雪峰",
    "南岭",
    "梅溪",
    "鑫盛",
    "宏远",
    "昇辉",
    "璟泰",
    "喆思",
    "堃元",
]
TRADES = [
    "机械制造",
    "电子科技",
    "物流",
    "建材",
    "食品",
    "医药",
    "房地产开发",
    "新能源",
    "软件",
    "纺织",
    "汽车零部件",
    "化工",
]
COMPANY_SUFFIXES = ["有限公司", "股份有限公司", "集团有限公司"]
HEALTH_EDUCATION = [
    "第一人民医院",
    "中心医院",
    "中医医院",
    "妇幼保健院",
    "第一中学",
    "实验小学",
    "职业技术学院",
    "图书馆",
    "疾病预防控制中心",
    "广播电视台",
    "博物馆",
]
UTILITIES = ["自来水有限公司", "燃气有限公司", "供电公司", "公交集团", "环境卫生服务中心", "水务集团"]
SUB_INDUSTRY = {
    Industry.GOVERNMENT: "党政机关",
    Industry.FINANCE: "银行保险",
    Industry.ENTERPRISE: "制造业",
    Industry.EDUCATION_HEALTH: "医疗教育",
    Industry.PUBLIC_UTILITY: "公用事业",
}
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
)
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "秀英",
    "建华",
    "志强",
    "海燕",
    "晓东",
    "丽华",
    "国庆",
    "红梅",
    "文博",
    "子涵",
    "雨桐",
    "喆",
    "堃",
    "昇",
    "璟",
    "思远",
]
TITLES = {
    Industry.GOVERNMENT: ["办公室主任", "信息中心主任", "科长", "副局长", "综合科科员"],
    Industry.FINANCE: ["行长", "副行长", "科技部经理", "运营主管", "办公室主任"],
    Industry.ENTERPRISE: ["总经理", "IT经理", "行政主管", "采购经理", "财务总监"],
    Industry.EDUCATION_HEALTH: ["院长", "信息科科长", "校长", "总务处主任", "网络管理员"],
    Industry.PUBLIC_UTILITY: ["总经理", "信息部部长", "调度中心主任", "行政经理"],
}
CATALOGUE: list[tuple[str, str, ProductCategory, int]] = [
    ("VPMN", "集团V网（VPMN）", ProductCategory.VOICE, 2_000_00),
    ("DIA100", "互联网专线 100M", ProductCategory.DATA_LINE, 3_500_00),
    ("DIA1000", "互联网专线 1000M", ProductCategory.DATA_LINE, 12_000_00),
    ("BB500", "商务宽带 500M", ProductCategory.BROADBAND, 300_00),
    ("MPLS", "MPLS VPN 组网", ProductCategory.VPN, 5_000_00),
    ("IOT", "物联网卡（行业终端）", ProductCategory.IOT, 800_00),
    ("CLOUD", "移动云主机", ProductCategory.CLOUD, 4_000_00),
    ("CRBT", "集团彩铃", ProductCategory.VALUE_ADDED, 200_00),
    ("VIDEO", "云视讯会议", ProductCategory.VALUE_ADDED, 1_200_00),
    ("PTT", "和对讲", ProductCategory.VALUE_ADDED, 600_00),
]
# Monthly revenue band in yuan by tier (DOMAIN.md: special accounts ≥ 200k/month, floor 3k/month).
REVENUE_BAND = {
    Tier.A1: (200_000, 600_000),
    Tier.A2: (80_000, 300_000),
    Tier.B1: (30_000, 100_000),
    Tier.B2: (10_000, 30_000),
    Tier.C: (3_000, 10_000),
}
TIER_WEIGHTS = [(Tier.A1, 5), (Tier.A2, 10), (Tier.B1, 20), (Tier.B2, 30), (Tier.C, 35)]
INDUSTRY_WEIGHTS = [
    (Industry.GOVERNMENT, 20),
    (Industry.FINANCE, 15),
    (Industry.ENTERPRISE, 40),
    (Industry.EDUCATION_HEALTH, 15),
    (Industry.PUBLIC_UTILITY, 10),
]
VISIT_SUMMARIES = [
    "客户反映专线晚高峰偶有延迟，已提交网络部排查。",
    "与信息中心主任沟通明年云视讯扩容需求，约定下月上门演示。",
    "客户对本季度账单无异议，关注集团彩铃续约优惠。",
    "了解到友商推出千兆专线降价活动，客户有比价意向。",
    "例行回访，客户满意度高，提出增加物联网卡用量。",
    "协助客户办理号码过户，现场收取资料复印件。",
]
TEAM_MEMBERS = [
    ("liming", "李明", Role.MANAGER),
    ("wangjianhua", "王建华", Role.SUPERVISOR),
    ("zhangwei", "张伟", Role.MANAGER),
    ("liuyang", "刘洋", Role.MANAGER),
    ("chenjing", "陈静", Role.PHONE_MANAGER),
    ("yangfan", "杨帆", Role.MANAGER),
    ("zhaolei", "赵磊", Role.MANAGER),
    ("zhoumin", "周敏", Role.MANAGER),
]


@dataclass(frozen=True)
class DemoSummary:
    user_id: str
    accounts: int
    contacts: int
    products: int
    revenue_rows: int
    visits: int


class _Ids:
    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def __call__(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))


def _weighted(rng: random.Random, pairs: list[tuple[Any, int]]) -> Any:
    return rng.choices([value for value, _ in pairs], weights=[weight for _, weight in pairs])[0]


def _account_name(rng: random.Random, industry: Industry, city: str, district: str) -> str:
    if industry is Industry.GOVERNMENT:
        return f"{city}{district}{rng.choice(GOVERNMENT_OFFICES)}"
    if industry is Industry.FINANCE:
        bank = rng.choice(BANKS)
        unit = rng.choice(INSURER_UNITS if "保险" in bank else BANK_UNITS)
        return f"{bank}{city.removesuffix('市')}{district}{unit}"
    if industry is Industry.EDUCATION_HEALTH:
        return f"{city}{district}{rng.choice(HEALTH_EDUCATION)}"
    if industry is Industry.PUBLIC_UTILITY:
        return f"{city}{rng.choice(UTILITIES)}{district}分公司"
    return f"湖南{rng.choice(COMPANY_PREFIXES)}{rng.choice(TRADES)}{rng.choice(COMPANY_SUFFIXES)}"


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"


def _birthday(rng: random.Random) -> date:
    if rng.random() < 0.01:
        return date(rng.choice([1968, 1972, 1980, 1988]), 2, 29)
    return date(rng.randrange(1962, 1998), 1, 1) + timedelta(days=rng.randrange(365))


def _revenue_series(rng: random.Random, tier: Tier, months: int = REVENUE_MONTHS) -> list[int]:
    """``months`` months of fen, oldest first: some accounts decline, some grow, most wobble."""
    low, high = REVENUE_BAND[tier]
    level = rng.uniform(low, high)
    shape = rng.random()
    drift = -rng.uniform(0.03, 0.08) if shape < 0.12 else rng.uniform(0.01, 0.04) if shape < 0.3 else 0.0
    series = []
    for _ in range(months):
        series.append(max(0, round(level * rng.uniform(0.95, 1.05) * 100)))
        level *= 1 + drift
    return series


def generate(
    session: Session,
    size: int = 300,
    *,
    seed: int = 20261123,
    today: date | None = None,
    revenue_months: int = REVENUE_MONTHS,
) -> DemoSummary:
    """Fill an empty store with ``size`` accounts and their history; the caller commits.

    ``revenue_months`` of billing end with last month (benchmarks ask for two years)."""
    rng = random.Random(seed)
    new_id = _Ids(rng)
    today = today or business_today()
    now = utcnow()
    synced = {"rev": 1, "updated_at": now, "deleted": False}

    team_id = new_id()
    users = [
        {
            "id": new_id(),
            "username": username,
            "display_name": name,
            "role": role,
            "team_id": team_id,
            "phone": _mobile(rng),
            "email": f"{username}@example.com",
            **synced,
        }
        for username, name, role in TEAM_MEMBERS
    ]
    me = users[0]["id"]
    supervisor = users[1]["id"]
    colleagues = [u["id"] for u in users[2:]]
    for user in users:
        user["owner_id"] = supervisor

    with applying_remote(session):
        session.execute(
            insert(Team),
            [
                {
                    "id": team_id,
                    "name": "长沙市分公司政企客户一部",
                    "region": "湖南省",
                    "supervisor_id": supervisor,
                    "owner_id": supervisor,
                    **synced,
                }
            ],
        )
        session.execute(insert(User), users)
        session.execute(
            insert(CadenceRule),
            [
                {
                    "id": new_id(),
                    "team_id": team_id,
                    "tier": tier,
                    "visit_kind": kind,
                    "visits": visits,
                    "period": period,
                    "owner_id": supervisor,
                    **synced,
                }
                for tier, kind, visits, period in DEFAULT_CADENCE
            ],
        )
        counts = {"accounts": 0, "contacts": 0, "products": 0, "revenue": 0, "visits": 0}
        for start in range(0, size, CHUNK):
            batch = _account_batch(
                rng,
                new_id,
                range(start, min(size, start + CHUNK)),
                today,
                me,
                colleagues,
                supervisor,
                synced,
                revenue_months,
            )
            for model, rows in batch.items():
                if rows:
                    session.execute(insert(model), rows)
            counts["accounts"] += len(batch[Account])
            counts["contacts"] += len(batch[Contact])
            counts["products"] += len(batch[ProductHolding])
            counts["revenue"] += len(batch[RevenueMonth])
            counts["visits"] += len(batch[Visit])
        state.put(session, state.CURRENT_USER, me)
        state.put(session, state.DEMO, "1")
    # Bulk inserts bypass the index's flush hook: build it here, in the seeding transaction, so the
    # app never has to write it in the background while the manager starts working.
    account_index.rebuild(session)
    return DemoSummary(
        me, counts["accounts"], counts["contacts"], counts["products"], counts["revenue"], counts["visits"]
    )


def _account_batch(
    rng: random.Random,
    new_id: _Ids,
    indexes: Iterable[int],
    today: date,
    me: str,
    colleagues: list[str],
    supervisor: str,
    synced: dict[str, Any],
    revenue_months: int = REVENUE_MONTHS,
) -> dict[type, list[dict[str, Any]]]:
    rows: dict[type, list[dict[str, Any]]] = {
        model: []
        for model in (
            Account,
            Contact,
            ProductHolding,
            RevenueMonth,
            Visit,
            Complaint,
            Opportunity,
            CompetitorNote,
            Task,
        )
    }
    first_month = add_months(today, -revenue_months)
    for index in indexes:
        account_id = new_id()
        tier = _weighted(rng, TIER_WEIGHTS)
        industry = _weighted(rng, INDUSTRY_WEIGHTS)
        city = rng.choice(list(CITIES))
        district = rng.choice(CITIES[city])
        other = rng.choice(colleagues)
        primary, secondary = (me, other) if rng.random() < 0.7 else (other, me)
        since = (
            today - timedelta(days=rng.randrange(60, 3650))
            if rng.random() > 0.03
            else today - timedelta(days=rng.randrange(0, 20))
        )
        owner = {"owner_id": primary, **synced}
        rows[Account].append(
            {
                "id": account_id,
                "code": f"HN{731_000_000 + index:09d}",
                "name": _account_name(rng, industry, city, district),
                "tier": tier,
                "scope_level": ScopeLevel.NATIONAL
                if industry is Industry.FINANCE and tier is Tier.A1
                else ScopeLevel.REGIONAL
                if tier in (Tier.A1, Tier.A2)
                else ScopeLevel.LOCAL,
                "industry": industry,
                "sub_industry": SUB_INDUSTRY[industry],
                "province": "湖南省",
                "city": city,
                "district": district,
                "address": f"{city}{district}{rng.choice(STREETS)}{rng.randrange(1, 999)}号",
                "status": AccountStatus.ACTIVE,
                "primary_manager_id": primary,
                "secondary_manager_id": secondary,
                "customer_since": since,
                "employee_count": rng.randrange(20, 5000),
                **owner,
            }
        )
        contact_ids = []
        for position in range(rng.randrange(2, 6)):
            contact_id = new_id()
            contact_ids.append(contact_id)
            role = (
                DecisionRole.DECISION_MAKER
                if position == 0
                else DecisionRole.LIAISON
                if position == 1
                else rng.choice([DecisionRole.INFLUENCER, DecisionRole.USER])
            )
            rows[Contact].append(
                {
                    "id": contact_id,
                    "account_id": account_id,
                    "name": _person(rng),
                    "title": rng.choice(TITLES[industry]),
                    "department": rng.choice(["办公室", "信息中心", "财务部", "综合部"]),
                    "decision_role": role,
                    "mobile": _mobile(rng),
                    "phone": f"0731-{rng.randrange(10**7, 10**8)}",
                    "birthday": _birthday(rng),
                    "notes": rng.choice([None, "喜欢喝茶", "关注网络安全", "周三下午方便接待"]),
                    **owner,
                }
            )
        for code, name, category, fee in rng.sample(CATALOGUE, rng.randrange(2, 5)):
            start = today - timedelta(days=rng.randrange(30, 1500))
            rows[ProductHolding].append(
                {
                    "id": new_id(),
                    "account_id": account_id,
                    "product_code": code,
                    "product_name": name,
                    "category": category,
                    "quantity": rng.randrange(1, 50) if category is ProductCategory.IOT else 1,
                    "monthly_fee_fen": fee,
                    "start_date": start,
                    "end_date": today + timedelta(days=rng.randrange(-60, 1100)),
                    **owner,
                }
            )
        for offset, amount in enumerate(_revenue_series(rng, tier, revenue_months)):
            rows[RevenueMonth].append(
                {
                    "id": new_id(),
                    "account_id": account_id,
                    "month": add_months(first_month, offset),
                    "amount_fen": amount,
                    "arrears_fen": 0 if rng.random() > 0.05 else amount // 10,
                    **owner,
                }
            )
        for _ in range(rng.randrange(1, 7)):
            day = today - timedelta(days=rng.randrange(1, 365))
            occurred = business_datetime(day, time(rng.randrange(9, 17), rng.choice([0, 30])))
            kind = rng.choice([VisitKind.ONSITE, VisitKind.PHONE, VisitKind.PHONE])
            rows[Visit].append(
                {
                    "id": new_id(),
                    "account_id": account_id,
                    "kind": kind,
                    "status": VisitStatus.SUBMITTED,
                    "planned_at": occurred,
                    "occurred_at": occurred,
                    "duration_minutes": 60 if kind is VisitKind.ONSITE else 10,
                    "answers": {},
                    "contacts_met": [rng.choice(contact_ids)],
                    "satisfaction": rng.choice([3, 4, 4, 5, 5]),
                    "summary": rng.choice(VISIT_SUMMARIES),
                    "entered_at": occurred + timedelta(hours=2),
                    "submitted_at": occurred + timedelta(hours=2),
                    **owner,
                }
            )
        roll = rng.random()
        if roll < 0.06:
            raised = business_datetime(
                today - timedelta(days=rng.randrange(0, 5)), time(rng.randrange(8, 18))
            )
            rows[Complaint].append(
                {
                    "id": new_id(),
                    "account_id": account_id,
                    "raised_at": raised,
                    "summary": "专线中断超过2小时，客户要求说明原因并赔付",
                    "severity": "major" if roll < 0.01 else "normal",
                    "status": ComplaintStatus.OPEN,
                    "answer_due_at": raised + timedelta(hours=48),
                    **owner,
                }
            )
        if roll > 0.9:
            rows[Opportunity].append(
                {
                    "id": new_id(),
                    "account_id": account_id,
                    "raised_on": today - timedelta(days=rng.randrange(1, 90)),
                    "title": rng.choice(
                        ["视频监控上云", "千兆专线扩容", "物联网资产定位", "云视讯会议室改造"]
                    ),
                    "category": "新业务",
                    "estimated_value_fen": rng.randrange(10_000, 500_000) * 100,
                    **owner,
                }
            )
        if 0.85 < roll <= 0.9:
            rows[CompetitorNote].append(
                {
                    "id": new_id(),
                    "account_id": account_id,
                    "noted_on": today - timedelta(days=rng.randrange(1, 60)),
                    "competitor": rng.choice(["中国电信", "中国联通", "广电网络"]),
                    "offer": "千兆专线首年五折",
                    "customer_reaction": "客户表示会比较，但更看重服务响应",
                    **owner,
                }
            )
        if 0.8 < roll <= 0.83:
            rows[Task].append(
                {
                    "id": new_id(),
                    "account_id": account_id,
                    "assignee_id": me,
                    "assigner_id": supervisor,
                    "title": "核实客户欠费原因并督促缴费",
                    "due_on": today + timedelta(days=rng.randrange(0, 10)),
                    "status": "open",
                    **owner,
                }
            )
    return rows
