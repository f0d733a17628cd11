"""covering indexes of the shared tables declared for the client's alert engine

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "visits": (
        "ix_visits_status_account_kind_occurred",
        ["status", "account_id", "kind", "occurred_at", "deleted"],
    ),
    "revenue_months": (
        "ix_revenue_months_month_account_amount",
        ["month", "account_id", "amount_fen", "deleted"],
    ),
    "contacts": ("ix_contacts_birthday_account", ["birthday", "account_id"]),
}


def upgrade() -> None:
    for table, (name, columns) in INDEXES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    for table, (name, _columns) in INDEXES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
