"""A real kamdesk-server under uvicorn on a loopback port, set up with its own admin CLI."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Hunan-2026-长沙"
TEMPLATE = {
    "schema": 1,
    "key": "phone_return_visit",
    "version": 1,
    "name": "电话回访记录",
    "visit_kind": "phone",
    "sections": [
        {
            "key": "call",
            "title": "通话情况",
            "fields": [
                {"key": "topic", "type": "text", "label": "回访主题", "required": True},
                {"key": "satisfied", "type": "yesno", "label": "客户是否满意", "required": True},
            ],
        }
    ],
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class LiveServer:
    directory: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.directory / 'server.sqlite3'}"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "KAMDESK_SERVER_NEW_PASSWORD": PASSWORD,
            "KAMDESK_SERVER_LOG_LEVEL": "WARNING",
            "KAMDESK_SERVER_ARGON2_TIME_COST": "1",
            "KAMDESK_SERVER_ARGON2_MEMORY_KIB": "8192",
        }

    def admin(self, *args: str) -> object:
        """Run a ``kamdesk-server`` admin command (in this process: same code, no start-up cost)."""
        from kamdesk.server.cli import main

        output = io.StringIO()
        previous = os.environ.get("KAMDESK_SERVER_NEW_PASSWORD")
        os.environ["KAMDESK_SERVER_NEW_PASSWORD"] = PASSWORD
        try:
            with contextlib.redirect_stdout(output):
                code = main(["--database-url", self.database_url, *args])
        finally:
            if previous is None:
                os.environ.pop("KAMDESK_SERVER_NEW_PASSWORD", None)
            else:
                os.environ["KAMDESK_SERVER_NEW_PASSWORD"] = previous
        assert code in (0, None), output.getvalue()
        text = output.getvalue().strip()
        return json.loads(text) if text else None

    def seed(self, accounts: int = 20) -> None:
        """A team with two managers (李明 liming, 张伟 zhangwei), a portfolio and a phone template."""
        self.admin("migrate")
        self.admin("create-team", "长沙政企客户一部")
        self.admin(
            "create-user",
            "liming",
            "--display-name",
            "李明",
            "--role",
            "manager",
            "--team",
            "长沙政企客户一部",
        )
        self.admin(
            "create-user",
            "zhangwei",
            "--display-name",
            "张伟",
            "--role",
            "manager",
            "--team",
            "长沙政企客户一部",
        )
        self.write_portfolio(accounts, primary="liming", secondary="zhangwei")
        self.admin("import-portfolio", str(self.directory / "portfolio.csv"))
        template = self.directory / "phone.json"
        template.write_text(json.dumps(TEMPLATE, ensure_ascii=False), encoding="utf-8")
        self.admin("publish-template", str(template))

    def write_portfolio(self, accounts: int, *, primary: str, secondary: str, first: int = 0) -> Path:
        path = self.directory / "portfolio.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(
                ["客户编码", "客户名称", "等级", "行业", "市", "区县", "主客户经理", "副客户经理"]
            )
            for n in range(first, first + accounts):
                writer.writerow(
                    [
                        f"HN{731_000_000 + n}",
                        f"长沙市第{n}人民医院",
                        "B1",
                        "科教文卫",
                        "长沙市",
                        "芙蓉区",
                        primary,
                        secondary,
                    ]
                )
        return path

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "kamdesk.server.cli",
            "--database-url",
            self.database_url,
            "serve",
            "--port",
            str(self.port),
        ]
        self.process = subprocess.Popen(
            command, env=self.env(), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("kamdesk-server did not start")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None

    def count(self, table: str, where: str = "1=1") -> int:
        import sqlite3

        with sqlite3.connect(self.directory / "server.sqlite3") as connection:
            return connection.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0]
