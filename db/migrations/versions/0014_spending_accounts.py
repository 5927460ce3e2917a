"""round_spending: the payer's and the approver's accounts (ids) and printed positions beside their names

Revision ID: 0014_spending_accounts
Revises: 0013_sync_quarantine
Create Date: 2026-12-04 13:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_spending_accounts"
down_revision: str | Sequence[str] | None = "0013_sync_quarantine"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # No foreign key: the names and positions printed are the record; the ids say which accounts they were.
    with op.batch_alter_table("round_spending", schema=None) as batch_op:
        batch_op.add_column(sa.Column("payer_account_id", sa.Uuid(), nullable=True))
        batch_op.add_column(
            sa.Column("payer_position", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("approver_account_id", sa.Uuid(), nullable=True))
        batch_op.add_column(
            sa.Column("approver_position", sa.String(length=200), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("round_spending", schema=None) as batch_op:
        batch_op.drop_column("approver_position")
        batch_op.drop_column("approver_account_id")
        batch_op.drop_column("payer_position")
        batch_op.drop_column("payer_account_id")
