"""Print from anywhere in the app: the pre-visit sheet, the visit record and the day pack.

Each ``print_*`` function gathers the data and lays out the PDF on a worker thread (its own
session; nothing ORM crosses threads), renders preview pages there too, then opens a
:class:`PdfPreviewDialog` on the GUI thread with "Save as PDF…", "Print…" (the system print
dialog) and "Open in PDF viewer". Other screens wire them up in one line, e.g.::

    action = QAction(_("Print pre-visit sheet…"), self)
    action.triggered.connect(lambda: print_previsit_sheet(self, store, self.account_id))

Preview pages come from QtPdf when the installed PySide6 has it, else from pypdfium2; with
neither, the dialog still saves, and "Open in PDF viewer" hands the file to the system viewer.
"""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPoint, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from kamdesk.domain.clock import business_today
from kamdesk.errors import UserError
from kamdesk.i18n import _, ngettext
from kamdesk.printing import sheets
from kamdesk.ui.portfolio_model import ACCOUNT_ID_ROLE
from kamdesk.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

PREVIEW_DPI = 96
PRINT_DPI_CAP = 300  # raster pages for a printer; higher only makes jobs huge


# ---------------------------------------------------------------- rendering PDF pages to images


def _render_qtpdf(pdf: bytes, dpi: int) -> list[QImage] | None:
    try:
        from PySide6.QtCore import QBuffer, QByteArray, QIODevice
        from PySide6.QtPdf import QPdfDocument
    except ImportError:
        return None
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    images = []
    for index in range(document.pageCount()):
        size = document.pagePointSize(index)
        images.append(
            document.render(index, QSize(round(size.width() * dpi / 72), round(size.height() * dpi / 72)))
        )
    return images


def _render_pdfium(pdf: bytes, dpi: int) -> list[QImage] | None:
    try:
        import pypdfium2
    except ImportError:
        return None
    document = pypdfium2.PdfDocument(pdf)
    images = []
    try:
        for index in range(len(document)):
            page = document[index]
            picture = page.render(scale=dpi / 72).to_pil().convert("RGB")
            data = picture.tobytes("raw", "RGB")
            image = QImage(
                data, picture.width, picture.height, picture.width * 3, QImage.Format.Format_RGB888
            )
            images.append(image.copy())  # own the pixels: ``data`` is freed with this frame
            page.close()
    finally:
        document.close()
    return images


def render_pages(pdf: bytes, dpi: int = PREVIEW_DPI) -> list[QImage] | None:
    """The pages of ``pdf`` as images (safe off the GUI thread), or None when no renderer exists."""
    for renderer in (_render_qtpdf, _render_pdfium):
        try:
            images = renderer(pdf, dpi)
        except Exception:  # a renderer that fails must not stop printing: the next one is tried
            log.exception("PDF renderer %s failed", renderer.__name__)
            continue
        if images is not None:
            return images
    return None


# ---------------------------------------------------------------- the worker


@dataclass(frozen=True)
class PdfResult:
    pdf: bytes
    pages: list[QImage] | None


def make_pdf(sessions: sessionmaker[Session], produce: Callable[[Session], bytes]) -> PdfResult:
    """Gather (own session), lay out and render preview pages: runs on the print thread."""
    with sessions() as session:
        pdf = produce(session)
    return PdfResult(pdf, render_pages(pdf))


class PrintRequest(QObject):
    """One user request to print: emits ``ready`` with the preview dialog, or ``failed``."""

    ready = Signal(object)  # PdfPreviewDialog
    failed = Signal(str)

    def __init__(
        self,
        parent: QWidget | None,
        sessions: sessionmaker[Session],
        produce: Callable[[Session], bytes],
        *,
        title: str,
        file_name: str,
        show: bool = True,
    ) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.title = title
        self.file_name = file_name
        self.show = show
        self.dialog: PdfPreviewDialog | None = None
        QGuiApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        _alive.add(self)  # a request made without a parent must outlive the caller's reference
        _printer().submit(lambda: make_pdf(sessions, produce), self._finished, self._failed)

    def _finished(self, result: PdfResult) -> None:
        QGuiApplication.restoreOverrideCursor()
        _alive.discard(self)
        dialog = PdfPreviewDialog(
            result.pdf, result.pages, title=self.title, file_name=self.file_name, parent=self.parent_widget
        )
        self.dialog = dialog
        _alive.add(dialog)
        dialog.finished.connect(lambda _code: _alive.discard(dialog))
        if self.show:
            dialog.show()
        self.ready.emit(dialog)

    def _failed(self, error: BaseException) -> None:
        QGuiApplication.restoreOverrideCursor()
        _alive.discard(self)
        if isinstance(error, UserError):
            message = error.message
        else:
            log.error("making a PDF failed", exc_info=error)
            message = _("The document could not be made. Please send kamdesk.log to support.")
        if self.show:
            QMessageBox.warning(self.parent_widget, _("Cannot print"), message)
        self.failed.emit(message)


_print_queue: TaskRunner | None = None
_alive: set[QObject] = set()


def _printer() -> TaskRunner:
    """The PDF queue: a thread of its own, so a burst of print requests does not starve database work."""
    global _print_queue
    if _print_queue is None:
        _print_queue = TaskRunner()
    return _print_queue


def wait_for_print_jobs(msecs: int = 30_000) -> bool:
    """Block until queued PDF jobs finish (used on shutdown and by tests)."""
    return _printer().wait(msecs)


# ---------------------------------------------------------------- the preview dialog


class PdfPreviewDialog(QDialog):
    """Pages of a made PDF, with save, print and open-in-viewer."""

    def __init__(
        self,
        pdf: bytes,
        pages: list[QImage] | None,
        *,
        title: str,
        file_name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.pdf = pdf
        self.pages = pages
        self.file_name = file_name
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.resize(940, 900)

        content = QWidget()
        column = QVBoxLayout(content)
        column.setSpacing(12)
        if pages:
            for image in pages:
                label = QLabel()
                label.setPixmap(QPixmap.fromImage(image))
                label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
                label.setStyleSheet("background: white; border: 1px solid #9aa5b1;")
                column.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
        else:
            notice = QLabel(
                _(
                    "No preview is available on this computer. "
                    "Save the PDF or open it in your PDF viewer to print it."
                )
            )
            notice.setWordWrap(True)
            column.addWidget(notice)
        column.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setStyleSheet("QScrollArea { background: #d9dee4; }")
        content.setStyleSheet("background: #d9dee4;")

        self.page_label = QLabel(self)
        count = len(pages) if pages else 0
        self.page_label.setText(
            ngettext("{count} page", "{count} pages", count).format(count=count) if pages else ""
        )
        self.save_button = QPushButton(_("Save as PDF…"), self)
        self.print_button = QPushButton(_("Print…"), self)
        self.open_button = QPushButton(_("Open in PDF viewer"), self)
        self.close_button = QPushButton(_("Close"), self)
        self.print_button.setEnabled(bool(pages))
        self.print_button.setDefault(True)
        self.save_button.clicked.connect(self.ask_save)
        self.print_button.clicked.connect(self.ask_print)
        self.open_button.clicked.connect(self.open_externally)
        self.close_button.clicked.connect(self.close)

        buttons = QHBoxLayout()
        buttons.addWidget(self.page_label)
        buttons.addStretch(1)
        for button in (self.save_button, self.open_button, self.print_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)

    @property
    def page_count(self) -> int:
        return len(self.pages) if self.pages else 0

    def save_to(self, path: Path) -> None:
        path.write_bytes(self.pdf)

    def ask_save(self) -> None:
        start = str(Path.home() / self.file_name)
        path, _filter = QFileDialog.getSaveFileName(self, _("Save as PDF"), start, _("PDF files (*.pdf)"))
        if not path:
            return
        target = Path(path if path.lower().endswith(".pdf") else path + ".pdf")
        try:
            self.save_to(target)
        except OSError as error:
            QMessageBox.warning(
                self, _("Cannot save"), _("The file could not be saved: {error}").format(error=error)
            )

    def ask_print(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.file_name)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(_("Print"))
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Send the document to ``printer``; "print to PDF file" gets the original, searchable PDF."""
        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and printer.outputFileName():
            self.save_to(Path(printer.outputFileName()))
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.paint_pages(printer)
        finally:
            QGuiApplication.restoreOverrideCursor()

    def paint_pages(self, printer: Any) -> int:
        """Raster each page at the printer's resolution (capped) onto ``printer``; pages painted."""
        dpi = min(printer.resolution(), PRINT_DPI_CAP)
        images = render_pages(self.pdf, dpi) or []
        painter = QPainter()
        if not images or not painter.begin(printer):
            return 0
        try:
            for index, image in enumerate(images):
                if index:
                    printer.newPage()
                area = painter.viewport()
                size = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.setViewport(area.x(), area.y(), size.width(), size.height())
                painter.setWindow(image.rect())
                painter.drawImage(0, 0, image)
                painter.setViewport(area)
                painter.setWindow(area)
        finally:
            painter.end()
        return len(images)

    def open_externally(self) -> None:
        folder = Path(tempfile.mkdtemp(prefix="kamdesk-print-"))
        path = folder / self.file_name
        self.save_to(path)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


# ---------------------------------------------------------------- what screens call


def _sessions(store: Any) -> sessionmaker[Session]:
    """Accept a Store or its session factory, so screens pass whichever they hold."""
    return getattr(store, "sessions", store)


def _safe(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("_") or "kamdesk"


def print_previsit_sheet(
    parent: QWidget | None, store: Any, account_id: str, *, today: date | None = None, show: bool = True
) -> PrintRequest:
    """Make the account's pre-visit sheet off the GUI thread, then preview it."""
    day = today or business_today()

    def produce(session: Session) -> bytes:
        return sheets.previsit_pdf(session, account_id, today=day)

    return PrintRequest(
        parent,
        _sessions(store),
        produce,
        title=_("Pre-visit sheet"),
        file_name=_safe(_("Pre-visit sheet") + f"-{day.isoformat()}-{account_id[:8]}") + ".pdf",
        show=show,
    )


def print_visit_record(
    parent: QWidget | None, store: Any, visit_id: str, *, show: bool = True
) -> PrintRequest:
    """Make the visit's record off the GUI thread, then preview it."""

    def produce(session: Session) -> bytes:
        return sheets.visit_record_pdf(session, visit_id)

    return PrintRequest(
        parent,
        _sessions(store),
        produce,
        title=_("Visit record"),
        file_name=_safe(_("Visit record") + f"-{visit_id[:8]}") + ".pdf",
        show=show,
    )


def print_day_pack(
    parent: QWidget | None, store: Any, day: date, *, user_id: str | None = None, show: bool = True
) -> PrintRequest:
    """Make the day pack of ``day`` (the signed-in manager's visits by default), then preview it."""
    owner = user_id or getattr(store, "user_id", None)

    def produce(session: Session) -> bytes:
        return sheets.day_pack_pdf(session, day, user_id=owner)

    return PrintRequest(
        parent,
        _sessions(store),
        produce,
        title=_("Day pack"),
        file_name=_safe(_("Day pack") + f"-{day.isoformat()}") + ".pdf",
        show=show,
    )


def previsit_action(parent: QWidget, store: Any, account_id: Callable[[], str | None]) -> QAction:
    """A "Print pre-visit sheet…" action for a screen that shows one account at a time."""
    action = QAction(_("Print pre-visit sheet…"), parent)

    def trigger() -> None:
        current = account_id()
        if current:
            print_previsit_sheet(parent, store, current)

    action.triggered.connect(trigger)
    return action


def account_context_menu(view: QAbstractItemView, store: Any, index: QModelIndex) -> QMenu | None:
    """The print menu for the account row at ``index`` (rows carry ``ACCOUNT_ID_ROLE``)."""
    account_id = index.data(ACCOUNT_ID_ROLE) if index.isValid() else None
    if not account_id:
        return None
    menu = QMenu(view)
    action = menu.addAction(_("Print pre-visit sheet…"))
    action.triggered.connect(lambda: print_previsit_sheet(view, store, account_id))
    return menu


def install_account_print_menu(view: QAbstractItemView, store: Any) -> None:
    """Right-click on an account row offers "Print pre-visit sheet…"."""
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def show_menu(position: QPoint) -> None:
        menu = account_context_menu(view, store, view.indexAt(position))
        if menu is not None:
            menu.exec(view.viewport().mapToGlobal(position))

    view.customContextMenuRequested.connect(show_menu)
