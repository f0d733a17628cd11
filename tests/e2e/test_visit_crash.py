"""Kill -9 the real app while a manager types and while a visit is submitted: nothing typed is
lost, and a submit is either complete (visit, records, outbox entries) or not there at all."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
TYPED = "客户反映专线上周中断两次，要求48小时内给出原因说明"
RECORD_TABLES = ("complaints", "opportunities", "competitor_notes", "tasks")


class App:
    """One ``tests.e2e.visit_app_driver`` process whose output lines we can wait for."""

    def __init__(self, mode: str, data_dir: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.e2e.visit_app_driver",
                mode,
                "--data-dir",
                str(data_dir),
                "--demo-size",
                "8",
                "--lang",
                "zh_CN",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []

    def wait_for(self, prefix: str, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        assert self.process.stdout is not None
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            self.lines.append(line.rstrip())
            if line.startswith(prefix):
                return line.rstrip()
        raise AssertionError(f"no {prefix!r} from the app; it said:\n" + "\n".join(self.lines))

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        assert self.process.returncode == -signal.SIGKILL

    def finish(self) -> None:
        assert self.process.wait(timeout=120) == 0, "\n".join(self.lines)


def restart_and_check(data_dir: Path) -> dict[str, Any]:
    app = App("check", data_dir)
    report = json.loads(app.wait_for("CHECK ").removeprefix("CHECK "))
    app.finish()
    return report


def test_typed_draft_survives_sigkill(tmp_path):
    app = App("type", tmp_path)
    visit_id = app.wait_for("SAVED ").split()[1]
    app.kill()
    report = restart_and_check(tmp_path)
    assert report["drafts"] == [visit_id]
    assert report["first_row"] == visit_id and report["banner"] and report["section_is_visits"]
    assert report["summary"] == TYPED


def database_state(data_dir: Path, visit_id: str) -> dict[str, Any]:
    with sqlite3.connect(data_dir / "demo.sqlite3") as db:
        status, answers = db.execute(
            "SELECT status, answers FROM visits WHERE id = ?", (visit_id,)
        ).fetchone()
        records = {
            table: [row[0] for row in db.execute(f"SELECT id FROM {table} WHERE visit_id = ?", (visit_id,))]
            for table in RECORD_TABLES
        }
        outboxed = {
            (entity, entity_id): payload
            for entity, entity_id, payload in db.execute("SELECT entity, entity_id, payload FROM outbox")
        }
    return {"status": status, "answers": json.loads(answers), "records": records, "outbox": outboxed}


def assert_all_or_nothing(state: dict[str, Any], visit_id: str) -> str:
    visit_entry = json.loads(state["outbox"][("visits", visit_id)])
    if state["status"] == "submitted":
        assert visit_entry["status"] == "submitted"
        for table in RECORD_TABLES:
            assert len(state["records"][table]) == 1, table
            assert (table, state["records"][table][0]) in state["outbox"], table
    else:
        assert state["status"] == "draft"
        assert visit_entry["status"] == "draft"
        assert all(not ids for ids in state["records"].values()), state["records"]
        assert not [key for key in state["outbox"] if key[0] in RECORD_TABLES]
        assert state["answers"]["complaint"] == TYPED  # the draft is whole
    return state["status"]


@pytest.mark.parametrize(
    ("mode", "expected"), [("submit-pause-inside", "draft"), ("submit-pause-after", "submitted")]
)
def test_kill_during_submit_leaves_all_or_nothing(tmp_path, mode, expected):
    app = App(mode, tmp_path)
    visit_id = app.wait_for("SUBMITTING ").split()[1]
    app.wait_for("PAUSED-INSIDE" if expected == "draft" else "SUBMITTED True")
    app.kill()
    assert assert_all_or_nothing(database_state(tmp_path, visit_id), visit_id) == expected
    report = restart_and_check(tmp_path)
    assert report["drafts"] == ([visit_id] if expected == "draft" else [])


def test_kill_at_random_moments_of_submit(tmp_path):
    """No pause: the kill lands wherever the submit happens to be."""
    seen = set()
    rng = random.Random(4)
    for attempt in range(3):
        data_dir = tmp_path / f"run{attempt}"
        app = App("submit", data_dir)
        visit_id = app.wait_for("SUBMITTING ").split()[1]
        time.sleep(rng.uniform(0.0, 0.05))
        app.kill()
        seen.add(assert_all_or_nothing(database_state(data_dir, visit_id), visit_id))
    assert seen <= {"draft", "submitted"}
