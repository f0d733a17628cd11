"""Saved portfolio filters, kept in the local store (``sync_state``) as JSON by name."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from kamdesk.domain.portfolio import PortfolioQuery
from kamdesk.store import state

STATE_KEY = "portfolio_saved_filters"


def _load(session: Session) -> dict[str, str]:
    raw = state.get(session, STATE_KEY)
    return json.loads(raw) if raw else {}


def names(session: Session) -> list[str]:
    return sorted(_load(session))


def load(session: Session, name: str, *, user_id: str | None = None) -> PortfolioQuery:
    return PortfolioQuery.from_json(_load(session)[name], user_id=user_id)


def save(session: Session, name: str, query: PortfolioQuery) -> None:
    """Save (or overwrite) ``query`` under ``name``."""
    filters = _load(session)
    filters[name.strip()] = query.to_json()
    state.put(session, STATE_KEY, json.dumps(filters, ensure_ascii=False))


def remove(session: Session, name: str) -> None:
    filters = _load(session)
    filters.pop(name, None)
    state.put(session, STATE_KEY, json.dumps(filters, ensure_ascii=False))
