"""failed-attempt budgets (auth_budget replaces the never-purged auth_failure log); natural keys and aliases

Revision ID: s0004_sync
Revises: s0003
Create Date: 2026-12-04 10:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.sync.naturalkeys import NATURAL_KEYS, key_of

revision: str = "s0004_sync"
down_revision: str | Sequence[str] | None = "s0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "auth_budget",
        sa.Column("key", sa.String(length=150), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_auth_budget")),
    )
    with op.batch_alter_table("auth_budget") as batch_op:
        batch_op.create_index("ix_auth_budget_window_start", ["window_start"], unique=False)
    with op.batch_alter_table("auth_failure") as batch_op:
        batch_op.drop_index("ix_auth_failure_key_at")
    op.drop_table("auth_failure")

    op.create_table(
        "natural_key",
        sa.Column("office_code", sa.String(length=2), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("office_code", "table_name", "key", name=op.f("pk_natural_key")),
    )
    with op.batch_alter_table("natural_key") as batch_op:
        batch_op.create_index("ix_natural_key_row", ["table_name", "row_id"], unique=False)
    op.create_table(
        "row_alias",
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.Uuid(), nullable=False),
        sa.Column("target_id", sa.Uuid(), nullable=False),
        sa.Column("office_code", sa.String(length=2), nullable=False),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("table_name", "row_id", name=op.f("pk_row_alias")),
    )
    _fill_natural_keys()


def _fill_natural_keys() -> None:
    """The oldest live row of each key holds it; duplicates stored before stay as they are (reported)."""
    rows = sa.table(
        "sync_row",
        sa.column("table_name", sa.String()),
        sa.column("row_id", sa.Uuid()),
        sa.column("office_code", sa.String()),
        sa.column("seq", sa.BigInteger()),
        sa.column("deleted", sa.Boolean()),
        sa.column("data", sa.JSON()),
    )
    bind = op.get_bind()
    q = (
        sa.select(rows.c.table_name, rows.c.row_id, rows.c.office_code, rows.c.data)
        .where(rows.c.table_name.in_(list(NATURAL_KEYS)), rows.c.deleted.is_(False))
        .order_by(rows.c.seq)
    )
    taken: dict[tuple[str, str, str], object] = {}
    for table, rid, office, data in bind.execute(q):
        key = key_of(table, data)
        if key is not None:
            taken.setdefault((office, table, key), rid)
    target = sa.table(
        "natural_key",
        sa.column("office_code", sa.String()),
        sa.column("table_name", sa.String()),
        sa.column("key", sa.String()),
        sa.column("row_id", sa.Uuid()),
    )
    values = [{"office_code": o, "table_name": t, "key": k, "row_id": r} for (o, t, k), r in taken.items()]
    for start in range(0, len(values), 1000):
        bind.execute(sa.insert(target), values[start : start + 1000])


def downgrade() -> None:
    op.drop_table("row_alias")
    with op.batch_alter_table("natural_key") as batch_op:
        batch_op.drop_index("ix_natural_key_row")
    op.drop_table("natural_key")
    op.create_table(
        "auth_failure",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=150), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_failure")),
    )
    with op.batch_alter_table("auth_failure") as batch_op:
        batch_op.create_index("ix_auth_failure_key_at", ["key", "at"], unique=False)
    with op.batch_alter_table("auth_budget") as batch_op:
        batch_op.drop_index("ix_auth_budget_window_start")
    op.drop_table("auth_budget")
