"""Adding tens of thousands of rows to SQLite at once: the per-row insert triggers held back, their work done once.

The sync outbox triggers (db.sync.outbox) and the change-counter triggers (db.change_stamps) each run a small
program for every inserted row: on a national roster they cost three times the inserts themselves, even when
their WHEN clause tells them to do nothing. Inside the caller's transaction, ``inserting_in_bulk`` drops the
insert triggers of the given tables, lets the caller insert by any means (ORM, Core, driver executemany), then
writes what the triggers would have written for every row added (rowid above the table's largest before) in one
statement per table and re-creates the triggers. SQLite's DDL is transactional: a failure or a crash rolls the
triggers back with the rows, and no other connection can write in between (the write lock is held).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine

from db import change_stamps
from db.engine import sqlite_triggers
from db.sync import outbox


@contextmanager
def inserting_in_bulk(conn: Connection, tables: Iterable[str]) -> Iterator[None]:
    """Within the caller's transaction: rows inserted into ``tables`` get their outbox entries and change
    counts when the block ends, not one by one. Updates and deletes keep their triggers."""
    if conn.dialect.name != "sqlite":
        yield
        return
    _begin(conn)
    present = sqlite_triggers(conn)
    held: dict[str, tuple[int, bool, bool]] = {}  # table → (largest rowid before, outbox?, counter?)
    for table in dict.fromkeys(tables):
        sync_name = f"sync_out_ins_{table}"
        count_name = f"change_count_ins_{table}"
        has_sync, has_count = sync_name in present, count_name in present
        if not (has_sync or has_count):
            continue
        before = conn.exec_driver_sql(f"SELECT COALESCE(MAX(rowid), 0) FROM {table}").scalar_one()
        held[table] = (int(before), has_sync, has_count)
        for name in (sync_name, count_name):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    try:
        yield
        quiet = (
            any(has_sync for _b, has_sync, _c in held.values())
            and conn.exec_driver_sql(
                "SELECT COALESCE((SELECT applying FROM sync_control WHERE id = 1), 0)"
            ).scalar_one()
        )
        for table, (before, has_sync, has_count) in held.items():
            if has_sync and not quiet:
                conn.exec_driver_sql(
                    "INSERT INTO sync_outbox (table_name, row_id, state, created_at, error, attempts) "
                    f"SELECT ?, id, 'pending', {outbox.NOW_SQL}, '', 0 FROM {table} WHERE rowid > ? "
                    "AND NOT EXISTS (SELECT 1 FROM sync_outbox o WHERE o.table_name = ? "
                    f"AND o.row_id = {table}.id AND o.state = 'pending')",
                    (table, before, table),
                )
            if has_count:
                conn.exec_driver_sql(
                    "UPDATE change_counter SET n = n + "
                    f"(SELECT count(*) FROM {table} WHERE rowid > ?) WHERE table_name = ?",
                    (before, table),
                )
    finally:
        for table, (_before, has_sync, has_count) in held.items():
            if has_sync:
                conn.exec_driver_sql(_insert_trigger(outbox.trigger_sql(table)))
            if has_count:
                conn.exec_driver_sql(_insert_trigger(change_stamps.trigger_sql(table)))


AUTOCHECKPOINT_PAGES = 1000  # SQLite's default


@contextmanager
def checkpoint_afterwards(conn: Connection) -> Iterator[None]:
    """Around a bulk transaction on a connection the caller holds: no WAL checkpoint inside its commit.

    SQLite copies the write-ahead log into the database file inside the commit that fills it: for a national
    list that is 200 MB and a second and a half the officer would wait for. The commit is as durable without
    it; the copy runs on a background thread afterwards, where it blocks neither readers nor writers.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    # each PRAGMA autobegins a SQLAlchemy transaction on the connection: end it, or the caller's session would
    # join it and its commit would be left to this connection's rollback
    conn.exec_driver_sql("PRAGMA wal_autocheckpoint = 0")
    conn.commit()
    try:
        yield
    finally:
        conn.rollback()  # after a failure inside, the caller's transaction is already rolled back
        conn.exec_driver_sql(f"PRAGMA wal_autocheckpoint = {AUTOCHECKPOINT_PAGES}")
        conn.commit()
    thread = threading.Thread(target=_checkpoint, args=(conn.engine,), name="wal-checkpoint", daemon=True)
    _checkpoints[:] = [t for t in _checkpoints if t.is_alive()]  # a day of imports must not pile them up
    _checkpoints.append(thread)
    thread.start()


_checkpoints: list[threading.Thread] = []


def wait_for_checkpoints(timeout: float | None = None) -> None:
    """Wait for the background checkpoints started so far (tests, and a CLI run before it exits)."""
    while _checkpoints:
        _checkpoints.pop().join(timeout)


def _checkpoint(engine: Engine) -> None:
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
    except Exception:
        pass


def _insert_trigger(statements: list[str]) -> str:
    return next(s for s in statements if " AFTER INSERT ON " in s)


def _begin(conn: Connection) -> None:
    """Make sure a transaction is open: Python's sqlite3 opens one only at the first INSERT/UPDATE/DELETE, and
    a DROP TRIGGER run before it would be committed on its own, outside the caller's all-or-nothing."""
    if not conn.connection.driver_connection.in_transaction:  # type: ignore[union-attr]
        conn.exec_driver_sql("BEGIN IMMEDIATE")
