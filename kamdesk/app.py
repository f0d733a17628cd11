"""Composition root: settings → store → Qt application → main window. No globals beyond Qt's own."""

from __future__ import annotations

import logging
import sys
import time
import traceback
from types import TracebackType

from PySide6.QtCore import QLibraryInfo, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from kamdesk.config import Settings
from kamdesk.domain.workspace import open_workspace
from kamdesk.errors import UserError
from kamdesk.i18n import _
from kamdesk.ui.fonts import install_cjk_font
from kamdesk.ui.main_window import MainWindow, Section

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


def build_sections(window_store: object) -> list[Section]:
    from kamdesk.ui.portfolio_view import PortfolioView

    store = window_store
    return [Section("portfolio", _("Portfolio"), lambda: PortfolioView(store.sessions))]  # type: ignore[attr-defined]


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


def run(settings: Settings) -> int:
    started = time.perf_counter()
    configure_logging(settings)
    app = create_application(settings)
    sys.excepthook = _report_bug
    try:
        workspace = open_workspace(settings)
    except UserError as error:
        log.warning("cannot open the store: %s", error)
        QMessageBox.critical(None, _("kamdesk cannot open your data"), error.message)
        return 1
    window = MainWindow(workspace.store, build_sections(workspace.store), demo=workspace.demo)
    if settings.exit_after_start:

        def report_and_quit() -> None:
            print(
                f"main_window_shown_at={time.time():.6f} startup_s={time.perf_counter() - started:.3f}",
                flush=True,
            )
            QTimer.singleShot(0, app.quit)

        window.shown.connect(report_and_quit)
    window.show()
    code = app.exec()
    workspace.store.close()
    return code
