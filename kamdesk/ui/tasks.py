"""Work off the GUI thread, results back on it (DESIGN.md "Operations, not ad-hoc threads").

- ``TaskRunner``: a queue with one worker thread of its own; jobs run in the order submitted, so
  database work keeps its order (an autosave queued before a submit is written first). Views own
  one each; printing has its own so a burst of PDFs does not hold up database work.
- ``run_in_background``: one-off work (sign-in, sync, planning, opening the store) on Qt's global
  pool, in parallel with other one-offs.

Both hand the result or the exception back through a queued signal: callbacks run on the GUI
thread, an exception goes to ``on_error`` (logged and re-raised when there is none), and a result
whose receiver or runner was deleted meanwhile is dropped.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Job(QRunnable):
    def __init__(self, runner: TaskRunner, job_id: int, work: Callable[[], Any]) -> None:
        super().__init__()
        self._runner = runner
        self._job_id = job_id
        self._work = work

    def run(self) -> None:
        try:
            result, error = self._work(), None
        except BaseException as failure:  # handed to the GUI thread, never lost in the worker
            result, error = None, failure
        try:
            self._runner.finished.emit(self._job_id, result, error)
        except RuntimeError:  # the runner's owner closed while this job ran: nobody waits for it
            log.debug("result of job %s dropped: its runner is gone", self._job_id)


class TaskRunner(QObject):
    """Run ``submit``-ted work on ``pool`` (default: a pool of one thread, in order)."""

    finished = Signal(int, object, object)  # job id, result, error

    def __init__(self, parent: QObject | None = None, *, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        if pool is None:
            pool = QThreadPool(self)
            pool.setMaxThreadCount(1)
        self._pool = pool
        self._ids = itertools.count(1)
        self._callbacks: dict[int, tuple[Callable[[Any], None], Callable[[BaseException], None] | None]] = {}
        self.finished.connect(self._deliver)

    def submit(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> int:
        job_id = next(self._ids)
        self._callbacks[job_id] = (on_done, on_error)
        self._pool.start(_Job(self, job_id, work))
        return job_id

    def busy(self) -> bool:
        """Whether a submitted job has not reported back yet (ran, and its callback ran)."""
        return bool(self._callbacks)

    def wait(self, msecs: int = -1) -> bool:
        """Block until queued jobs ran (tests, shutdown); their callbacks still arrive by event."""
        return self._pool.waitForDone(msecs)

    def _deliver(self, job_id: int, result: object, error: object) -> None:
        on_done, on_error = self._callbacks.pop(job_id, (None, None))
        callback = on_done if error is None else on_error
        if callback is not None and not _receiver_alive(callback):
            log.debug("result of job %s dropped: its receiver was deleted", job_id)
            return
        if error is not None:
            if on_error is not None:
                on_error(error)  # type: ignore[arg-type]
            else:
                log.error("background job failed", exc_info=error)  # type: ignore[arg-type]
                raise error  # type: ignore[misc]
            return
        if on_done is not None:
            on_done(result)


def _receiver_alive(callback: Callable[..., Any]) -> bool:
    """False for a bound method of a widget or other QObject that Qt has deleted meanwhile."""
    receiver = getattr(callback, "__self__", None)
    return not isinstance(receiver, QObject) or shiboken6.isValid(receiver)


_background: TaskRunner | None = None


def run_in_background(
    work: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
) -> int:
    """Run one-off ``work`` on Qt's global pool (in parallel, no order); returns its job id."""
    global _background
    if _background is None:
        _background = TaskRunner(pool=QThreadPool.globalInstance())
    return _background.submit(work, on_done, on_error)
