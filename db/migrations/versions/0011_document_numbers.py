"""numbering: document_number, one row per voucher or certificate number issued (synced, append-only)

Revision ID: 0011_document_numbers
Revises: 0009_phone_recheck
Create Date: 2026-12-04 10:20:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_document_numbers"
down_revision: str | Sequence[str] | None = "0009_phone_recheck"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "document_number",
        sa.Column("series", sa.String(length=32), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("device_no", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=32), nullable=False),
        sa.Column("entity_table", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.Uuid(), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("office_code", sa.String(length=2), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("server_seq", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("device_no >= 1 AND seq >= 1", name=op.f("ck_document_number_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_number")),
        sa.UniqueConstraint(
            "office_code",
            "series",
            "fiscal_year",
            "label",
            name=op.f("uq_document_number_office_code_series_fiscal_year_label"),
        ),
        sa.UniqueConstraint(
            "office_code",
            "series",
            "fiscal_year",
            "device_no",
            "seq",
            name=op.f("uq_document_number_office_code_series_fiscal_year_device_no_seq"),
        ),
    )
    with op.batch_alter_table("document_number", schema=None) as batch_op:
        batch_op.create_index("ix_document_number_entity", ["entity_table", "entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_document_number_deleted"), ["deleted"], unique=False)
        batch_op.create_index(batch_op.f("ix_document_number_office_code"), ["office_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_document_number_server_seq"), ["server_seq"], unique=False)


def downgrade() -> None:
    op.drop_table("document_number")
