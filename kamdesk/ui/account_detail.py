"""The account detail: profile (editable), contacts (editable), products and contracts with the
expiring ones highlighted, a 13-month revenue chart, visit history, complaints, needs and
competitor notes. A toolbar (``actions_bar``) is the place for other areas' buttons: it already
holds "Start visit" and "Print pre-visit sheet", hidden until ``show_actions`` is called, which
emit ``start_visit_requested(account_id)`` / ``print_previsit_requested(account_id)``."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from kamdesk.domain import account_detail, account_editing
from kamdesk.domain.account_detail import AccountDetail, ContactInfo
from kamdesk.domain.account_editing import ProfileEdit, ValidationError
from kamdesk.domain.clock import BUSINESS_TZ
from kamdesk.domain.vocabulary import format_yuan, label
from kamdesk.i18n import _
from kamdesk.models.enums import AccountStatus, ComplaintStatus, Industry, OpportunityStatus, ScopeLevel, Tier
from kamdesk.ui.account_forms import DATE_HINT, ContactDialog, FieldErrors, parse_date
from kamdesk.ui.revenue_chart import RevenueChart
from kamdesk.ui.tasks import TaskRunner

EXPIRING_BACKGROUND = QColor("#fde2e1")
EXPIRING_FOREGROUND = QColor("#b71c1c")


def _table(headers: list[str], parent: QWidget) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.setAlternatingRowColors(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    table.setWordWrap(False)
    return table


def _fill(table: QTableWidget, rows: list[list[Any]]) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.setItem(r, c, QTableWidgetItem("" if value is None else str(value)))


def _local_day(moment: Any) -> str:
    return moment.astimezone(BUSINESS_TZ).strftime("%Y-%m-%d %H:%M") if moment else ""


class ProfileForm(QWidget):
    """The editable profile; Save validates, shows messages inline, and writes through the outbox."""

    saved = Signal()

    def __init__(self, sessions: sessionmaker[Session], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sessions = sessions
        self.account_id: str | None = None
        self.errors = FieldErrors()
        self.name = QLineEdit(self)
        self.short_name = QLineEdit(self)
        self.tier = QComboBox(self)
        for tier in Tier:
            self.tier.addItem(label(tier), tier.value)
        self.industry = QComboBox(self)
        for industry in Industry:
            self.industry.addItem(label(industry), industry.value)
        self.sub_industry = QLineEdit(self)
        self.scope_level = QComboBox(self)
        for scope in ScopeLevel:
            self.scope_level.addItem(label(scope), scope.value)
        self.status = QComboBox(self)
        for status in AccountStatus:
            self.status.addItem(label(status), status.value)
        self.city = QLineEdit(self)
        self.district = QLineEdit(self)
        self.address = QLineEdit(self)
        self.customer_since = QLineEdit(self)
        self.customer_since.setPlaceholderText(DATE_HINT)
        self.employee_count = QSpinBox(self)
        self.employee_count.setRange(0, 10_000_000)
        self.notes = QPlainTextEdit(self)
        self.notes.setFixedHeight(70)
        self.code = QLabel(self)
        self.managers = QLabel(self)
        self.save_button = QPushButton(_("Save profile"), self)
        self.revert_button = QPushButton(_("Undo changes"), self)
        self.saved_label = QLabel(self)

        left, right = QFormLayout(), QFormLayout()
        left.addRow(_("Code"), self.code)
        for form, rows in (
            (
                left,
                (
                    ("name", _("Account name"), self.name),
                    ("short_name", _("Short name"), self.short_name),
                    ("tier", _("Tier"), self.tier),
                    ("scope_level", _("Scope"), self.scope_level),
                    ("status", _("Status"), self.status),
                    ("customer_since", _("Customer since"), self.customer_since),
                ),
            ),
            (
                right,
                (
                    ("industry", _("Industry"), self.industry),
                    ("sub_industry", _("Sub-industry"), self.sub_industry),
                    ("city", _("City"), self.city),
                    ("district", _("District"), self.district),
                    ("address", _("Address"), self.address),
                    ("employee_count", _("Employees"), self.employee_count),
                ),
            ),
        ):
            for key, text, widget in rows:
                form.addRow(text, self.errors.wrap(key, widget, self))
        right.addRow(_("Managers"), self.managers)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.saved_label, 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(QLabel(_("Notes"), self))
        layout.addWidget(self.errors.wrap("notes", self.notes, self))
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self._revert)
        self._detail: AccountDetail | None = None

    def show_detail(self, detail: AccountDetail) -> None:
        self._detail = detail
        p = detail.profile
        self.account_id = p.id
        self.code.setText(p.code)
        self.name.setText(p.name)
        self.short_name.setText(p.short_name or "")
        self.tier.setCurrentIndex(self.tier.findData(p.tier.value))
        self.industry.setCurrentIndex(self.industry.findData(p.industry.value))
        self.scope_level.setCurrentIndex(self.scope_level.findData(p.scope_level.value))
        self.status.setCurrentIndex(self.status.findData(p.status.value))
        self.sub_industry.setText(p.sub_industry or "")
        self.city.setText(p.city or "")
        self.district.setText(p.district or "")
        self.address.setText(p.address or "")
        self.customer_since.setText(p.customer_since.isoformat() if p.customer_since else "")
        self.employee_count.setValue(p.employee_count or 0)
        self.notes.setPlainText(p.notes or "")
        self.managers.setText(
            _("Primary {primary} · secondary {secondary}").format(
                primary=p.primary_manager or "—", secondary=p.secondary_manager or "—"
            )
        )
        self.errors.show({})

    def _revert(self) -> None:
        if self._detail is not None:
            self.show_detail(self._detail)
            self.saved_label.clear()

    def edit(self) -> ProfileEdit | None:
        try:
            since = parse_date(self.customer_since.text())
        except ValueError:
            self.errors.show(
                {"customer_since": _("Enter a date such as {example}.").format(example=DATE_HINT)}
            )
            return None
        return ProfileEdit(
            name=self.name.text(),
            tier=Tier(self.tier.currentData()),
            industry=Industry(self.industry.currentData()),
            status=AccountStatus(self.status.currentData()),
            scope_level=ScopeLevel(self.scope_level.currentData()),
            short_name=self.short_name.text(),
            sub_industry=self.sub_industry.text(),
            city=self.city.text(),
            district=self.district.text(),
            address=self.address.text(),
            customer_since=since,
            employee_count=self.employee_count.value() or None,
            notes=self.notes.toPlainText(),
        )

    def save(self) -> bool:
        if self.account_id is None:
            return False
        edit = self.edit()
        if edit is None:
            self.saved_label.clear()
            return False
        try:
            with self.sessions.begin() as session:
                account_editing.save_profile(session, self.account_id, edit)
        except ValidationError as invalid:
            self.errors.show(invalid.errors)
            self.saved_label.clear()
            return False
        self.errors.show({})
        self.saved_label.setText(_("Saved; the change will be sent at the next sync."))
        self.saved.emit()
        return True


class AccountDetailView(QWidget):
    loaded = Signal()
    changed = Signal(str)  # account id: profile or contacts were saved
    start_visit_requested = Signal(str)
    print_previsit_requested = Signal(str)

    def __init__(
        self,
        sessions: sessionmaker[Session],
        account_id: str,
        tasks: TaskRunner | None = None,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.sessions = sessions
        self.account_id = account_id
        self.tasks = tasks or TaskRunner(self)
        self.today = today
        self.detail: AccountDetail | None = None

        self.actions_bar = QToolBar(self)
        self.start_visit_action = QAction(_("Start visit"), self)
        self.start_visit_action.triggered.connect(lambda: self.start_visit_requested.emit(self.account_id))
        self.print_action = QAction(_("Print pre-visit sheet"), self)
        self.print_action.triggered.connect(lambda: self.print_previsit_requested.emit(self.account_id))
        for action in (self.start_visit_action, self.print_action):
            action.setVisible(False)
            self.actions_bar.addAction(action)
        self.title = QLabel(self)
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title.setFont(font)
        self.subtitle = QLabel(self)

        self.tabs = QTabWidget(self)
        self.profile = ProfileForm(sessions, self)
        self.tabs.addTab(self.profile, _("Profile"))

        contacts_tab = QWidget(self)
        self.contacts_table = _table(
            [
                _("Name"),
                _("Decision role"),
                _("Job title"),
                _("Mobile"),
                _("Office phone"),
                _("Birthday"),
                _("Notes"),
            ],
            contacts_tab,
        )
        self.add_contact_button = QPushButton(_("Add contact…"), contacts_tab)
        self.edit_contact_button = QPushButton(_("Edit…"), contacts_tab)
        self.remove_contact_button = QPushButton(_("Remove"), contacts_tab)
        contact_buttons = QHBoxLayout()
        contact_buttons.addStretch(1)
        for button in (self.add_contact_button, self.edit_contact_button, self.remove_contact_button):
            contact_buttons.addWidget(button)
        contacts_layout = QVBoxLayout(contacts_tab)
        contacts_layout.addWidget(self.contacts_table)
        contacts_layout.addLayout(contact_buttons)
        self.tabs.addTab(contacts_tab, _("Contacts"))

        self.products_table = _table(
            [_("Product"), _("Category"), _("Quantity"), _("Monthly fee"), _("Start"), _("Contract end")],
            self,
        )
        self.tabs.addTab(self.products_table, _("Products and contracts"))

        self.chart = RevenueChart(self)
        self.tabs.addTab(self.chart, _("Revenue"))

        self.visits_table = _table([_("When"), _("Kind"), _("Status"), _("Satisfaction"), _("Summary")], self)
        self.tabs.addTab(self.visits_table, _("Visits"))

        issues_tab = QWidget(self)
        self.complaints_table = _table(
            [_("Raised"), _("Complaint"), _("Severity"), _("Status"), _("Answer due")], issues_tab
        )
        self.needs_table = _table([_("Raised"), _("Need"), _("Status"), _("Estimated value")], issues_tab)
        self.competitors_table = _table(
            [_("Noted"), _("Competitor"), _("Offer"), _("Customer reaction")], issues_tab
        )
        issues_layout = QVBoxLayout(issues_tab)
        for title, table in (
            (_("Complaints"), self.complaints_table),
            (_("Needs and opportunities"), self.needs_table),
            (_("Competitor notes"), self.competitors_table),
        ):
            box = QGroupBox(title, issues_tab)
            box_layout = QVBoxLayout(box)
            box_layout.addWidget(table)
            issues_layout.addWidget(box)
        self.tabs.addTab(issues_tab, _("Complaints, needs, competitors"))

        header = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.title)
        titles.addWidget(self.subtitle)
        header.addLayout(titles, 1)
        header.addWidget(self.actions_bar)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.tabs)

        self.profile.saved.connect(self._profile_saved)
        self.add_contact_button.clicked.connect(lambda: self.open_contact(None))
        self.edit_contact_button.clicked.connect(self._edit_selected_contact)
        self.contacts_table.doubleClicked.connect(self._edit_selected_contact)
        self.remove_contact_button.clicked.connect(self._remove_selected_contact)
        self.reload()

    def show_actions(self, *, start_visit: bool = True, print_sheet: bool = True) -> None:
        """Other areas call this once they have connected the matching signal."""
        self.start_visit_action.setVisible(start_visit)
        self.print_action.setVisible(print_sheet)

    def reload(self) -> None:
        account_id, today = self.account_id, self.today

        def work() -> AccountDetail:
            with self.sessions() as session:
                return account_detail.load(session, account_id, today)

        self.tasks.submit(work, self.show_detail)

    def show_detail(self, detail: AccountDetail) -> None:
        self.detail = detail
        p = detail.profile
        self.title.setText(p.name)
        self.subtitle.setText(
            " · ".join(
                part
                for part in (
                    p.code,
                    label(p.tier),
                    label(p.industry),
                    " ".join(x for x in (p.city, p.district) if x),
                    label(p.status),
                )
                if part
            )
        )
        self.profile.show_detail(detail)
        self._show_contacts(detail.contacts)
        _fill(
            self.products_table,
            [
                [
                    x.product_name,
                    label(x.category),
                    x.quantity,
                    format_yuan(x.monthly_fee_fen),
                    x.start_date.isoformat() if x.start_date else "",
                    x.end_date.isoformat() if x.end_date else "",
                ]
                for x in detail.products
            ],
        )
        for row, product in enumerate(detail.products):
            if product.expiring:
                for column in range(self.products_table.columnCount()):
                    item = self.products_table.item(row, column)
                    item.setBackground(QBrush(EXPIRING_BACKGROUND))
                    item.setForeground(QBrush(EXPIRING_FOREGROUND))
                    item.setToolTip(_("The contract ends within 90 days or has ended: plan the renewal."))
        self.chart.show_series(detail.revenue)
        _fill(
            self.visits_table,
            [
                [_local_day(v.when), label(v.kind), label(v.status), v.satisfaction or "", v.summary or ""]
                for v in detail.visits
            ],
        )
        _fill(
            self.complaints_table,
            [
                [
                    _local_day(c.raised_at),
                    c.summary,
                    _("Major") if c.severity == "major" else _("Normal"),
                    _complaint_status(c.status),
                    _local_day(c.answer_due_at),
                ]
                for c in detail.complaints
            ],
        )
        _fill(
            self.needs_table,
            [
                [n.raised_on.isoformat(), n.title, _need_status(n.status), format_yuan(n.estimated_value_fen)]
                for n in detail.needs
            ],
        )
        _fill(
            self.competitors_table,
            [
                [n.noted_on.isoformat(), n.competitor, n.offer or "", n.customer_reaction or ""]
                for n in detail.competitors
            ],
        )
        self.loaded.emit()

    def _show_contacts(self, contacts: list[ContactInfo]) -> None:
        _fill(
            self.contacts_table,
            [
                [
                    c.name,
                    label(c.decision_role),
                    c.title or "",
                    c.mobile or "",
                    c.phone or "",
                    c.birthday.isoformat() if c.birthday else "",
                    c.notes or "",
                ]
                for c in contacts
            ],
        )

    def _selected_contact(self) -> ContactInfo | None:
        rows = self.contacts_table.selectionModel().selectedRows()
        if not rows or self.detail is None:
            return None
        return self.detail.contacts[rows[0].row()]

    def open_contact(self, contact: ContactInfo | None) -> ContactDialog:
        dialog = ContactDialog(self.sessions, self.account_id, contact, self)
        dialog.accepted.connect(self._contacts_saved)
        dialog.open()
        return dialog

    def _edit_selected_contact(self) -> None:
        contact = self._selected_contact()
        if contact is not None:
            self.open_contact(contact)

    def _remove_selected_contact(self) -> None:
        contact = self._selected_contact()
        if contact is None:
            return
        with self.sessions.begin() as session:
            account_editing.remove_contact(session, contact.id)
        self._contacts_saved()

    def _contacts_saved(self) -> None:
        self.changed.emit(self.account_id)
        self.reload()

    def _profile_saved(self) -> None:
        self.changed.emit(self.account_id)
        self.reload()


def _complaint_status(status: ComplaintStatus) -> str:
    return {
        ComplaintStatus.OPEN: _("Open"),
        ComplaintStatus.ANSWERED: _("Answered"),
        ComplaintStatus.CLOSED: _("Closed"),
    }[status]


def _need_status(status: OpportunityStatus) -> str:
    return {
        OpportunityStatus.OPEN: _("Open"),
        OpportunityStatus.WON: _("Won"),
        OpportunityStatus.LOST: _("Not won"),
        OpportunityStatus.DROPPED: _("Dropped"),
    }[status]


class AccountDetailWindow(QDialog):
    """The detail in its own non-modal window, so several accounts can be open side by side."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        account_id: str,
        tasks: TaskRunner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.resize(1000, 680)
        self.view = AccountDetailView(sessions, account_id, tasks, self)
        self.view.loaded.connect(lambda: self.setWindowTitle(self.view.title.text()))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.view)
