"""The card reader through pcscd + vpcd with an emulated Thai ID card: reads, faults, the watch and the CLI."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import AttendanceMark
from desktop.core.cardreader import reader
from desktop.core.cardreader.thaiid import CardError
from desktop.core.context import AppContext
from desktop.core.people import people
from desktop.core.people.people import PersonInput
from desktop.core.rounds import enrolment, rounds
from desktop.core.rounds.rounds import DayInput, RoundInput
from tests.fixtures.rounds import ready_round

ROOT = Path(__file__).parents[2]
DAY = date(2027, 5, 11)


@pytest.mark.parametrize("atr", ["old", "new"])
def test_both_card_generations_read_through_pcsc(insert_card, atr: str) -> None:
    with insert_card(atr=atr):
        card = reader.wait_for_card(timeout=5)
    assert card.national_id == "1101700203450"
    assert card.full_name == "นายสมชาย ใจดี"
    assert (card.address.house_no, card.address.moo, card.address.province) == ("99/1", "5", "ขอนแก่น")


def test_a_card_that_is_not_a_thai_id_is_named_so(insert_card) -> None:
    with insert_card(kind="other"), pytest.raises(CardError) as err:
        reader.wait_for_card(timeout=5)
    assert err.value.code == "not_thai_id"


def test_a_card_pulled_out_mid_read_says_so(insert_card) -> None:
    with insert_card(kind="pull", pull_after=5), pytest.raises(CardError) as err:
        reader.wait_for_card(timeout=5)
    assert err.value.code == "removed" and "ดึงบัตรออกระหว่างอ่าน" in err.value.message


def test_a_read_that_hangs_times_out(insert_card) -> None:
    with insert_card(kind="stall", pull_after=3), pytest.raises(CardError) as err:
        reader.wait_for_card(timeout=5, read_timeout=1.0)
    assert err.value.code == "timeout" and "1 วินาที" in err.value.message


def test_the_watch_reads_each_card_once_and_sees_it_removed(insert_card) -> None:
    events: queue.Queue[reader.ReaderEvent] = queue.Queue()
    watch = reader.ReaderWatch(events.put)
    watch.start()
    seen: list[str] = []

    def until(kind: str) -> reader.ReaderEvent:
        while True:
            event = events.get(timeout=5)
            seen.append(f"{event.kind}:{event.status}")
            if event.kind == kind:
                return event

    try:
        assert until("status").status == "ready"
        for last in ("ใจดี", "มีสุข"):
            with insert_card(name_th=f"นาง#สมศรี##{last}"):
                assert until("card").card.last_name == last  # type: ignore[union-attr]
            until("removed")
    finally:
        watch.stop()
    assert "status:reading" in seen and seen.count("card:reading") == 2


def test_without_pyscard_the_watch_says_the_reader_is_unavailable(monkeypatch) -> None:
    monkeypatch.setattr(reader, "scard", None)
    events: list[reader.ReaderEvent] = []
    watch = reader.ReaderWatch(events.append)
    watch.start()
    watch.stop()
    assert events[0].status == "unavailable" and events[0].label == "ใช้เครื่องอ่านบัตรไม่ได้"
    assert events[0].error.message == reader.NO_PYSCARD  # type: ignore[union-attr]  # Thai, no library name


def _round_with(ctx: AppContext, national_id: str) -> None:
    rnd = ready_round(
        ctx,
        RoundInput(
            start_date=DAY, end_date=DAY, number=1, title="ฝึกอบรมครู ข", capacity=5, days=[DayInput(DAY)]
        ),
    )
    pid = people.create_person(
        ctx, PersonInput(national_id=national_id, first_name="สมชาย", last_name="ใจดี")
    ).id
    enrolment.enrol(ctx, round_id=rnd.id, person_ids=[pid])
    rounds.set_status(ctx, rnd.id, "open")


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "desktop.cli", "--db", str(db), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )


def test_cli_card_read_masks_the_id_unless_asked(insert_card, ctx: AppContext, db_path: Path) -> None:
    with insert_card():
        masked = _cli(db_path, "card", "read", "--timeout", "5")
        shown = _cli(db_path, "card", "read", "--json", "--show-id", "--timeout", "5")
    assert masked.returncode == 0, masked.stderr
    assert "1-1017-xxxxx-xx-0" in masked.stdout and "1101700203450" not in masked.stdout
    data = json.loads(shown.stdout)
    assert data["national_id"] == "1101700203450" and data["address"]["district"] == "เมืองขอนแก่น"


def test_cli_checkin_by_card_writes_a_card_mark(insert_card, ctx: AppContext, db_path: Path) -> None:
    _round_with(ctx, "1101700203450")
    args = (
        "checkin",
        "--card",
        "--round",
        "1/2570",
        "--day",
        "1",
        "--half",
        "am",
        "--today",
        DAY.isoformat(),
    )
    with insert_card(expires="25690101"):
        first = _cli(db_path, *args, "--timeout", "5")
        again = _cli(db_path, *args, "--timeout", "5")
    assert first.returncode == 0, first.stderr
    assert "มาเข้าอบรม" in first.stdout and "บัตรหมดอายุแล้ว" in first.stdout  # expired: warned, still in
    assert again.returncode == 2 and "แล้ว" in again.stderr  # the same refusal as a typed ID
    with ctx.reading() as session:
        assert list(session.scalars(select(AttendanceMark.source))) == ["card"]


def test_cli_checkin_by_card_times_out_without_a_card(pcsc: object, ctx: AppContext, db_path: Path) -> None:
    _round_with(ctx, "1101700203450")
    started = time.perf_counter()
    out = _cli(
        db_path, "checkin", "--card", "--round", "1/2570", "--day", "1", "--half", "am", "--timeout", "1"
    )
    assert out.returncode == 2 and "ไม่มีการเสียบบัตรภายใน 1 วินาที" in out.stderr
    assert time.perf_counter() - started < 30
