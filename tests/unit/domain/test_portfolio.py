from __future__ import annotations

from kamdesk.domain import portfolio
from kamdesk.domain.portfolio import PortfolioQuery, SortKey
from kamdesk.models.enums import AccountStatus, Industry, Tier
from kamdesk.store import outbox
from tests import factories


def _seed(store) -> None:
    with store.sessions.begin() as session:
        outbox.insert(session, factories.account(code="HN001", name="湖南省财政厅", tier=Tier.A2))
        outbox.insert(
            session,
            factories.account(code="HN002", name="长沙银行芙蓉支行", tier=Tier.B1, industry=Industry.FINANCE),
        )
        outbox.insert(
            session,
            factories.account(
                code="HN003", name="株洲昇辉电子科技有限公司", tier=Tier.C, industry=Industry.ENTERPRISE
            ),
        )
        outbox.insert(
            session, factories.account(code="HN004", name="已移交客户", status=AccountStatus.ARCHIVED)
        )


def test_count_and_page_with_text_tier_and_industry_filters(store) -> None:
    _seed(store)
    with store.sessions() as session:
        assert portfolio.count(session, PortfolioQuery()) == 3
        assert [r.code for r in portfolio.page(session, PortfolioQuery(text="银行"), 0, 10)] == ["HN002"]
        assert [r.code for r in portfolio.page(session, PortfolioQuery(text="HN003"), 0, 10)] == ["HN003"]
        only_c = PortfolioQuery(tiers=frozenset({Tier.C}))
        assert [r.name for r in portfolio.page(session, only_c, 0, 10)] == ["株洲昇辉电子科技有限公司"]
        finance = PortfolioQuery(industries=frozenset({Industry.FINANCE}))
        assert portfolio.count(session, finance) == 1
        assert portfolio.count(session, PortfolioQuery(include_archived=True)) == 4


def test_sorting_and_paging_happen_in_sql(store) -> None:
    _seed(store)
    with store.sessions() as session:
        query = PortfolioQuery(sort=SortKey.CODE, descending=True)
        assert [r.code for r in portfolio.page(session, query, 0, 2)] == ["HN003", "HN002"]
        assert [r.code for r in portfolio.page(session, query, 2, 2)] == ["HN001"]
