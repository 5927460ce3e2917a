"""people: date of birth and the registered address (house number to province) for vouchers and the ID card

Revision ID: 0011b_money_addresses
Revises: 0011_document_numbers
Create Date: 2026-12-04 10:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011b_money_addresses"
down_revision: str | Sequence[str] | None = "0011_document_numbers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT_COLUMNS = (
    ("house_no", 50),
    ("address_street", 200),
    ("address_moo", 10),
    ("address_subdistrict", 100),
    ("address_district", 100),
    ("address_province", 100),
)


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("birth_date", sa.Date(), nullable=True))
        for name, length in TEXT_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.String(length=length), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        for name, _length in reversed(TEXT_COLUMNS):
            batch_op.drop_column(name)
        batch_op.drop_column("birth_date")
