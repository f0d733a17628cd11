from __future__ import annotations

import threading

import pytest
import shiboken6
from PySide6.QtCore import QObject, QThread

from kamdesk.errors import UserError
from kamdesk.ui.tasks import TaskRunner, run_in_background

pytestmark = pytest.mark.qt


class Receiver(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.got: list[object] = []

    def take(self, value: object) -> None:
        self.got.append(value)


def test_jobs_run_in_order_off_the_gui_thread_and_report_on_it(qtbot) -> None:
    runner = TaskRunner()
    gui = QThread.currentThread()
    ran_on: list[bool] = []
    delivered: list[tuple[str, bool]] = []

    def work(name: str):
        def job() -> str:
            ran_on.append(QThread.currentThread() is gui)
            return name

        return job

    names = ["长沙星城医药", "湖南昇辉机械", "株洲华锐精工"]
    for name in names:
        runner.submit(work(name), lambda name: delivered.append((name, QThread.currentThread() is gui)))
    assert runner.busy()
    runner.wait()
    qtbot.waitUntil(lambda: not runner.busy(), timeout=20_000)
    assert ran_on == [False, False, False]
    assert delivered == [(name, True) for name in names]


def test_an_error_reaches_on_error_on_the_gui_thread(qtbot) -> None:
    runner = TaskRunner()
    gui = QThread.currentThread()
    errors: list[tuple[str, bool]] = []

    def fail() -> None:
        raise UserError("客户“长沙星城医药”已被删除")

    runner.submit(
        fail, lambda _result: None, lambda error: errors.append((str(error), QThread.currentThread() is gui))
    )
    runner.wait()
    qtbot.waitUntil(lambda: not runner.busy(), timeout=20_000)
    assert errors == [("客户“长沙星城医药”已被删除", True)]


def test_a_result_for_a_deleted_receiver_is_dropped(qtbot) -> None:
    runner = TaskRunner()
    gate = threading.Event()
    receiver = Receiver()
    runner.submit(lambda: (gate.wait(30), "湖南昇辉机械")[1], receiver.take)
    shiboken6.delete(receiver)  # the view closed while its job ran
    gate.set()
    runner.wait()
    qtbot.waitUntil(lambda: not runner.busy(), timeout=20_000)
    assert receiver.got == []


def test_one_off_work_runs_in_parallel(qtbot) -> None:
    both_running = threading.Barrier(2, timeout=30)  # each job waits for the other: needs two threads
    results: list[str] = []
    errors: list[BaseException] = []
    for name in ("同步", "排期"):
        run_in_background(lambda name=name: (both_running.wait(), name)[1], results.append, errors.append)
    qtbot.waitUntil(lambda: len(results) + len(errors) == 2, timeout=40_000)
    assert errors == []
    assert sorted(results) == sorted(["同步", "排期"])
