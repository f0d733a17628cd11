"""Run report work (queries over the store, PDF/XLSX export) off the GUI thread, in order.

One worker thread: database work for reports happens in the order it was asked for (an
autosave queued before a submit is written before it). Results and errors come back to the GUI
thread through queued signals. A small stand-in for an app-wide task manager.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self.work = work
        self.signals = signals
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.work()
        except Exception as error:  # handed to the GUI thread, which shows or logs it
            log.debug("report task failed: %s", traceback.format_exc())
            self.signals.failed.emit(error)
        else:
            self.signals.done.emit(result)


class ReportTasks(QObject):
    """Queue ``work`` on the report thread; ``on_done(result)``/``on_error(exc)`` run on the GUI thread."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._pending: set[_Signals] = set()

    def run(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        signals = _Signals(self)
        self._pending.add(signals)

        def finished(result: Any) -> None:
            self._pending.discard(signals)
            if on_done is not None:
                on_done(result)

        def failed(error: Exception) -> None:
            self._pending.discard(signals)
            if on_error is not None:
                on_error(error)
            else:
                log.error("report task failed", exc_info=error)

        signals.done.connect(finished)
        signals.failed.connect(failed)
        self.pool.start(_Job(work, signals))

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until queued work has run (tests, closing the window)."""
        return self.pool.waitForDone(msecs)
