"""Flows that need the centre: unlock approved spending through sync, published rates, attendance order."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from db.base import utcnow
from db.models import AttendanceMark, AuditEntry, Enrolment, ExpenseLine, RoundSpending
from desktop.core.budget import spending
from desktop.core.demo import province as demo
from desktop.core.rounds.marks import latest_marks
from desktop.core.sync import client as sync_client
from server import admin
from server.models import SyncRow
from tests.fixtures.sync_harness import Server


def _approved_round(ctx):
    with ctx.reading() as s:
        return s.scalars(select(RoundSpending.round_id).where(RoundSpending.status == "approved")).first()


def _server_lines(server: Server, round_id) -> set[str]:
    with server.sessions() as s:
        rows = s.scalars(select(SyncRow.data).where(SyncRow.table_name == "expense_line")).all()
    return {r["status"] for r in rows if r["round_id"] == str(round_id) and not r["deleted"]}


def test_an_unlock_with_a_reason_goes_through_sync_only_from_the_office_approver(
    server: Server, desktops
) -> None:
    admin.create_office(server.sessions, province="40")
    admin.create_user(
        server.sessions, username="head", password="head pass 123", role="province_head", province="40"
    )
    clerk = desktops("clerk")
    demo.generate_demo(clerk, people=30)
    rid = _approved_round(clerk)
    assert rid is not None
    assert sync_client.sync(clerk, http=server.http).failed == 0
    assert _server_lines(server, rid) == {"approved"}

    spending.unlock(clerk, rid, reason="แก้จำนวนอาหารว่าง")  # a clerk is not the approver
    report = sync_client.sync(clerk, http=server.http)
    assert report.failed >= 1
    refused = [f for f in sync_client.list_failed(clerk) if f.table == "expense_line"]
    assert refused and all("ผู้อนุมัติ" in f.error and "clerk" in f.error for f in refused)
    assert _server_lines(server, rid) == {"approved"}

    head = desktops("head")
    sync_client.sync(head, http=server.http)
    spending.unlock(head, rid, reason="แก้จำนวนอาหารว่างตามใบเสร็จ")
    assert sync_client.sync(head, http=server.http).failed == 0
    assert _server_lines(server, rid) == {"draft"}
    with server.sessions() as s:
        audits = s.scalars(select(SyncRow.data).where(SyncRow.table_name == "audit_entry")).all()
    unlock = [a for a in audits if a["action"] == "unlock" and a["entity_id"] == str(rid)]
    assert any(a["user_name"] == "head" and "ตามใบเสร็จ" in str(a["changes"]) for a in unlock)

    sync_client.discard_failed(clerk, [f.id for f in sync_client.list_failed(clerk)])
    sync_client.sync(clerk, http=server.http)
    with clerk.reading() as s:
        statuses = set(s.scalars(select(ExpenseLine.status).where(ExpenseLine.round_id == rid)))
        assert statuses == {"draft"}
        assert (
            s.scalar(select(AuditEntry.user_name).where(AuditEntry.action == "unlock").limit(1)) is not None
        )


def test_attendance_newest_wins_by_the_servers_order_once_synced(server: Server, desktops) -> None:
    a = desktops("pc_a")
    demo.generate_demo(a, people=20)
    sync_client.sync(a, http=server.http)
    b = desktops("pc_b")
    sync_client.sync(b, http=server.http)
    with a.reading() as s:
        e = s.scalars(select(Enrolment)).first()
        rid, eid = e.round_id, e.id

    def mark(ctx, present: bool, at) -> None:
        with ctx.transaction() as s:
            s.add(
                AttendanceMark(
                    office_code="40", round_id=rid, enrolment_id=eid, day_no=1, half="am",
                    present=present, recorded_at=at, source="manual",
                )
            )  # fmt: skip

    # A's clock runs an hour fast: its "absent" looks newer by clock, but B's "present" reaches the server later.
    mark(a, False, utcnow() + timedelta(hours=1))
    sync_client.sync(a, http=server.http)
    mark(b, True, utcnow())
    with b.reading() as s:  # before B syncs, its own unsynced mark is the newest it knows
        assert latest_marks(s, rid)[(eid, 1, "am")][0] is True
    sync_client.sync(b, http=server.http)
    sync_client.sync(a, http=server.http)
    for ctx in (a, b):
        with ctx.reading() as s:
            assert latest_marks(s, rid)[(eid, 1, "am")][0] is True, ctx.user_name
