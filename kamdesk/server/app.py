"""The FastAPI application: routers, error rendering, limits, compression, logs."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from kamdesk import __version__
from kamdesk.server.db import Database, create_server_engine
from kamdesk.server.deps import ServerContext
from kamdesk.server.errors import ApiError
from kamdesk.server.middleware import AccessLogMiddleware, RequestBodyMiddleware
from kamdesk.server.routers import auth, health, sync, team
from kamdesk.server.security import Passwords
from kamdesk.server.settings import ServerSettings

log = logging.getLogger("kamdesk.server")

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "too_large",
    415: "unsupported_media_type",
}


def _error(
    status: int, code: str, message: str, details: dict[str, Any] | None = None, **kw: Any
) -> JSONResponse:
    return JSONResponse(
        {"code": code, "message": message, "details": details or {}}, status_code=status, **kw
    )


def _readable(errors: list[Any]) -> tuple[str, list[dict[str, Any]]]:
    """Pydantic errors as one sentence plus a JSON-safe list (location, message)."""
    items = []
    for error in errors:
        location = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
        items.append(
            {"field": location, "message": str(error.get("msg", "invalid")), "type": error.get("type")}
        )
    head = "; ".join(f"{i['field']}: {i['message']}" if i["field"] else i["message"] for i in items[:3])
    if len(items) > 3:
        head += f"; and {len(items) - 3} more"
    return f"Invalid request: {head}", items


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_request: Request, error: ApiError) -> JSONResponse:
        return _error(error.status, error.code, error.message, error.details, headers=error.headers or None)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, error: RequestValidationError) -> JSONResponse:
        message, items = _readable(list(error.errors()))
        return _error(422, "invalid_request", message, {"errors": items})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        code = HTTP_CODES.get(error.status_code, "http_error")
        return _error(error.status_code, code, str(error.detail), headers=getattr(error, "headers", None))

    @app.exception_handler(OperationalError)
    @app.exception_handler(PoolTimeout)
    async def database_unavailable(request: Request, error: Exception) -> JSONResponse:
        # Connection refused, "too many clients", a pool with no free connection: the request
        # may be retried as it is, so the client backs off instead of reporting a failure.
        log.warning("database unavailable on %s %s: %s", request.method, request.url.path, error)
        return _error(
            503,
            "database_unavailable",
            "The server's database is busy or unreachable; retry shortly.",
            headers={"Retry-After": "2"},
        )

    @app.exception_handler(Exception)
    async def crash(request: Request, error: Exception) -> JSONResponse:
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=error)
        return _error(500, "internal_error", "The server failed; the error was logged. Retry later.")


def create_app(settings: ServerSettings | None = None, database: Database | None = None) -> FastAPI:
    """Build the application; tests pass their own settings and database."""
    settings = settings or ServerSettings()
    if database is None:
        database = Database(
            create_server_engine(
                settings.resolved_database_url(),
                pool_size=settings.pool_size,
                max_overflow=settings.max_overflow,
            )
        )
    app = FastAPI(
        title="kamdesk-server",
        version=__version__,
        description="Central server of kamdesk: sign-in, scoped sync (push/pull), team figures. "
        "See docs/PROTOCOL.md.",
    )
    app.state.kamdesk = ServerContext(
        settings=settings,
        database=database,
        passwords=Passwords(settings.argon2_time_cost, settings.argon2_memory_kib),
    )
    for router in (health.router, auth.router, sync.router, team.router):
        app.include_router(router)
    _install_error_handlers(app)
    # zlib level 6: level 9 costs twice the CPU for about 2 % smaller responses
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)
    app.add_middleware(RequestBodyMiddleware, limit=settings.max_request_bytes)
    app.add_middleware(AccessLogMiddleware)
    return app


def app_from_environment() -> FastAPI:
    """Factory for ``uvicorn --factory`` worker processes: settings from ``KAMDESK_SERVER_*``."""
    from kamdesk.server.logs import configure_logging

    settings = ServerSettings()
    configure_logging(settings.log_level)
    return create_app(settings)
