"""Who may see and change what, as SQL: every read and write is filtered here.

A manager sees the accounts where they are primary or secondary manager and what hangs off
them, tasks assigned to them, their own reports, their team's users and cadence rules, and
department-wide templates and default rules. A supervisor sees all of that for every member of
their team. An admin sees everything. Assignments are read at query time, so a reassignment
takes effect on the next request.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, or_, select, true

from kamdesk.models import Account, User
from kamdesk.server.auth import Caller
from kamdesk.server.tables import ChangeLogEntry


class Scope:
    def __init__(self, caller: Caller) -> None:
        self.caller = caller

    @property
    def sees_all(self) -> bool:
        return self.caller.is_admin

    def member_ids(self) -> Select[tuple[str]]:
        """Users whose work this caller sees: the team for a supervisor, else the caller."""
        if self.caller.is_supervisor and self.caller.team_id is not None:
            return select(User.id).where(
                or_(User.team_id == self.caller.team_id, User.id == self.caller.user_id)
            )
        return select(User.id).where(User.id == self.caller.user_id)

    def account_condition(self) -> ColumnElement[bool]:
        """A WHERE clause on ``Account`` selecting the accounts this caller sees."""
        if self.sees_all:
            return true()
        if self.caller.is_supervisor and self.caller.team_id is not None:
            members = self.member_ids()
            return or_(Account.primary_manager_id.in_(members), Account.secondary_manager_id.in_(members))
        me = self.caller.user_id
        return or_(Account.primary_manager_id == me, Account.secondary_manager_id == me)

    def account_ids(self) -> Select[tuple[str]]:
        return select(Account.id).where(self.account_condition())

    def log_parts(self) -> list[ColumnElement[bool]] | None:
        """WHERE clauses on the change log, one per reason this caller may see an entry (their
        union is what they may pull); None for an admin, who sees every entry. Each part is
        served by its own ``(column, seq)`` index, so a pull reads the caller's entries only."""
        if self.sees_all:
            return None
        entry = ChangeLogEntry
        parts = [
            entry.account_id.in_(self.account_ids()),
            entry.user_id.in_(self.member_ids()),
            entry.public.is_(True),
        ]
        if self.caller.team_id is not None:
            parts.append(entry.team_id == self.caller.team_id)
        return parts
