"""Change stamps: SQLite triggers count every row written to the tables the province figures read.

``PRAGMA data_version`` only says that *something* was committed; these counters say *which* tables changed,
so a cached figure is reused when only unrelated tables (settings, budget, audit, sync bookkeeping) changed.
Triggers see every write (ORM, bulk Core, raw SQL, rows pulled by sync, hard deletes), unlike a version or
updated_at convention; they run inside the writing transaction, so a counter and its change commit together.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.orm import Session

from db.engine import sqlite_triggers

# The tables the figures (desktop.core.exports.figures) aggregate over every person, with the columns they
# read: an update of other columns (a phone number, a name) leaves the figures' memo valid. The small
# tables (budget, expenses, payments) are read fresh on each refresh.
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


def trigger_names(table: str) -> list[str]:
    return [f"change_count_{op}_{table}" for op in ("ins", "upd", "del")]


def trigger_sql(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS change_count_{op}_{table} AFTER {event} ON {table} BEGIN "
        f"UPDATE change_counter SET n = n + 1 WHERE table_name = '{table}'; END"
        for op, event in (
            ("ins", "INSERT"),
            ("upd", f"UPDATE OF {', '.join(WATCHED_COLUMNS[table])}"),
            ("del", "DELETE"),
        )
    ]


def install_change_triggers(conn: Connection) -> list[str]:
    """(Re)create the counters' rows and triggers; batch migrations drop a table's triggers with it."""
    if conn.dialect.name != "sqlite":
        return []
    present = set(inspect(conn).get_table_names())
    if "change_counter" not in present:
        return []
    triggers = sqlite_triggers(conn)
    counted = {r[0] for r in conn.exec_driver_sql("SELECT table_name FROM change_counter")}
    done, repaired = [], False
    for table in WATCHED:
        if table not in present:
            continue
        repaired |= table not in counted or not set(trigger_names(table)) <= triggers
        conn.exec_driver_sql("INSERT OR IGNORE INTO change_counter (table_name, n) VALUES (?, 0)", (table,))
        for sql in trigger_sql(table):
            conn.exec_driver_sql(sql)
        done.append(table)
    if repaired:
        # The table may have been written while its trigger was missing (a batch migration rebuilt it, or the
        # trigger was dropped by hand), uncounted: move every counter on, so that the stamp differs from every
        # stamp taken before (figures persisted in this file by desktop.core.exports.figures are not reused).
        conn.exec_driver_sql("UPDATE change_counter SET n = n + 1")
    return done


def ensure_change_triggers(engine: Engine) -> list[str]:
    with engine.begin() as conn:
        return install_change_triggers(conn)


def read_stamp(session: Session) -> tuple[int, ...] | None:
    """The watched tables' counters, or None when they cannot be trusted (not SQLite, a trigger missing)."""
    if session.get_bind().dialect.name != "sqlite":
        return None
    triggers = session.scalar(
        text(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'change\\_count\\_%' ESCAPE '\\'"
        )
    )
    if triggers != 3 * len(WATCHED):
        return None
    counts = dict(session.execute(text("SELECT table_name, n FROM change_counter")).all())
    if not set(WATCHED) <= set(counts):
        return None
    return tuple(int(counts[t]) for t in WATCHED)
