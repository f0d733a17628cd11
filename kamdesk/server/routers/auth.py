"""Sign-in and sign-out of a device."""

from __future__ import annotations

from fastapi import APIRouter, Request

from kamdesk.server import auth
from kamdesk.server.deps import CallerDep, ContextDep, client_address
from kamdesk.server.routers.common import ERRORS
from kamdesk.sync.protocol import LoginRequest, LoginResponse, UserInfo

router = APIRouter(prefix="/v1/auth", tags=["auth"])


@router.post("/login", responses=ERRORS)
def login(body: LoginRequest, request: Request, context: ContextDep) -> LoginResponse:
    """Exchange a username and password for a device token (rate-limited per user and address)."""
    with context.database.begin() as session:
        issued = auth.login(
            session,
            context.settings,
            context.passwords,
            username=body.username,
            password=body.password,
            device_name=body.device_name,
            address=client_address(request),
        )
        if issued is not None:
            user = issued.user
            response = LoginResponse(
                token=issued.token,
                device_id=issued.device_id,
                user=UserInfo(
                    id=user.id,
                    username=user.username,
                    display_name=user.display_name,
                    role=str(user.role),
                    team_id=user.team_id,
                ),
            )
    if issued is None:
        raise auth.BAD_CREDENTIALS
    return response


@router.post("/logout", status_code=204, responses=ERRORS)
def logout(caller: CallerDep, context: ContextDep) -> None:
    """Revoke the calling device's token."""
    with context.database.begin() as session:
        auth.revoke_device(session, caller.device_id)


@router.get("/me", responses=ERRORS)
def me(caller: CallerDep) -> UserInfo:
    """Who the token belongs to."""
    return UserInfo(
        id=caller.user_id,
        username=caller.username,
        display_name=caller.display_name,
        role=str(caller.role),
        team_id=caller.team_id,
    )
