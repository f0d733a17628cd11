"""The Today page, the app's start: today's alerts, planned visits, accounts behind their cadence,
complaints near their deadline and tasks due, each alert with its natural action and a snooze.

Acting emits a signal (``log_visit_requested``, ``plan_visit_requested``,
``open_complaint_requested``, ``open_visit_requested``). With ``built_in_actions`` the page
answers them itself with small dialogs; the app can connect the visit-form UI instead.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from kamdesk.domain import alerts, contact_log, planning
from kamdesk.domain.alerts import Action, Alert
from kamdesk.domain.alerts import text as alert_text
from kamdesk.domain.alerts.engine import OverdueAccount
from kamdesk.domain.clock import BUSINESS_TZ
from kamdesk.domain.today import ComplaintDue, TaskDue, today_lists
from kamdesk.domain.vocabulary import label
from kamdesk.i18n import N_, _, ngettext
from kamdesk.models import Account, Complaint
from kamdesk.models.enums import VisitKind
from kamdesk.ui.alert_dialogs import ComplaintDialog, PlanVisitDialog, QuickLogDialog, SnoozeDialog
from kamdesk.ui.alert_service import AlertService
from kamdesk.ui.rows_model import ColumnSpec, RowsModel

SEVERITY_MARK = {alerts.Severity.URGENT: "●●●", alerts.Severity.WARNING: "●●", alerts.Severity.INFO: "●"}


SEVERITY_COLOR = {
    alerts.Severity.URGENT: "#b00020",
    alerts.Severity.WARNING: "#b35c00",
    alerts.Severity.INFO: None,
}
ALERT_COLUMNS: list[ColumnSpec[Alert]] = [
    ColumnSpec(N_("Level"), lambda a: SEVERITY_MARK[a.severity], 48),
    ColumnSpec(N_("Alert"), alert_text.title, 150),
    ColumnSpec(N_("Account"), lambda a: a.account_name, 260),
    ColumnSpec(N_("Reason"), alert_text.reason),
    ColumnSpec(N_("Action"), lambda a: alert_text.action_label(a.action), 120),
]
PLANNED_COLUMNS: list[ColumnSpec[planning.PlannedVisit]] = [
    ColumnSpec(N_("Time"), lambda v: v.planned_at.astimezone(BUSINESS_TZ).strftime("%H:%M")),
    ColumnSpec(N_("Kind"), lambda v: label(v.kind)),
    ColumnSpec(N_("Account"), lambda v: v.account_name),
    ColumnSpec(N_("Place"), lambda v: f"{v.city or ''}{v.district or ''}"),
]
OVERDUE_COLUMNS: list[ColumnSpec[OverdueAccount]] = [
    ColumnSpec(N_("Account"), lambda r: r.account_name),
    ColumnSpec(N_("Overdue"), lambda r: " · ".join(label(k) for k in r.kinds)),
    ColumnSpec(N_("Days overdue"), lambda r: str(r.days)),
    ColumnSpec(N_("Due since"), lambda r: r.due.isoformat()),
]
COMPLAINT_COLUMNS: list[ColumnSpec[ComplaintDue]] = [
    ColumnSpec(N_("Answer due"), lambda c: c.answer_due_at.astimezone(BUSINESS_TZ).strftime("%m-%d %H:%M")),
    ColumnSpec(N_("Hours left"), lambda c: f"{c.hours_left:.1f}"),
    ColumnSpec(N_("Account"), lambda c: c.account_name),
    ColumnSpec(N_("Complaint"), lambda c: c.summary),
]
TASK_COLUMNS: list[ColumnSpec[TaskDue]] = [
    ColumnSpec(N_("Due"), lambda t: t.due_on.isoformat()),
    ColumnSpec(N_("Task"), lambda t: t.title),
    ColumnSpec(N_("Account"), lambda t: t.account_name or ""),
]


def _table(model: RowsModel, parent: QWidget, stretch: int) -> QTableView:  # type: ignore[type-arg]
    table = QTableView(parent)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(False)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    for column, spec in enumerate(model.columns):
        if spec.width:
            table.setColumnWidth(column, spec.width)
        elif column != stretch:
            table.setColumnWidth(column, 160)
    return table


class TodayView(QWidget):
    log_visit_requested = Signal(str, str, str)  # account id, visit kind, alert key ('' if none)
    plan_visit_requested = Signal(str, str, str)  # account id, visit kind, alert key
    open_complaint_requested = Signal(str, str)  # complaint id, alert key
    open_visit_requested = Signal(str)  # planned visit id
    badge_changed = Signal(str)

    def __init__(
        self,
        service: AlertService,
        sessions: sessionmaker[Session],
        *,
        user_id: str | None = None,
        built_in_actions: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.sessions = sessions
        self.user_id = user_id
        self.active_dialog: QWidget | None = None

        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.alerts_model: RowsModel[Alert] = RowsModel(
            ALERT_COLUMNS, self, color=lambda a: SEVERITY_COLOR[a.severity]
        )
        self.planned_model: RowsModel[planning.PlannedVisit] = RowsModel(PLANNED_COLUMNS, self)
        self.overdue_model: RowsModel[OverdueAccount] = RowsModel(OVERDUE_COLUMNS, self)
        self.complaints_model: RowsModel[ComplaintDue] = RowsModel(COMPLAINT_COLUMNS, self)
        self.tasks_model: RowsModel[TaskDue] = RowsModel(TASK_COLUMNS, self)

        self.tabs = QTabWidget(self)
        self.alerts_table = _table(self.alerts_model, self, 3)
        self.planned_table = _table(self.planned_model, self, 2)
        self.overdue_table = _table(self.overdue_model, self, 0)
        self.complaints_table = _table(self.complaints_model, self, 3)
        self.tasks_table = _table(self.tasks_model, self, 1)
        alerts_page = QWidget(self)
        self.action_button = QPushButton(_("Act on alert"), alerts_page)
        self.snooze_button = QPushButton(_("Snooze…"), alerts_page)
        self.refresh_button = QPushButton(_("Re-check all"), alerts_page)
        buttons = QHBoxLayout()
        buttons.addWidget(self.action_button)
        buttons.addWidget(self.snooze_button)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        page_layout = QVBoxLayout(alerts_page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addWidget(self.alerts_table)
        page_layout.addLayout(buttons)
        for page in (
            alerts_page,
            self.planned_table,
            self.overdue_table,
            self.complaints_table,
            self.tasks_table,
        ):
            self.tabs.addTab(page, "")

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)

        self.alerts_table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.alerts_table.doubleClicked.connect(lambda _index: self.act_on_selected())
        self.action_button.clicked.connect(self.act_on_selected)
        self.snooze_button.clicked.connect(self.snooze_selected)
        self.refresh_button.clicked.connect(self.service.refresh_all)
        self.planned_table.doubleClicked.connect(self._open_planned)
        self.complaints_table.doubleClicked.connect(self._open_near_complaint)
        self.service.changed.connect(self.refresh)
        if built_in_actions:
            self.log_visit_requested.connect(self.open_quick_log)
            self.plan_visit_requested.connect(self.open_plan_dialog)
            self.open_complaint_requested.connect(self.open_complaint)
            self.open_visit_requested.connect(self.open_planned_visit)

        if service.board.ready:
            self.refresh()
        else:
            self.summary.setText(_("Checking the portfolio for alerts…"))
            self._refresh_lists()
            service.refresh_all()
        self._update_buttons()

    # ----- filling
    def refresh(self) -> None:
        board = self.service.board
        open_alerts = board.open_alerts()
        self.alerts_model.set_rows(open_alerts)
        self.overdue_model.set_rows(board.overdue_accounts())
        self._refresh_lists()
        self._update_buttons()

    def _refresh_lists(self) -> None:
        with self.sessions() as session:
            lists = today_lists(session, self.service.now(), self.user_id)
        self.planned_model.set_rows(lists.planned)
        self.complaints_model.set_rows(lists.complaints)
        self.tasks_model.set_rows(lists.tasks)
        self._update_titles()

    def _update_titles(self) -> None:
        counts = [
            len(self.alerts_model.rows),
            len(self.planned_model.rows),
            len(self.overdue_model.rows),
            len(self.complaints_model.rows),
            len(self.tasks_model.rows),
        ]
        titles = [
            _("Alerts ({count})"),
            _("Planned today ({count})"),
            _("Overdue accounts ({count})"),
            _("Complaints near deadline ({count})"),
            _("Tasks due ({count})"),
        ]
        for index, (title, count) in enumerate(zip(titles, counts, strict=True)):
            self.tabs.setTabText(index, title.format(count=count))
        if self.service.board.ready:
            self.summary.setText(
                _(
                    "{alerts} · {planned} · {overdue} · {complaints} · {tasks}",
                ).format(
                    alerts=ngettext("{count} alert", "{count} alerts", counts[0]).format(count=counts[0]),
                    planned=ngettext(
                        "{count} visit planned today", "{count} visits planned today", counts[1]
                    ).format(count=counts[1]),
                    overdue=ngettext(
                        "{count} account behind cadence", "{count} accounts behind cadence", counts[2]
                    ).format(count=counts[2]),
                    complaints=ngettext(
                        "{count} complaint near its deadline",
                        "{count} complaints near their deadline",
                        counts[3],
                    ).format(count=counts[3]),
                    tasks=ngettext("{count} task due", "{count} tasks due", counts[4]).format(
                        count=counts[4]
                    ),
                )
            )
        self.badge_changed.emit(self.badge_text())

    def badge_text(self) -> str:
        """The navigation entry: "Today" with the number of open alerts."""
        count = len(self.alerts_model.rows) + len(self.complaints_model.rows) + len(self.tasks_model.rows)
        return _("Today ({count})").format(count=count) if count else _("Today")

    # ----- acting
    def selected_alert(self) -> Alert | None:
        index = self.alerts_table.currentIndex()
        return self.alerts_model.row(index.row()) if index.isValid() else None

    def select_alert(self, key: str) -> bool:
        for row, alert in enumerate(self.alerts_model.rows):
            if alert.key == key:
                self.alerts_table.selectRow(row)
                self.alerts_table.setCurrentIndex(self.alerts_model.index(row, 0))
                return True
        return False

    def _update_buttons(self, *_args: object) -> None:
        alert = self.selected_alert()
        self.action_button.setEnabled(alert is not None)
        self.snooze_button.setEnabled(alert is not None)
        self.action_button.setText(alert_text.action_label(alert.action) if alert else _("Act on alert"))

    def act_on_selected(self) -> None:
        alert = self.selected_alert()
        if alert is None:
            return
        kind = (alert.visit_kind or VisitKind.PHONE).value
        if alert.action is Action.LOG_PHONE:
            self.log_visit_requested.emit(alert.account_id, VisitKind.PHONE.value, alert.key)
        elif alert.action is Action.PLAN_VISIT:
            self.plan_visit_requested.emit(alert.account_id, kind, alert.key)
        elif alert.action is Action.OPEN_COMPLAINT and alert.subject_id:
            self.open_complaint_requested.emit(alert.subject_id, alert.key)

    def _alert(self, key: str) -> Alert | None:
        return self.service.board.find(key) if key else None

    def _account_name(self, account_id: str) -> str:
        with self.sessions() as session:
            account = session.get(Account, account_id)
            return account.name if account else ""

    def _changed(self, account_id: str) -> None:
        """Re-evaluate only the account that changed; the board and this page follow."""
        self.service.refresh_accounts([account_id])

    def open_quick_log(
        self, account_id: str, kind: str, alert_key: str = "", planned_visit_id: str = ""
    ) -> None:
        alert = self._alert(alert_key)
        context = alert_text.reason(alert) if alert else ""
        dialog = QuickLogDialog(self._account_name(account_id), VisitKind(kind), context, self)

        def save() -> None:
            with self.sessions.begin() as session:
                details = {"duration_minutes": dialog.duration.value()}
                if planned_visit_id:
                    details["planned_visit_id"] = planned_visit_id  # type: ignore[assignment]
                if alert is not None:
                    contact_log.answer_alert(
                        session, alert, dialog.visit_kind(), dialog.summary.toPlainText(), **details
                    )
                else:
                    contact_log.record_contact(
                        session, account_id, dialog.visit_kind(), dialog.summary.toPlainText(), **details
                    )
            self._changed(account_id)

        self._show(dialog, save)

    def open_planned_visit(self, visit_id: str) -> None:
        for visit in self.planned_model.rows:
            if visit.id == visit_id:
                self.open_quick_log(visit.account_id, visit.kind.value, "", visit_id)
                return

    def open_plan_dialog(self, account_id: str, kind: str, _alert_key: str = "") -> None:
        today = self.service.board.today or date.today()
        dialog = PlanVisitDialog(self._account_name(account_id), VisitKind(kind), today, self)

        def save() -> None:
            with self.sessions.begin() as session:
                planning.plan_visit(session, account_id, dialog.visit_kind(), dialog.visit_day())
            self._refresh_lists()

        self._show(dialog, save)

    def open_complaint(self, complaint_id: str, _alert_key: str = "") -> None:
        with self.sessions() as session:
            complaint = session.get(Complaint, complaint_id)
            if complaint is None:
                return
            account_id = complaint.account_id
            raised = complaint.raised_at.astimezone(BUSINESS_TZ).strftime("%Y-%m-%d %H:%M")
            due = complaint.answer_due_at.astimezone(BUSINESS_TZ).strftime("%Y-%m-%d %H:%M")
            details = _("{summary}\nRaised {raised}; answer due {due}").format(
                summary=complaint.summary, raised=raised, due=due
            )
        dialog = ComplaintDialog(self._account_name(account_id), details, self)

        def save() -> None:
            with self.sessions.begin() as session:
                contact_log.answer_complaint(session, complaint_id, dialog.answer.toPlainText())
            self._changed(account_id)

        self._show(dialog, save)

    def snooze_selected(self) -> None:
        alert = self.selected_alert()
        if alert is None:
            return
        today = self.service.board.today or date.today()
        dialog = SnoozeDialog(today, f"{alert.account_name}: {alert_text.reason(alert)}", self)

        def save() -> None:
            with self.sessions.begin() as session:
                alerts.snooze(session, alert, dialog.until_day(), dialog.reason.toPlainText(), today)
            self._changed(alert.account_id)

        self._show(dialog, save)

    def _show(
        self, dialog: QuickLogDialog | PlanVisitDialog | ComplaintDialog | SnoozeDialog, save: object
    ) -> None:
        dialog.on_save(save)  # type: ignore[arg-type]
        dialog.finished.connect(dialog.deleteLater)
        self.active_dialog = dialog
        dialog.open()

    def _open_planned(self, index: QModelIndex) -> None:
        self.open_visit_requested.emit(self.planned_model.row(index.row()).id)

    def _open_near_complaint(self, index: QModelIndex) -> None:
        self.open_complaint_requested.emit(self.complaints_model.row(index.row()).id, "")
