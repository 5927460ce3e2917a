"""Bulk inserts with the per-row triggers held back: the same outbox entries and change counts, all or nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from db.base import new_id, utcnow
from db.bulkwrite import AUTOCHECKPOINT_PAGES, checkpoint_afterwards, inserting_in_bulk, wait_for_checkpoints
from db.change_stamps import read_stamp
from db.change_stamps import trigger_names as count_triggers
from db.models import Person, SyncOutbox
from db.rules.national_id import make_national_id
from db.sync.outbox import applying
from db.sync.outbox import trigger_names as sync_triggers
from desktop.core.context import AppContext


def _rows(n: int, start: int = 0) -> list[dict]:
    now = utcnow()
    return [
        {
            "id": new_id(),
            "office_code": "40",
            "created_at": now,
            "updated_at": now,
            "version": 1,
            "deleted": False,
            "national_id": make_national_id(f"{310000000000 + start + i}"),
            "prefix": "นาย",
            "first_name": f"คน{i}",
            "last_name": "ทดสอบ",
            "name_original": "",
            "position": "ผู้ใหญ่บ้าน",
            "phone": "",
            "note": "",
        }
        for i in range(n)
    ]


def _triggers(ctx: AppContext) -> set[str]:
    with ctx.reading() as s:
        return set(s.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))


def _pending(ctx: AppContext, table: str = "person") -> list[str]:
    with ctx.reading() as s:
        return list(
            s.scalars(
                select(SyncOutbox.row_id).where(SyncOutbox.table_name == table, SyncOutbox.state == "pending")
            )
        )


def _clear_outbox(ctx: AppContext) -> None:
    with ctx.transaction() as s:
        s.execute(text("DELETE FROM sync_outbox"))


def test_rows_added_in_bulk_are_queued_and_counted_as_the_triggers_would(ctx: AppContext) -> None:
    expected_triggers = _triggers(ctx)
    assert {*sync_triggers("person"), *count_triggers("person")} <= expected_triggers
    rows = _rows(5)
    with ctx.transaction() as s:  # by the triggers, one row at a time
        s.execute(insert(Person), rows[:2])
    by_trigger = sorted(_pending(ctx))
    stamp = _stamp(ctx)
    _clear_outbox(ctx)
    with ctx.transaction() as s:
        # a read first: Python's sqlite3 has not opened the transaction yet when the triggers are dropped
        s.execute(select(Person.id)).all()
        with inserting_in_bulk(s.connection(), ["person", "audit_entry"]):
            held = expected_triggers - _triggers_in(s)
            assert {"sync_out_ins_person", "change_count_ins_person", "sync_out_ins_audit_entry"} == held
            with ctx.engine.connect() as other:  # not committed: a crash here would bring them back
                seen = set(other.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
                assert held <= seen
            s.execute(insert(Person), rows[2:])
            s.add(Person(**_rows(1, start=50)[0]))
            s.flush()
    assert len(by_trigger) == 2
    queued = _pending(ctx)
    with ctx.reading() as s:
        added = {i.hex for i in s.scalars(select(Person.id))} - {r["id"].hex for r in rows[:2]}
    assert sorted(queued) == sorted(added) and len(added) == 4
    assert _stamp(ctx) != stamp  # the figures' counters moved
    assert _triggers(ctx) == expected_triggers


def test_a_failure_inside_leaves_rows_outbox_and_triggers_as_they_were(ctx: AppContext) -> None:
    expected_triggers = _triggers(ctx)
    stamp = _stamp(ctx)
    _clear_outbox(ctx)
    with pytest.raises(RuntimeError, match="midway"), ctx.transaction() as s:
        s.execute(select(Person.id)).all()
        with inserting_in_bulk(s.connection(), ["person"]):
            s.execute(insert(Person), _rows(3))
            raise RuntimeError("midway")
    with ctx.reading() as s:
        assert s.scalar(select(Person.id).limit(1)) is None
    assert _pending(ctx) == [] and _stamp(ctx) == stamp
    assert _triggers(ctx) == expected_triggers


def test_rows_written_while_applying_server_rows_are_not_queued(ctx: AppContext) -> None:
    _clear_outbox(ctx)
    with ctx.transaction() as s:
        conn = s.connection()
        with applying(conn), inserting_in_bulk(conn, ["person"]):
            s.execute(insert(Person), _rows(3))
    assert _pending(ctx) == []


def test_updates_inside_keep_their_own_triggers(ctx: AppContext) -> None:
    rows = _rows(2)
    with ctx.transaction() as s:
        s.execute(insert(Person), rows)
    _clear_outbox(ctx)
    with ctx.transaction() as s, inserting_in_bulk(s.connection(), ["person"]):
        s.execute(text("UPDATE person SET phone = '0812345678' WHERE id = :id"), {"id": rows[0]["id"].hex})
    assert _pending(ctx) == [rows[0]["id"].hex]


def _stamp(ctx: AppContext) -> tuple[int, ...] | None:
    with ctx.reading() as s:
        return read_stamp(s)


def _triggers_in(session: Session) -> set[str]:
    return set(session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))


def test_the_wal_is_copied_after_the_commit_not_inside_it(ctx: AppContext) -> None:
    assert ctx.db_path is not None
    size_before = ctx.db_path.stat().st_size
    with ctx.engine.connect() as conn:
        with checkpoint_afterwards(conn):
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one() == 0
            conn.commit()
            with conn.begin():
                conn.execute(insert(Person), _rows(8000))  # more than 1,000 pages: SQLite would checkpoint
            # committed, but still only in the log: the database file has not grown
            assert ctx.db_path.stat().st_size == size_before
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one() == AUTOCHECKPOINT_PAGES
    wait_for_checkpoints()
    assert ctx.db_path.stat().st_size > size_before + 1_000_000
    with ctx.reading() as s:
        assert len(s.scalars(select(Person.id)).all()) == 8000


def test_a_bulk_transaction_commits_and_rolls_back_like_any_other(ctx: AppContext) -> None:
    with ctx.bulk_transaction() as s:
        s.execute(insert(Person), _rows(3))
    with pytest.raises(RuntimeError), ctx.bulk_transaction() as s:
        s.execute(insert(Person), _rows(2, start=10))
        raise RuntimeError("cancelled")
    ctx.close()
    reopened = AppContext.open(ctx.db_path, user_name="t", backup=False)
    try:
        with reopened.reading() as s:
            assert len(s.scalars(select(Person.id)).all()) == 3
    finally:
        reopened.close()
