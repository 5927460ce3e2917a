"""registrations imported from the ministry app

Revision ID: 0005_registrations
Revises: 0003_budget
Create Date: 2026-11-25 15:45:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_registrations"
down_revision: str | Sequence[str] | None = "0003_budget"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "registration",
        sa.Column("national_id", sa.String(length=13), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=True),
        sa.Column("source_key", sa.String(length=120), nullable=False),
        sa.Column("source_file", sa.String(length=300), nullable=False),
        sa.Column("batch_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("office_code", sa.String(length=2), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("server_seq", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("count >= 0", name=op.f("ck_registration_count_non_negative")),
        sa.CheckConstraint("kind IN ('single','total')", name=op.f("ck_registration_kind")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_registration_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration")),
        sa.UniqueConstraint("office_code", "source_key", name=op.f("uq_registration_office_code_source_key")),
    )
    with op.batch_alter_table("registration", schema=None) as batch_op:
        for column in ("batch_id", "deleted", "national_id", "office_code", "person_id", "server_seq"):
            batch_op.create_index(batch_op.f(f"ix_registration_{column}"), [column], unique=False)


def downgrade() -> None:
    op.drop_table("registration")
