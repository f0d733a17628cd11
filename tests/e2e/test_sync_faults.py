"""Sync under failure: bad answers, a client killed 50 times, a server killed mid-batch."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select

from kamdesk.models import Account, Contact, OutboxEntry
from kamdesk.models.enums import DecisionRole
from kamdesk.store import outbox
from kamdesk.sync.client import SyncClient
from kamdesk.sync.engine import SyncEngine
from kamdesk.sync.retry import RetryPolicy
from tests.e2e.conftest import Device
from tests.e2e.live_server import ROOT, LiveServer

pytestmark = pytest.mark.slow


def _queue_contacts(device: Device, count: int, prefix: str) -> list[str]:
    with device.store.sessions.begin() as session:
        account_ids = list(session.scalars(select(Account.id).order_by(Account.code)))
        return [
            outbox.insert(
                session,
                Contact(
                    account_id=account_ids[n % len(account_ids)],
                    name=f"{prefix}联系人{n}",
                    title="科员",
                    decision_role=DecisionRole.USER,
                    mobile=f"139{n:08d}",
                ),
            ).id
            for n in range(count)
        ]


def _assert_exactly_once(server: LiveServer, device: Device, ids: list[str]) -> None:
    assert server.count("contacts") == len(ids)
    assert server.count("contacts", "id IN ({})".format(",".join(f"'{i}'" for i in ids))) == len(ids)
    with device.store.sessions() as session:
        assert session.scalar(select(func.count(OutboxEntry.seq))) == 0


class FlakyTransport(httpx.BaseTransport):
    """Forwards to the real server, but answers some requests badly, in the order given."""

    def __init__(self, faults: list[str]) -> None:
        self.faults = list(faults)
        self.real = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        fault = self.faults.pop(0) if self.faults else None
        if fault == "refused":
            raise httpx.ConnectError("connection refused", request=request)
        if fault == "timeout":
            raise httpx.ReadTimeout("read timed out", request=request)
        if fault == "500":
            return httpx.Response(500, json={"code": "internal", "message": "boom", "details": {}})
        if fault == "html":
            return httpx.Response(502, text="<html><body>502 Bad Gateway</body></html>")
        response = self.real.handle_request(request)
        body = response.read()
        if fault == "truncate-after-apply":
            return httpx.Response(
                200, content=body[: len(body) // 2], headers={"content-type": "application/json"}
            )
        if fault == "not-json-after-apply":
            return httpx.Response(200, content=b"<html>portal</html>", headers={"content-type": "text/html"})
        headers = {
            k: v
            for k, v in response.headers.items()
            if k.lower() not in ("content-encoding", "content-length")
        }
        return httpx.Response(response.status_code, content=body, headers=headers)


def test_bad_answers_are_retried_with_backoff_and_nothing_is_lost(
    server: LiveServer, devices: list[Device]
) -> None:
    device = devices[0]
    device.sync()
    ids = _queue_contacts(device, 60, "甲")
    faults = ["500", "truncate-after-apply", "timeout", "not-json-after-apply", "html", "refused"]
    token = device.tokens.load(server.url, "liming")
    pauses: list[float] = []
    client = SyncClient(server.url, token, transport=FlakyTransport(faults))
    retry = RetryPolicy(
        attempts=8, base_delay=0.05, max_delay=0.4, sleep=lambda s: (pauses.append(s), time.sleep(s))
    )
    engine = SyncEngine(device.store, client, user_id=device.user_id, batch_size=25, retry=retry)
    report = engine.sync()
    client.close()
    assert report.retries == len(faults) and len(pauses) == len(faults)
    assert report.rejected == 0
    _assert_exactly_once(server, device, ids)


CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from kamdesk.store.database import open_store
    from kamdesk.sync import account
    from kamdesk.sync.credentials import TokenStore
    from kamdesk.sync.engine import SyncEngine
    from kamdesk.sync.retry import RetryPolicy

    directory = Path(sys.argv[1])
    store = open_store(directory / "kamdesk.sqlite3", directory / "backups")
    tokens = TokenStore(directory)
    client = account.connect(store, tokens)
    engine = SyncEngine(store, client, user_id=sys.argv[2], batch_size=7, page_size=5,
                        retry=RetryPolicy(base_delay=0.05, max_delay=0.2))
    print("syncing", flush=True)
    engine.sync()
    print("done", flush=True)
    """
)


def test_client_killed_at_random_points_50_times_then_resumed(
    server: LiveServer, devices: list[Device]
) -> None:
    device = devices[0]
    device.sync()
    ids = _queue_contacts(device, 150, "乙")
    rng = random.Random(20261123)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    finished_on_their_own = 0
    for round_number in range(50):
        ids += _queue_contacts(device, 6, f"丙{round_number}-")
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(device.directory), device.user_id],
            stdout=subprocess.PIPE,
            env=env,
            cwd=ROOT,
        )
        assert child.stdout is not None and child.stdout.readline().strip() == b"syncing"
        time.sleep(rng.uniform(0, 0.25))
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
        else:
            finished_on_their_own += 1
        child.wait()
    device.sync()
    _assert_exactly_once(server, device, ids)
    assert finished_on_their_own < 50, "no kill landed inside a sync"


@pytest.fixture
def restart_server(server: LiveServer) -> Iterator[LiveServer]:
    yield server
    server.stop()


def test_server_killed_in_the_middle_of_a_batch(restart_server: LiveServer, devices: list[Device]) -> None:
    server = restart_server
    device = devices[0]
    device.sync()
    ids = _queue_contacts(device, 1000, "丁")
    errors: list[BaseException] = []

    def run() -> None:
        try:
            device.sync(batch_size=250, retry=RetryPolicy(attempts=40, base_delay=0.1, max_delay=1.0))
        except BaseException as error:  # reported below
            errors.append(error)

    worker = threading.Thread(target=run)
    worker.start()
    deadline = time.monotonic() + 60
    while server.count("server_processed_batches") == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.kill()  # the next batch is in flight or about to be
    time.sleep(0.5)
    server.start()
    worker.join(timeout=300)
    assert not worker.is_alive() and errors == []
    _assert_exactly_once(server, device, ids)
