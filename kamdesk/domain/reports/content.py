"""What the manager writes: per-section reasons and measures, the review of last period's plan,
and next period's plan. Stored in ``reports.narrative`` and ``reports.plan`` as JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kamdesk.domain.reports.figures import Section
from kamdesk.models.base import new_id


@dataclass
class SectionText:
    reasons: str = ""
    measures: str = ""


@dataclass(frozen=True)
class PlanItem:
    """One thing the manager plans for next period, optionally about one account."""

    text: str
    account_id: str | None = None
    account_name: str | None = None
    id: str = field(default_factory=new_id)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "account_id": self.account_id,
            "account_name": self.account_name,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PlanItem:
        return cls(data["text"], data.get("account_id"), data.get("account_name"), data["id"])


@dataclass
class PlanReview:
    """Last period's plan item, marked done or not done (with a reason) in this report."""

    item: PlanItem
    done: bool | None = None  # None: not marked yet
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        return {**self.item.to_json(), "done": self.done, "reason": self.reason}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PlanReview:
        return cls(PlanItem.from_json(data), data.get("done"), data.get("reason", ""))


@dataclass
class ReportContent:
    sections: dict[Section, SectionText] = field(default_factory=lambda: {s: SectionText() for s in Section})
    review: list[PlanReview] = field(default_factory=list)
    plan: list[PlanItem] = field(default_factory=list)

    def text(self, section: Section) -> SectionText:
        return self.sections.setdefault(section, SectionText())

    def narrative_json(self) -> dict[str, Any]:
        return {
            "sections": {
                section.value: {"reasons": text.reasons, "measures": text.measures}
                for section, text in self.sections.items()
            },
            "plan_review": [review.to_json() for review in self.review],
        }

    def plan_json(self) -> list[dict[str, Any]]:
        return [item.to_json() for item in self.plan]

    @classmethod
    def from_json(cls, narrative: dict[str, Any] | None, plan: list[Any] | None) -> ReportContent:
        narrative = narrative or {}
        sections = {s: SectionText() for s in Section}
        for key, value in narrative.get("sections", {}).items():
            sections[Section(key)] = SectionText(value.get("reasons", ""), value.get("measures", ""))
        return cls(
            sections=sections,
            review=[PlanReview.from_json(r) for r in narrative.get("plan_review", [])],
            plan=[PlanItem.from_json(p) for p in plan or []],
        )
