"""The app's alert board behind a Qt signal: the first evaluation of the whole portfolio runs on a
worker thread, later changes re-evaluate only the accounts they touched (milliseconds)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from datetime import UTC, datetime

from PySide6.QtCore import QObject, Signal
from sqlalchemy.orm import Session, sessionmaker

from kamdesk.domain import alerts
from kamdesk.domain.alerts import AlertBoard, Evaluation
from kamdesk.ui.tasks import run_in_background

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


class AlertService(QObject):
    """Owns the ``AlertBoard``; ``changed`` fires on the GUI thread whenever it was updated."""

    changed = Signal()
    failed = Signal(object)

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        clock: Clock = system_clock,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.sessions = sessions
        self.clock = clock
        self.board = AlertBoard()
        self.busy = False

    def now(self) -> datetime:
        return self.clock()

    def _evaluate(self, account_ids: Collection[str] | None) -> Evaluation:
        with self.sessions() as session:
            return alerts.evaluate(session, self.now(), account_ids=account_ids)

    def refresh_all(self) -> None:
        """Evaluate the whole portfolio on a worker thread; the board keeps serving meanwhile."""
        if self.busy:
            return
        self.busy = True
        run_in_background(lambda: self._evaluate(None), self._apply, self._failed)

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        log.error("alert evaluation failed", exc_info=error)
        self.failed.emit(error)

    def refresh_now(self) -> None:
        """Evaluate everything on this thread (tests, benchmarks, small stores)."""
        self._apply(self._evaluate(None))

    def refresh_accounts(self, account_ids: Collection[str]) -> None:
        """Re-evaluate only ``account_ids`` after a change to them; fast enough for the GUI thread."""
        if not self.board.ready:
            self.refresh_all()
            return
        self._apply(self._evaluate(list(account_ids)))

    def _apply(self, evaluation: Evaluation) -> None:
        if evaluation.account_ids is None:
            self.busy = False
        self.board.apply(evaluation)
        self.changed.emit()
