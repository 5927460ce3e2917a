"""One clock and one order: times people read are Bangkok BE whatever the process's TZ; names and places sort in
Thai dictionary order (pythainlp's collation), names without their prefix; no screen means one clear sentence."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from db.rules.collation import person_sort_key, place_sort_key, thai_key
from db.rules.thai_time import bangkok_today, format_be_datetime, format_clock, to_bangkok
from desktop.app import NO_SCREEN, no_screen_message

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["UTC", "America/New_York", "Asia/Tokyo"])
def process_tz(request, monkeypatch):
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


def test_times_read_in_bangkok_be_whatever_the_process_zone(process_tz) -> None:
    stored = datetime(2026, 12, 3, 14, 17)  # naive from the database: UTC
    assert format_be_datetime(stored) == "3 ธ.ค. 2569 21:17 น."
    assert format_be_datetime(stored.replace(tzinfo=UTC), style="long") == "3 ธันวาคม 2569 21:17 น."
    assert format_clock(stored) == "21:17 น."
    late = datetime(2026, 12, 3, 20, 30, tzinfo=UTC)  # already the 4th in Thailand
    assert to_bangkok(late).date().day == 4
    assert format_be_datetime(late) == "4 ธ.ค. 2569 03:30 น."


def test_screens_and_cli_use_the_one_clock(process_tz) -> None:
    from desktop.core.audit import AuditRow
    from desktop.ui.dialogs.history import _when
    from desktop.ui.pages.sync_page import when

    at = datetime(2026, 12, 3, 14, 17)
    row = AuditRow.__new__(AuditRow)
    object.__setattr__(row, "at", at)
    assert _when(row) == "3 ธ.ค. 2569 21:17 น."
    assert when("2026-12-03T14:17:00+00:00") == "3 ธ.ค. 69 21:17 น."
    expected_today = datetime.now(UTC).astimezone(to_bangkok(datetime.now(UTC)).tzinfo).date()
    assert bangkok_today() == expected_today


def test_import_batches_prints_bangkok_be(tmp_path) -> None:
    from desktop.core.context import AppContext
    from desktop.core.roster import apply as roster_apply
    from tests.fixtures.rosters import build_messy_xlsx

    db = tmp_path / "c.sqlite"
    env = {**os.environ, "TZ": "America/New_York"}

    def cli(*args: str) -> str:
        return subprocess.run(
            [sys.executable, "-m", "desktop.cli", "--db", str(db), *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        ).stdout

    cli("init", "--province", "40")
    cli("import-roster", str(build_messy_xlsx(tmp_path / "r.xlsx")))
    out = cli("import-batches")
    ctx = AppContext.open(db)
    try:
        batch = roster_apply.list_batches(ctx)[0]
    finally:
        ctx.close()
    shown = out.splitlines()[0].split("\t")[1]
    assert shown == format_be_datetime(batch.at)
    assert str(batch.at.year + 543) in shown and "น." in shown


TRICKY = [
    ("นาย", "ไชยา", "ดีมาก"),
    ("นาง", "เกษร", "ทองดี"),
    ("นางสาว", "แก้ว", "ใจดี"),
    ("", "กมล", "สุขใจ"),
    ("นาย", "โกวิท", "ศรีสุข"),
    ("ร้อยตำรวจเอก", "ใหม่", "มั่นคง"),
    ("นาย", "ฤทธิ์", "เดชา"),
    ("นาง", "รัตนา", "พรหมมา"),
    ("นาย", "ลำดวน", "ทองคำ"),
    ("นาง", "ขวัญใจ", "ดวงดี"),
    ("นาย", "กมล", "แก้วใส"),
]


class _P:
    def __init__(self, prefix: str, first: str, last: str) -> None:
        self.prefix, self.first_name, self.last_name = prefix, first, last


def test_names_sort_in_thai_order_ignoring_the_prefix() -> None:
    people = sorted((_P(*t) for t in TRICKY), key=person_sort_key)
    assert [f"{p.first_name} {p.last_name}" for p in people] == [
        "กมล แก้วใส",
        "กมล สุขใจ",
        "เกษร ทองดี",
        "แก้ว ใจดี",
        "โกวิท ศรีสุข",
        "ขวัญใจ ดวงดี",
        "ไชยา ดีมาก",
        "รัตนา พรหมมา",
        "ฤทธิ์ เดชา",  # ฤ between ร and ล, as in the Royal Institute dictionary
        "ลำดวน ทองคำ",
        "ใหม่ มั่นคง",  # ใ before its consonant ห
    ]
    # a prefix typed into the first name is ignored too
    assert person_sort_key(_P("", "นางสาวกมล", "สุขใจ")) == person_sort_key(_P("นางสาว", "กมล", "สุขใจ"))
    # นาง before นาย by code point no longer decides: นายกมล sorts before นางเกษร
    assert person_sort_key(_P("นาย", "กมล", "ก")) < person_sort_key(_P("นาง", "เกษร", "ก"))


def test_places_sort_in_thai_order() -> None:
    keys = [
        place_sort_key(district="เมืองขอนแก่น", subdistrict="ในเมือง", moo=2, village="โนนทัน"),
        place_sort_key(district="กระนวน", subdistrict="หนองโก", moo=10, village="ดอนดู่"),
        place_sort_key(district="เมืองขอนแก่น", subdistrict="ในเมือง", moo=1, village="ศรีจันทร์"),
        place_sort_key(district="ชนบท", subdistrict="ศรีบุญเรือง", moo=3, village="ไผ่"),
    ]
    assert sorted(range(4), key=lambda i: keys[i]) == [1, 3, 2, 0]
    assert sorted(["ไผ่", "เขา", "แค", "โคก", "ใหญ่", "กุดเค้า"], key=thai_key) == [
        "กุดเค้า",
        "เขา",
        "แค",
        "โคก",
        "ไผ่",
        "ใหญ่",
    ]


def test_tables_and_lists_use_the_thai_order(tmp_path) -> None:
    from desktop.core.context import AppContext
    from desktop.core.demo import province as demo
    from desktop.core.people import lecturers, people

    ctx = AppContext.open(tmp_path / "o.sqlite")
    try:
        demo.generate_demo(ctx, people=200)
        rows = people.list_people(ctx)
        assert [person_sort_key(r) for r in rows] == sorted(person_sort_key(r) for r in rows)
        lecs = lecturers.list_lecturers(ctx)
        assert [person_sort_key(r) for r in lecs] == sorted(person_sort_key(r) for r in lecs)
    finally:
        ctx.close()


def test_without_a_display_one_sentence_says_how_to_run() -> None:
    assert no_screen_message({}, "linux") == NO_SCREEN
    assert no_screen_message({"DISPLAY": ":0"}, "linux") == ""
    assert no_screen_message({"QT_QPA_PLATFORM": "offscreen"}, "linux") == ""
    assert no_screen_message({}, "win32") == ""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run(
        [sys.executable, "-m", "desktop.app"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "xvfb-run" in done.stderr and "offscreen" in done.stderr and "ต้องมีหน้าจอ" in done.stderr
    assert "xcb" not in done.stderr


def test_the_workbook_title_reads_bangkok_be(tmp_path, process_tz) -> None:
    from openpyxl import load_workbook

    from desktop.core.context import AppContext
    from desktop.core.demo import province as demo
    from desktop.reports.workbook import collect, province_figures_office, write_workbook

    ctx = AppContext.open(tmp_path / "w.sqlite")
    try:
        demo.generate_demo(ctx, people=60)
        generated = datetime(2026, 12, 3, 7, 18, tzinfo=UTC)
        data = collect(ctx, fiscal_year=2570, generated_at=generated)
        out = tmp_path / "w.xlsx"
        write_workbook(data, out_path=out, office_name=province_figures_office(ctx))
    finally:
        ctx.close()
    sheet = load_workbook(out, read_only=True)["สรุป"]
    line = next(sheet.iter_rows(min_row=2, max_row=2, values_only=True))[0]
    assert line.endswith("ข้อมูล ณ 3 ธันวาคม 2569 14:18 น.")  # 07:18 UTC is 14:18 in Bangkok
    assert "UTC" not in line
