"""Printing from the app: PDFs made off the GUI thread, previewed, saved and printed."""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from sqlalchemy import select

from kamdesk.models import Account, Visit
from kamdesk.models.enums import VisitStatus
from kamdesk.printing import sheets
from kamdesk.ui.portfolio_model import ACCOUNT_ID_ROLE
from kamdesk.ui.portfolio_view import PortfolioView
from kamdesk.ui.print_actions import (
    PdfPreviewDialog,
    account_context_menu,
    print_day_pack,
    print_previsit_sheet,
    print_visit_record,
    render_pages,
)
from tests.unit.printing import seed

pytestmark = pytest.mark.qt
SHOTS = os.environ.get("KAMDESK_SHOTS")  # set to a folder to keep screenshots to look at


def _first_account(store) -> str:
    with store.sessions() as session:
        return session.scalars(select(Account.id).order_by(Account.name)).first()


def _wait_ready(qtbot, request) -> PdfPreviewDialog:
    with qtbot.waitSignal(request.ready, timeout=60_000) as blocker:
        pass
    dialog = blocker.args[0]
    qtbot.addWidget(dialog)
    return dialog


def test_previsit_sheet_is_made_off_the_gui_thread_and_previewed(
    qtbot, demo_store, chinese, monkeypatch, tmp_path
):
    threads: list[str] = []
    real = sheets.previsit_pdf

    def spy(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(sheets, "previsit_pdf", spy)
    request = print_previsit_sheet(None, demo_store, _first_account(demo_store), today=seed.TODAY, show=False)
    dialog = _wait_ready(qtbot, request)
    assert threads and threads[0] != threading.main_thread().name
    assert dialog.page_count >= 2
    assert dialog.pdf.startswith(b"%PDF")
    assert dialog.print_button.isEnabled()
    target = tmp_path / "sheet.pdf"
    dialog.save_to(target)
    assert "走访准备单" in PdfReader(target).pages[0].extract_text()
    if SHOTS:
        dialog.resize(900, 900)
        dialog.show()
        dialog.grab().save(str(Path(SHOTS) / "preview.png"))


def test_printing_to_a_pdf_file_keeps_the_original_searchable_pdf(qtbot, demo_store, chinese, tmp_path):
    dialog = _wait_ready(
        qtbot, print_previsit_sheet(None, demo_store, _first_account(demo_store), show=False)
    )
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    dialog.print_to(printer)
    assert (tmp_path / "printed.pdf").read_bytes() == dialog.pdf


def test_a_printer_gets_every_page_painted(qtbot, demo_store, chinese, tmp_path):
    dialog = _wait_ready(
        qtbot, print_previsit_sheet(None, demo_store, _first_account(demo_store), show=False)
    )
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)  # stands in for a real device here
    printer.setOutputFileName(str(tmp_path / "raster.pdf"))
    assert dialog.paint_pages(printer) == dialog.page_count
    assert len(PdfReader(tmp_path / "raster.pdf").pages) == dialog.page_count


def test_visit_record_and_day_pack_are_offered_too(qtbot, store, chinese):
    with store.sessions.begin() as session:
        user_id = seed.add_user(session)
        template = seed.small_template()
        seed.add_template(session, template)
        account_id = seed.add_account(session, manager_id=user_id)
        visit_id = seed.add_visit(
            session,
            account_id,
            status=VisitStatus.SUBMITTED,
            template=template,
            answers={"has_complaint": False},
            owner_id=user_id,
        )
        seed.add_visit(session, account_id, owner_id=user_id, template=template)
    record = _wait_ready(qtbot, print_visit_record(None, store, visit_id, show=False))
    assert "回访记录" in PdfReader(io.BytesIO(record.pdf)).pages[0].extract_text()
    pack = _wait_ready(qtbot, print_day_pack(None, store, seed.TODAY, user_id=user_id, show=False))
    assert "计划走访1家" in PdfReader(io.BytesIO(pack.pdf)).pages[0].extract_text().replace(" ", "")


def test_a_missing_visit_fails_in_words(qtbot, store, chinese):
    request = print_visit_record(None, store, "no-such-visit", show=False)
    with qtbot.waitSignal(request.failed, timeout=30_000) as blocker:
        pass
    assert blocker.args == ["该回访已不存在。"]


def test_without_a_renderer_the_dialog_still_saves(qtbot, monkeypatch, tmp_path):
    dialog = PdfPreviewDialog(b"%PDF-1.4 test", None, title="t", file_name="x.pdf")
    qtbot.addWidget(dialog)
    assert not dialog.print_button.isEnabled()
    dialog.save_to(tmp_path / "x.pdf")
    assert (tmp_path / "x.pdf").read_bytes() == b"%PDF-1.4 test"


def test_pages_render_to_images(demo_store, chinese):
    with demo_store.sessions() as session:
        pdf = sheets.previsit_pdf(session, _first_account(demo_store), today=seed.TODAY)
    images = render_pages(pdf, 40)
    assert images and all(not image.isNull() for image in images)
    assert images[0].width() == round(595.27 * 40 / 72)


def test_portfolio_rows_offer_the_pre_visit_sheet(qtbot, demo_store, chinese):
    view = PortfolioView(demo_store.sessions)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=20000)  # the list loads off the GUI thread
    index = view.model.index(0, 0)
    menu = account_context_menu(view.table, demo_store.sessions, index)
    assert menu is not None
    [action] = menu.actions()
    assert action.text() == "打印走访准备单…"
    account_id = index.data(ACCOUNT_ID_ROLE)
    assert account_id
    assert account_context_menu(view.table, demo_store.sessions, view.model.index(-1, 0)) is None


def test_planned_visits_only_in_the_pack(store):
    with store.sessions.begin() as session:
        account_id = seed.add_account(session, with_history=False)
        seed.add_visit(session, account_id, status=VisitStatus.CANCELLED)
    with store.sessions() as session:
        assert session.scalar(select(Visit.status)) is VisitStatus.CANCELLED
        pdf = sheets.day_pack_pdf(session, seed.TODAY)
    assert "No visits are planned" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
