"""The import wizard: choose a file → map columns (with a live preview) → check every row →
import the valid rows and save an error report, or import nothing. Reading, checking and
writing run on the task runner's worker thread; the import is one transaction."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)
from sqlalchemy.orm import Session, sessionmaker

from kamdesk.domain.importing import (
    FIELDS,
    ImportResult,
    SourceTable,
    Validation,
    apply_rows,
    guess_mapping,
    read_table,
    validate,
    write_error_report,
)
from kamdesk.domain.importing.mapping import Mapping, missing_required
from kamdesk.errors import UserError
from kamdesk.i18n import _, ngettext
from kamdesk.ui.tasks import TaskRunner

PREVIEW_ROWS = 20


class ImportCancelledError(UserError):
    """The manager pressed Cancel while rows were being written; nothing was imported."""


class _Progress(QObject):
    advanced = Signal(int, int)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.wizard_ = wizard
        self.setTitle(_("Choose the spreadsheet"))
        self.setSubTitle(_("An Excel workbook (.xlsx) or a CSV file in UTF-8 or GBK, one account per row."))
        self.path = QLineEdit(self)
        self.path.setReadOnly(True)
        browse = QPushButton(_("Browse…"), self)
        browse.clicked.connect(self._browse)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addStretch(1)

    def _browse(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Choose the spreadsheet"), str(Path.home()), _("Spreadsheets (*.xlsx *.csv *.txt)")
        )
        if path:
            self.wizard_.load_file(Path(path))

    def isComplete(self) -> bool:
        return self.wizard_.table is not None


class MappingPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.wizard_ = wizard
        self.setTitle(_("Match the columns"))
        self.setSubTitle(_("kamdesk guessed which column holds what; fields marked * are required."))
        self.fields = QTableWidget(len(FIELDS), 2, self)
        self.fields.setHorizontalHeaderLabels([_("Field"), _("Column in the file")])
        self.fields.verticalHeader().setVisible(False)
        self.fields.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.combos: dict[str, QComboBox] = {}
        for row, field in enumerate(FIELDS):
            item = QTableWidgetItem(_(field.label) + (" *" if field.required else ""))
            self.fields.setItem(row, 0, item)
            combo = QComboBox(self.fields)
            combo.currentIndexChanged.connect(self._changed)
            self.fields.setCellWidget(row, 1, combo)
            self.combos[field.key] = combo
        self.preview = QTableWidget(self)
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.missing = QLabel(self)
        self.missing.setStyleSheet("color: #c62828;")
        layout = QHBoxLayout(self)
        layout.addWidget(self.fields, 2)
        right = QVBoxLayout()
        right.addWidget(QLabel(_("Preview of the first rows as they will be imported:"), self))
        right.addWidget(self.preview, 1)
        right.addWidget(self.missing)
        layout.addLayout(right, 3)

    def initializePage(self) -> None:
        table = self.wizard_.table
        assert table is not None
        for key, combo in self.combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(_("(not imported)"), None)
            for index, header in enumerate(table.headers):
                combo.addItem(header or _("Column {number}").format(number=index + 1), index)
            chosen = self.wizard_.mapping.get(key)
            combo.setCurrentIndex(0 if chosen is None else chosen + 1)
            combo.blockSignals(False)
        self._changed()

    def set_column(self, key: str, column: int | None) -> None:
        self.combos[key].setCurrentIndex(0 if column is None else column + 1)

    def _changed(self) -> None:
        table = self.wizard_.table
        if table is None:
            return
        self.wizard_.mapping = {key: combo.currentData() for key, combo in self.combos.items()}
        mapped = [
            (f, self.wizard_.mapping[f.key]) for f in FIELDS if self.wizard_.mapping.get(f.key) is not None
        ]
        self.preview.clear()
        self.preview.setColumnCount(len(mapped))
        self.preview.setHorizontalHeaderLabels([_(f.label) for f, _c in mapped])
        rows = table.rows[:PREVIEW_ROWS]
        self.preview.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, (_field, column) in enumerate(mapped):
                self.preview.setItem(r, c, QTableWidgetItem(_cell(values[column])))
        missing = missing_required(self.wizard_.mapping)
        self.missing.setText(
            _("Choose a column for: {fields}.").format(fields="、".join(_(f.label) for f in missing))
            if missing
            else ""
        )
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not missing_required(self.wizard_.mapping)


class CheckPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.wizard_ = wizard
        self.setTitle(_("Check the rows"))
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.problems = QTableWidget(0, 4, self)
        self.problems.setHorizontalHeaderLabels([_("Row"), _("Column"), _("Value"), _("Problem")])
        self.problems.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems.verticalHeader().setVisible(False)
        self.problems.horizontalHeader().setStretchLastSection(True)
        self.import_valid = QRadioButton(self)
        self.import_nothing = QRadioButton(_("Import nothing; I will correct the file first"), self)
        self.import_valid.setChecked(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.problems, 1)
        layout.addWidget(self.import_valid)
        layout.addWidget(self.import_nothing)

    def initializePage(self) -> None:
        self.summary.setText(_("Checking every row…"))
        self.wizard_.run_validation()

    def show_validation(self, validation: Validation) -> None:
        ok, bad = len(validation.drafts), validation.error_rows
        self.summary.setText(
            ngettext("{count} row is ready to import.", "{count} rows are ready to import.", ok).format(
                count=ok
            )
            + " "
            + (
                ngettext(
                    "{count} row has problems and will not be imported.",
                    "{count} rows have problems and will not be imported.",
                    bad,
                ).format(count=bad)
                if bad
                else _("No problems found.")
            )
        )
        self.problems.setRowCount(len(validation.errors))
        from kamdesk.domain.importing.mapping import FIELDS_BY_KEY

        for r, error in enumerate(validation.errors):
            for c, value in enumerate(
                (error.row_number, _(FIELDS_BY_KEY[error.field].label), error.value, error.message)
            ):
                self.problems.setItem(r, c, QTableWidgetItem(str(value)))
        self.problems.resizeColumnsToContents()
        self.problems.setVisible(bool(validation.errors))
        self.import_valid.setText(
            _("Import the {count} valid rows and save the problems to an error report").format(count=ok)
            if bad
            else _("Import all {count} rows").format(count=ok)
        )
        self.import_nothing.setVisible(bool(bad))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.wizard_.validation is not None


class ResultPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.wizard_ = wizard
        self.setTitle(_("Import"))
        self.progress = QProgressBar(self)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addStretch(1)

    def initializePage(self) -> None:
        self.wizard_.run_import(self.wizard_.check_page.import_valid.isChecked())

    def isComplete(self) -> bool:
        return self.wizard_.finished_import


class ImportWizard(QWizard):
    imported = Signal(object)  # ImportResult
    file_loaded = Signal()
    validated = Signal()
    import_finished = Signal()

    def __init__(
        self,
        sessions: sessionmaker[Session],
        user_id: str | None,
        tasks: TaskRunner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.sessions = sessions
        self.user_id = user_id
        self.tasks = tasks or TaskRunner(self)
        self.table: SourceTable | None = None
        self.mapping: Mapping = {}
        self.validation: Validation | None = None
        self.result: ImportResult | None = None
        self.report_path: Path | None = None
        self.error: str | None = None
        self.finished_import = False
        self._cancel = False
        self._progress = _Progress(self)
        self.setWindowTitle(_("Import accounts"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.resize(900, 560)
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.check_page = CheckPage(self)
        self.result_page = ResultPage(self)
        for page in (self.file_page, self.mapping_page, self.check_page, self.result_page):
            self.addPage(page)
        self._progress.advanced.connect(self._advanced)
        self.rejected.connect(self._cancel_running)

    def load_file(self, path: Path) -> None:
        self.file_page.path.setText(str(path))
        self.file_page.status.setText(_("Reading…"))
        self.table = None
        self.file_page.completeChanged.emit()
        self.tasks.submit(lambda: read_table(path), self._file_read, self._file_failed)

    def _file_read(self, table: SourceTable) -> None:
        self.table = table
        self.mapping = guess_mapping(table.headers)
        encoding = table.encoding or "XLSX"
        self.file_page.status.setText(
            ngettext(
                "{count} row found ({encoding}).", "{count} rows found ({encoding}).", len(table.rows)
            ).format(count=len(table.rows), encoding=encoding)
        )
        self.file_page.completeChanged.emit()
        self.file_loaded.emit()

    def _file_failed(self, error: BaseException) -> None:
        self.file_page.status.setText(str(error))
        self.file_page.completeChanged.emit()
        self.file_loaded.emit()

    def run_validation(self) -> None:
        table, mapping = self.table, dict(self.mapping)
        self.validation = None
        self.check_page.completeChanged.emit()
        assert table is not None
        self.tasks.submit(lambda: validate(table, mapping), self._validated, self._validation_failed)

    def _validated(self, validation: Validation) -> None:
        self.validation = validation
        self.check_page.show_validation(validation)
        self.validated.emit()

    def _validation_failed(self, error: BaseException) -> None:
        self.check_page.summary.setText(str(error))
        self.validated.emit()

    def report_target(self) -> Path:
        assert self.table is not None
        source = self.table.path
        return source.with_name(_("{name} problems.xlsx").format(name=source.stem))

    def run_import(self, import_valid: bool) -> None:
        """Import the valid rows (and save the error report), or nothing at all."""
        self.finished_import = False
        assert self.table is not None and self.validation is not None
        if not import_valid:
            self.result_page.progress.hide()
            self.result_page.message.setText(_("Nothing was imported."))
            self._done()
            return
        table, validation, drafts = self.table, self.validation, list(self.validation.drafts)
        report = self.report_target() if validation.errors else None
        self.result_page.progress.setRange(0, max(1, len(drafts)))
        self._cancel = False

        def progress(done: int, total: int) -> None:
            if self._cancel:
                raise ImportCancelledError(_("The import was cancelled; nothing was imported."))
            if done % 100 == 0 or done == total:
                self._progress.advanced.emit(done, total)

        def work() -> tuple[ImportResult, Path | None]:
            with self.sessions.begin() as session:
                result = apply_rows(session, drafts, user_id=self.user_id, progress=progress)
            if report is not None:
                write_error_report(report, table, validation)
            return result, report

        self.tasks.submit(work, self._imported, self._import_failed)

    def _advanced(self, done: int, _total: int) -> None:
        self.result_page.progress.setValue(done)

    def _imported(self, outcome: tuple[ImportResult, Path | None]) -> None:
        self.result, self.report_path = outcome
        result = self.result
        text = _("Imported: {created} new accounts, {updated} updated, {unchanged} unchanged.").format(
            created=result.created, updated=result.updated, unchanged=result.unchanged
        )
        if self.report_path is not None:
            text += "\n" + _(
                "The rows with problems are listed in {path}; open it in Excel, correct them "
                "and import that file again."
            ).format(path=self.report_path)
        self.result_page.message.setText(text)
        self.imported.emit(result)
        self._done()

    def _import_failed(self, error: BaseException) -> None:
        self.error = str(error)
        self.result_page.message.setText(
            str(error)
            if isinstance(error, UserError)
            else _("The import failed and nothing was imported: {reason}").format(reason=error)
        )
        self._done()

    def _done(self) -> None:
        self.finished_import = True
        self.result_page.completeChanged.emit()
        self.button(QWizard.WizardButton.BackButton).setEnabled(False)
        self.import_finished.emit()

    def _cancel_running(self) -> None:
        self._cancel = True
