"""device lane: each enrolled device's document-number lane in its office, and the PC's own local id

Revision ID: s0006_device_lane
Revises: s0006_account_names
Create Date: 2026-12-04 14:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s0006_device_lane"
down_revision: str | Sequence[str] | None = "s0006_account_names"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Devices enrolled before keep no lane (NULL, never a clash in the unique constraint): they number as before,
    # and the lanes their pushed numbers use are still counted as taken when a new device enrols.
    with op.batch_alter_table("device") as batch:
        batch.add_column(sa.Column("lane", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("pc_id", sa.String(length=64), nullable=True))
        batch.create_unique_constraint("uq_device_office_code_lane", ["office_code", "lane"])


def downgrade() -> None:
    with op.batch_alter_table("device") as batch:
        batch.drop_constraint("uq_device_office_code_lane", type_="unique")
        batch.drop_column("pc_id")
        batch.drop_column("lane")
