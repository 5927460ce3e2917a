"""Two PCs of one office edit offline, then sync: different fields merge, the same field becomes a conflict."""

from __future__ import annotations

from sqlalchemy import func, select

from db.models import Person, SyncConflict
from db.rules.national_id import make_national_id
from desktop.core.people import people
from desktop.core.people.people import PersonInput
from desktop.core.sync import client as sync_client
from tests.fixtures.sync_harness import Server


def _sync(ctx, srv: Server) -> sync_client.SyncReport:
    return sync_client.sync(ctx, http=srv.http)


def _edit(ctx, pid, **changes) -> None:
    row = people.get_person(ctx, pid)
    data = {
        "national_id": row.national_id,
        "prefix": row.prefix,
        "first_name": row.first_name,
        "last_name": row.last_name,
        "position": row.position,
        "village_id": row.village_id,
        "phone": row.phone,
        "note": row.note,
    }
    data.update(changes)
    people.update_person(ctx, pid, PersonInput(**data))


def test_different_fields_merge_and_the_same_field_is_a_conflict(server: Server, desktops) -> None:
    a, b = desktops("pc_a"), desktops("pc_b")
    person = people.create_person(
        a,
        PersonInput(
            national_id=make_national_id("110170020345"), prefix="นาย", first_name="สมชาย", last_name="ใจดี"
        ),
    )
    first = _sync(a, server)
    assert first.pushed >= 2 and first.failed == 0  # the person and its audit entry (and the office)
    pulled = _sync(b, server)
    assert pulled.pulled >= 2
    assert people.get_person(b, person.id).first_name == "สมชาย"

    # Offline: A changes the phone, B the position.
    _edit(a, person.id, phone="0812345678")
    _edit(b, person.id, position="ผู้ใหญ่บ้าน")
    assert _sync(a, server).conflicts == 0
    assert _sync(b, server).conflicts == 0
    _sync(a, server)
    for ctx in (a, b):
        row = people.get_person(ctx, person.id)
        assert (row.phone, row.position) == ("0812345678", "ผู้ใหญ่บ้าน")
    assert sync_client.status(a).pending == sync_client.status(b).pending == 0

    # Both change the note: A's reaches the server first and stays; B's is kept as a conflict.
    _edit(a, person.id, note="มาจากเครื่อง ก")
    _edit(b, person.id, note="มาจากเครื่อง ข")
    _sync(a, server)
    report = _sync(b, server)
    assert report.conflicts == 1
    assert people.get_person(b, person.id).note == "มาจากเครื่อง ก"
    [conflict] = sync_client.list_conflicts(b)
    assert (conflict.field, conflict.local_value, conflict.server_value) == (
        "note",
        "มาจากเครื่อง ข",
        "มาจากเครื่อง ก",
    )
    assert "pc_b" in conflict.local_by and conflict.server_by and conflict.server_at and conflict.local_at
    assert "สมชาย" in conflict.label

    # The officer on B keeps B's value: it goes to the server and on to A.
    sync_client.resolve_conflict(b, conflict.id, keep="mine")
    assert sync_client.list_conflicts(b) == []
    assert _sync(b, server).conflicts == 0
    _sync(a, server)
    assert people.get_person(a, person.id).note == people.get_person(b, person.id).note == "มาจากเครื่อง ข"
    with server.sessions() as s:
        from server.models import Conflict

        assert s.scalar(select(func.count()).select_from(Conflict).where(Conflict.resolved_at.is_(None))) == 0
    with b.reading() as s:
        assert s.scalar(select(func.count()).select_from(SyncConflict)) == 1


def test_keeping_the_servers_value_changes_nothing(server: Server, desktops) -> None:
    a, b = desktops("pc_a"), desktops("pc_b")
    person = people.create_person(
        a, PersonInput(national_id=make_national_id("110170020345"), first_name="สมหญิง", last_name="รักดี")
    )
    _sync(a, server)
    _sync(b, server)
    _edit(a, person.id, phone="0811111111")
    _edit(b, person.id, phone="0822222222")
    _sync(a, server)
    assert _sync(b, server).conflicts == 1
    [c] = sync_client.list_conflicts(b)
    sync_client.resolve_conflict(b, c.id, keep="theirs")
    assert _sync(b, server).pushed == 0
    assert people.get_person(b, person.id).phone == "0811111111"


def test_a_new_pc_downloads_the_province(server: Server, desktops) -> None:
    from desktop.core.demo import province as demo

    a = desktops("pc_a")
    demo.generate_demo(a, people=120)
    sent = _sync(a, server)
    assert sent.failed == 0 and not sent.problems
    b = desktops("pc_b")
    seen: list[tuple[int, int]] = []
    report = sync_client.sync(b, http=server.http, progress=lambda d, t: seen.append((d, t)), pull_page=200)
    assert not report.problems
    assert seen[-1][0] == seen[-1][1] and len(seen) > 1
    with a.reading() as s1, b.reading() as s2:
        assert s1.scalar(select(func.count()).select_from(Person)) == s2.scalar(
            select(func.count()).select_from(Person)
        )
    assert [r.national_id for r in people.list_people(a)] == [r.national_id for r in people.list_people(b)]
    assert sync_client.status(b).pending == 0
