"""The server under a real uvicorn on a loopback port: sign in, push, pull, over HTTP."""

import gzip
import json
import socket
import threading
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from tests.server.conftest import PASSWORD
from tests.server.helpers import change, submitted_visit


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def live_url(app) -> Iterator[str]:
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


def test_login_push_pull_over_real_http(live_url, world):
    with httpx.Client(base_url=live_url, timeout=30) as http:
        assert http.get("/health").json()["status"] == "ok"
        login = http.post(
            "/v1/auth/login", json={"username": "liming", "password": PASSWORD, "device_name": "X1"}
        )
        assert login.status_code == 200
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        body = {
            "batch_id": str(uuid.uuid4()),
            "device_id": login.json()["device_id"],
            "changes": [
                change(
                    "contacts",
                    "insert",
                    account_id=world.account_a,
                    name="欧阳娜娜",
                    decision_role="decision_maker",
                ),
                change("visits", "insert", **submitted_visit(world.account_a)),
            ],
        }
        pushed = http.post(
            "/v1/sync/push",
            content=gzip.compress(json.dumps(body).encode()),
            headers=headers | {"Content-Type": "application/json", "Content-Encoding": "gzip"},
        )
        assert pushed.status_code == 200, pushed.text
        assert [r["status"] for r in pushed.json()["results"]] == ["applied", "applied"]
        replay = http.post("/v1/sync/push", json=body, headers=headers)
        assert replay.json()["replayed"] is True
        pulled, cursor = [], 0
        while True:
            page = http.get("/v1/sync/pull", params={"since": cursor, "limit": 2}, headers=headers).json()
            pulled.extend(page["changes"])
            cursor = page["next_cursor"]
            if not page["has_more"]:
                break
        ids = {r["id"] for r in pulled}
        assert {c["id"] for c in body["changes"]} <= ids
        assert world.account_a in ids and world.account_b not in ids
        nothing_new = http.get("/v1/sync/pull", params={"since": cursor}, headers=headers).json()
        assert nothing_new == {"changes": [], "next_cursor": cursor, "has_more": False}
        assert http.post("/v1/auth/logout", headers=headers).status_code == 204
        assert http.get("/v1/sync/pull", headers=headers).status_code == 401
