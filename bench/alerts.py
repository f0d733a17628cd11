"""Benchmark: the alert engine and the Today page on a large portfolio.

    python bench/alerts.py [--accounts 100000] [--months 24] [--db PATH]

Builds (or reuses, with --db) a demo store with two years of revenue, then prints the time to
evaluate every alert rule over the portfolio, to open the Today page once the board is in memory,
to re-evaluate one account after a visit, and to propose a week's plan. Targets: evaluation
< 2 s, Today page < 300 ms after the first evaluation.

A reused store written by an older kamdesk is migrated first, as at start-up (a backup copy of
the file, then the schema upgrade; 0004 builds the account summary), and the time is printed,
with the time a backup copy of that file takes on its own.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select

from kamdesk.domain import alerts, contact_log, demo, planning
from kamdesk.domain.clock import business_today
from kamdesk.models import Account, Contact, RevenueMonth, Visit
from kamdesk.models.enums import VisitKind
from kamdesk.store.database import open_store
from kamdesk.store.migrate import HEAD_REVISION, backup_file, migrate, read_revision


def timed(label: str, work):  # type: ignore[no-untyped-def]
    """Wall time, and this process's CPU time: on a shared machine the second shows the cost
    of the work itself when other processes take the cores."""
    started, cpu = time.perf_counter(), time.process_time()
    result = work()
    wall, used = time.perf_counter() - started, time.process_time() - cpu
    print(f"{label:<52} {wall:8.3f} s wall {used:8.3f} s cpu", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--db", type=Path, help="reuse/keep the store here")
    args = parser.parse_args()
    path = args.db or Path(tempfile.mkdtemp(prefix="kamdesk-bench-")) / "bench.sqlite3"
    backups = path.parent / "backups"
    now = datetime.now(UTC)

    if not path.exists():
        store = open_store(path, backups)

        def build() -> None:
            with store.sessions.begin() as session:
                demo.generate(session, args.accounts, today=business_today(now), revenue_months=args.months)

        timed(f"generate {args.accounts:,} accounts, {args.months} months", build)
        store.close()
    revision = read_revision(path)
    if revision != HEAD_REVISION:
        result = timed(
            f"migrate the store {revision} -> {HEAD_REVISION} (backup + upgrade)",
            lambda: migrate(path, backups),
        )
        assert result.backup is not None
        result.backup.unlink()
        again = timed("  of which a backup copy alone", lambda: backup_file(path, backups, "again"))
        again.unlink()
    store = open_store(path, backups)
    with store.sessions() as session:
        counts = {
            "accounts": session.scalar(select(func.count(Account.id))),
            "contacts": session.scalar(select(func.count(Contact.id))),
            "revenue rows": session.scalar(select(func.count(RevenueMonth.id))),
            "visits": session.scalar(select(func.count(Visit.id))),
        }
    print("store:", ", ".join(f"{value:,} {key}" for key, value in counts.items()))
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")

    def evaluate_all() -> alerts.Evaluation:
        with store.sessions() as session:
            return alerts.evaluate(session, now)

    evaluation = timed("evaluate all alerts (first, cold cache)", evaluate_all)
    evaluation = timed("evaluate all alerts (again)", evaluate_all)
    board = alerts.AlertBoard()
    board.apply(evaluation)
    open_list = timed("sort the open alerts", board.open_alerts)
    print("open alerts:", len(open_list), dict(sorted((k.value, v) for k, v in board.counts().items())))

    from PySide6.QtWidgets import QApplication

    from kamdesk.ui.alert_service import AlertService
    from kamdesk.ui.today_view import TodayView

    app = QApplication.instance() or QApplication([])
    service = AlertService(store.sessions, clock=lambda: now)
    service.board = board  # the first evaluation, already in memory

    def open_today() -> TodayView:
        view = TodayView(service, store.sessions)
        view.resize(1200, 760)
        view.show()
        app.processEvents()
        return view

    board._open = None  # count the sort as part of opening the page
    view = timed("open the Today view (after the first evaluation)", open_today)
    target = next(a for a in board.open_alerts() if a.action is alerts.Action.LOG_PHONE)

    def log_and_refresh() -> None:
        with store.sessions.begin() as session:
            contact_log.answer_alert(session, target, VisitKind.PHONE, "电话回访，了解收入下降原因")
        service.refresh_accounts([target.account_id])
        app.processEvents()

    timed("phone visit + re-evaluate its account + repaint", log_and_refresh)
    assert target.key not in {a.key for a in view.alerts_model.rows}

    def propose() -> planning.WeekPlan:
        today = business_today(now)
        with store.sessions() as session:
            return planning.propose_week(session, planning.week_start(today), today)

    plan = timed("plan my week (proposal)", propose)
    print(f"plan: {len(plan.proposals)} proposals, {len(plan.unplaced):,} could not fit")
    view.close()
    store.close()


if __name__ == "__main__":
    main()
