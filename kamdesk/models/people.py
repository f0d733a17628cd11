"""Teams and users (managers, phone managers, supervisors). Credentials live on the server only."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kamdesk.models.base import Base, SyncColumns, str_enum
from kamdesk.models.enums import Role


class Team(SyncColumns, Base):
    __tablename__ = "teams"

    name: Mapped[str] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(50))
    supervisor_id: Mapped[str | None] = mapped_column(String(36))


class User(SyncColumns, Base):
    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[Role] = mapped_column(str_enum(Role), default=Role.MANAGER)
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"), index=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(120))
