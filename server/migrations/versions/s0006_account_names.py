"""staff accounts' user names unique per office: natural_key rows for the accounts already stored

Revision ID: s0006_account_names
Revises: s0005_national
Create Date: 2026-12-04 13:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.sync.naturalkeys import key_of

revision: str = "s0006_account_names"
down_revision: str | Sequence[str] | None = "s0005_national"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "staff_account"


def upgrade() -> None:
    """The oldest live account of each user name holds it; a later duplicate stays (its next change is refused
    and its PC renames it). Keys already present (s0004 on a server upgraded in one go) are kept."""
    rows = sa.table(
        "sync_row",
        sa.column("table_name", sa.String()),
        sa.column("row_id", sa.Uuid()),
        sa.column("office_code", sa.String()),
        sa.column("seq", sa.BigInteger()),
        sa.column("deleted", sa.Boolean()),
        sa.column("data", sa.JSON()),
    )
    target = sa.table(
        "natural_key",
        sa.column("office_code", sa.String()),
        sa.column("table_name", sa.String()),
        sa.column("key", sa.String()),
        sa.column("row_id", sa.Uuid()),
    )
    bind = op.get_bind()
    held = {
        (o, k)
        for o, k in bind.execute(
            sa.select(target.c.office_code, target.c.key).where(target.c.table_name == TABLE)
        )
    }
    q = (
        sa.select(rows.c.row_id, rows.c.office_code, rows.c.data)
        .where(rows.c.table_name == TABLE, rows.c.deleted.is_(False))
        .order_by(rows.c.seq)
    )
    taken: dict[tuple[str, str], object] = {}
    for rid, office, data in bind.execute(q):
        key = key_of(TABLE, data)
        if key is not None and (office, key) not in held:
            taken.setdefault((office, key), rid)
    values = [{"office_code": o, "table_name": TABLE, "key": k, "row_id": r} for (o, k), r in taken.items()]
    if values:
        bind.execute(sa.insert(target), values)


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM natural_key WHERE table_name = 'staff_account'"))
