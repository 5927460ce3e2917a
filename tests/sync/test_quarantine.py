"""Pulled rows a PC cannot store are kept aside with a Thai reason, retried after an upgrade; nothing is lost."""

from __future__ import annotations

import argparse
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.models import LocalSetting, Person, SyncQuarantine
from db.rules.national_id import make_national_id
from db.sync.outbox import applying
from desktop.cli import sync as sync_cli
from desktop.core import office
from desktop.core.context import AppContext
from desktop.core.people import people
from desktop.core.sync import client as sync_client
from server import store
from server.models import SyncRow
from tests.fixtures.sync_harness import Server, start_live_server
from tests.server.test_api import _person_change

NID = make_national_id("310170020349")


def _publish_person(server: Server, pid: uuid.UUID, **fields: object) -> None:
    data = _person_change(pid, **fields)["fields"]
    with server.sessions.begin() as s:  # written as an older server did, without its checks
        store.publish(s, table="person", office_code="40", data=data, by="old server")


def _aside(ctx: AppContext) -> list[SyncQuarantine]:
    with ctx.reading() as s:
        return list(s.scalars(select(SyncQuarantine)))


def _cursor(ctx: AppContext) -> int:
    with ctx.reading() as s:
        return int(s.scalar(select(LocalSetting.value).where(LocalSetting.key == sync_client.K_CURSOR)))


def test_a_duplicate_from_the_server_is_kept_aside_and_a_newer_version_releases_it(
    server: Server, desktops
) -> None:
    first, second = uuid.uuid4(), uuid.uuid4()
    _publish_person(server, first, national_id=NID, first_name="หนึ่ง")
    _publish_person(server, second, national_id=NID, first_name="สอง")
    b = desktops("pc_b")
    report = sync_client.sync(b, http=server.http)
    assert [p.first_name for p in people.list_people(b)] == ["หนึ่ง"]
    aside = sync_client.list_aside(b)
    assert report.aside == 1 and [a.row_id for a in aside] == [second.hex]
    assert "national_id" in aside[0].reason and NID in aside[0].reason and "ซ้ำ" in aside[0].reason
    assert aside[0].label == "บุคคล สอง ปลอม"
    with server.sessions() as s:
        assert _cursor(b) == s.scalar(select(func.max(SyncRow.seq)))  # the cursor went past it
    assert sync_client.status(b).aside == 1
    assert "พักไว้" in report.aside_line()

    _publish_person(server, second, national_id=make_national_id("310170020350"), first_name="สอง")
    report = sync_client.sync(b, http=server.http)
    assert report.aside == 0 and not _aside(b)
    assert sorted(p.first_name for p in people.list_people(b)) == ["สอง", "หนึ่ง"]


def test_rows_aside_are_retried_after_an_upgrade_not_before(server: Server, desktops, monkeypatch) -> None:
    b = desktops("pc_b")
    local_id = uuid.uuid4()
    with b.engine.begin() as conn, applying(conn):  # a row this PC holds that the server never saw
        conn.execute(
            Person.__table__.insert().values(
                id=local_id, office_code="40", national_id=NID, prefix="นาย", first_name="เก่า", last_name="ก"
            )
        )
    pid = uuid.uuid4()
    _publish_person(server, pid, national_id=NID, first_name="ใหม่")
    sync_client.sync(b, http=server.http)
    assert [a.attempts for a in _aside(b)] == [1]

    with b.engine.begin() as conn, applying(conn):
        conn.execute(Person.__table__.delete().where(Person.__table__.c.id == local_id))
    sync_client.sync(b, http=server.http)  # same program: the row is not tried again at every sync
    assert [a.attempts for a in _aside(b)] == [1]

    monkeypatch.setattr(sync_client, "app_version", lambda: "99.0.0")
    report = sync_client.sync(b, http=server.http)
    assert report.aside == 0 and not _aside(b)
    assert [p.first_name for p in people.list_people(b)] == ["ใหม่"]


def test_the_officer_retries_and_a_row_that_still_fails_counts_the_attempt(server: Server, desktops) -> None:
    """moo = 10**30 written by a server that did not check: aside with the field and value named."""
    from tests.server.test_hostile import _row

    bad = _row("village", code="40010101", subdistrict_id=str(uuid.uuid4()), moo=10**30, name_th="")["fields"]
    with server.sessions.begin() as s:
        store.publish(s, table="village", office_code="40", data=bad, by="old server")
    b = desktops("pc_b")
    report = sync_client.sync(b, http=server.http)
    assert report.aside == 1
    reason = sync_client.list_aside(b)[0].reason
    assert "moo" in reason and "1000000000000000000000000000000" in reason
    assert sync_client.retry_aside(b) == 1
    assert [a.attempts for a in _aside(b)] == [2]


@pytest.fixture
def live(tmp_path: Path):
    srv = start_live_server(f"sqlite:///{tmp_path / 'live.sqlite'}")
    yield srv
    srv.stop()


def test_cli_sync_exits_0_with_a_thai_warning_line(live, tmp_path: Path, capsys) -> None:
    ctx = AppContext.open(tmp_path / "pc.sqlite", user_name="pc")
    try:
        office.setup_office(ctx, province_code="40")
        sync_client.enrol(ctx, server=live.base, code=live.code("40"), device_name="pc")
        for pid in (uuid.uuid4(), uuid.uuid4()):
            data = _person_change(pid, national_id=NID)["fields"]
            with live.sessions.begin() as s:
                store.publish(s, table="person", office_code="40", data=data, by="old server")
        args = argparse.Namespace(command="sync", quiet=True)
        assert sync_cli.run(ctx, args) == 0
        err = capsys.readouterr().err
        assert "คำเตือน: ข้อมูลจากเซิร์ฟเวอร์ 1 รายการบันทึกในเครื่องนี้ไม่ได้ จึงพักไว้" in err
        assert sync_cli.run(ctx, argparse.Namespace(command="sync-aside", retry=False)) == 0
        assert "national_id" in capsys.readouterr().out
    finally:
        ctx.close()


def test_a_stored_phone_the_new_rule_refuses_is_listed_with_field_and_value(server: Server, desktops) -> None:
    """A number stored before the phone rule (067…) blocks that person's push; the office sees why."""
    a = desktops("pc_a")
    p = people.create_person(
        a,
        people.PersonInput(
            national_id=NID, prefix="นาย", first_name="โทร", last_name="เก่า", phone="0812345678"
        ),
    )
    with a.engine.begin() as conn:  # as version 0.x stored it, before the rule existed
        conn.execute(
            Person.__table__.update().where(Person.__table__.c.id == p.id).values(phone="0670000000")
        )
    report = sync_client.sync(a, http=server.http)
    assert report.failed >= 1
    failed = [f for f in sync_client.list_failed(a) if f.table == "person"]
    assert len(failed) == 1 and failed[0].label == "บุคคล นายโทร เก่า"
    assert "phone" in failed[0].error and "0670000000" in failed[0].error
