"""The main window driven as an officer would: forms, search, enrolment, delete and restore."""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMessageBox

from db.rules.national_id import make_national_id
from db.rules.thai_digits import to_thai_digits
from desktop.core.people import people
from desktop.core.rounds import enrolment, rounds
from desktop.ui.dialogs.enrol import EnrolDialog
from desktop.ui.dialogs.person import PersonDialog
from desktop.ui.dialogs.round import RoundDialog


def _type(widget, text: str) -> None:
    """Type Thai text: QTest can only synthesise Latin-1 key presses, so insert as an input method would."""
    widget.setFocus()
    widget.insert(text)


def _save(qtbot, dialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: dialog.runner.idle, timeout=10_000)


def test_window_shows_thai_pages_and_counts(window, qtbot) -> None:
    labels = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert labels == [
        "หน้าหลัก",
        "รุ่นการอบรม",
        "ผู้เข้ารับการอบรม",
        "นำเข้ารายชื่อ",
        "วิทยากร",
        "งบประมาณ",
        "ซิงก์ข้อมูล",
        "ตั้งค่า",
    ]
    qtbot.waitUntil(lambda: window.home.counts is not None)
    assert window.home.counts.people == 120
    assert window.home.cards["people"].value.text() == "120"
    assert window.rounds.model.rowCount() == 15
    assert window.lecturers.model.rowCount() == 10
    assert window.font().family() == "Sarabun"


def test_create_round_through_its_form(window, qtbot, ui_ctx) -> None:
    page = window.rounds
    dialog = RoundDialog(
        ui_ctx, window.runner, districts=page.districts, organiser=page.organiser, parent=window
    )
    qtbot.addWidget(dialog)
    _type(dialog.title_edit, "อบรมครู ข อำเภอพล")
    _type(dialog.start.edit, "12 พ.ค. 70")
    dialog.start.edit.editingFinished.emit()
    assert dialog.end.edit.text() == "12 พฤษภาคม 2570"  # a one-day round by default
    _type(dialog.venue, "ห้องประชุมที่ว่าการอำเภอพล")
    dialog.capacity.setValue(80)
    dialog.districts.item(0).setCheckState(Qt.CheckState.Checked)
    _save(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = dialog.result_row
    assert saved.start_date == date(2027, 5, 12)
    assert saved.fiscal_year == 2570
    assert saved.district_codes == (page.districts[0].code,)
    page.after_save(saved)
    qtbot.waitUntil(lambda: page.model.rowCount() == 16 and page.current_row() is not None, timeout=10_000)
    assert page.current_row().id == saved.id
    assert page.current_row().dates_label == "12 พ.ค. 2570"


def test_round_form_shows_thai_errors_inline_and_saves_nothing(window, qtbot, ui_ctx) -> None:
    before = len(rounds.list_rounds(ui_ctx))
    dialog = RoundDialog(ui_ctx, window.runner, districts=window.rounds.districts, parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    _type(dialog.start.edit, "31/02/2570")
    _save(qtbot, dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted
    title_error = dialog.findChild(QLabel, "error_title")
    start_error = dialog.findChild(QLabel, "error_start_date")
    assert title_error.isVisible() and "ชื่อรุ่น" in title_error.text()
    assert start_error.isVisible() and "31/02/2570" in start_error.text()
    assert len(rounds.list_rounds(ui_ctx)) == before


def test_add_person_then_find_by_search(window, qtbot, ui_ctx) -> None:
    page = window.people
    nid = make_national_id("310170000123")
    dialog = PersonDialog(ui_ctx, window.runner, villages=page.villages, parent=window)
    qtbot.addWidget(dialog)
    _type(dialog.national_id, to_thai_digits(f"{nid[0]}-{nid[1:5]}-{nid[5:10]}-{nid[10:12]}-{nid[12]}"))
    _type(dialog.first_name, "สมหมายทดสอบ")
    _type(dialog.last_name, "ใจดีมาก")
    dialog.village.setCurrentIndex(3)
    _type(dialog.phone, "๐๘๑-๒๓๔-๕๖๗๘")
    _save(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.result_row.national_id == nid
    assert dialog.result_row.phone == "0812345678"
    assert dialog.result_row.village_id == page.villages[2].id
    page.after_save(dialog.result_row)
    qtbot.waitUntil(lambda: page.model.rowCount() == 121, timeout=10_000)
    _type(page.search, "สมหมายทดสอบ")
    assert page.model.rowCount() == 1
    assert page.model.row_at(0).national_id == nid
    page.search.clear()
    _type(page.search, to_thai_digits(nid[:6]))  # Thai digits find Arabic ones
    assert any(page.model.row_at(i).national_id == nid for i in range(page.model.rowCount()))
    page.search.clear()
    assert page.model.rowCount() == 121


def test_editing_a_person_keeps_their_village(window, qtbot, ui_ctx) -> None:
    page = window.people
    person = next(p for p in people.list_people(ui_ctx) if p.village_id not in (None, page.villages[0].id))
    dialog = PersonDialog(ui_ctx, window.runner, villages=page.villages, row=person, parent=window)
    qtbot.addWidget(dialog)
    assert dialog.village.currentData() == str(person.village_id)
    _save(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.result_row.village_id == person.village_id


def test_person_form_rejects_bad_id_with_thai_message(window, qtbot, ui_ctx) -> None:
    dialog = PersonDialog(ui_ctx, window.runner, villages=window.people.villages, parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    _type(dialog.national_id, "1234567890123")
    _type(dialog.first_name, "ทดสอบ")
    _save(qtbot, dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "หลักตรวจสอบ" in dialog.findChild(QLabel, "error_national_id").text()
    assert "นามสกุล" in dialog.findChild(QLabel, "error_last_name").text()
    assert len(people.list_people(ui_ctx)) == 120


def test_search_narrows_and_sorts(window, qtbot) -> None:
    page = window.people
    district = page.model.row_at(0).district
    _type(page.search, district)
    shown = [page.model.row_at(i) for i in range(page.model.rowCount())]
    assert shown and all(district in r.place for r in shown)
    page.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    ids = [page.model.row_at(i).national_id for i in range(page.model.rowCount())]
    assert ids == sorted(ids, reverse=True)


def test_search_keeps_the_thai_name_order(window, qtbot) -> None:
    """Sorted by name, every search (new, narrowed, cleared) lists its matches in Thai order, prefix ignored."""
    from db.rules.collation import person_sort_key

    page = window.people
    column = next(i for i, c in enumerate(page.model.columns) if c.title == "ชื่อ-สกุล")
    page.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)

    def shown() -> list:
        return [page.model.row_at(i) for i in range(page.model.rowCount())]

    everyone = shown()
    assert len(everyone) == 120
    assert [person_sort_key(r) for r in everyone] == sorted(person_sort_key(r) for r in everyone)
    district = everyone[0].district
    for text in (district[:1], district[:2], "", district):
        page.search.clear()
        _type(page.search, text)
        expected = [r for r in everyone if not text or text in r.place or text in r.full_name]
        got = shown()
        assert [r.national_id for r in got] == [
            r.national_id for r in everyone if r.national_id in {g.national_id for g in got}
        ]
        assert {r.national_id for r in expected} <= {r.national_id for r in got}
    page.table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    keys = [person_sort_key(r) for r in shown()]
    assert keys == sorted(keys, reverse=True) and len(keys) == page.model.rowCount()


def test_delete_asks_first_and_can_be_restored(window, qtbot, ui_ctx, monkeypatch) -> None:
    page = window.people
    page.select_where(lambda r: True)
    victim = page.current_row()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    page.delete_current()
    qtbot.waitUntil(lambda: window.runner.idle)
    assert len(people.list_people(ui_ctx)) == 120
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.delete_current()
    qtbot.waitUntil(lambda: page.model.rowCount() == 119, timeout=10_000)
    page.show_deleted.setChecked(True)
    qtbot.waitUntil(lambda: page.model.rowCount() == 120 and window.runner.idle, timeout=10_000)
    page.select_where(lambda r: r.id == victim.id)
    assert page.restore_button.isEnabled()
    page.restore_current()
    qtbot.waitUntil(lambda: window.runner.idle and not page.is_loading, timeout=10_000)
    assert victim.id in {p.id for p in people.list_people(ui_ctx)}


def test_enrol_people_from_the_round(window, qtbot, ui_ctx) -> None:
    planned = next(r for r in rounds.list_rounds(ui_ctx) if r.status == "planned")
    dialog = EnrolDialog(ui_ctx, window.runner, round_row=planned, parent=window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: window.runner.idle and dialog.candidates.rowCount() > 0, timeout=10_000)
    before = {
        e.person.id for e in enrolment.list_enrolments(ui_ctx, round_id=planned.id)
    }  # the demo invited some
    assert dialog.enrolled.rowCount() == len(before)
    dialog.left.selectRow(0)
    chosen = dialog.candidates.row_at(0)
    dialog.add_button.click()
    qtbot.waitUntil(lambda: dialog.enrolled.rowCount() == len(before) + 1, timeout=10_000)
    assert {e.person.id for e in enrolment.list_enrolments(ui_ctx, round_id=planned.id)} == before | {
        chosen.id
    }
    assert f"ลงทะเบียน {len(before) + 1} " in dialog.capacity_label.text()


def test_keyboard_navigation_between_pages(window, qtbot) -> None:
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() is window.people
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() is window.rounds


def test_screenshot_of_the_people_page(window, qtbot, tmp_path) -> None:
    window.go_to("ผู้เข้ารับการอบรม")
    qtbot.wait(50)
    out = tmp_path / "people.png"
    assert window.grab().save(str(out))
    image = window.grab().toImage()
    assert out.stat().st_size > 10_000
    # Text was drawn: the table area is not one flat colour.
    colours = {image.pixel(x, 200) for x in range(250, image.width() - 10, 7)}
    assert len(colours) > 3


def test_rounds_keep_their_order_until_a_header_is_clicked(window, ui_ctx) -> None:
    model = window.rounds.model
    shown = [(model.row_at(i).fiscal_year, model.row_at(i).number) for i in range(model.rowCount())]
    assert shown == sorted(shown, reverse=True)  # newest fiscal year and round first, as list_rounds gives


def test_history_shows_who_changed_what(window, qtbot, ui_ctx) -> None:
    page = window.people
    page.select_where(lambda r: True)
    row = page.current_row()
    data = people.as_input(row)
    data.phone = "0899999999"
    people.update_person(ui_ctx, row.id, data)
    page.show_history()
    qtbot.waitUntil(lambda: getattr(page, "history_dialog", None) is not None, timeout=10_000)
    model = page.history_dialog.model
    texts = [
        " ".join(str(model.data(model.index(r, c))) for c in range(model.columnCount()))
        for r in range(model.rowCount())
    ]
    assert any("แก้ไข" in t and "0899999999" in t and ui_ctx.user_name in t for t in texts)
    # fields by their Thai names, a blank as "—", never a Python None; a long cell has its whole text on hover
    changed = next(t for t in texts if "0899999999" in t)
    assert "โทรศัพท์: " in changed and "phone" not in changed and "None" not in changed
    page.history_dialog.close()


def test_history_shows_a_created_record_by_its_values_with_the_whole_text_on_hover(qtbot) -> None:
    from datetime import UTC, datetime

    from desktop.core.audit import AuditRow
    from desktop.ui.dialogs.history import HistoryDialog

    created = AuditRow(
        datetime(2026, 11, 25, 3, 0, tzinfo=UTC),
        "เจ้าหน้าที่",
        "pc-1",
        "create",
        "person",
        uuid.uuid4(),
        {"national_id": [None, "1101700203451"], "first_name": [None, "สมชาย"], "note": [None, ""]},
        "นำเข้า สมชาย ใจดี (แถว 9)",
    )
    dialog = HistoryDialog("สมชาย ใจดี", [created])
    qtbot.addWidget(dialog)
    model = dialog.model
    last = model.columnCount() - 1
    text = model.data(model.index(0, last))
    assert text == "เลขประจำตัวประชาชน: 1101700203451; ชื่อ: สมชาย"  # an empty note is left out
    assert model.data(model.index(0, last), Qt.ItemDataRole.ToolTipRole) == text
    assert model.data(model.index(0, 3), Qt.ItemDataRole.ToolTipRole) is None  # a short cell needs none
