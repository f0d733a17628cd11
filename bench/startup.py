"""Time from process start to the main window shown, for kamdesk on a 2,000-account portfolio and
for a bare PySide6 window, in the same run; prints both medians and their ratio (target ≤ 2.5).

    python bench/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BARE_WINDOW = """
import time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.resize(1200, 760)
window.show()
def done():
    print(f"main_window_shown_at={time.time():.6f}", flush=True)
    app.quit()
QTimer.singleShot(0, done)
app.exec()
"""


def _times(command: list[str], env: dict[str, str]) -> dict[str, float]:
    """Seconds from spawning ``command`` to each ``name_at=<epoch>`` mark it prints; a mark line's
    ``cpu_s=<seconds>`` (the process's CPU time at that mark) comes back as ``name_cpu``."""
    started = time.time()
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    marks = {}
    for line in result.stdout.splitlines():
        first, *rest = line.split()
        name, _, value = first.partition("_at=")
        if value:
            marks[name] = float(value) - started
            for field in rest:
                key, _, seconds = field.partition("=")
                if key == "cpu_s":
                    marks[f"{name}_cpu"] = float(seconds)
    return marks


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--accounts", type=int, default=2000)
    args = parser.parse_args()
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        "PYTHONPATH": str(ROOT),
    }
    with tempfile.TemporaryDirectory() as data_dir:
        app = [sys.executable, "-m", "kamdesk", "--data-dir", data_dir, "--exit-after-start"]
        subprocess.run(
            [*app, "--demo", "--demo-size", str(args.accounts)],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        shown, ready, ready_cpu, bare = [], [], [], []
        for _ in range(args.runs):  # interleaved, so machine load affects both alike
            bare.append(_times([sys.executable, "-c", BARE_WINDOW], env)["main_window_shown"])
            marks = _times(app, env)
            shown.append(marks["main_window_shown"])
            ready.append(marks["portfolio_ready"])
            ready_cpu.append(marks["portfolio_ready_cpu"])
    shown_ms, ready_ms, bare_ms = (statistics.median(values) * 1000 for values in (shown, ready, bare))
    print(
        f"kamdesk main window shown ({args.accounts} accounts): "
        f"median {shown_ms:.0f} ms over {args.runs} runs"
    )
    print(
        f"kamdesk portfolio rows on screen:           median {ready_ms:.0f} ms "
        f"(CPU {statistics.median(ready_cpu) * 1000:.0f} ms)"
    )
    print(f"bare PySide6 window shown:                  median {bare_ms:.0f} ms")
    print(f"ratio window/bare: {shown_ms / bare_ms:.2f} (target <= 2.5)")
    print(f"ratio rows/bare: {ready_ms / bare_ms:.2f}")


if __name__ == "__main__":
    main()
