"""HTTP transport for the sync protocol (httpx): JSON in, pydantic models out, errors classified.

Request bodies over 1 KiB are gzip-compressed; responses are gzip-decoded by httpx. Anything that
is not a well-formed answer (connection refused, timeout, 5xx, 429, a truncated or non-JSON body)
is a ``TransientError`` the engine retries; 401 is ``AuthenticationError``; other 4xx are
``RefusedError`` with the server's code and message.
"""

from __future__ import annotations

import gzip
import json
from datetime import date
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from kamdesk.sync.errors import AuthenticationError, RefusedError, TransientError
from kamdesk.sync.protocol import (
    LoginRequest,
    LoginResponse,
    PullPage,
    PushRequest,
    PushResponse,
    TeamAverages,
)

M = TypeVar("M", bound=BaseModel)
GZIP_THRESHOLD = 1024
RETRYABLE_CODES = frozenset({"batch_in_progress"})
"""4xx answers that mean "not now": the same batch is being applied by a concurrent request."""
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)


class SyncClient:
    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout, transport=transport)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- protocol calls ---------------------------------------------------------------------

    def login(self, username: str, password: str, device_name: str) -> LoginResponse:
        request = LoginRequest(username=username, password=password, device_name=device_name)
        response = self._send("POST", "/v1/auth/login", body=request, authenticated=False)
        login = self._parse(response, LoginResponse)
        self.token = login.token
        return login

    def logout(self) -> None:
        self._send("POST", "/v1/auth/logout")

    def push(self, request: PushRequest) -> PushResponse:
        return self.push_encoded(request.model_dump_json().encode())

    def push_encoded(self, body: bytes) -> PushResponse:
        """A push whose ``PushRequest`` JSON the caller has written (the engine splices stored
        payloads into it)."""
        return self._parse(self._send("POST", "/v1/sync/push", content=body), PushResponse)

    def pull(self, since: int, limit: int) -> PullPage:
        response = self._send("GET", "/v1/sync/pull", params={"since": since, "limit": limit})
        return self._parse(response, PullPage)

    def team_averages(self, period_start: date, period_end: date) -> TeamAverages:
        params = {"period_start": period_start.isoformat(), "period_end": period_end.isoformat()}
        return self._parse(self._send("GET", "/v1/team/averages", params=params), TeamAverages)

    # --- plumbing ---------------------------------------------------------------------------

    def _send(
        self,
        method: str,
        path: str,
        *,
        body: BaseModel | None = None,
        content: bytes | None = None,
        params: dict[str, Any] | None = None,
        authenticated: bool = True,
    ) -> httpx.Response:
        headers = {"Accept": "application/json", "Accept-Encoding": "gzip"}
        if authenticated:
            if not self.token:
                raise AuthenticationError("not signed in")
            headers["Authorization"] = f"Bearer {self.token}"
        if body is not None:
            content = body.model_dump_json().encode()
        if content is not None:
            headers["Content-Type"] = "application/json"
            if len(content) > GZIP_THRESHOLD:
                content = gzip.compress(content, compresslevel=5)
                headers["Content-Encoding"] = "gzip"
        try:
            response = self._http.request(method, path, content=content, params=params, headers=headers)
            response.read()
        except httpx.TimeoutException as error:
            raise TransientError(f"timeout: {error}") from error
        except (httpx.TransportError, httpx.DecodingError) as error:
            raise TransientError(f"network: {error}") from error
        self._raise_for_status(response)
        return response

    @staticmethod
    def _raise_for_status(response: httpx.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        code, message, details = f"http_{status}", response.reason_phrase, {}
        try:
            payload = response.json()
            code = str(payload.get("code", code))
            message = str(payload.get("message", message))
            details = payload.get("details") or {}
        except (json.JSONDecodeError, ValueError, AttributeError):
            pass
        if status == 401:
            raise AuthenticationError(f"{code}: {message}")
        if status in (408, 429) or status >= 500 or code in RETRYABLE_CODES:
            retry_after = response.headers.get("Retry-After")
            raise TransientError(
                f"{status} {code}: {message}",
                retry_after=float(retry_after) if retry_after and retry_after.isdigit() else None,
                status=status,
            )
        raise RefusedError(status, code, message, details)

    @staticmethod
    def _parse(response: httpx.Response, model: type[M]) -> M:
        try:
            return model.model_validate_json(response.content)
        except ValidationError as error:
            # A cut connection or a proxy's HTML page: not the server's answer, so try again.
            raise TransientError(
                f"unreadable {model.__name__} body: {error.error_count()} problems"
            ) from error
