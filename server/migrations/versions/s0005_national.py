"""national scale: who wrote a row's newest version, registration records and tallies, office activity, pruning

Revision ID: s0005_national
Revises: s0003
Create Date: 2026-12-04 10:40:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s0005_national"
down_revision: str | Sequence[str] | None = "s0004_sync"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sync_row") as batch:
        batch.add_column(sa.Column("updated_device", sa.Uuid(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        # Rewrites the table (minutes at national size): run in a maintenance window.
        op.execute("ALTER TABLE sync_row ALTER COLUMN data TYPE jsonb USING data::jsonb")
    op.create_index("ix_mutation_received_at", "mutation", ["received_at"])
    op.create_table(
        "registration_record",
        sa.Column("office_code", sa.String(length=2), nullable=False),
        sa.Column("source_key", sa.String(length=120), nullable=False),
        sa.Column("national_id", sa.String(length=13), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("origin", sa.String(length=8), nullable=False),
        sa.PrimaryKeyConstraint("office_code", "source_key", name=op.f("pk_registration_record")),
    )
    op.create_table(
        "registration_tally",
        sa.Column("office_code", sa.String(length=2), nullable=False),
        sa.Column("national_id", sa.String(length=13), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("office_code", "national_id", name=op.f("pk_registration_tally")),
    )
    op.create_table(
        "office_activity",
        sa.Column("office_code", sa.String(length=2), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_rows", sa.BigInteger(), nullable=False),
        sa.Column("stamp", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("office_code", name=op.f("pk_office_activity")),
    )
    op.create_table(
        "prune_mark",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("before", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prune_mark")),
    )
    op.create_table(
        "stored_figures",
        sa.Column("office_code", sa.String(length=2), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("stamp", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("office_code", "fiscal_year", name=op.f("pk_stored_figures")),
    )
    from server.aggregates import rebuild  # the same code that keeps them in step on push

    rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_table("stored_figures")
    op.drop_table("prune_mark")
    op.drop_table("office_activity")
    op.drop_table("registration_tally")
    op.drop_table("registration_record")
    op.drop_index("ix_mutation_received_at", table_name="mutation")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE sync_row ALTER COLUMN data TYPE json USING data::json")
    with op.batch_alter_table("sync_row") as batch:
        batch.drop_column("updated_device")
