"""budget: round spending state, override columns on payment lines

Revision ID: 0003_budget
Revises: 0001
Create Date: 2026-11-25 15:45:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0003_budget"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "round_spending",
        sa.Column("round_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("approved_by", sa.String(length=100), nullable=False),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("payer_name", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("office_code", sa.String(length=2), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("server_seq", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "status IN ('draft','approved','exported')", name=op.f("ck_round_spending_status")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["training_round.id"], name=op.f("fk_round_spending_round_id_training_round")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_spending")),
        sa.UniqueConstraint("round_id", name=op.f("uq_round_spending_round_id")),
    )
    with op.batch_alter_table("round_spending", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_round_spending_deleted"), ["deleted"], unique=False)
        batch_op.create_index(batch_op.f("ix_round_spending_office_code"), ["office_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_round_spending_server_seq"), ["server_seq"], unique=False)
    with op.batch_alter_table("payment_line", schema=None) as batch_op:
        batch_op.add_column(sa.Column("override_reason", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("override_by", sa.String(length=100), nullable=False, server_default="")
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("payment_line", schema=None) as batch_op:
        batch_op.drop_column("override_by")
        batch_op.drop_column("override_reason")
    with op.batch_alter_table("round_spending", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_round_spending_server_seq"))
        batch_op.drop_index(batch_op.f("ix_round_spending_office_code"))
        batch_op.drop_index(batch_op.f("ix_round_spending_deleted"))
    op.drop_table("round_spending")
