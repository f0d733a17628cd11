"""Composition root: settings → Qt application → main window → store (opened off the GUI thread)
→ sections. No globals beyond Qt's own.

The window appears before the database layer is imported: importing SQLAlchemy and the models
costs more than building every widget, so it happens on a worker thread while the window paints.
"""

from __future__ import annotations

import logging
import sys
import time
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from kamdesk.config import Settings
from kamdesk.errors import UserError
from kamdesk.i18n import _
from kamdesk.ui.fonts import install_cjk_font
from kamdesk.ui.main_window import MainWindow, Section
from kamdesk.ui.tasks import run_in_background

if TYPE_CHECKING:
    from kamdesk.domain.workspace import Workspace
    from kamdesk.store.database import Store
    from kamdesk.ui.account_detail import AccountDetailView
    from kamdesk.ui.sync_controller import SyncController
    from kamdesk.ui.sync_view import SyncView
    from kamdesk.ui.today_view import TodayView
    from kamdesk.ui.visits_view import VisitsView

log = logging.getLogger("kamdesk")


def configure_logging(settings: Settings) -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        filename=settings.data_dir / "kamdesk.log",
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def _report_bug(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
    log.error("unexpected error", exc_info=(kind, error, trace))
    traceback.print_exception(kind, error, trace)
    if QApplication.instance() is not None:
        QMessageBox.critical(
            None,
            _("Something went wrong"),
            _(
                "kamdesk hit an unexpected problem. Your saved work is safe. "
                "Please send the file kamdesk.log from your data folder to support."
            ),
        )


def build_sections(store: Store, controller: SyncController | None = None) -> list[Section]:
    """The window's sections. Each is built (and its module imported) when first shown; Today, the
    start page, at attach. The Plan entry counts this week's planned visits until it is built."""
    from kamdesk.ui.alert_service import AlertService

    alert_service = AlertService(store.sessions)

    def today() -> QWidget:
        from kamdesk.ui.today_view import TodayView

        return TodayView(alert_service, store.sessions, user_id=store.user_id, built_in_actions=False)

    def portfolio() -> QWidget:
        from kamdesk.ui.portfolio_view import PortfolioView

        return PortfolioView(store.sessions, user_id=store.user_id)

    def plan() -> QWidget:
        from kamdesk.ui.plan_view import PlanView

        return PlanView(alert_service, store.sessions, built_in_actions=False)

    def plan_badge() -> str:
        from kamdesk.ui.plan_view import week_badge_text

        return week_badge_text(store.sessions, alert_service.now())

    def visits() -> QWidget:
        from kamdesk.ui.visits_view import build_visits_view

        return build_visits_view(store)

    def reports() -> QWidget:
        from kamdesk.ui.reports_view import ReportsView

        team_source = None
        if controller is not None:
            from kamdesk.sync.team import ServerTeamAverages

            team_source = ServerTeamAverages(store, controller.tokens)
        return ReportsView(store, team_source=team_source)

    sections = [
        Section("today", _("Today"), today),
        Section("portfolio", _("Portfolio"), portfolio),
        Section("plan", _("Plan"), plan, badge=plan_badge, badge_changed=alert_service.changed),
        Section("visits", _("Visits"), visits),
        Section("reports", _("Reports"), reports),
    ]
    if controller is not None:

        def sync() -> QWidget:
            from kamdesk.ui.sync_view import SyncView

            return SyncView(controller)

        sections.append(Section("sync", _("Sync"), sync))
    return sections


def connect_sections(window: MainWindow, controller: SyncController | None = None) -> None:
    """The sections' requests to each other: an alert or a planned visit opens the visit form,
    a submitted visit makes the alerts re-check its account and starts a sync, and what a sync
    brings in refreshes the alerts and the lists.

    Sections are built on first show, so each connection is made once the sections it joins
    exist (``when_built``); a request that opens another section builds that one on the spot."""
    from kamdesk.models.enums import VisitKind

    def visits_view() -> VisitsView:
        return window.show_section("visits")  # type: ignore[return-value]

    def log_visit(account_id: str, kind: str, _alert_key: str) -> None:
        view = visits_view()
        if kind == VisitKind.PHONE:
            view.quick_phone_log(account_id)
        else:
            view.start_visit(account_id, VisitKind(kind))

    def open_visit(visit_id: str) -> None:
        visits_view().open_visit(visit_id)

    def detail_opened(detail: AccountDetailView) -> None:
        from kamdesk.ui.print_actions import print_previsit_sheet

        detail.show_actions()
        detail.start_visit_requested.connect(lambda account_id: log_visit(account_id, VisitKind.ONSITE, ""))
        detail.print_previsit_requested.connect(
            lambda account_id: print_previsit_sheet(detail, window.store, account_id)
        )

    def today_built(today: TodayView) -> None:
        today.log_visit_requested.connect(log_visit)
        today.plan_visit_requested.connect(today.open_plan_dialog)
        today.open_complaint_requested.connect(today.open_complaint)
        today.open_visit_requested.connect(open_visit)

    def visits_and_today_built(visits: VisitsView, today: TodayView) -> None:
        visits.visit_submitted.connect(lambda _visit, account: today.service.refresh_accounts([account]))

    window.when_built("today", today_built)
    window.when_built("plan", lambda plan: plan.open_visit_requested.connect(open_visit))
    window.when_built("portfolio", lambda portfolio: portfolio.detail_opened.connect(detail_opened))
    window.when_built(("visits", "today"), visits_and_today_built)
    if controller is not None:
        sync = controller.sync_now
        window.when_built("visits", lambda visits: visits.visit_submitted.connect(lambda *_ids: sync()))
        # What a sync brought in (visits, bills, reassignments) shows without a restart.
        pulled = controller.data_changed
        window.when_built("today", lambda today: pulled.connect(today.service.refresh_all))
        window.when_built("portfolio", lambda portfolio: pulled.connect(portfolio.model.refresh))
        window.when_built("visits", lambda visits: pulled.connect(visits.refresh))


def reopen_visits(window: MainWindow, settings: Settings) -> None:
    """After a crash the drafts are waiting: show the Visits section first, open a visit if asked."""
    from kamdesk.domain import visits
    from kamdesk.ui.slots import slot

    def visits_built(view: VisitsView) -> None:
        view.changed.connect(window.refresh_status)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(view.close_editors)

    window.when_built("visits", visits_built)
    if window.store is None:
        return
    with window.store.sessions() as session:
        drafts = visits.has_open_drafts(session)
    if drafts or settings.open_visit:
        view: VisitsView = window.show_section("visits")  # type: ignore[assignment]
        if settings.open_visit:
            visit_id = settings.open_visit
            QTimer.singleShot(0, slot(lambda: view.open_visit(visit_id)))


class Shell:
    """Owns what changes at run time: the open workspace, its sync controller, sign-in/out."""

    def __init__(self, app: QApplication, window: MainWindow, settings: Settings) -> None:
        self.app = app
        self.window = window
        self.settings = settings
        from kamdesk.sync.credentials import TokenStore

        self.tokens = TokenStore(settings.data_dir)
        self.workspace: Workspace | None = None
        self.controller: SyncController | None = None

    def attach(self, workspace: Workspace) -> None:
        from kamdesk.ui.sync_controller import SyncController

        self.workspace = workspace
        self.controller = SyncController(workspace.store, self.tokens, self.window)
        self.window.attach(
            workspace.store, build_sections(workspace.store, self.controller), demo=workspace.demo
        )
        self.window.set_sync_controller(self.controller)
        connect_sections(self.window, self.controller)
        reopen_visits(self.window, self.settings)
        self.window.when_built("sync", self._sync_view_built)
        self.controller.auth_lost.connect(lambda reason: self.ask_sign_in(reason))
        self.controller.sync_now()

    def _sync_view_built(self, view: SyncView) -> None:
        view.sign_in_requested.connect(self.ask_sign_in)
        view.sign_out_requested.connect(self.sign_out)

    def close(self) -> None:
        if self.controller is not None:
            self.controller.stop()
        if self.workspace is not None:
            self.workspace.store.close()

    def ask_sign_in(self, reason: str = "") -> None:
        from kamdesk.sync import account
        from kamdesk.ui.sign_in_dialog import SignInDialog

        who = account.signed_in(self.workspace.store) if self.workspace and not self.workspace.demo else None

        def sign_in(server: str, username: str, password: str) -> account.SignedIn:
            return account.sign_in(
                self.settings.database_path, self.settings.backup_dir, self.tokens, server, username, password
            )

        dialog = SignInDialog(
            sign_in,
            server_url=who.server_url if who else "",
            username=who.username if who else "",
            reason=reason,
            parent=self.window,
        )
        if dialog.exec() and self.workspace is not None:
            if self.workspace.demo:
                self.reopen()
            elif self.controller is not None:
                self.controller.timer.start()
                self.controller.sync_now()
                self.controller.state_changed.emit()

    def sign_out(self) -> None:
        from kamdesk.sync import account

        if self.workspace is None or self.controller is None:
            return
        self.controller.stop()
        account.sign_out(self.workspace.store, self.tokens)
        self.controller.state_changed.emit()

    def reopen(self) -> None:
        """Switch to the store ``open_workspace`` now picks (after the first sign-in: the real one)."""
        self.close()
        self.window.detach()
        self.attach(_open_workspace(self.settings))


def create_application(settings: Settings) -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("kamdesk")
    app.setOrganizationName("kamdesk")
    if settings.language == "zh_CN":
        translator = QTranslator(app)
        if translator.load("qtbase_zh_CN", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(translator)
    install_cjk_font(app)  # type: ignore[arg-type]
    return app  # type: ignore[return-value]


def _open_workspace(settings: Settings) -> Workspace:
    from kamdesk.domain.workspace import open_workspace

    return open_workspace(settings)


def run(settings: Settings, on_window: Callable[[MainWindow], None] | None = None) -> int:
    """Start the app; ``on_window`` (tests, scripted runs) gets the main window once the store is
    attached (the start page built; ``window.section(key)`` builds any other)."""
    started = time.perf_counter()
    configure_logging(settings)
    app = create_application(settings)
    sys.excepthook = _report_bug
    window = MainWindow()
    shell = Shell(app, window, settings)
    outcome = {"code": 0}

    def opened(workspace: Workspace) -> None:
        shell.attach(workspace)
        if on_window is not None:
            on_window(window)
        if settings.exit_after_start:
            print(f"portfolio_ready_at={time.time():.6f} cpu_s={time.process_time():.3f}", flush=True)
            QTimer.singleShot(0, app.quit)

    def failed(error: BaseException) -> None:
        outcome["code"] = 1
        if not isinstance(error, UserError):
            _report_bug(type(error), error, error.__traceback__)
            app.quit()
            return
        log.warning("cannot open the store: %s", error)
        print(error.message, file=sys.stderr)
        if not settings.exit_after_start:
            QMessageBox.critical(window, _("kamdesk cannot open your data"), error.message)
        app.quit()

    if settings.exit_after_start:
        window.shown.connect(
            lambda: print(
                f"main_window_shown_at={time.time():.6f} startup_s={time.perf_counter() - started:.3f}",
                flush=True,
            )
        )
    window.show()
    run_in_background(lambda: _open_workspace(settings), opened, failed)
    app.exec()
    shell.close()
    return outcome["code"]
