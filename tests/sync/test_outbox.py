"""The outbox cannot miss a write: ORM and Core inserts, updates and deletes all leave an entry, atomically."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, insert, select, text, update

from db.base import new_id, utcnow
from db.models import Person, SyncOutbox
from db.rules.national_id import make_national_id
from db.sync.ids import reference_id
from db.sync.outbox import applying, ensure_triggers, installed_triggers, trigger_names
from db.sync.registry import SyncKind, synced_tables
from desktop.core.context import AppContext
from desktop.core.people import people
from desktop.core.people.people import PersonInput


def _entries(ctx: AppContext, table: str = "person") -> list[tuple[str, str]]:
    with ctx.reading() as s:
        rows = s.execute(select(SyncOutbox.row_id, SyncOutbox.state).where(SyncOutbox.table_name == table))
        return [(r, st) for r, st in rows]


def _clear(ctx: AppContext) -> None:
    with ctx.transaction() as s:
        s.execute(delete(SyncOutbox))


def _person(ctx: AppContext, nid: str = make_national_id("110170020345")) -> people.PersonRow:
    return people.create_person(
        ctx,
        PersonInput(national_id=nid, prefix="นาย", first_name="สมชาย", last_name="ใจดี", position="ผู้ใหญ่บ้าน"),
    )


def test_every_synced_table_but_provinces_has_triggers(ctx: AppContext) -> None:
    tables = synced_tables()
    assert tables["province"].kind == SyncKind.LOCAL
    assert tables["person"].kind == SyncKind.MERGE
    assert tables["attendance_mark"].kind == SyncKind.APPEND
    assert tables["expense_line"].kind == SyncKind.LOCKABLE
    with ctx.engine.connect() as conn:
        names = installed_triggers(conn)
    for name, st in tables.items():
        assert set(trigger_names(name)) <= names if st.pushed else not set(trigger_names(name)) & names


def test_an_orm_write_is_in_the_outbox_once_per_row(ctx: AppContext) -> None:
    _clear(ctx)
    row = _person(ctx)
    people.update_person(
        ctx,
        row.id,
        PersonInput(national_id=row.national_id, prefix="นาย", first_name="สมชาย", last_name="ใจงาม"),
        expected_version=row.version,
    )
    assert _entries(ctx) == [(row.id.hex, "pending")]  # two writes, one pending entry
    assert len(_entries(ctx, "audit_entry")) == 2


def test_core_bulk_insert_update_and_hard_delete_are_recorded(ctx: AppContext) -> None:
    _clear(ctx)
    ids = [new_id() for _ in range(3)]
    now = utcnow()
    with ctx.transaction() as s:
        s.execute(
            insert(Person),
            [
                {
                    "id": pid,
                    "national_id": f"31017002034{i}{i}",
                    "first_name": f"คน{i}",
                    "office_code": "40",
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                    "deleted": False,
                }
                for i, pid in enumerate(ids)
            ],
        )
    assert sorted(r for r, _ in _entries(ctx)) == sorted(i.hex for i in ids)
    _clear(ctx)
    with ctx.transaction() as s:
        s.execute(update(Person).where(Person.id == ids[0]).values(phone="0812345678"))
        s.execute(delete(Person).where(Person.id == ids[1]))
    assert sorted(r for r, _ in _entries(ctx)) == sorted([ids[0].hex, ids[1].hex])


def test_a_rolled_back_change_leaves_no_entry(ctx: AppContext) -> None:
    _clear(ctx)
    with pytest.raises(RuntimeError), ctx.transaction() as s:
        s.add(Person(national_id="1101700203451", first_name="ก", office_code="40"))
        s.flush()
        assert s.scalar(select(func.count()).select_from(SyncOutbox)) == 1
        raise RuntimeError("boom")
    assert _entries(ctx) == []


def test_writes_applied_from_the_server_are_not_sent_back(ctx: AppContext) -> None:
    _clear(ctx)
    with ctx.engine.begin() as conn, applying(conn):
        conn.execute(
            insert(Person),
            [
                {
                    "id": new_id(),
                    "national_id": "1101700203451",
                    "first_name": "ก",
                    "office_code": "40",
                    "created_at": utcnow(),
                    "updated_at": utcnow(),
                    "version": 3,
                    "deleted": False,
                }
            ],
        )
    assert _entries(ctx) == []
    _person(ctx, make_national_id("310170020345"))  # and the flag is off again afterwards
    assert len(_entries(ctx)) == 1


def test_triggers_dropped_by_a_migration_come_back_at_start(ctx: AppContext) -> None:
    with ctx.engine.begin() as conn:
        for name in trigger_names("person"):
            conn.execute(text(f"DROP TRIGGER {name}"))
    assert "person" in ensure_triggers(ctx.engine)
    with ctx.engine.connect() as conn:
        assert set(trigger_names("person")) <= installed_triggers(conn)


def test_provinces_and_office_have_ids_every_pc_agrees_on(ctx: AppContext) -> None:
    from db.models import Office, Province

    with ctx.reading() as s:
        assert s.scalar(select(Province.id).where(Province.code == "40")) == reference_id("province", "40")
        assert s.scalar(select(Office.id).where(Office.code == "40")) == reference_id("office", "40")
