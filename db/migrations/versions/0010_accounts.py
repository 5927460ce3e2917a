"""accounts: staff accounts with roles and argon2id password hashes; the audit log names account and PC

Revision ID: 0010_accounts
Revises: 0009_phone_recheck
Create Date: 2026-12-04 10:10:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_accounts"
down_revision: str | Sequence[str] | None = "0009_phone_recheck"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "staff_account",
        sa.Column("user_name", sa.String(length=50), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.String(length=200), nullable=False),
        sa.Column("national_id", sa.String(length=13), nullable=False),
        sa.Column("roles", sa.String(length=100), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("office_code", sa.String(length=2), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("server_seq", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("password_hash LIKE '$argon2id$%'", name=op.f("ck_staff_account_argon2id_hash")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_account")),
    )
    with op.batch_alter_table("staff_account", schema=None) as batch_op:
        for column in ("deleted", "office_code", "server_seq", "user_name"):
            batch_op.create_index(batch_op.f(f"ix_staff_account_{column}"), [column], unique=False)
    # The audit log names the account (its full name beside the user name) and the PC by its host name.
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("full_name", sa.String(length=200), server_default="", nullable=False))
        batch_op.add_column(
            sa.Column("device_name", sa.String(length=100), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_column("device_name")
        batch_op.drop_column("full_name")
    op.drop_table("staff_account")
