"""Liveness and database reachability, for load balancers and monitors."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from kamdesk import __version__
from kamdesk.server.deps import ContextDep
from kamdesk.server.errors import ApiError
from kamdesk.sync.protocol import HealthStatus

router = APIRouter(tags=["health"])


@router.get("/health", responses={503: {"description": "database unreachable"}})
def health(context: ContextDep) -> HealthStatus:
    try:
        with context.database.begin() as session:
            session.execute(text("SELECT 1"))
    except Exception as error:
        raise ApiError(503, "database_unavailable", "The database cannot be reached.") from error
    return HealthStatus(status="ok", database="ok", version=__version__)
