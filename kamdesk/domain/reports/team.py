"""The team figure a manager's activity is compared with. It comes from the server (which sees
every manager's visits); the desktop store alone cannot know it, so until sync provides one the
report carries ``None`` and says that no team figure is available. Nothing here invents one.

The sync layer fills this in by implementing ``TeamAverageSource`` (e.g. reading averages the
server sent with a pull) and passing its result to ``service.build_report``/``submit``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from kamdesk.domain.reports.periods import Period


@dataclass(frozen=True)
class TeamAverages:
    """Average submitted visits per manager of the team in one period, by kind."""

    onsite: float
    phone: float
    sms: float
    managers: int
    as_of: datetime

    def by_kind(self) -> dict[str, float]:
        return {"onsite": self.onsite, "phone": self.phone, "sms": self.sms}

    def to_json(self) -> dict[str, Any]:
        return {
            "onsite": self.onsite,
            "phone": self.phone,
            "sms": self.sms,
            "managers": self.managers,
            "as_of": self.as_of.isoformat(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> TeamAverages | None:
        if not data:
            return None
        return cls(
            float(data["onsite"]),
            float(data["phone"]),
            float(data["sms"]),
            int(data["managers"]),
            datetime.fromisoformat(data["as_of"]),
        )


class TeamAverageSource(Protocol):
    def averages(self, session: Session, period: Period) -> TeamAverages | None: ...


class NoTeamFigures:
    """The source used until sync exists: there is no team figure, so none is shown."""

    def averages(self, session: Session, period: Period) -> TeamAverages | None:
        return None
