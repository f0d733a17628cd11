"""Report speed on a big portfolio: 2,000 accounts with 100,000 submitted visits.

    python bench/reports.py [--accounts 2000] [--visits 100000]

Prints the time to compute a weekly report (figures from the store) and to export its PDF and
XLSX, plus a monthly report. Targets: compute < 1 s; each export < 1 s.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from datetime import time as clock_time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select

from kamdesk.domain import demo, reports
from kamdesk.domain.clock import business_datetime
from kamdesk.export.report_xlsx import write_report_xlsx
from kamdesk.models import Account, Visit, new_id, utcnow
from kamdesk.models.enums import ReportKind, VisitKind, VisitStatus
from kamdesk.printing.report_pdf import write_report_pdf
from kamdesk.store.database import open_store
from kamdesk.store.outbox import applying_remote

TODAY = date(2026, 11, 23)


def seed(path: Path, accounts: int, visits: int) -> None:
    store = open_store(path, path.parent / "backups")
    with store.sessions.begin() as session:
        summary = demo.generate(session, accounts, today=TODAY)
        rows = list(session.execute(select(Account.id, Account.primary_manager_id)))
        rng = random.Random(7)
        now = utcnow()
        missing = visits - summary.visits
        kinds = [VisitKind.ONSITE, VisitKind.PHONE, VisitKind.PHONE, VisitKind.SMS]
        with applying_remote(session):
            batch = []
            for _ in range(missing):
                account_id, owner = rng.choice(rows)
                day = TODAY - timedelta(days=rng.randrange(0, 365))
                occurred = business_datetime(
                    day, clock_time(rng.randrange(8, 19), rng.choice((0, 15, 30, 45)))
                )
                batch.append(
                    {
                        "id": new_id(),
                        "account_id": account_id,
                        "kind": rng.choice(kinds),
                        "status": VisitStatus.SUBMITTED,
                        "occurred_at": occurred,
                        "planned_at": occurred,
                        "answers": {},
                        "contacts_met": [],
                        "satisfaction": rng.choice((3, 4, 4, 5, 5, None)),
                        "summary": "例行回访，客户对专线质量满意，关注云视讯扩容。",
                        "submitted_at": occurred,
                        "rev": 1,
                        "updated_at": now,
                        "deleted": False,
                        "owner_id": owner,
                    }
                )
                if len(batch) == 10_000:
                    session.execute(insert(Visit), batch)
                    batch = []
            if batch:
                session.execute(insert(Visit), batch)
    store.close()


def timed(label: str, action):
    """Wall-clock time, and this process's CPU time (the machine may be shared and loaded)."""
    started, cpu = time.perf_counter(), time.process_time()
    result = action()
    print(f"{label}: {time.perf_counter() - started:.3f} s (cpu {time.process_time() - cpu:.3f} s)")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--visits", type=int, default=100_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kamdesk-bench-reports-"))
    path = folder / "bench.sqlite3"
    timed("seed portfolio", lambda: seed(path, args.accounts, args.visits))
    store = open_store(path, folder / "backups")
    with store.sessions() as session:
        total = session.scalar(select(func.count(Visit.id)))
        accounts = session.scalar(select(func.count(Account.id)))
        scope = reports.scope_of(session, store.user_id)
    print(f"portfolio: {accounts} accounts, {total} visits (the manager is primary on ~70%)")
    week = reports.week_of(TODAY - timedelta(days=7))
    with store.sessions() as session:
        figures = timed(
            f"compute weekly report {week.label}",
            lambda: reports.compute_figures(session, week, scope),
        )
    records = sum(len(f.records) for f in figures.figures)
    onsite, phone, sms = (figures.value(f"activity.{kind}") for kind in ("onsite", "phone", "sms"))
    print(f"  figures carry {records} records; the week's visits: {onsite} on-site, {phone} phone, {sms} SMS")
    with store.sessions.begin() as session:
        document = timed(
            "build + store the weekly draft",
            lambda: reports.build_report(session, ReportKind.WEEKLY, week.start, scope),
        )
    timed(
        "export weekly PDF (first, registers the font)", lambda: write_report_pdf(document, folder / "w1.pdf")
    )
    timed("export weekly PDF", lambda: write_report_pdf(document, folder / "w.pdf"))
    timed("export weekly XLSX", lambda: write_report_xlsx(document, folder / "w.xlsx"))
    month = reports.month_of(TODAY - timedelta(days=30))
    with store.sessions() as session:
        monthly = timed(
            f"compute monthly report {month.label}", lambda: reports.compute_figures(session, month, scope)
        )
    with store.sessions.begin() as session:
        document = reports.build_report(session, ReportKind.MONTHLY, month.start, scope)
    timed("export monthly PDF", lambda: write_report_pdf(document, folder / "m.pdf"))
    timed("export monthly XLSX", lambda: write_report_xlsx(document, folder / "m.xlsx"))
    print(f"  monthly figures carry {sum(len(f.records) for f in monthly.figures)} records")
    load = os.getloadavg()[0]
    print(f"files in {folder}; load average {load:.1f} on {os.cpu_count()} cores")
    store.close()


if __name__ == "__main__":
    main()
