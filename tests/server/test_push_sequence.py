"""Change numbers per office (server.store): cursors survive s0007, offices never wait for one another."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import insert, select

from db.base import utcnow
from db.rules.national_id import make_national_id
from db.sync.messages import PushRequest
from server import admin, store
from server.app import create_app
from server.config import Settings
from server.database import alembic_config, make_server_engine
from server.models import Device, SyncCounter, SyncRow
from tests.fixtures.sync_harness import fresh_pg_schema


def _person(office: str, i: int) -> dict:
    pid = uuid.uuid4()
    now = datetime.now(UTC).isoformat()
    return {
        "mutation_id": str(uuid.uuid4()),
        "table": "person",
        "row_id": str(pid),
        "fields": {
            "id": str(pid),
            "office_code": office,
            "created_at": now,
            "updated_at": now,
            "version": 1,
            "deleted": False,
            "national_id": make_national_id(f"1{office}{i:09d}"),
            "prefix": "นาย",
            "first_name": f"ลำดับ{i}",
            "last_name": "ทดสอบ",
        },
    }


def _device(sessions, office: str) -> store.Principal:
    dev = uuid.uuid4()
    with sessions.begin() as s:
        s.add(Device(id=dev, office_code=office, name=f"pc-{office}", token_hash=uuid.uuid4().hex))
    return store.Principal("device", "device", office, dev, f"pc-{office}")


def _pull(sessions, who: store.Principal, cursor: int):
    with sessions() as s:
        return store.pull(s, who, office=None, cursor=cursor, limit=1000, count=True, now=utcnow())


def test_the_upgrade_keeps_every_cursor_and_the_numbers_go_on_past_it(server_db_url: str) -> None:
    """A server at s0005 with 500 numbers handed out: after s0007 a PC's cursor 500 still means "seen up to 500"
    and the next change is numbered above it (SQLite keeps its counter; PostgreSQL's sequence starts there)."""
    engine = make_server_engine(server_db_url)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "s0005_national")
    old = uuid.uuid4()
    with engine.begin() as conn:
        conn.execute(insert(SyncCounter.__table__).values(id=1, value=500))
        conn.execute(
            insert(SyncRow.__table__).values(
                table_name="person",
                row_id=old,
                office_code="40",
                version=1,
                seq=500,
                deleted=False,
                data={"id": str(old), "office_code": "40", "server_seq": 500},
                updated_at=utcnow(),
                updated_by="old server",
            )
        )
    engine.dispose()
    app = create_app(Settings(database_url=server_db_url))  # migrates to head
    try:
        sessions = app.state.sessions
        admin.create_office(sessions, province="40")
        pusher, reader = _device(sessions, "40"), _device(sessions, "40")
        seen = _pull(sessions, reader, 500)
        assert seen.changes == [] and seen.watermark == 500 and seen.next_cursor == 500
        (result,) = store.push(sessions, pusher, PushRequest.model_validate({"changes": [_person("40", 1)]}))
        assert result.status == "applied" and result.seq == 501
        after = _pull(sessions, reader, 500)
        assert [c.seq for c in after.changes] == [501] and after.next_cursor == 501
        assert [c.seq for c in _pull(sessions, reader, 0).changes] == [500, 501]
    finally:
        app.state.engine.dispose()


@pytest.fixture
def pg_sessions(_pg_reason: str | None) -> Iterator[object]:
    if _pg_reason:
        pytest.skip(f"PostgreSQL not reachable ({_pg_reason}); set KRUKHOR_TEST_PG_URL to run on it")
    for url in fresh_pg_schema():
        app = create_app(Settings(database_url=url))
        try:
            for office in ("40", "41"):
                admin.create_office(app.state.sessions, province=office)
            yield app.state.sessions
        finally:
            app.state.engine.dispose()


def _in_thread(target, *args) -> tuple[threading.Thread, dict]:
    out: dict = {}

    def run() -> None:
        try:
            out["value"] = target(*args)
        except Exception as exc:  # seen by the test, not lost in the thread
            out["error"] = exc

    th = threading.Thread(target=run)
    th.start()
    return th, out


def test_pushes_of_two_offices_do_not_wait_for_each_other_but_two_of_one_office_do(pg_sessions) -> None:
    """Office 40's push holds its numbers, uncommitted: office 41's push goes through at once; a second push of
    office 40 waits for the first, then gets higher numbers. (With the one global counter, 41 waited too.)"""
    sessions = pg_sessions
    pc41, pc40b = _device(sessions, "41"), _device(sessions, "40")
    writer = sessions()
    try:
        writer.begin()
        first = store.take_numbers(writer, "40", 3)
        assert first == sorted(first) and len(set(first)) == 3
        other, got41 = _in_thread(
            store.push, sessions, pc41, PushRequest.model_validate({"changes": [_person("41", 1)]})
        )
        other.join(timeout=20)
        assert not other.is_alive(), "a push of office 41 waited for office 40's push"
        assert "error" not in got41 and got41["value"][0].status == "applied"
        assert got41["value"][0].seq > max(first)
        same, got40 = _in_thread(
            store.push, sessions, pc40b, PushRequest.model_validate({"changes": [_person("40", 2)]})
        )
        same.join(timeout=1.0)
        assert same.is_alive(), "two pushes of office 40 did not take turns"
        writer.commit()
    finally:
        writer.close()
    same.join(timeout=20)
    assert not same.is_alive() and "error" not in got40
    assert got40["value"][0].status == "applied" and got40["value"][0].seq > max(first)


def test_a_device_waits_for_the_centre_and_the_centre_waits_for_every_office(pg_sessions) -> None:
    """A pull reads the centre's "00" rows too: a publish holding its number is waited for. Central staff read
    every office: an office's push holding its number is waited for, then seen."""
    sessions = pg_sessions
    pc40 = _device(sessions, "40")
    central = store.Principal("user", "central_staff", None, None, "central")
    for who, office in ((pc40, "00"), (central, "41")):
        writer = sessions()
        try:
            writer.begin()
            rid = uuid.uuid4()
            (number,) = store.take_numbers(writer, office, 1)
            writer.execute(
                insert(SyncRow.__table__).values(
                    table_name="rate" if office == "00" else "person",
                    row_id=rid,
                    office_code=office,
                    version=1,
                    seq=number,
                    deleted=False,
                    data={"id": str(rid), "office_code": office, "server_seq": number},
                    updated_at=utcnow(),
                    updated_by="writer",
                )
            )
            reader, got = _in_thread(_pull, sessions, who, 0)
            reader.join(timeout=1.0)
            assert reader.is_alive(), f"{who.name} did not wait for office {office}'s numbered change"
            writer.commit()
        finally:
            writer.close()
        reader.join(timeout=20)
        assert not reader.is_alive() and "error" not in got
        assert rid in {c.row_id for c in got["value"].changes}
        assert got["value"].watermark >= number


def test_the_sqlite_counter_still_numbers_the_changes(tmp_path) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'server.sqlite'}"))
    try:
        sessions = app.state.sessions
        admin.create_office(sessions, province="40")
        pc = _device(sessions, "40")
        answers = store.push(
            sessions, pc, PushRequest.model_validate({"changes": [_person("40", i) for i in range(3)]})
        )
        assert [a.seq for a in answers] == [1, 2, 3]
        with sessions.begin() as s:
            assert s.scalar(select(SyncCounter.value)) == 3
    finally:
        app.state.engine.dispose()
