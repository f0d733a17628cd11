"""Push and pull (docs/PROTOCOL.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from kamdesk.server import pull as pulling
from kamdesk.server import push as pushing
from kamdesk.server.deps import CallerDep, ContextDep
from kamdesk.server.routers.common import ERRORS
from kamdesk.sync.protocol import DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT, PullPage, PushRequest, PushResponse

router = APIRouter(prefix="/v1/sync", tags=["sync"])


@router.post("/push", responses=ERRORS, response_model=PushResponse)
def push(body: PushRequest, caller: CallerDep, context: ContextDep) -> Response:
    """Apply a batch of changes once; a repeated ``batch_id`` returns the first response."""
    response = pushing.push(context.database, caller, body)
    # Built and checked by the push service already: serialize once, skip re-validation.
    return Response(response.model_dump_json(), media_type="application/json")


@router.get("/pull", responses=ERRORS)
def pull(
    caller: CallerDep,
    context: ContextDep,
    since: Annotated[int, Query(ge=0, le=2**62, description="cursor from the previous page; 0 at first")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = DEFAULT_PULL_LIMIT,
) -> PullPage:
    """Rows visible to the caller that changed after ``since``, oldest first."""
    with context.database.begin() as session:
        return pulling.pull(session, caller, since, limit)
