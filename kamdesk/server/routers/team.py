"""Figures handed out for the report builder."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from kamdesk.server.averages import team_averages
from kamdesk.server.deps import CallerDep, ContextDep
from kamdesk.server.routers.common import ERRORS
from kamdesk.sync.protocol import TeamAverages

router = APIRouter(prefix="/v1/team", tags=["team"])


@router.get("/averages", responses=ERRORS)
def averages(
    caller: CallerDep,
    context: ContextDep,
    period_start: Annotated[date, Query(description="first business day, YYYY-MM-DD")],
    period_end: Annotated[date, Query(description="last business day, inclusive")],
    team_id: Annotated[str | None, Query(max_length=36, description="admins only: which team")] = None,
) -> TeamAverages:
    """Per-manager average on-site, phone and SMS visits submitted by the caller's team."""
    with context.database.begin() as session:
        return team_averages(session, caller, period_start, period_end, team_id)
