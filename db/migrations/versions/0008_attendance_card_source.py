"""attendance: marks read from the national ID card's chip (source 'card')

Revision ID: 0008_attendance_card_source
Revises: 0007_dashboard_indexes
Create Date: 2026-12-03 16:50:00

"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008_attendance_card_source"
down_revision: str | Sequence[str] | None = "0007_dashboard_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("attendance_mark") as batch:
        batch.drop_constraint(op.f("ck_attendance_mark_source"), type_="check")
        batch.create_check_constraint("source", "source IN ('sheet','scan','manual','card')")


def downgrade() -> None:
    # Card marks become "scan" marks (typed or scanned): the old constraint has no word for them.
    op.execute("UPDATE attendance_mark SET source = 'scan' WHERE source = 'card'")
    with op.batch_alter_table("attendance_mark") as batch:
        batch.drop_constraint(op.f("ck_attendance_mark_source"), type_="check")
        batch.create_check_constraint("source", "source IN ('sheet','scan','manual')")
