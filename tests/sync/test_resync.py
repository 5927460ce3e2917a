"""A PC offline longer than the server keeps mutation ids resyncs itself: nothing lost, nothing applied twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from db.base import utcnow
from db.models import Person, SyncOutbox
from desktop.core.context import AppContext
from desktop.core.demo import province as demo
from desktop.core.sync import client as sync_client
from server import pruning
from server.models import Conflict, Device, Mutation, SyncRow
from tests.fixtures.sync_harness import Flaky, Server, client_for


def _age(server: Server, name: str) -> int:
    """Make the PC look unseen for longer than the rule, and prune what the server remembered of it."""
    long_ago = utcnow() - timedelta(days=pruning.MAX_OFFLINE_DAYS + 20)
    with server.sessions.begin() as s:
        dev = s.scalar(select(Device.id).where(Device.name == name))
        s.execute(update(Device).where(Device.id == dev).values(last_seen_at=long_ago, created_at=long_ago))
        s.execute(update(Mutation).where(Mutation.device_id == dev).values(received_at=long_ago))
    with server.sessions.begin() as s:
        return pruning.prune(s, now=utcnow())


def _people(ctx: AppContext) -> dict[str, tuple[str, str]]:
    with ctx.reading() as s:
        return {p.national_id: (p.first_name, p.phone or "") for p in s.scalars(select(Person))}


def _server_people(server: Server) -> int:
    with server.sessions() as s:
        return s.scalar(
            select(func.count()).where(SyncRow.table_name == "person", SyncRow.deleted.is_(False))
        )


def test_a_pc_offline_past_the_pruned_period_resyncs_without_losing_or_repeating(
    server: Server, desktops
) -> None:
    a, b = desktops("pc_a"), desktops("pc_b")
    demo.generate_demo(a, people=12)
    sync_client.sync(a, http=server.http)
    sync_client.sync(b, http=server.http)
    with a.reading() as s:
        ids = [p.id for p in s.scalars(select(Person).order_by(Person.national_id))]

    # A sends an edit and a new person, but the answer is lost on the way back (the server applied them).
    with a.transaction() as s:
        s.get(Person, ids[0]).phone = "0811111111"
        s.get(Person, ids[1]).first_name = "สมหญิงแก้"
    flaky = Flaky(server.http._transport)
    flaky.lose_answer = lambda r: r.url.path.endswith("/push")
    with client_for(server, flaky) as http, pytest.raises(sync_client.SyncError):
        sync_client.sync(a, http=http)
    with a.reading() as s:
        assert s.scalar(select(func.count()).where(SyncOutbox.state == "sending")) == 2
    # ... and then A is offline for longer than the server keeps mutation ids, while A's officer types on
    # and B changes one of the same people.
    with a.transaction() as s:
        s.get(Person, ids[2]).phone = "0822222222"
    sync_client.sync(b, http=server.http)  # B gets A's lost-answer edits
    with b.transaction() as s:
        s.get(Person, ids[3]).phone = "0833333333"
        s.get(Person, ids[1]).phone = "0844444444"
    sync_client.sync(b, http=server.http)
    assert _age(server, "pc_a") > 0
    with server.sessions() as s:
        rows_before = _server_people(server)
        conflicts_before = s.scalar(select(func.count()).select_from(Conflict))

    report = sync_client.sync(a, http=server.http)

    # Sent again: the two whose answers were lost, and the edit the refused push had just frozen.
    assert report.resynced and report.resent == 3 and report.failed == 0
    assert "ซิงก์ใหม่ทั้งหมด" in report.resync_line() and "3 รายการ" in report.resync_line()
    sync_client.sync(b, http=server.http)
    # Both PCs agree, with every edit of both, and the server holds each person once.
    assert _people(a) == _people(b)
    got = _people(a)
    with a.reading() as s:
        nid = {p.id: p.national_id for p in s.scalars(select(Person))}
    assert got[nid[ids[0]]][1] == "0811111111"
    assert got[nid[ids[1]]] == ("สมหญิงแก้", "0844444444")
    assert got[nid[ids[2]]][1] == "0822222222" and got[nid[ids[3]]][1] == "0833333333"
    assert _server_people(server) == rows_before == 12
    with server.sessions() as s:
        # The edits the server had already applied changed nothing the second time: no conflict arose.
        assert s.scalar(select(func.count()).select_from(Conflict)) == conflicts_before
    with a.reading() as s:
        assert s.scalar(select(func.count()).select_from(SyncOutbox)) == 0
    # From now on A is a PC like any other.
    with a.transaction() as s:
        s.get(Person, ids[4]).phone = "0855555555"
    again = sync_client.sync(a, http=server.http)
    assert not again.resynced and again.pushed == 1


def test_the_resync_call_is_for_enrolled_devices(server: Server, desktops) -> None:
    from server import admin

    a = desktops("pc_a")
    admin.create_user(
        server.sessions, username="central", password="central pass 1", role="central_staff", province=None
    )
    token = server.http.post(
        "/api/v1/auth/login", json={"username": "central", "password": "central pass 1"}
    ).json()["token"]
    user = server.http.post("/api/v1/sync/resync", headers=sync_client._headers(token))
    assert user.status_code == 403 and "เฉพาะเครื่องที่ลงทะเบียนแล้ว" in user.json()["message"]
    device = sync_client._headers(sync_client.device_token(a))
    assert server.http.post("/api/v1/sync/resync", headers=device).json()["resynced"] is False
    _age(server, "pc_a")
    assert server.http.post("/api/v1/sync/resync", headers=device).json()["resynced"] is True
    assert server.http.post("/api/v1/sync/resync", headers={}).status_code in (400, 401, 426)
