"""Run work off the GUI thread and get the result back on it.

One small helper instead of ad-hoc threads: ``run_in_background(fn, on_done, on_error)`` runs
``fn`` on Qt's global thread pool and delivers its result (or exception) to the callbacks on the
GUI thread through a queued signal. Keep a reference to the returned ``Operation`` until it
finishes (the caller's attribute) so the relay object is not collected early.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Relay(QObject):
    finished = Signal(object)
    failed = Signal(object)


class Operation(QRunnable):
    def __init__(self, work: Callable[[], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.relay = _Relay()
        self._work = work

    def run(self) -> None:
        try:
            result = self._work()
        except BaseException as error:  # delivered to the GUI thread, which decides what to show
            self.relay.failed.emit(error)
        else:
            self.relay.finished.emit(result)


def run_in_background(
    work: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
) -> Operation:
    operation = Operation(work)
    operation.relay.finished.connect(on_done)
    operation.relay.failed.connect(on_error)
    QThreadPool.globalInstance().start(operation)
    return operation
