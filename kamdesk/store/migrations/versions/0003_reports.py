"""Index visits by status and time of occurrence (reports count the submitted visits of a period)

Revision ID: 0003_reports
Revises: 0002
Create Date: 2026-11-23 11:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003_reports"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.create_index("ix_visits_status_occurred", ["status", "occurred_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_index("ix_visits_status_occurred")
