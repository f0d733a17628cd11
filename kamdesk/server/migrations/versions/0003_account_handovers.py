"""server_account_handovers: who lost which account when, for the handover grace period

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "server_account_handovers",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("handed_over_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_server_account_handovers")),
    )
    with op.batch_alter_table("server_account_handovers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_server_account_handovers_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_server_account_handovers_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_table("server_account_handovers")
