"""change-log entries remember the device whose push they store as sent, so its pulls skip them

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


def upgrade() -> None:
    with op.batch_alter_table("server_change_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("echo_of_device", sa.String(length=36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("server_change_log", schema=None) as batch_op:
        batch_op.drop_column("echo_of_device")
