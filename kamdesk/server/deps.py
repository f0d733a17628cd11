"""FastAPI dependencies: the server context and the authenticated caller."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from kamdesk.server.auth import Caller, authenticate
from kamdesk.server.db import Database
from kamdesk.server.errors import unauthorized
from kamdesk.server.security import Passwords
from kamdesk.server.settings import ServerSettings


@dataclass
class ServerContext:
    """Everything a request handler needs, built once by ``create_app`` (no globals)."""

    settings: ServerSettings
    database: Database
    passwords: Passwords


def get_context(request: Request) -> ServerContext:
    return request.app.state.kamdesk


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


_bearer = HTTPBearer(auto_error=False, description="The device token from POST /v1/auth/login")


def get_caller(
    request: Request,
    context: Annotated[ServerContext, Depends(get_context)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise unauthorized()
    with context.database.begin() as session:
        return authenticate(session, credentials.credentials, client_address(request))


ContextDep = Annotated[ServerContext, Depends(get_context)]
CallerDep = Annotated[Caller, Depends(get_caller)]
