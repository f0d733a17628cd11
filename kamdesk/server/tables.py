"""Server-only tables, on their own declarative base so they never reach a client store.

Shared rows (accounts, visits…) use ``kamdesk.models.Base``; the server adds credentials,
devices and their token hashes, the change log with its server-wide sequence, processed push
batches and login attempts.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from kamdesk.models import User
from kamdesk.models.base import NAMING_CONVENTION, UTCDateTime, utcnow

SEQ_TYPE = BigInteger().with_variant(Integer(), "sqlite")
CHANGE_SEQ = "change_seq"


class ServerBase(DeclarativeBase):
    """Tables only the server has."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Credential(ServerBase):
    """A user's Argon2 password hash; users without a row cannot sign in."""

    __tablename__ = "server_credentials"

    user_id: Mapped[str] = mapped_column(ForeignKey(User.__table__.c.id), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Device(ServerBase):
    """A signed-in installation. Only the SHA-256 of its random token is stored."""

    __tablename__ = "server_devices"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey(User.__table__.c.id), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_address: Mapped[str | None] = mapped_column(String(64))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Counter(ServerBase):
    """Named counters. On SQLite ``change_seq`` hands out change-log positions; its row is
    written under the single write lock held to commit, so position order is commit order
    (PostgreSQL positions come from transaction ids instead: ``changelog.allocate_positions``)."""

    __tablename__ = "server_counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(SEQ_TYPE, default=0)


class ChangeLogEntry(ServerBase):
    """One change to one synced row, at a server-wide position ``seq``.

    ``fields`` lists the columns the change touched (None for the creation), which is what the
    field-level merge compares against. ``account_id``/``user_id``/``team_id``/``public`` say who
    may see the change; scope is evaluated at pull time against current assignments.
    ``echo_of_device`` spares a device from pulling back what it has just pushed.
    """

    __tablename__ = "server_change_log"
    __table_args__ = (
        Index("ix_server_change_log_entity_row_rev", "entity", "entity_id", "rev"),
        # one per reason to see an entry (``Scope.log_parts``): pulls are index range scans
        Index("ix_server_change_log_account_seq", "account_id", "seq"),
        Index("ix_server_change_log_user_seq", "user_id", "seq"),
        Index("ix_server_change_log_team_seq", "team_id", "seq"),
        Index("ix_server_change_log_public_seq", "public", "seq"),
    )

    seq: Mapped[int] = mapped_column(SEQ_TYPE, primary_key=True, autoincrement=False)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(36))
    rev: Mapped[int] = mapped_column(Integer)
    fields: Mapped[list[str] | None] = mapped_column(JSON)
    account_id: Mapped[str | None] = mapped_column(String(36))
    user_id: Mapped[str | None] = mapped_column(String(36))
    team_id: Mapped[str | None] = mapped_column(String(36))
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_by: Mapped[str | None] = mapped_column(String(36))
    echo_of_device: Mapped[str | None] = mapped_column(String(36))
    """The device whose push this entry stores exactly as sent: that device already has the row
    in this state (and learnt its ``rev`` from the push answer), so its pulls skip the entry."""
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ProcessedBatch(ServerBase):
    """A push batch applied once; its first response is returned to every repeat."""

    __tablename__ = "server_processed_batches"

    batch_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36), index=True)
    device_id: Mapped[str | None] = mapped_column(String(36))
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    change_count: Mapped[int] = mapped_column(Integer)
    response: Mapped[str] = mapped_column(Text)
    """The ``PushResponse`` as sent, JSON text (kept as text: it is only ever replayed)."""


class AccountHandover(ServerBase):
    """A manager lost an account: for a grace period they may still send the visits and what
    the visits found (complaints, needs, competitor notes) that they recorded before they knew."""

    __tablename__ = "server_account_handovers"

    id: Mapped[int] = mapped_column(SEQ_TYPE, primary_key=True, autoincrement=True)
    account_id: Mapped[str] = mapped_column(String(36), index=True)
    user_id: Mapped[str] = mapped_column(String(36), index=True)
    handed_over_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LoginAttempt(ServerBase):
    """Failed sign-ins, counted per username and per address for the rate limit."""

    __tablename__ = "server_login_attempts"
    __table_args__ = (
        Index("ix_server_login_attempts_username_at", "username", "attempted_at"),
        Index("ix_server_login_attempts_address_at", "address", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(SEQ_TYPE, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
