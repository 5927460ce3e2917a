"""mutation digest (a mutation id sent again with other content is refused); device key (enrolment retried)

Revision ID: s0003
Revises: s0002
Create Date: 2026-12-03 17:05:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s0003"
down_revision: str | Sequence[str] | None = "s0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("mutation") as batch:
        batch.add_column(sa.Column("digest", sa.String(length=64), nullable=True))
    with op.batch_alter_table("device") as batch:
        batch.add_column(sa.Column("key_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("device") as batch:
        batch.drop_column("key_hash")
    with op.batch_alter_table("mutation") as batch:
        batch.drop_column("digest")
