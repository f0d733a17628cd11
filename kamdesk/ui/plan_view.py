"""The Plan page: the week's planned visits day by day, and "plan my week" with accept/move/drop.

Proposing reads the whole portfolio's cadence, so it runs on a worker thread; accepting,
moving and dropping are single small transactions through the outbox.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from kamdesk.domain import contact_log, planning
from kamdesk.domain.clock import BUSINESS_TZ, business_today
from kamdesk.domain.planning import Proposal, Unplaced, WeekPlan
from kamdesk.domain.vocabulary import label
from kamdesk.errors import UserError
from kamdesk.i18n import N_, _, ngettext
from kamdesk.ui.alert_dialogs import QuickLogDialog
from kamdesk.ui.alert_service import AlertService
from kamdesk.ui.rows_model import ColumnSpec, RowsModel
from kamdesk.ui.tasks import run_in_background

log = logging.getLogger(__name__)
WEEKDAYS = [N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun")]
VISIT_ID_ROLE = Qt.ItemDataRole.UserRole + 1


def day_label(day: date) -> str:
    return _("{weekday} {month}/{day}").format(
        weekday=_(WEEKDAYS[day.weekday()]), month=day.month, day=day.day
    )


PROPOSAL_COLUMNS: list[ColumnSpec[Proposal]] = [
    ColumnSpec(N_("Day"), lambda p: day_label(p.day)),
    ColumnSpec(N_("Kind"), lambda p: label(p.kind)),
    ColumnSpec(N_("Account"), lambda p: p.account_name),
    ColumnSpec(N_("Place"), lambda p: f"{p.city or ''}{p.district or ''}"),
    ColumnSpec(N_("Due"), lambda p: p.due.isoformat()),
    ColumnSpec(N_("Days overdue"), lambda p: str(p.overdue_days) if p.overdue_days else ""),
]
UNPLACED_COLUMNS: list[ColumnSpec[Unplaced]] = [
    ColumnSpec(N_("Account"), lambda u: u.account_name),
    ColumnSpec(N_("Kind"), lambda u: label(u.kind)),
    ColumnSpec(N_("Due"), lambda u: u.due.isoformat()),
    ColumnSpec(N_("Why not planned"), lambda u: planning.unplaced_reason_text(u.reason)),
]


def _table(model: RowsModel, parent: QWidget, stretch: int) -> QTableView:  # type: ignore[type-arg]
    table = QTableView(parent)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.setAlternatingRowColors(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def _badge_text(planned: int) -> str:
    return _("Plan ({count})").format(count=planned) if planned else _("Plan")


def week_badge_text(sessions: sessionmaker[Session], now: datetime) -> str:
    """The navigation entry before the view is built: the visits planned this week, as it shows them."""
    start = planning.week_start(business_today(now))
    with sessions() as session:
        return _badge_text(len(planning.planned_visits(session, start, start + timedelta(days=6))))


class PlanView(QWidget):
    open_visit_requested = Signal(str)  # planned visit id: carry it out (the visit form)
    plan_ready = Signal(object)  # WeekPlan
    badge_changed = Signal(str)

    def __init__(
        self,
        service: AlertService,
        sessions: sessionmaker[Session],
        *,
        built_in_actions: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.sessions = sessions
        self.capacity = planning.Capacity()
        self.week = planning.week_start(business_today(service.now()))
        self.plan: WeekPlan | None = None

        self.previous_button = QPushButton("◀", self)
        self.this_week_button = QPushButton(_("This week"), self)
        self.next_button = QPushButton("▶", self)
        self.week_label = QLabel(self)
        self.plan_button = QPushButton(_("Plan my week"), self)
        top = QHBoxLayout()
        for widget in (self.previous_button, self.this_week_button, self.next_button, self.week_label):
            top.addWidget(widget)
        top.addStretch(1)
        top.addWidget(self.plan_button)

        grid = QGridLayout()
        self.day_headers: list[QLabel] = []
        self.day_lists: list[QListWidget] = []
        for column in range(7):
            header = QLabel(self)
            header.setAlignment(Qt.AlignmentFlag.AlignCenter)
            day_list = QListWidget(self)
            day_list.setWordWrap(True)
            day_list.itemDoubleClicked.connect(self._open_item)
            day_list.currentItemChanged.connect(self._on_select)
            grid.addWidget(header, 0, column)
            grid.addWidget(day_list, 1, column)
            self.day_headers.append(header)
            self.day_lists.append(day_list)
        self.move_day = QComboBox(self)
        self.move_button = QPushButton(_("Move to day"), self)
        self.drop_button = QPushButton(_("Drop visit"), self)
        self.print_button = QPushButton(_("Print the day's pack…"), self)
        self.print_button.clicked.connect(self.print_day)
        week_actions = QHBoxLayout()
        week_actions.addStretch(1)
        week_actions.addWidget(self.move_day)
        week_actions.addWidget(self.move_button)
        week_actions.addWidget(self.drop_button)
        week_actions.addWidget(self.print_button)

        self.proposal_panel = QWidget(self)
        self.proposal_label = QLabel(self.proposal_panel)
        self.proposals_model: RowsModel[Proposal] = RowsModel(PROPOSAL_COLUMNS, self)
        self.unplaced_model: RowsModel[Unplaced] = RowsModel(UNPLACED_COLUMNS, self)
        self.proposals_table = _table(self.proposals_model, self.proposal_panel, 2)
        self.unplaced_label = QLabel(self.proposal_panel)
        self.unplaced_table = _table(self.unplaced_model, self.proposal_panel, 3)
        self.proposal_day = QComboBox(self.proposal_panel)
        self.proposal_move_button = QPushButton(_("Move selected"), self.proposal_panel)
        self.proposal_drop_button = QPushButton(_("Drop selected"), self.proposal_panel)
        self.accept_button = QPushButton(_("Accept plan"), self.proposal_panel)
        self.discard_button = QPushButton(_("Discard"), self.proposal_panel)
        proposal_actions = QHBoxLayout()
        for widget in (self.proposal_day, self.proposal_move_button, self.proposal_drop_button):
            proposal_actions.addWidget(widget)
        proposal_actions.addStretch(1)
        proposal_actions.addWidget(self.discard_button)
        proposal_actions.addWidget(self.accept_button)
        panel_layout = QVBoxLayout(self.proposal_panel)
        panel_layout.setContentsMargins(0, 0, 0, 0)
        panel_layout.addWidget(self.proposal_label)
        panel_layout.addWidget(self.proposals_table, 3)
        panel_layout.addLayout(proposal_actions)
        panel_layout.addWidget(self.unplaced_label)
        panel_layout.addWidget(self.unplaced_table, 1)
        self.proposal_panel.hide()

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(grid, 2)
        layout.addLayout(week_actions)
        layout.addWidget(self.proposal_panel, 3)

        self.previous_button.clicked.connect(lambda: self.show_week(self.week - timedelta(days=7)))
        self.next_button.clicked.connect(lambda: self.show_week(self.week + timedelta(days=7)))
        self.this_week_button.clicked.connect(
            lambda: self.show_week(planning.week_start(business_today(self.service.now())))
        )
        self.plan_button.clicked.connect(self.plan_my_week)
        self.move_button.clicked.connect(self._move_selected_visit)
        self.drop_button.clicked.connect(self._drop_selected_visit)
        self.proposal_move_button.clicked.connect(self._move_selected_proposals)
        self.proposal_drop_button.clicked.connect(self._drop_selected_proposals)
        self.accept_button.clicked.connect(self.accept_plan)
        self.discard_button.clicked.connect(self.discard_plan)
        self.service.changed.connect(self.reload)
        self.active_dialog: QuickLogDialog | None = None
        if built_in_actions:
            self.open_visit_requested.connect(self.carry_out)
        self.show_week(self.week)

    # ----- the week
    def days(self) -> list[date]:
        return [self.week + timedelta(days=offset) for offset in range(7)]

    def show_week(self, start: date) -> None:
        self.week = start
        days = self.days()
        self.week_label.setText(
            _("Week of {start} to {end}").format(start=days[0].isoformat(), end=days[-1].isoformat())
        )
        for combo in (self.move_day, self.proposal_day):
            combo.clear()
            for day in days:
                combo.addItem(day_label(day), day.isoformat())
        with self.sessions() as session:
            visits = planning.planned_visits(session, days[0], days[-1])
        for column, day in enumerate(days):
            self.day_headers[column].setText(day_label(day))
            day_list = self.day_lists[column]
            day_list.clear()
            for visit in (v for v in visits if v.day == day):
                at = visit.planned_at.astimezone(BUSINESS_TZ).strftime("%H:%M")
                place = f"{visit.city or ''}{visit.district or ''}"
                item = QListWidgetItem(f"{at} {label(visit.kind)}\n{visit.account_name}\n{place}")
                item.setData(VISIT_ID_ROLE, visit.id)
                day_list.addItem(item)
        self.planned_count = len(visits)
        self._on_select()
        self.badge_changed.emit(self.badge_text())

    def reload(self) -> None:
        """Show the current week again (after visits changed elsewhere)."""
        self.show_week(self.week)

    def badge_text(self) -> str:
        return _badge_text(getattr(self, "planned_count", 0))

    def selected_visit_id(self) -> str | None:
        for day_list in self.day_lists:
            item = day_list.currentItem()
            if item is not None and item.isSelected():
                return str(item.data(VISIT_ID_ROLE))
        return None

    def selected_day(self) -> date:
        """The day whose visit is selected; else today when it is in the shown week; else Monday."""
        for day, day_list in zip(self.days(), self.day_lists, strict=True):
            item = day_list.currentItem()
            if item is not None and item.isSelected():
                return day
        today = business_today(self.service.now())
        return today if today in self.days() else self.week

    def print_day(self) -> object:
        """Preview the day pack (cover list and every planned visit's sheets) of the selected day."""
        from kamdesk.ui.print_actions import print_day_pack

        self.print_request = print_day_pack(self, self.sessions, self.selected_day())
        return self.print_request

    def _on_select(self, *_args: object) -> None:
        chosen = self.selected_visit_id() is not None
        self.move_button.setEnabled(chosen)
        self.drop_button.setEnabled(chosen)

    def _open_item(self, item: QListWidgetItem) -> None:
        self.open_visit_requested.emit(str(item.data(VISIT_ID_ROLE)))

    def carry_out(self, visit_id: str) -> None:
        """Record a planned visit as done (stand-in for the visit form until it lands)."""
        with self.sessions() as session:
            found = [
                v
                for v in planning.planned_visits(session, self.days()[0], self.days()[-1])
                if v.id == visit_id
            ]
        if not found:
            return
        visit = found[0]
        dialog = QuickLogDialog(visit.account_name, visit.kind, "", self)

        def save() -> None:
            with self.sessions.begin() as session:
                contact_log.record_contact(
                    session,
                    visit.account_id,
                    dialog.visit_kind(),
                    dialog.summary.toPlainText(),
                    duration_minutes=dialog.duration.value(),
                    planned_visit_id=visit.id,
                )
            self.show_week(self.week)
            self.service.refresh_accounts([visit.account_id])

        dialog.on_save(save)
        dialog.finished.connect(dialog.deleteLater)
        self.active_dialog = dialog
        dialog.open()

    def _run(self, action: object) -> bool:
        try:
            with self.sessions.begin() as session:
                action(session)  # type: ignore[operator]
        except UserError as error:
            QMessageBox.warning(self, _("Plan"), error.message)
            return False
        return True

    def _move_selected_visit(self) -> None:
        visit_id = self.selected_visit_id()
        if visit_id is None:
            return
        day = date.fromisoformat(self.move_day.currentData())
        if self._run(lambda s: planning.move_planned(s, visit_id, day)):
            self.show_week(self.week)

    def _drop_selected_visit(self) -> None:
        visit_id = self.selected_visit_id()
        if visit_id is not None and self._run(lambda s: planning.drop_planned(s, visit_id)):
            self.show_week(self.week)

    # ----- plan my week
    def plan_my_week(self) -> None:
        """Propose on a worker thread; ``plan_ready`` fires when the proposals are shown."""
        self.plan_button.setEnabled(False)
        self.plan_button.setText(_("Planning…"))
        start, today, capacity, sessions = (
            self.week,
            business_today(self.service.now()),
            self.capacity,
            self.sessions,
        )

        def work() -> WeekPlan:
            with sessions() as session:
                return planning.propose_week(session, start, today, capacity)

        run_in_background(work, self._show_plan, self._plan_failed)

    def _plan_failed(self, error: BaseException) -> None:
        log.error("planning the week failed", exc_info=error)
        self.plan_button.setEnabled(True)
        self.plan_button.setText(_("Plan my week"))
        QMessageBox.critical(self, _("Plan"), _("The week could not be planned; see kamdesk.log."))

    def _show_plan(self, plan: WeekPlan) -> None:
        self.plan_button.setEnabled(True)
        self.plan_button.setText(_("Plan my week"))
        self.set_plan(plan)
        self.plan_ready.emit(plan)

    def set_plan(self, plan: WeekPlan | None) -> None:
        self.plan = plan
        if plan is None:
            self.proposal_panel.hide()
            return
        self.proposals_model.set_rows(plan.proposals)
        self.unplaced_model.set_rows(plan.unplaced)
        self.proposal_label.setText(
            ngettext(
                "{count} visit proposed to bring accounts back on cadence",
                "{count} visits proposed to bring accounts back on cadence",
                len(plan.proposals),
            ).format(count=len(plan.proposals))
        )
        self.unplaced_label.setText(
            ngettext(
                "{count} visit could not be fitted into this week",
                "{count} visits could not be fitted into this week",
                len(plan.unplaced),
            ).format(count=len(plan.unplaced))
            if plan.unplaced
            else _("Every account due this week fits.")
        )
        self.unplaced_table.setVisible(bool(plan.unplaced))
        self.accept_button.setEnabled(bool(plan.proposals))
        self.proposal_panel.show()

    def _selected_proposals(self) -> list[Proposal]:
        rows = sorted({index.row() for index in self.proposals_table.selectionModel().selectedRows()})
        return [self.proposals_model.row(row) for row in rows]

    def _move_selected_proposals(self) -> None:
        if self.plan is None:
            return
        day = date.fromisoformat(self.proposal_day.currentData())
        plan = self.plan
        for proposal in self._selected_proposals():
            plan = plan.moved(proposal, day)
        self.set_plan(plan)

    def _drop_selected_proposals(self) -> None:
        if self.plan is None:
            return
        plan = self.plan
        for proposal in self._selected_proposals():
            plan = plan.dropped(proposal)
        self.set_plan(plan)

    def accept_plan(self) -> None:
        if self.plan is None:
            return
        proposals = self.plan.proposals
        if self._run(lambda s: planning.accept(s, proposals)):
            self.set_plan(None)
            self.show_week(self.week)

    def discard_plan(self) -> None:
        self.set_plan(None)
