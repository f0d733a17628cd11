"""``kamdesk-server serve`` with no configuration: an SQLite file in the data folder, migrated."""

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.server.test_live_server import _free_port

ROOT = Path(__file__).resolve().parents[2]


def test_serve_needs_no_setup(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAMDESK_SERVER_")}
    env |= {"PYTHONPATH": str(ROOT), "XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path)}
    server = subprocess.Popen(
        [sys.executable, "-m", "kamdesk.server.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        status = None
        for _ in range(600):
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).json()
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        assert status is not None and status["status"] == "ok"
        assert (tmp_path / "data" / "kamdesk-server" / "kamdesk-server.sqlite3").exists()
        refused = httpx.get(f"http://127.0.0.1:{port}/v1/sync/pull", timeout=5)
        assert refused.status_code == 401
    finally:
        server.terminate()
        server.wait(timeout=30)
    logs = server.stderr.read() if server.stderr else ""
    assert '"logger": "kamdesk.server.access"' in logs  # structured JSON access log
