"""API errors: one exception type rendered as ``{code, message, details}`` with its status."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error the client caused or must handle; ``code`` is stable, ``message`` English."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}
        self.headers = headers or {}


def unauthorized(message: str = "Sign in again: the token is missing, unknown or revoked.") -> ApiError:
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": "Bearer"})


def forbidden(message: str) -> ApiError:
    return ApiError(403, "forbidden", message)


def bad_request(code: str, message: str, details: dict[str, Any] | None = None) -> ApiError:
    return ApiError(400, code, message, details)
