"""The check-in tab with a card reader: the emulated card checks its holder in; faults show in Thai."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import time
from datetime import date

import pytest
from sqlalchemy import select

from db.models import AttendanceMark
from desktop.core.cardreader.checkin import WalkInPrefill
from desktop.core.cardreader.reader import NO_READER, ReaderEvent
from desktop.core.cardreader.thaiid import CardError
from desktop.core.context import AppContext
from desktop.core.people import people
from desktop.core.people.people import PersonInput
from desktop.core.rounds import enrolment, rounds
from desktop.core.rounds.rounds import DayInput, RoundInput, RoundRow

pytest.importorskip("pytestqt")
from desktop.ui.rounds.checkin_box import CheckInBox
from desktop.ui.rounds.planning_view import WalkInDialog
from desktop.ui.tasks import TaskRunner
from tests.fixtures.rounds import ready_round

DAY = date(2027, 5, 11)
HOLDER = "1101700203450"
STRANGER = "3100600112237"  # a valid ID nobody in the database has


@pytest.fixture
def runner(qtbot):
    r = TaskRunner()
    yield r
    r.wait()


@pytest.fixture
def card_round(ctx: AppContext) -> RoundRow:
    rnd = ready_round(
        ctx,
        RoundInput(
            start_date=DAY, end_date=DAY, number=1, title="ฝึกอบรมครู ข", capacity=5, days=[DayInput(DAY)]
        ),
    )
    pid = people.create_person(ctx, PersonInput(national_id=HOLDER, first_name="สมชาย", last_name="ใจดี")).id
    enrolment.enrol(ctx, round_id=rnd.id, person_ids=[pid])
    return rounds.set_status(ctx, rnd.id, "open")


def test_inserting_cards_checks_in_and_offers_a_walk_in_from_the_chip(
    qtbot, insert_card, ctx: AppContext, runner, card_round: RoundRow
) -> None:
    box = CheckInBox(ctx, runner, round_row=card_round)
    qtbot.addWidget(box)
    box.set_slot(1, "am", today=DAY)
    box.start_reader()
    try:
        qtbot.waitUntil(lambda: box.reader_status.text().startswith("เครื่องอ่านบัตร: พร้อม"), timeout=5_000)
        started = time.perf_counter()
        with insert_card():
            qtbot.waitUntil(lambda: box.last_result is not None, timeout=5_000)
            elapsed = time.perf_counter() - started
        assert box.last_result.ok, box.last_result.message
        assert "สมชาย ใจดี" in box.result.text()
        assert elapsed <= 2.0, f"card → present took {elapsed:.2f} s"
        with ctx.reading() as session:
            assert list(session.scalars(select(AttendanceMark.source))) == ["card"]

        box.last_result = None
        with insert_card(cid=STRANGER, name_th="นางสาว#มาลี##หน้างาน"):
            qtbot.waitUntil(lambda: box.last_result is not None, timeout=5_000)
        assert box.last_result.code == "not_in_database"
        assert box.action.text() == "ลงทะเบียนผู้เข้าร่วมหน้างานจากข้อมูลบนบัตร…"
        with qtbot.waitSignal(box.walk_in_from_card, timeout=2_000) as sent:
            box.action.click()
        prefill: WalkInPrefill = sent.args[0]
        assert (prefill.national_id, prefill.prefix, prefill.first_name) == (STRANGER, "นางสาว", "มาลี")
        dialog = WalkInDialog(ctx, runner, round_row=card_round, prefill=prefill, present=(1, "am"))
        qtbot.addWidget(dialog)
        assert (dialog.national_id.text(), dialog.last_name.text()) == (STRANGER, "หน้างาน")
        assert "บ้านเลขที่ 99/1 ถนนมิตรภาพ หมู่ที่ 5" in dialog.from_card.text()
        dialog.save()
        qtbot.waitUntil(lambda: dialog.result_row is not None, timeout=10_000)

        box.last_result = None
        with insert_card(kind="pull", pull_after=6):
            qtbot.waitUntil(lambda: box.last_result is not None, timeout=5_000)
        assert box.last_result.code == "card_removed" and "ดึงบัตรออกระหว่างอ่าน" in box.result.text()
    finally:
        box.stop_reader()


def test_readers_unplugged_and_back_are_said_and_the_box_keeps_working(
    qtbot, pcsc, insert_card, ctx: AppContext, runner, card_round: RoundRow
) -> None:
    """Every reader gone (pcscd stopped: see test_reader_replug), typing still checks in, then the card again."""
    if not pcsc.ours:
        pytest.skip("pcscd was already running (not started by these tests), so it cannot be stopped here")
    from desktop.core.cardreader.reader import ReaderWatch

    box = CheckInBox(
        ctx, runner, round_row=card_round, watch_factory=lambda emit: ReaderWatch(emit, retry_s=0.3)
    )
    qtbot.addWidget(box)
    box.set_slot(1, "am", today=DAY)
    box.start_reader()
    try:
        qtbot.waitUntil(lambda: box.reader_status.text() == "เครื่องอ่านบัตร: พร้อม (2 เครื่อง)", timeout=5_000)
        pcsc.stop()
        qtbot.waitUntil(
            lambda: (
                "ใช้เครื่องอ่านบัตรไม่ได้" in box.reader_status.text()
                or "ไม่พบเครื่องอ่านบัตร" in box.reader_status.text()
            ),
            timeout=5_000,
        )
        box.input.setText(HOLDER)  # the window answers while the reader is gone
        box.submit()
        qtbot.waitUntil(lambda: box.last_result is not None, timeout=5_000)
        assert box.last_result.ok
        assert pcsc.start()
        qtbot.waitUntil(lambda: box.reader_status.text().startswith("เครื่องอ่านบัตร: พร้อม"), timeout=5_000)
        box.last_result = None
        with insert_card():
            qtbot.waitUntil(lambda: box.last_result is not None, timeout=5_000)
        assert box.last_result.code == "already", box.last_result  # the same half-day: refused in Thai
    finally:
        box.stop_reader()


class NoReaderWatch:
    """Stands in for ReaderWatch on a PC without a reader: one status event, from another thread."""

    def __init__(self, on_event) -> None:
        self.on_event = on_event

    def start(self) -> None:
        import threading

        error = CardError("no_reader", NO_READER)
        threading.Thread(
            target=self.on_event, args=(ReaderEvent("status", "no_reader", error=error),)
        ).start()

    def stop(self) -> None:
        pass


def test_without_a_reader_the_status_says_so_and_typing_still_works(
    qtbot, ctx: AppContext, runner, card_round: RoundRow
) -> None:
    box = CheckInBox(ctx, runner, round_row=card_round, watch_factory=NoReaderWatch)
    qtbot.addWidget(box)
    box.set_slot(1, "am", today=DAY)
    box.start_reader()
    qtbot.waitUntil(lambda: "ไม่พบเครื่องอ่านบัตร" in box.reader_status.text(), timeout=2_000)
    box.input.setText(HOLDER)
    box.submit()
    qtbot.waitUntil(lambda: box.last_result is not None, timeout=5_000)
    assert box.last_result.ok
    with ctx.reading() as session:
        assert list(session.scalars(select(AttendanceMark.source))) == ["scan"]


def test_a_holder_whose_name_differs_is_shown_it_and_may_take_the_cards(
    qtbot, ctx: AppContext, runner, card_round: RoundRow
) -> None:
    from desktop.core.cardreader.thaiid import Address, CardData

    card = CardData(
        HOLDER, "นาย", "สมชาติ", "", "ใจดี", "", "", "", "", None, "", "male", "", None, None, Address()
    )
    box = CheckInBox(ctx, runner, round_row=card_round, watch_factory=NoReaderWatch)
    qtbot.addWidget(box)
    box.set_slot(1, "am", today=DAY)
    box.check_in_card(card)  # what a card event does
    qtbot.waitUntil(lambda: box.last_result is not None, timeout=5_000)
    assert box.last_result.ok
    assert "ชื่อ: สมชาย → สมชาติ" in box.result.text()
    assert box.action.text() == "ปรับข้อมูลตามบัตรประชาชน"
    box.action.click()
    qtbot.waitUntil(lambda: "ปรับข้อมูลตามบัตรแล้ว" in box.result.text(), timeout=5_000)
    assert people.search_people(ctx, HOLDER)[0].first_name == "สมชาติ"
