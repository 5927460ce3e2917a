"""Rules by kind of data: approved spending is locked, events are append-only, reference data is the centre's."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select

from db.models import AttendanceMark, BudgetAllocation, Enrolment, ExpenseLine, Person, TrainingRound
from db.rules.national_id import make_national_id
from desktop.core.demo import province as demo
from desktop.core.people import people
from desktop.core.people.people import PersonInput
from desktop.core.sync import client as sync_client
from server.models import Mutation, SyncRow
from tests.fixtures.sync_harness import Server


def _first_round(ctx) -> uuid.UUID:
    with ctx.reading() as s:
        return s.scalar(select(TrainingRound.id).order_by(TrainingRound.fiscal_year, TrainingRound.number))


def test_an_approved_expense_line_cannot_be_changed_by_a_push(server: Server, desktops) -> None:
    a, b = desktops("pc_a"), desktops("pc_b")
    demo.generate_demo(a, people=20)
    with a.transaction() as s:
        line = ExpenseLine(
            office_code="40",
            round_id=_first_round(a),
            category="snack",
            amount_satang=150_000,
            description="อาหารว่าง",
        )
        s.add(line)
    sync_client.sync(a, http=server.http)
    sync_client.sync(b, http=server.http)
    with a.transaction() as s:
        s.get(ExpenseLine, line.id).status = "approved"
    sync_client.sync(a, http=server.http)
    with b.transaction() as s:  # B, not yet aware of the approval, edits the amount
        s.get(ExpenseLine, line.id).amount_satang = 999_900
    report = sync_client.sync(b, http=server.http)
    assert report.failed == 1
    [failed] = sync_client.list_failed(b)
    assert "อนุมัติแล้ว" in failed.error and failed.label == "รายการค่าใช้จ่าย"
    with server.sessions() as s:
        data = s.scalar(select(SyncRow.data).where(SyncRow.row_id == line.id))
    assert (data["status"], data["amount_satang"]) == ("approved", 150_000)
    with b.reading() as s:  # B keeps what was typed until the officer decides, with the approval merged in
        row = s.get(ExpenseLine, line.id)
        assert (row.status, row.amount_satang) == ("approved", 999_900)
    assert sync_client.discard_failed(b, [failed.id]) == 1
    with b.reading() as s:
        row = s.get(ExpenseLine, line.id)
        assert (row.status, row.amount_satang) == ("approved", 150_000)
    assert sync_client.list_failed(b) == []
    assert sync_client.sync(b, http=server.http).failed == 0


def test_attendance_events_are_append_only(server: Server, desktops) -> None:
    a = desktops("pc_a")
    demo.generate_demo(a, people=20)
    with a.transaction() as s:
        enrolment = s.scalars(select(Enrolment)).first()
        mark = AttendanceMark(
            office_code="40",
            round_id=enrolment.round_id,
            enrolment_id=enrolment.id,
            day_no=1,
            half="am",
            present=True,
        )
        s.add(mark)
    sync_client.sync(a, http=server.http)
    with a.transaction() as s:
        s.get(AttendanceMark, mark.id).present = False  # editing an event instead of adding a new one
    assert sync_client.sync(a, http=server.http).failed == 1
    [failed] = sync_client.list_failed(a)
    assert "บันทึกรายการใหม่แทน" in failed.error
    with server.sessions() as s:
        assert s.scalar(select(SyncRow.data).where(SyncRow.row_id == mark.id))["present"] is True
    # A retry is refused again: the server never lets an event be overwritten.
    sync_client.retry_failed(a, [failed.id])
    assert sync_client.sync(a, http=server.http).failed == 1


def test_reference_data_is_not_pushed_and_a_forged_push_is_refused(server: Server, desktops) -> None:
    a = desktops("pc_a")
    demo.generate_demo(a, people=5)  # the demo makes allocations locally
    sync_client.sync(a, http=server.http)
    with server.sessions() as s:
        assert s.scalar(select(SyncRow).where(SyncRow.table_name == "budget_allocation")) is None
        assert s.scalar(select(SyncRow).where(SyncRow.table_name == "province")) is None
    with a.reading() as s:
        alloc = s.scalars(select(BudgetAllocation)).first()
    change = {
        "mutation_id": str(uuid.uuid4()),
        "table": "budget_allocation",
        "row_id": str(alloc.id),
        "fields": {"amount_satang": 1},
    }
    from tests.server.test_api import _auth

    r = server.http.post("/api/v1/sync/push", json={"changes": [change]}, headers=_auth(a))
    assert r.json()["results"][0]["status"] == "rejected" and "ส่วนกลาง" in r.json()["results"][0]["error"]


def test_a_hard_delete_reaches_the_server_as_a_tombstone(server: Server, desktops) -> None:
    a, b = desktops("pc_a"), desktops("pc_b")
    p = people.create_person(
        a, PersonInput(national_id=make_national_id("110170020345"), first_name="ก", last_name="ข")
    )
    sync_client.sync(a, http=server.http)
    sync_client.sync(b, http=server.http)
    with a.transaction() as s:  # an undone import removes rows outright
        s.execute(delete(Person).where(Person.id == p.id))
    sync_client.sync(a, http=server.http)
    with server.sessions() as s:
        row = s.scalar(select(SyncRow).where(SyncRow.row_id == p.id))
        assert row.deleted is True and row.data["deleted"] is True
        assert (
            s.scalar(select(Mutation).where(Mutation.row_id == p.id, Mutation.table_name == "person"))
            is not None
        )
    sync_client.sync(b, http=server.http)
    assert people.list_people(b) == []
