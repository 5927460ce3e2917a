"""push sequence: on PostgreSQL the change numbers come from a sequence, ordered per office (server.store)

Revision ID: s0007_push_sequence
Revises: s0006_device_lane
Create Date: 2026-12-04 14:00:00

The sequence continues from the counter (and from the highest number stored), so every cursor a PC or the
centre holds stays valid as it is: the numbers keep one space and only grow. SQLite keeps the counter row.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "s0007_push_sequence"
down_revision: str | Sequence[str] | None = "s0006_device_lane"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE SEQUENCE IF NOT EXISTS sync_seq AS bigint START WITH 1 CACHE 1")
    # Past every number handed out: the counter's value, or a stored row's if higher (rows loaded by hand).
    op.execute(
        "SELECT setval('sync_seq', top) FROM ("
        " SELECT GREATEST((SELECT COALESCE(MAX(value), 0) FROM sync_counter),"
        " (SELECT COALESCE(MAX(seq), 0) FROM sync_row)) AS top) AS t WHERE top > 0"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "UPDATE sync_counter SET value = GREATEST(value,"
        " (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM sync_seq))"
    )
    op.execute("DROP SEQUENCE IF EXISTS sync_seq")
