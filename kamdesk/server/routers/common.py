"""OpenAPI declarations shared by the routers."""

from __future__ import annotations

from typing import Any

from kamdesk.sync.protocol import ErrorBody

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in {
        400: "Bad request",
        401: "Missing, unknown or revoked token",
        403: "Not allowed for this role",
        404: "Not found",
        409: "Conflict",
        413: "Body too large",
        422: "Invalid request",
        429: "Too many attempts",
    }.items()
}
