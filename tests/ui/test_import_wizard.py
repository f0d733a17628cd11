from __future__ import annotations

import threading

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QWizard
from sqlalchemy import func, select

from kamdesk.models import Account, OutboxEntry
from kamdesk.ui.import_wizard import ImportWizard
from tests.unit.domain.importing.test_import import GOOD, HEADERS, write_csv

pytestmark = pytest.mark.qt


def counts(store) -> tuple[int, int]:
    with store.sessions() as session:
        return (
            session.scalar(select(func.count()).select_from(Account)) or 0,
            session.scalar(select(func.count()).select_from(OutboxEntry)) or 0,
        )


def walk_to_check(qtbot, wizard: ImportWizard, path) -> None:
    with qtbot.waitSignal(wizard.file_loaded, timeout=20000):
        wizard.load_file(path)
    assert wizard.file_page.isComplete()
    wizard.next()
    assert wizard.currentPage() is wizard.mapping_page
    with qtbot.waitSignal(wizard.validated, timeout=20000):
        wizard.next()


def test_mapping_preview_and_import_valid_rows_with_error_report(qtbot, store, tmp_path, chinese) -> None:
    rows = [*GOOD, ["HN0009", "湖南星城物流有限公司", "Z", "企业", "", "", "", "", "", ""]]
    path = write_csv(tmp_path / "清单.csv", rows, "gbk")
    wizard = ImportWizard(store.sessions, store.user_id)
    qtbot.addWidget(wizard)
    wizard.show()
    with qtbot.waitSignal(wizard.file_loaded, timeout=20000):
        wizard.load_file(path)
    assert "4" in wizard.file_page.status.text() and "gb18030" in wizard.file_page.status.text()
    wizard.next()
    page = wizard.mapping_page
    assert page.combos["name"].currentText() == "客户名称"
    assert page.preview.rowCount() == 4 and page.preview.item(0, 1).text() == GOOD[0][1]
    page.set_column("tier", None)
    assert not page.isComplete() and page.missing.text() == "请为以下字段选择列：等级。"
    page.set_column("tier", HEADERS.index("客户等级"))
    assert page.isComplete() and page.missing.text() == ""
    with qtbot.waitSignal(wizard.validated, timeout=20000):
        wizard.next()
    check = wizard.check_page
    assert check.problems.rowCount() == 1 and "Z" in check.problems.item(0, 3).text()
    assert "3" in check.import_valid.text() and check.import_nothing.isVisibleTo(wizard)
    with qtbot.waitSignal(wizard.import_finished, timeout=30000):
        wizard.next()
    assert (wizard.result.created, wizard.result.updated) == (3, 0)
    assert counts(store)[0] == 3
    report = wizard.report_path
    assert report is not None and report.exists() and report.parent == tmp_path
    assert load_workbook(report).worksheets[1]["B2"].value == "湖南星城物流有限公司"
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()


def test_import_nothing_leaves_the_store_untouched(qtbot, store, tmp_path) -> None:
    rows = [*GOOD, ["HN0001", "重复", "A1", "企业", "", "", "", "", "", ""]]
    wizard = ImportWizard(store.sessions, store.user_id)
    qtbot.addWidget(wizard)
    wizard.show()
    walk_to_check(qtbot, wizard, write_csv(tmp_path / "p.csv", rows, "utf-8-sig"))
    wizard.check_page.import_nothing.setChecked(True)
    with qtbot.waitSignal(wizard.import_finished, timeout=30000):
        wizard.next()
    assert counts(store) == (0, 0) and wizard.result is None and wizard.report_path is None


def test_cancel_during_import_rolls_everything_back(qtbot, store, tmp_path) -> None:
    rows = [
        [f"HN2{n:04d}", f"湖南麓谷软件有限公司{n}", "C", "企业", "", "", "", "", "", ""] for n in range(300)
    ]
    wizard = ImportWizard(store.sessions, store.user_id)
    qtbot.addWidget(wizard)
    wizard.show()
    walk_to_check(qtbot, wizard, write_csv(tmp_path / "p.csv", rows, "utf-8"))
    gate = threading.Event()
    wizard.tasks.submit(gate.wait, lambda _result: None)  # hold the worker so Cancel comes first
    with qtbot.waitSignal(wizard.import_finished, timeout=30000):
        wizard.next()  # queues the import behind the held job
        wizard.reject()  # the manager presses Cancel
        gate.set()
    assert wizard.error is not None and counts(store) == (0, 0)
