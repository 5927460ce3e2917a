"""failed-attempt budgets (auth_budget replaces the never-purged auth_failure log)

Revision ID: s0004_sync
Revises: s0003
Create Date: 2026-12-04 10:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s0004_sync"
down_revision: str | Sequence[str] | None = "s0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "auth_budget",
        sa.Column("key", sa.String(length=150), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_auth_budget")),
    )
    with op.batch_alter_table("auth_budget") as batch_op:
        batch_op.create_index("ix_auth_budget_window_start", ["window_start"], unique=False)
    with op.batch_alter_table("auth_failure") as batch_op:
        batch_op.drop_index("ix_auth_failure_key_at")
    op.drop_table("auth_failure")


def downgrade() -> None:
    op.create_table(
        "auth_failure",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=150), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_failure")),
    )
    with op.batch_alter_table("auth_failure") as batch_op:
        batch_op.create_index("ix_auth_failure_key_at", ["key", "at"], unique=False)
    with op.batch_alter_table("auth_budget") as batch_op:
        batch_op.drop_index("ix_auth_budget_window_start")
    op.drop_table("auth_budget")
