"""A new office is guided: the dashboard's four steps tick as each is done, empty tables say what to do, the
province's districts are there before any roster, and a round opens only with a venue and a district."""

from __future__ import annotations

from datetime import date

import pytest

from db.rules.national_id import make_national_id
from db.sync.ids import reference_id
from desktop.core import office
from desktop.core.context import AppContext
from desktop.core.errors import RuleViolation
from desktop.core.first_run import first_run_steps
from desktop.core.people import people, places
from desktop.core.people.reference_places import (
    load_reference_places,
    reference_districts,
    reference_subdistricts,
)
from desktop.core.rounds import rounds
from desktop.core.rounds.rounds import RoundInput


@pytest.fixture
def fresh(tmp_path, app_font):
    ctx = AppContext.open(tmp_path / "fresh.sqlite")
    office.setup_office(ctx, province_code="40")
    yield ctx
    ctx.close()


def test_reference_places_of_every_province_are_shipped() -> None:
    provinces = [p.code for p in office.reference_provinces()]
    assert len(provinces) == 77
    for code in provinces:
        assert reference_districts(code), code
        assert reference_subdistricts(code), code
    assert [d.name_th for d in reference_districts("40")][:3] == ["เมืองขอนแก่น", "บ้านฝาง", "พระยืน"]
    assert len(reference_districts("10")) == 50  # the 50 เขต of Bangkok


def test_districts_are_there_before_any_roster(fresh) -> None:
    assert places.list_districts(fresh) == []
    added = load_reference_places(fresh)
    assert added == len(reference_districts("40")) + len(reference_subdistricts("40"))
    districts = places.list_districts(fresh)
    assert len(districts) == len(reference_districts("40")) == 26
    assert districts[0].id == reference_id("district", "4001")  # the same row on every PC of the office
    assert load_reference_places(fresh) == 0  # loading again adds nothing


def test_a_round_opens_only_with_a_venue_and_a_district(fresh) -> None:
    load_reference_places(fresh)
    bare = rounds.create_round(
        fresh,
        RoundInput(start_date=date(2027, 5, 12), end_date=date(2027, 5, 12), title="รุ่นแรก", capacity=50),
    )
    with pytest.raises(RuleViolation) as refused:
        rounds.set_status(fresh, bare.id, "open")
    assert refused.value.message == (
        "เปิดรับสมัครไม่ได้: ยังไม่ได้ระบุสถานที่อบรมและอำเภอที่รับผิดชอบอย่างน้อย 1 อำเภอ กรุณาแก้ไขรุ่นก่อน"
    )
    assert rounds.get_round(fresh, bare.id).status == "planned"
    ready = rounds.create_round(
        fresh,
        RoundInput(
            start_date=date(2027, 6, 2),
            end_date=date(2027, 6, 2),
            title="รุ่นสอง",
            capacity=50,
            venue="ห้องประชุมที่ว่าการอำเภอพล",
            district_codes=["4001"],
        ),
    )
    assert rounds.set_status(fresh, ready.id, "open").status == "open"


def test_the_checklist_ticks_each_step(fresh) -> None:
    assert [(s.key, s.done) for s in first_run_steps(fresh)] == [
        ("office", False),
        ("roster", False),
        ("round", False),
        ("device", False),
    ]
    office.update_office(
        fresh,
        name_th="สำนักงานแรงงานจังหวัดขอนแก่น",
        address="ศาลากลางจังหวัดขอนแก่น ถนนศูนย์ราชการ",
        phone="043-236-874",
        head_name="นางสาวพรทิพย์ ศรีสุข",
        head_position="แรงงานจังหวัดขอนแก่น",
    )
    people.create_person(
        fresh,
        people.PersonInput(
            national_id=make_national_id("110170000123"), prefix="นาย", first_name="สมชาย", last_name="ใจดี"
        ),
    )
    rounds.create_round(
        fresh,
        RoundInput(start_date=date(2027, 5, 12), end_date=date(2027, 5, 12), title="รุ่นแรก", capacity=50),
    )
    assert [s.done for s in first_run_steps(fresh)] == [True, True, True, False]


def test_a_fresh_window_guides_the_office(fresh, qtbot) -> None:
    from desktop.ui.main_window import MainWindow

    load_reference_places(fresh)
    win = MainWindow(fresh, office.get_office(fresh))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.runner.idle and bool(win.home.checklist.steps), timeout=10_000)
    checklist = win.home.checklist
    assert checklist.isVisible()
    assert [checklist.rows[k][0].text() for k in ("office", "roster", "round", "device")] == ["○"] * 4
    assert not win.home.burn_chart.isVisible() and win.home.burn_empty.isVisible()
    for page, button in (
        (win.people, "นำเข้ารายชื่อจากกรมการปกครอง…"),
        (win.rounds, "วางแผนรุ่นแรก…"),
        (win.lecturers, "เพิ่มวิทยากร…"),
    ):
        win.go_to(dict((p, label) for label, p in win.pages)[page])
        qtbot.waitUntil(lambda p=page: not p.is_loading, timeout=10_000)
        assert page.empty_panel.isVisible() and not page.table.isVisible()
        assert page.empty_action_button.text() == button
    win.people.empty_action_button.click()
    assert win.current_page() is win.importer
    checklist.rows["office"][2].click()
    assert win.current_page() is win.settings
    checklist.hide_button.click()  # an office that does not want the list: hidden, and stays hidden
    assert not checklist.isVisible()
    checklist.set_steps(checklist.steps)
    assert checklist.isHidden()


def test_an_office_set_up_before_the_list_gets_its_districts_at_start(tmp_path) -> None:
    import os
    import subprocess
    import sys

    path = tmp_path / "old.sqlite"
    ctx = AppContext.open(path)
    office.setup_office(ctx, province_code="10")  # as before this version: no districts until a roster
    ctx.close()
    # the real program in its own process (it quits its Qt application, which this test session shares)
    started = subprocess.run(
        [sys.executable, "-m", "desktop.app", "--db", str(path), "--quit-after", "0"],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode == 0, started.stderr[-2000:]
    ctx = AppContext.open(path)
    try:
        assert len(places.list_districts(ctx)) == 50  # Bangkok's 50 เขต
    finally:
        ctx.close()
