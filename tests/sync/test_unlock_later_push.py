"""An approver's unlock and the lines it frees may reach the server in different pushes (server.unlocks)."""

from __future__ import annotations

from sqlalchemy import select, update

from db.models import ExpenseLine, RoundSpending
from db.models.sync import SyncOutbox
from desktop.core.budget import spending
from desktop.core.demo import province as demo
from desktop.core.sync import client as sync_client
from server import admin
from server.models import SyncRow
from tests.fixtures.sync_harness import Server

OUTBOX = SyncOutbox.__table__


def _approved_round(ctx):
    with ctx.reading() as s:
        return s.scalars(select(RoundSpending.round_id).where(RoundSpending.status == "approved")).first()


def _server_statuses(server: Server, table: str, round_id) -> set[str]:
    with server.sessions() as s:
        rows = s.scalars(select(SyncRow.data).where(SyncRow.table_name == table)).all()
    return {r["status"] for r in rows if r["round_id"] == str(round_id) and not r["deleted"]}


def _hold(ctx, tables: set[str]) -> None:
    """A flaky link: these tables' pending changes stay behind while the rest is pushed."""
    with ctx.engine.begin() as conn:
        conn.execute(
            update(OUTBOX)
            .where(OUTBOX.c.state == "pending", OUTBOX.c.table_name.in_(tables))
            .values(state="held")
        )


def _release(ctx) -> None:
    with ctx.engine.begin() as conn:
        conn.execute(update(OUTBOX).where(OUTBOX.c.state == "held").values(state="pending"))


def _office_with_head(server: Server, desktops):
    admin.create_office(server.sessions, province="40")
    admin.create_user(
        server.sessions, username="head", password="head pass 123", role="province_head", province="40"
    )
    clerk = desktops("clerk")
    demo.generate_demo(clerk, people=30)
    rid = _approved_round(clerk)
    assert rid is not None
    assert sync_client.sync(clerk, http=server.http).failed == 0
    head = desktops("head")
    sync_client.sync(head, http=server.http)
    return clerk, head, rid


def test_the_unlock_first_then_its_lines_in_a_later_push(server: Server, desktops) -> None:
    clerk, head, rid = _office_with_head(server, desktops)
    spending.unlock(head, rid, reason="แก้จำนวนอาหารว่างตามใบเสร็จ")
    _hold(head, {"expense_line"})
    assert sync_client.sync(head, http=server.http).failed == 0  # the audit entry and round_spending
    assert _server_statuses(server, "round_spending", rid) == {"draft"}
    assert _server_statuses(server, "expense_line", rid) == {"approved"}
    _release(head)
    assert sync_client.sync(head, http=server.http).failed == 0
    assert _server_statuses(server, "expense_line", rid) == {"draft"}

    # Approved again (a newer approval than the unlock): the lines are locked once more for everyone.
    spending.approve(head, rid, approver="head")
    assert sync_client.sync(head, http=server.http).failed == 0
    assert _server_statuses(server, "expense_line", rid) == {"approved"}
    sync_client.sync(clerk, http=server.http)
    with clerk.transaction() as s:  # a PC that goes around its own lock: the server still refuses
        for line in s.scalars(select(ExpenseLine).where(ExpenseLine.round_id == rid)):
            line.status = "draft"
    report = sync_client.sync(clerk, http=server.http)
    assert report.failed >= 1
    assert all("อนุมัติ" in f.error for f in sync_client.list_failed(clerk))
    assert _server_statuses(server, "expense_line", rid) == {"approved"}


def test_lines_refused_before_the_unlock_arrived_go_through_on_retry(server: Server, desktops) -> None:
    _clerk, head, rid = _office_with_head(server, desktops)
    spending.unlock(head, rid, reason="แก้จำนวนอาหารว่างตามใบเสร็จ")
    _hold(head, {"audit_entry", "round_spending"})
    report = sync_client.sync(head, http=server.http)  # the lines alone: no unlock yet, refused
    assert report.failed >= 1
    failed = sync_client.list_failed(head)
    assert failed and {f.table for f in failed} == {"expense_line"}
    assert _server_statuses(server, "expense_line", rid) == {"approved"}
    _release(head)
    assert sync_client.sync(head, http=server.http).failed == 0  # the unlock arrives
    assert _server_statuses(server, "round_spending", rid) == {"draft"}
    sync_client.retry_failed(head, [f.id for f in failed])
    assert sync_client.sync(head, http=server.http).failed == 0
    assert _server_statuses(server, "expense_line", rid) == {"draft"}
    assert sync_client.list_failed(head) == []


def test_a_non_approvers_unlock_in_an_earlier_push_opens_nothing(server: Server, desktops) -> None:
    clerk, _head, rid = _office_with_head(server, desktops)
    spending.unlock(clerk, rid, reason="แก้จำนวนอาหารว่าง")
    _hold(clerk, {"expense_line"})
    sync_client.sync(clerk, http=server.http)
    with server.sessions() as s:
        audits = s.scalars(select(SyncRow.data).where(SyncRow.table_name == "audit_entry")).all()
    assert any(a["action"] == "unlock" and a["user_name"] == "clerk" for a in audits)  # kept, but not counted
    assert _server_statuses(server, "round_spending", rid) == {"approved"}
    _release(clerk)
    assert sync_client.sync(clerk, http=server.http).failed >= 1
    assert _server_statuses(server, "expense_line", rid) == {"approved"}
