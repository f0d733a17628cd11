"""Runs sync off the GUI thread: on demand, on a timer while signed in, and after a submit.

Views listen to ``state_changed`` (status bar, sync page) and ``data_changed`` (lists that show
synced data); ``auth_lost`` sends the manager back to sign-in with the local work kept.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from kamdesk.domain.sync_status import pending_changes
from kamdesk.i18n import _
from kamdesk.store import state
from kamdesk.store.database import Store
from kamdesk.sync import account
from kamdesk.sync.credentials import TokenStore
from kamdesk.sync.errors import AuthenticationError, SyncError, TransientError
from kamdesk.ui.tasks import run_in_background

if TYPE_CHECKING:
    from kamdesk.sync.engine import SyncProgress, SyncReport

log = logging.getLogger("kamdesk.ui.sync")
SYNC_INTERVAL_MS = 5 * 60 * 1000


@dataclass(frozen=True)
class SyncStatus:
    signed_in: account.SignedIn | None
    running: bool
    online: bool | None  # None: not tried yet
    pending: int
    last_sync: datetime | None
    message: str


class SyncController(QObject):
    state_changed = Signal()
    data_changed = Signal()
    auth_lost = Signal(str)
    progressed = Signal(object)

    def __init__(self, store: Store, tokens: TokenStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.tokens = tokens
        self._operation: int | None = None  # the running job's id
        self._stop = False
        self._online: bool | None = None
        self._message = ""
        self.timer = QTimer(self)
        self.timer.setInterval(SYNC_INTERVAL_MS)
        self.timer.timeout.connect(self.sync_now)
        self.progressed.connect(self._show_progress)
        if account.signed_in(store) is not None:
            self.timer.start()

    @property
    def running(self) -> bool:
        return self._operation is not None

    def status(self) -> SyncStatus:
        with self.store.sessions() as session:
            pending = pending_changes(session)
            last = state.get(session, state.LAST_SYNC)
        return SyncStatus(
            account.signed_in(self.store),
            self.running,
            self._online,
            pending,
            datetime.fromisoformat(last) if last else None,
            self._message,
        )

    def sync_now(self) -> bool:
        """Start a sync unless one is running or nobody is signed in; True when started."""
        if self.running or account.signed_in(self.store) is None:
            return False
        self._stop = False
        self._message = _("Syncing…")
        self._operation = run_in_background(self._work, self._finished, self._failed)
        self.state_changed.emit()
        return True

    def stop(self, wait_ms: int = 5000) -> None:
        """Ask a running sync to stop at its next step and wait for it (used at shutdown)."""
        self._stop = True
        self.timer.stop()
        QThreadPool.globalInstance().waitForDone(wait_ms)

    def _work(self) -> SyncReport:
        from kamdesk.sync.engine import SyncEngine  # on the worker: it brings httpx and the index

        client = account.connect(self.store, self.tokens)
        try:
            who = account.signed_in(self.store)
            engine = SyncEngine(
                self.store,
                client,
                user_id=who.user_id if who else None,
                progress=self.progressed.emit,
                stop_requested=lambda: self._stop,
            )
            return engine.sync()
        finally:
            client.close()

    def _show_progress(self, progress: SyncProgress) -> None:
        if progress.phase == "push":
            self._message = _("Sending changes: {done} sent").format(done=progress.done)
        else:
            self._message = _("Receiving updates: {done} received").format(done=progress.done)
        self.state_changed.emit()

    def _finished(self, report: SyncReport) -> None:
        self._operation = None
        self._online = True
        if report.conflicts or report.rejected:
            self._message = _("Synced. Some changes need your attention on the Sync page.")
        else:
            self._message = _("Synced")
        self.timer.start()
        self.state_changed.emit()
        if report.pulled or report.applied or report.merged:
            self.data_changed.emit()

    def _failed(self, error: BaseException) -> None:
        self._operation = None
        if isinstance(error, AuthenticationError):
            account.forget_token(self.store, self.tokens)
            self._online = None
            self._message = error.user_message()
            self.timer.stop()
            self.state_changed.emit()
            self.auth_lost.emit(self._message)
            return
        if isinstance(error, SyncError):
            self._online = False if isinstance(error, TransientError) else self._online
            self._message = error.user_message()
        else:
            log.error("sync failed", exc_info=error)
            self._message = _("Sync failed unexpectedly; details are in kamdesk.log.")
        self.state_changed.emit()
