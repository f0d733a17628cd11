from __future__ import annotations

import gzip
import json
import random

import httpx
import pytest

from kamdesk.sync.client import SyncClient
from kamdesk.sync.errors import AuthenticationError, RefusedError, TransientError
from kamdesk.sync.protocol import Change, PushRequest
from kamdesk.sync.retry import RetryPolicy

BATCH = "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"
ROW = "0b1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"


def _client(handler) -> SyncClient:
    return SyncClient("http://kamdesk.test", token="t0k3n", transport=httpx.MockTransport(handler))


def _push() -> PushRequest:
    fields = {"name": "长沙市第一人民医院" * 40}
    return PushRequest(
        batch_id=BATCH, changes=[Change(entity="accounts", id=ROW, op="patch", base_rev=1, fields=fields)]
    )


def test_push_sends_gzip_json_with_the_token_and_parses_the_answer() -> None:
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["auth"] = request.headers["Authorization"]
        seen["encoding"] = request.headers.get("Content-Encoding")
        seen["body"] = json.loads(gzip.decompress(request.content))
        return httpx.Response(200, json={"batch_id": BATCH, "results": [], "replayed": False})

    response = _client(handler).push(_push())
    assert response.batch_id == BATCH
    assert seen["auth"] == "Bearer t0k3n" and seen["encoding"] == "gzip"
    assert seen["body"]["changes"][0]["fields"]["name"].startswith("长沙市第一人民医院")


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(500, json={"code": "internal", "message": "boom", "details": {}}),
        httpx.Response(503, text="<html>bad gateway</html>"),
        httpx.Response(429, json={"code": "rate_limited", "message": "slow down", "details": {}}),
        httpx.Response(409, json={"code": "batch_in_progress", "message": "retry shortly", "details": {}}),
        httpx.Response(200, text='{"batch_id": "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f", "resu'),
        httpx.Response(200, text="<html>captive portal login</html>"),
    ],
    ids=["500", "503-html", "429", "batch-in-progress", "truncated", "not-json"],
)
def test_server_trouble_is_transient(answer: httpx.Response) -> None:
    with pytest.raises(TransientError):
        _client(lambda request: answer).push(_push())


def test_network_errors_and_timeouts_are_transient() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    for handler in (refuse, slow):
        with pytest.raises(TransientError):
            _client(handler).pull(0, 10)


def test_revoked_token_is_an_authentication_error() -> None:
    answer = httpx.Response(401, json={"code": "token_revoked", "message": "revoked", "details": {}})
    with pytest.raises(AuthenticationError):
        _client(lambda request: answer).pull(0, 10)


def test_other_4xx_are_refusals_with_the_servers_words() -> None:
    answer = httpx.Response(
        422, json={"code": "invalid_request", "message": "limit: too big", "details": {"x": 1}}
    )
    with pytest.raises(RefusedError) as refused:
        _client(lambda request: answer).pull(0, 10)
    assert (refused.value.status, refused.value.code, refused.value.message) == (
        422,
        "invalid_request",
        "limit: too big",
    )


def test_retry_policy_backs_off_with_jitter_and_gives_up() -> None:
    pauses: list[float] = []
    policy = RetryPolicy(attempts=5, base_delay=1.0, max_delay=8.0, sleep=pauses.append, rng=random.Random(1))
    calls = {"n": 0}

    def flaky() -> str:
        calls["n"] += 1
        if calls["n"] < 4:
            raise TransientError("down")
        return "ok"

    assert policy.call(flaky) == "ok"
    assert len(pauses) == 3
    assert all(0 <= pause <= min(8.0, 2**attempt) for attempt, pause in enumerate(pauses))

    def always_down() -> str:
        raise TransientError("down")

    with pytest.raises(TransientError):
        policy.call(always_down)


def test_retry_respects_retry_after() -> None:
    policy = RetryPolicy(rng=random.Random(0), base_delay=0.01)
    assert policy.delay(0, retry_after=3) == 3
