"""dashboard: covering indexes for the province figures; per-table change counters kept by triggers

Revision ID: 0007_dashboard_indexes
Revises: 0006_sync
Create Date: 2026-11-25 16:55:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_dashboard_indexes"
down_revision: str | Sequence[str] | None = "0006_sync"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copy of db.change_stamps.WATCHED_COLUMNS and trigger_sql (migrations never import app code);
# db.change_stamps.install_change_triggers re-creates the triggers at every start.
WATCHED_COLUMNS: dict[str, tuple[str, ...]] = {
    "district": ("id", "code", "name_th", "office_code", "deleted"),
    "village": ("id", "code", "office_code", "deleted"),
    "person": ("id", "village_id", "office_code", "deleted"),
    "lecturer": ("id", "office_code", "deleted"),
    "training_round": ("id", "fiscal_year", "status", "office_code", "deleted"),
    "enrolment": ("id", "round_id", "person_id", "status", "completed", "deleted"),
    "registration": ("id", "person_id", "count", "office_code", "deleted"),
}
WATCHED = tuple(WATCHED_COLUMNS)


def _trigger_sql(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS change_count_{op_}_{table} AFTER {event} ON {table} BEGIN "
        f"UPDATE change_counter SET n = n + 1 WHERE table_name = '{table}'; END"
        for op_, event in (
            ("ins", "INSERT"),
            ("upd", f"UPDATE OF {', '.join(WATCHED_COLUMNS[table])}"),
            ("del", "DELETE"),
        )
    ]


def upgrade() -> None:
    op.create_table(
        "change_counter",
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("table_name", name=op.f("pk_change_counter")),
    )
    op.create_index(
        "ix_enrolment_figures",
        "enrolment",
        ["round_id", "status", "deleted", "completed", "person_id"],
        unique=False,
    )
    op.create_index(
        "ix_person_figures", "person", ["office_code", "deleted", "village_id", "id"], unique=False
    )
    op.create_index(
        "ix_registration_figures",
        "registration",
        ["office_code", "deleted", "person_id", "count"],
        unique=False,
    )
    op.create_index("ix_village_figures", "village", ["office_code", "deleted", "code"], unique=False)
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in WATCHED:
        op.execute(f"INSERT INTO change_counter (table_name, n) VALUES ('{table}', 0)")
        for sql in _trigger_sql(table):
            op.execute(sql)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in WATCHED:
            for op_ in ("ins", "upd", "del"):
                op.execute(f"DROP TRIGGER IF EXISTS change_count_{op_}_{table}")
    op.drop_index("ix_village_figures", table_name="village")
    op.drop_index("ix_registration_figures", table_name="registration")
    op.drop_index("ix_person_figures", table_name="person")
    op.drop_index("ix_enrolment_figures", table_name="enrolment")
    op.drop_table("change_counter")
