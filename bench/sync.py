"""Sync speed against a real kamdesk-server (uvicorn on loopback, SQLite by default).

Prints the time of a first sync of a 2,000-account portfolio (accounts + 13 months of billing,
as the admin CLI imports them) and the time to push 10,000 visits queued offline.
Targets: first sync < 5 s, 10,000 visits < 2 s.

    python bench/sync.py [--accounts 2000] [--visits 10000] [--database-url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from kamdesk.domain.clock import add_months  # noqa: E402
from kamdesk.models import Account, OutboxEntry, Visit  # noqa: E402
from kamdesk.store import outbox  # noqa: E402
from tests.e2e.conftest import sign_in_device  # noqa: E402
from tests.e2e.live_server import LiveServer  # noqa: E402


def seed(server: LiveServer, accounts: int) -> None:
    server.seed(accounts=0)
    server.write_portfolio(accounts, primary="liming", secondary="zhangwei")
    server.admin("import-portfolio", str(server.directory / "portfolio.csv"))
    billing = server.directory / "billing.csv"
    first = add_months(date.today(), -13)
    with billing.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["客户编码", "月份", "收入(元)"])
        for n in range(accounts):
            for month in range(13):
                writer.writerow(
                    [f"HN{731_000_000 + n}", add_months(first, month).strftime("%Y-%m"), 52_300 + n]
                )
    server.admin("import-billing", str(billing))


def queue_visits(device, count: int) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    with device.store.sessions.begin() as session:
        account_ids = list(session.scalars(select(Account.id)))
        for n in range(count):
            occurred = now - timedelta(hours=n % 500)
            outbox.insert(
                session,
                Visit(
                    account_id=account_ids[n % len(account_ids)],
                    kind="phone",
                    status="submitted",
                    occurred_at=occurred,
                    entered_at=now,
                    submitted_at=now,
                    duration_minutes=8,
                    template_key="phone_return_visit",
                    template_version=1,
                    answers={"topic": "月度电话回访", "satisfied": True},
                    contacts_met=[],
                    satisfaction=5,
                    summary="客户对网络质量满意，无新增需求",
                ),
            )


def cpu_seconds(pid: int | None = None) -> float:
    """CPU time used so far by this process, or by process ``pid`` (Linux /proc): on a shared
    machine the wall time includes other people's work, the CPU time does not."""
    if pid is None:
        return time.process_time()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--visits", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        server = LiveServer(Path(directory) / "server")
        server.directory.mkdir()
        print(f"seeding the server with {args.accounts} accounts and 13 months of billing…", flush=True)
        seed(server, args.accounts)
        server.start()
        try:
            device = sign_in_device(Path(directory) / "device", server)
            assert server.process is not None
            pid = server.process.pid
            started, client_cpu, server_cpu = time.perf_counter(), cpu_seconds(), cpu_seconds(pid)
            report = device.sync()
            first_sync = time.perf_counter() - started
            print(
                f"first sync of a {args.accounts}-account portfolio: {first_sync:.2f} s "
                f"({report.pulled} rows in {report.pages} pages; target < 5 s); CPU: client "
                f"{cpu_seconds() - client_cpu:.2f} s, server {cpu_seconds(pid) - server_cpu:.2f} s"
            )

            queue_visits(device, args.visits)
            with device.store.sessions() as session:
                queued = len(session.scalars(select(OutboxEntry.seq)).all())
            started, client_cpu, server_cpu = time.perf_counter(), cpu_seconds(), cpu_seconds(pid)
            report = device.sync()
            push_time = time.perf_counter() - started
            print(
                f"sync of {queued} queued visits: {push_time:.2f} s "
                f"({report.applied} applied in {report.batches} batches, {report.rejected} rejected; "
                f"target < 2 s); CPU: client {cpu_seconds() - client_cpu:.2f} s, "
                f"server {cpu_seconds(pid) - server_cpu:.2f} s"
            )
            device.store.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
