"""A round's attendance screens, driven by keyboard as an officer would: grid entry, check-in, walk-in, print preview."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtTest import QTest

from db.rules.national_id import make_national_id
from desktop.core.context import AppContext
from desktop.core.people import people
from desktop.core.people.people import PersonInput
from desktop.core.rounds import attendance, enrolment, rounds
from desktop.core.rounds.rounds import RoundInput
from desktop.ui.rounds.checkin_box import CheckInBox
from desktop.ui.rounds.grid import FIXED, AttendanceGridWidget
from desktop.ui.rounds.planning_view import WalkInDialog
from desktop.ui.rounds.print_preview import PdfPreviewDialog, signin_maker
from desktop.ui.rounds.round_dialog import RoundAttendanceDialog
from desktop.ui.tasks import TaskRunner
from tests.fixtures.rounds import ready_round

DAY = date(2027, 6, 8)


@pytest.fixture
def runner(qtbot):
    r = TaskRunner()
    yield r
    r.wait()


@pytest.fixture
def open_round(ui_ctx: AppContext) -> rounds.RoundRow:
    """A two-day round, open, with four new people enrolled and nothing recorded yet."""
    rnd = ready_round(
        ui_ctx,
        RoundInput(start_date=DAY, end_date=date(2027, 6, 9), title="ฝึกอบรมครู ข ทดสอบ", capacity=10),
    )
    ids = [
        people.create_person(
            ui_ctx,
            PersonInput(
                national_id=make_national_id(f"3409{i:08d}"),
                prefix="นาย",
                first_name=f"ทดสอบ{i}",
                last_name="ใจดี",
            ),
        ).id
        for i in range(4)
    ]
    enrolment.enrol(ui_ctx, round_id=rnd.id, person_ids=ids)
    return rounds.set_status(ui_ctx, rnd.id, "open")


def _grid_marks(ctx: AppContext, rid: uuid.UUID) -> list[tuple[bool | None, ...]]:
    return [r.marks for r in attendance.get_grid(ctx, round_id=rid).rows]


def test_keyboard_entry_in_the_grid_saves_marks(qtbot, ui_ctx, runner, open_round) -> None:
    widget = AttendanceGridWidget(ui_ctx, runner, round_id=open_round.id)
    qtbot.addWidget(widget)
    widget.show()
    widget.reload()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 4, timeout=10_000)
    view = widget.view
    view.setFocus()
    assert view.currentIndex().row() == 0 and view.currentIndex().column() == FIXED
    QTest.keyClick(view, Qt.Key.Key_Space)  # row 1, day 1 morning: present
    QTest.keyClick(view, Qt.Key.Key_Down)
    QTest.keyClick(view, Qt.Key.Key_Return)  # row 2 present, moves to row 3
    assert view.currentIndex().row() == 2
    QTest.keyClick(view, Qt.Key.Key_Right)  # row 3, day 1 afternoon: present, then absent again
    QTest.keyClick(view, Qt.Key.Key_Space)
    QTest.keyClick(view, Qt.Key.Key_Space)
    assert widget.model.data(widget.model.index(2, FIXED + 1)) == "ขาด"
    qtbot.waitUntil(lambda: widget.idle and runner.idle, timeout=10_000)
    marks = _grid_marks(ui_ctx, open_round.id)
    assert marks[0] == (True, None, None, None)
    assert marks[1] == (True, None, None, None)
    assert marks[2] == (None, False, None, None)
    assert marks[3] == (None, None, None, None)
    # A correction from the grid is a new event; the old one stays.
    eid = attendance.get_grid(ui_ctx, round_id=open_round.id).rows[0].enrolment_id
    view.setCurrentIndex(widget.model.index(0, FIXED))
    QTest.keyClick(view, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: widget.idle and runner.idle, timeout=10_000)
    history = attendance.mark_history(ui_ctx, enrolment_id=eid)
    assert [(h[2], h[3], h[4]) for h in history] == [
        (True, "sheet", ui_ctx.user_name),
        (False, "sheet", ui_ctx.user_name),
    ]
    text = widget.cell_history_text(history, 1, "am")
    assert len(text.splitlines()) == 2
    assert "มา · จากใบลงชื่อ" in text.splitlines()[0] and "ขาด" in text.splitlines()[1]
    assert ui_ctx.user_name in text
    # Typing a row number jumps there.
    QTest.keyClicks(view, "4")
    qtbot.waitUntil(lambda: view.currentIndex().row() == 3, timeout=3_000)
    # "Everyone present" for the current column.
    view.setCurrentIndex(widget.model.index(0, FIXED + 2))
    widget.all_present.click()
    qtbot.waitUntil(lambda: widget.idle and runner.idle, timeout=10_000)
    assert [m[2] for m in _grid_marks(ui_ctx, open_round.id)] == [True] * 4


def test_grid_of_a_planned_round_is_read_only(qtbot, ui_ctx, runner) -> None:
    planned = next(r for r in rounds.list_rounds(ui_ctx) if r.status == "planned")
    rnd = ready_round(ui_ctx, RoundInput(start_date=DAY, end_date=DAY, title="ยังไม่เปิด", capacity=5))
    pid = people.create_person(
        ui_ctx, PersonInput(national_id=make_national_id("340955555555"), first_name="รอ", last_name="ก่อน")
    ).id
    enrolment.enrol(ui_ctx, round_id=rnd.id, person_ids=[pid])
    widget = AttendanceGridWidget(ui_ctx, runner, round_id=rnd.id)
    qtbot.addWidget(widget)
    widget.reload()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 1, timeout=10_000)
    widget.view.setFocus()
    QTest.keyClick(widget.view, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: runner.idle, timeout=5_000)
    assert _grid_marks(ui_ctx, rnd.id) == [(None, None)]
    assert "แก้ไขการเข้าอบรมไม่ได้" in widget.status.text()
    assert planned.status == "planned"


def test_scan_marks_present_and_a_bad_id_shows_the_reason(qtbot, ui_ctx, runner, open_round) -> None:
    box = CheckInBox(ui_ctx, runner, round_row=open_round)
    qtbot.addWidget(box)
    box.show()
    box.set_slot(1, "pm", today=DAY)
    person = enrolment.list_enrolments(ui_ctx, round_id=open_round.id)[1].person
    QTest.keyClicks(box.input, person.national_id)  # a USB scanner types digits...
    QTest.keyClick(box.input, Qt.Key.Key_Return)  # ... then Enter
    qtbot.waitUntil(lambda: box.last_result is not None, timeout=10_000)
    assert box.last_result.ok
    assert person.full_name in box.result.text() and "ช่วงบ่าย" in box.result.text()
    assert box.input.text() == ""  # ready for the next scan
    assert box.recent.count() == 1
    assert _grid_marks(ui_ctx, open_round.id)[1] == (None, True, None, None)

    box.last_result = None
    QTest.keyClicks(box.input, person.national_id[:12] + str((int(person.national_id[12]) + 1) % 10))
    QTest.keyClick(box.input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: box.last_result is not None, timeout=10_000)
    assert not box.last_result.ok
    assert "หลักตรวจสอบ" in box.result.text()
    box.last_result = None
    QTest.keyClicks(box.input, person.national_id)
    QTest.keyClick(box.input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: box.last_result is not None, timeout=10_000)
    assert box.last_result.code == "already" and "แล้ว เมื่อ" in box.result.text()
    # Letters never get into the box (validator): a scanner glitch cannot send them.
    QTest.keyClicks(box.input, "abc")
    assert box.input.text() == ""


def test_unknown_id_offers_a_walk_in_that_is_saved_and_marked_present(
    qtbot, ui_ctx, runner, open_round
) -> None:
    box = CheckInBox(ui_ctx, runner, round_row=open_round)
    qtbot.addWidget(box)
    box.set_slot(1, "am", today=DAY)
    new_id = make_national_id("140170000777")
    box.input.setText(new_id)
    box.submit()
    qtbot.waitUntil(lambda: box.last_result is not None, timeout=10_000)
    assert box.last_result.code == "not_in_database"
    assert box.action.isVisibleTo(box) and "ผู้เข้าร่วมหน้างาน" in box.action.text()
    dialog = WalkInDialog(
        ui_ctx, runner, round_row=open_round, national_id=box.last_result.national_id, present=(1, "am")
    )
    qtbot.addWidget(dialog)
    assert dialog.national_id.text() == new_id
    dialog.first_name.insert("มาเอง")
    dialog.save()
    qtbot.waitUntil(lambda: runner.idle, timeout=10_000)
    assert dialog.errors.text("last_name") == "กรุณากรอกนามสกุล"  # nothing saved yet
    dialog.last_name.insert("หน้างาน")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.result_row is not None, timeout=10_000)
    row = next(
        r for r in attendance.get_grid(ui_ctx, round_id=open_round.id).rows if r.person.national_id == new_id
    )
    assert row.walk_in and row.marks[0] is True


def test_preview_generates_off_the_gui_thread_and_prints_and_saves(
    qtbot, ui_ctx, open_round, tmp_path: Path
) -> None:
    dialog = PdfPreviewDialog(
        title="แบบลงทะเบียน", file_name="signin.pdf", make=signin_maker(ui_ctx, open_round.id)
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.finished_ok, timeout=30_000)
    pages = dialog.document.pageCount()
    assert dialog.result_info.days == 2 and pages == dialog.result_info.pages >= 2  # a sheet per day
    assert dialog.print_button.isEnabled() and f"{pages} หน้า" in dialog.status.text()
    out = tmp_path / "saved.pdf"
    dialog.save_to(out)
    assert out.read_bytes().startswith(b"%PDF")
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert dialog.print_to(printer) == pages
    assert (tmp_path / "printed.pdf").stat().st_size > 1000
    dialog.done(0)


def test_rounds_page_opens_the_attendance_dialog(window, qtbot, ui_ctx) -> None:
    page = window.rounds
    held = max((r for r in page.model.rows if r.status in ("held", "closed")), key=lambda r: r.enrolled)
    assert held.enrolled > 0
    page.select_where(lambda r: r.id == held.id)
    seen = {}

    def look() -> None:
        dialog = page.attendance_dialog
        qtbot.waitUntil(lambda: dialog.grid.model.rowCount() == held.enrolled, timeout=10_000)
        seen["tabs"] = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
        dialog.tabs.setCurrentWidget(dialog.summary)
        qtbot.waitUntil(lambda: dialog.summary.summary is not None, timeout=10_000)
        seen["summary"] = dialog.summary.summary
        dialog.accept()

    QTimer.singleShot(0, look)
    page.attendance_button.click()
    assert seen["tabs"] == ["ตารางการเข้าอบรม", "ลงชื่อด้วยเลขประจำตัว", "สรุปผลรุ่น", "วางแผนผู้เข้าอบรม"]
    assert seen["summary"].enrolled == held.enrolled
    assert seen["summary"].completed is not None
    assert isinstance(page.attendance_dialog, RoundAttendanceDialog)


def test_preview_can_be_cancelled(qtbot, tmp_path: Path) -> None:
    import time

    def slow(path: Path, progress) -> None:
        for i in range(500):
            progress(i, 500)
            time.sleep(0.01)
        path.write_bytes(b"%PDF-never")

    dialog = PdfPreviewDialog(title="ทดสอบ", file_name="slow.pdf", make=slow)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.progress.value() > 0, timeout=10_000)
    assert "กำลังสร้างเอกสาร" in dialog.status.text()
    with qtbot.waitSignal(dialog.ready, timeout=10_000):
        dialog.cancel_button.click()
    assert "ยกเลิก" in dialog.status.text()
    assert not dialog.finished_ok and not dialog.print_button.isEnabled()
    assert not dialog.path.exists()
    dialog.done(0)


def test_check_in_box_defaults_to_today_and_now(qtbot, ui_ctx, runner) -> None:
    from datetime import datetime, timedelta

    now = datetime.now(attendance.THAI_TIME)
    today = now.date()
    rnd = ready_round(
        ui_ctx,
        RoundInput(start_date=today - timedelta(days=1), end_date=today, title="วันนี้", capacity=5),
    )
    box = CheckInBox(ui_ctx, runner, round_row=rnd)
    qtbot.addWidget(box)
    assert box.day.currentData() == 2  # the second day of the round is today
    assert box.half.currentData() == ("am" if now.hour < 12 else "pm")
    assert box.today == today


def test_certificates_without_a_signer_ask_first(qtbot, ui_ctx, runner, open_round, monkeypatch) -> None:
    """No office head set: the officer is asked; "No" prints nothing, "Yes" opens the preview."""
    from PySide6.QtWidgets import QMessageBox

    from desktop.core import office
    from desktop.ui.rounds.round_dialog import RoundAttendanceDialog

    row = office.get_office(ui_ctx)
    office.update_office(
        ui_ctx, name_th=row.name_th, address="", phone="", head_name="", head_position=row.head_position
    )
    dialog = RoundAttendanceDialog(ui_ctx, runner, round_row=open_round)
    qtbot.addWidget(dialog)
    asked: list[str] = []
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]

    def question(parent, title, text, *args):
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    dialog.print_certificates()
    assert len(asked) == 1 and "ผู้ลงนาม" in asked[0] and getattr(dialog, "preview", None) is None
    dialog.print_certificates()
    assert len(asked) == 2 and dialog.preview is not None
    qtbot.waitUntil(
        lambda: dialog.preview.finished_ok or not dialog.preview.cancel_button.isEnabled(), timeout=20_000
    )
    dialog.preview.reject()
    # With a head set, no question.
    office.update_office(
        ui_ctx, name_th=row.name_th, address="", phone="", head_name="นางสาวพรทิพย์ ศรีสุข", head_position=""
    )
    dialog.print_certificates()
    assert len(asked) == 2
    qtbot.waitUntil(
        lambda: dialog.preview.finished_ok or not dialog.preview.cancel_button.isEnabled(), timeout=20_000
    )
    dialog.preview.reject()


def test_signin_order_chosen_in_the_dialog(qtbot, ui_ctx, runner, open_round) -> None:
    from desktop.ui.rounds.round_dialog import RoundAttendanceDialog

    dialog = RoundAttendanceDialog(ui_ctx, runner, round_row=open_round)
    qtbot.addWidget(dialog)
    dialog.signin_order.setCurrentIndex(dialog.signin_order.findData("name"))
    dialog.print_signin()
    qtbot.waitUntil(lambda: dialog.preview.finished_ok, timeout=20_000)
    assert dialog.preview.path.exists() and dialog.preview.document.pageCount() >= 2
    dialog.preview.reject()


def test_summary_reads_as_tables_with_numbers_right_and_two_charts(qtbot, ui_ctx, runner) -> None:
    from desktop.core.rounds.summary import round_summary
    from desktop.ui.rounds.summary_view import RoundSummaryView

    held = next(r for r in rounds.list_rounds(ui_ctx) if r.status == "held")
    view = RoundSummaryView(ui_ctx, runner, round_id=held.id)
    qtbot.addWidget(view)
    view.resize(1280, 640)
    view.show()
    view.reload()
    qtbot.waitUntil(lambda: view.summary is not None, timeout=10_000)
    s = round_summary(ui_ctx, round_id=held.id)
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    for row in range(view.slots.rowCount()):
        assert view.slots.item(row, 0).textAlignment() != right  # the half-day's label reads from the left
        for col in (2, 3, 4):  # present, absent, not recorded
            assert Qt.AlignmentFlag(view.slots.item(row, col).textAlignment()) == right
    for row in range(view.coverage.rowCount()):
        for col in (1, 2, 3):
            assert Qt.AlignmentFlag(view.coverage.item(row, col).textAlignment()) == right
    # presence per half-day against the enrolled; villages covered per district against all its villages
    assert [(t, d) for _n, t, d in view.presence_chart.rows] == [(s.enrolled, c.present) for c in s.slots]
    assert [(n, t, d) for n, t, d in view.coverage_chart.rows] == [
        (d.name, d.villages, d.covered) for d in s.districts
    ]
    assert view.presence_chart.isVisible() and view.coverage_chart.isVisible()
    # drawn side by side: attendance left, coverage right
    assert (
        view.presence_chart.mapTo(view, view.presence_chart.rect().topLeft()).x()
        < view.coverage_chart.mapTo(view, view.coverage_chart.rect().topLeft()).x()
    )
