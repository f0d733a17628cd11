"""faster sync: change-log entries remember the device whose push they store as sent (its
pulls skip them), (column, seq) indexes let a pull read only the caller's entries, and a
processed batch keeps its response as the JSON text it replays

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCOPE_COLUMNS = {"account_id": "account", "user_id": "user", "team_id": "team", "public": "public"}


def upgrade() -> None:
    with op.batch_alter_table("server_change_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("echo_of_device", sa.String(length=36), nullable=True))
        for column in ("account_id", "user_id", "team_id"):
            batch_op.drop_index(f"ix_server_change_log_{column}")
        for column, name in SCOPE_COLUMNS.items():
            batch_op.create_index(f"ix_server_change_log_{name}_seq", [column, "seq"], unique=False)
    with op.batch_alter_table("server_processed_batches", schema=None) as batch_op:
        batch_op.alter_column(
            "response", existing_type=sa.JSON(), type_=sa.Text(), postgresql_using="response::text"
        )


def downgrade() -> None:
    with op.batch_alter_table("server_processed_batches", schema=None) as batch_op:
        batch_op.alter_column(
            "response", existing_type=sa.Text(), type_=sa.JSON(), postgresql_using="response::json"
        )
    with op.batch_alter_table("server_change_log", schema=None) as batch_op:
        for name in SCOPE_COLUMNS.values():
            batch_op.drop_index(f"ix_server_change_log_{name}_seq")
        for column in ("account_id", "user_id", "team_id"):
            batch_op.create_index(f"ix_server_change_log_{column}", [column], unique=False)
        batch_op.drop_column("echo_of_device")
