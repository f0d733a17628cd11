"""account summary kept by triggers

One row per account with what the alert engine, the cadence and "plan my week" read (see
``kamdesk.models.summary``). SQLite maintains it with triggers, so every write path keeps it right
in the writer's own transaction: local edits, pulled pages (ORM updates and bulk inserts), demo
seeding, raw SQL. The upgrade builds the rows of an existing store in a few set-based statements.

The SQL is spelled out here, frozen with this revision: a later change to the triggers is a new
migration that drops and recreates them.

Revision ID: 0004_summary
Revises: 0003_portfolio
Create Date: 2026-11-23 14:19:55.715622
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004_summary'
down_revision: str | None = '0003_portfolio'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Business dates are Asia/Shanghai dates; Shanghai keeps UTC+8 all year (no summer time).
# Stored datetimes are naive UTC text ('2026-11-23 02:00:00.000000').
BUSINESS_OFFSET = "'+8 hours'"

ACCOUNT_COLUMNS = ("name", "tier", "city", "district", "customer_since", "status", "deleted")


def _visits(account: str, condition: str = "") -> str:
    """Recompute an account's latest submitted visit dates (one range of the covering
    (status, account_id, kind, occurred_at, deleted) index)."""
    latest = ", ".join(
        f"date(max(CASE WHEN kind = '{kind}' THEN occurred_at END), {BUSINESS_OFFSET})"
        for kind in ("onsite", "phone", "sms")
    )
    return (
        "UPDATE account_summary SET (last_onsite, last_phone, last_sms, last_contact) = ("
        f"SELECT {latest}, date(max(occurred_at), {BUSINESS_OFFSET}) FROM visits "
        f"WHERE status = 'submitted' AND account_id = {account} AND deleted = 0"
        f") WHERE account_id = {account}{condition}"
    )


def _bills(account: str, condition: str = "") -> str:
    """Recompute an account's latest billed month and the bills 1, 2, 3 and 12 months before it
    (probes of the unique (account_id, month) index)."""
    before = ", ".join(
        "(SELECT r.amount_fen FROM revenue_months AS r WHERE r.account_id = latest.account_id "
        f"AND r.month = date(latest.month, '-{months} month') AND r.deleted = 0)"
        for months in (1, 2, 3, 12)
    )
    return (
        "UPDATE account_summary SET "
        "(bill_month, bill_fen, bill_fen_1, bill_fen_2, bill_fen_3, bill_fen_12) = ("
        f"SELECT latest.month, latest.amount_fen, {before} FROM revenue_months AS latest "
        f"WHERE latest.account_id = {account} AND latest.deleted = 0 ORDER BY latest.month DESC LIMIT 1"
        f") WHERE account_id = {account}{condition}"
    )


def _account_row(account: str) -> str:
    """The account's own columns, updated in place when its row exists (an upsert keeps the row
    where it is, where INSERT OR REPLACE would delete and re-add it)."""
    columns = ", ".join(ACCOUNT_COLUMNS)
    values = ", ".join(f"NEW.{column}" for column in ACCOUNT_COLUMNS)
    updates = ", ".join(f"{column} = excluded.{column}" for column in ACCOUNT_COLUMNS)
    return (
        f"INSERT INTO account_summary (account_id, {columns}) VALUES ({account}, {values}) "
        f"ON CONFLICT (account_id) DO UPDATE SET {updates}"
    )


def _moved(table_column: str) -> str:
    """The second refresh of an UPDATE trigger: the old account too, when the row changed account."""
    return f" AND OLD.{table_column} IS NOT NEW.{table_column}"


TRIGGERS = {
    "account_summary_account_insert": (
        "AFTER INSERT ON accounts",
        [_account_row("NEW.id"), _visits("NEW.id"), _bills("NEW.id")],
    ),
    "account_summary_account_update": (
        "AFTER UPDATE OF id, " + ", ".join(ACCOUNT_COLUMNS) + " ON accounts",
        [
            "DELETE FROM account_summary WHERE account_id = OLD.id" + _moved("id"),
            _account_row("NEW.id"),
            _visits("NEW.id"),
            _bills("NEW.id"),
        ],
    ),
    "account_summary_account_delete": (
        "AFTER DELETE ON accounts",
        ["DELETE FROM account_summary WHERE account_id = OLD.id"],
    ),
    "account_summary_visit_insert": (
        "AFTER INSERT ON visits "
        "WHEN NEW.status = 'submitted' AND NEW.deleted = 0 AND NEW.occurred_at IS NOT NULL",
        [_visits("NEW.account_id")],
    ),
    "account_summary_visit_update": (
        "AFTER UPDATE OF account_id, kind, status, occurred_at, deleted ON visits "
        "WHEN (OLD.status = 'submitted' AND OLD.deleted = 0) "
        "OR (NEW.status = 'submitted' AND NEW.deleted = 0)",
        [_visits("NEW.account_id"), _visits("OLD.account_id", _moved("account_id"))],
    ),
    "account_summary_visit_delete": (
        "AFTER DELETE ON visits WHEN OLD.status = 'submitted' AND OLD.deleted = 0",
        [_visits("OLD.account_id")],
    ),
    "account_summary_revenue_insert": (
        "AFTER INSERT ON revenue_months WHEN NEW.deleted = 0",
        [_bills("NEW.account_id")],
    ),
    "account_summary_revenue_update": (
        "AFTER UPDATE OF account_id, month, amount_fen, deleted ON revenue_months",
        [_bills("NEW.account_id"), _bills("OLD.account_id", _moved("account_id"))],
    ),
    "account_summary_revenue_delete": (
        "AFTER DELETE ON revenue_months WHEN OLD.deleted = 0",
        [_bills("OLD.account_id")],
    ),
}


def _drop_triggers() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")


def upgrade() -> None:
    # A start-up interrupted half-way through this upgrade leaves the table behind without the
    # revision stamp; start again from nothing.
    _drop_triggers()
    op.execute("DROP TABLE IF EXISTS account_summary")
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('account_summary',
    sa.Column('account_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('tier', sa.String(length=4), nullable=False),
    sa.Column('city', sa.String(length=30), nullable=True),
    sa.Column('district', sa.String(length=30), nullable=True),
    sa.Column('customer_since', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('last_onsite', sa.Date(), nullable=True),
    sa.Column('last_phone', sa.Date(), nullable=True),
    sa.Column('last_sms', sa.Date(), nullable=True),
    sa.Column('last_contact', sa.Date(), nullable=True),
    sa.Column('bill_month', sa.Date(), nullable=True),
    sa.Column('bill_fen', sa.Integer(), nullable=True),
    sa.Column('bill_fen_1', sa.Integer(), nullable=True),
    sa.Column('bill_fen_2', sa.Integer(), nullable=True),
    sa.Column('bill_fen_3', sa.Integer(), nullable=True),
    sa.Column('bill_fen_12', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('account_id', name=op.f('pk_account_summary'))
    )
    # ### end Alembic commands ###

    # The existing store's rows: the accounts, then one correlated pass per group of columns.
    columns = ", ".join(ACCOUNT_COLUMNS)
    op.execute(
        f"INSERT INTO account_summary (account_id, {columns}) SELECT id, {columns} FROM accounts"
    )
    op.execute(_visits("account_summary.account_id"))
    op.execute(_bills("account_summary.account_id"))

    for name, (when, statements) in TRIGGERS.items():
        body = "".join(f"{statement}; " for statement in statements)
        op.execute(f"CREATE TRIGGER {name} {when} BEGIN {body}END")


def downgrade() -> None:
    _drop_triggers()
    # ### commands auto generated by Alembic - please adjust! ###
    op.drop_table('account_summary')
    # ### end Alembic commands ###
