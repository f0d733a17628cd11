"""Database work off the GUI thread: one serial worker thread runs jobs in order and hands the
results back to the GUI thread through a queued signal (DESIGN.md "Operations, not ad-hoc
threads"). Callbacks run on the GUI thread; a job's exception goes to its ``on_error``."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any

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
    finished = Signal(int, object, object)  # job id, result, error

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
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
        return bool(self._callbacks)

    def wait(self, msecs: int = -1) -> bool:
        """Block until queued jobs ran (tests, shutdown); their callbacks still arrive by event."""
        return self._pool.waitForDone(msecs)

    def _deliver(self, job_id: int, result: object, error: object) -> None:
        on_done, on_error = self._callbacks.pop(job_id, (None, None))
        if error is not None:
            if on_error is not None:
                on_error(error)  # type: ignore[arg-type]
            else:
                log.error("background job failed", exc_info=error)  # type: ignore[arg-type]
                raise error  # type: ignore[misc]
            return
        if on_done is not None:
            on_done(result)
