"""The outbox: SQLite triggers record every write to a synced table, whether made by the ORM or by Core.

An ORM event would miss bulk insert()/update() statements (roster import, demo) and hard deletes (undo of
an import); a trigger sees them all and runs inside the writing transaction, so a change and its outbox entry
commit or roll back together. Writes of rows pulled from the server happen with sync_control.applying = 1,
which the triggers' WHEN clause checks, so they are not sent back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, inspect, text

from db.engine import sqlite_triggers
from db.sync.registry import synced_tables

NOW_SQL = "strftime('%Y-%m-%dT%H:%M:%fZ','now')"


def trigger_names(table: str) -> list[str]:
    return [f"sync_out_{op}_{table}" for op in ("ins", "upd", "del")]


def trigger_sql(table: str) -> list[str]:
    """CREATE TRIGGER statements that add one pending outbox entry per changed row (coalesced)."""
    quiet = "COALESCE((SELECT applying FROM sync_control WHERE id = 1), 0) = 0"
    out = []
    for op, event, ref in (("ins", "INSERT", "NEW"), ("upd", "UPDATE", "NEW"), ("del", "DELETE", "OLD")):
        out.append(
            f"CREATE TRIGGER IF NOT EXISTS sync_out_{op}_{table} AFTER {event} ON {table} "
            f"WHEN {quiet} BEGIN "
            f"INSERT INTO sync_outbox (table_name, row_id, state, created_at, error, attempts) "
            f"SELECT '{table}', {ref}.id, 'pending', {NOW_SQL}, '', 0 "
            f"WHERE NOT EXISTS (SELECT 1 FROM sync_outbox WHERE table_name = '{table}' "
            f"AND row_id = {ref}.id AND state = 'pending'); END"
        )
    return out


def install_triggers(conn: Connection) -> list[str]:
    """(Re)create the triggers of every pushed table present; batch migrations drop them with the table."""
    if conn.dialect.name != "sqlite":
        return []
    present = set(inspect(conn).get_table_names())
    if "sync_outbox" not in present or "sync_control" not in present:
        return []
    conn.exec_driver_sql("INSERT OR IGNORE INTO sync_control (id, applying) VALUES (1, 0)")
    done = []
    for name, st in synced_tables().items():
        if not st.pushed or name not in present:
            continue
        for sql in trigger_sql(name):
            conn.exec_driver_sql(sql)
        done.append(name)
    return done


def ensure_triggers(engine: Engine) -> list[str]:
    with engine.begin() as conn:
        return install_triggers(conn)


def installed_triggers(conn: Connection) -> set[str]:
    return {name for name in sqlite_triggers(conn) if name.startswith("sync_out_")}


@contextmanager
def applying(conn: Connection) -> Iterator[None]:
    """Inside the caller's transaction: writes made here are the server's, not local changes."""
    conn.execute(text("UPDATE sync_control SET applying = 1 WHERE id = 1"))
    try:
        yield
    finally:
        conn.execute(text("UPDATE sync_control SET applying = 0 WHERE id = 1"))
