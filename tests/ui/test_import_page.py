"""The roster import page: preview, confirm with progress, the database changes, undo restores it."""

from __future__ import annotations

from collections import Counter

from PySide6.QtWidgets import QMessageBox

from desktop.core.people import people
from tests.fixtures.rosters import (
    build_decoy_header_xlsx,
    build_messy_xlsx,
    build_two_moo_columns_xlsx,
    expected_outcomes,
    nid,
)


def test_preview_confirm_and_undo(window, qtbot, ui_ctx, tmp_path, monkeypatch) -> None:
    page = window.importer
    before = {p.national_id for p in people.list_people(ui_ctx)}
    path = build_messy_xlsx(tmp_path / "รายชื่อผู้ใหญ่บ้าน.xlsx")
    with qtbot.waitSignal(page.previewed, timeout=20_000):
        page.preview(path)
    expected = Counter(expected_outcomes().values())
    shown = Counter(page.rows.row_at(i).outcome for i in range(page.rows.rowCount()))
    assert shown["rejected"] == expected["rejected"] > 0
    assert shown["new"] == expected["new"] > 0
    assert "ไม่รับ" in page.summary.text()
    assert page.confirm_button.isEnabled()
    assert {p.national_id for p in people.list_people(ui_ctx)} == before  # a preview writes nothing

    with qtbot.waitSignal(page.imported, timeout=20_000):
        page.confirm()
    after = {p.national_id for p in people.list_people(ui_ctx)}
    assert len(after - before) == expected["new"]
    assert "นำเข้าแล้ว" in page.summary.text()
    qtbot.waitUntil(lambda: page.batches.rowCount() == 1, timeout=10_000)

    page.batch_table.selectRow(0)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(page.imported, timeout=20_000):
        page.undo_selected()
    assert {p.national_id for p in people.list_people(ui_ctx)} == before
    qtbot.waitUntil(lambda: page.batches.rowCount() == 1 and page.batches.row_at(0).undone, timeout=10_000)


def test_discarding_a_preview_changes_nothing(window, qtbot, ui_ctx, tmp_path) -> None:
    page = window.importer
    before = len(people.list_people(ui_ctx))
    with qtbot.waitSignal(page.previewed, timeout=20_000):
        page.preview(build_messy_xlsx(tmp_path / "r.xlsx"))
    page.discard()
    assert not page.confirm_button.isEnabled()
    assert len(people.list_people(ui_ctx)) == before


def test_unreadable_file_gives_a_thai_message(window, qtbot, tmp_path) -> None:
    page = window.importer
    bad = tmp_path / "not-a-roster.xlsx"
    bad.write_bytes(b"this is not a spreadsheet")
    with qtbot.waitSignal(page.previewed, timeout=20_000):
        page.preview(bad)
    assert "not-a-roster.xlsx" in page.summary.text() or "ไฟล์" in page.summary.text()
    assert not page.confirm_button.isEnabled()


def test_preview_lists_rows_in_file_order(window, qtbot, tmp_path) -> None:
    page = window.importer
    with qtbot.waitSignal(page.previewed, timeout=20_000):
        page.preview(build_messy_xlsx(tmp_path / "r.xlsx"))
    numbers = [page.rows.row_at(i).row for i in range(page.rows.rowCount())]
    assert numbers == sorted(numbers)


def _outcomes(page) -> Counter:
    return Counter(page.rows.row_at(i).outcome for i in range(page.rows.rowCount()))


def test_a_column_fixed_by_hand_is_previewed_imported_and_remembered(window, qtbot, ui_ctx, tmp_path) -> None:
    page = window.importer
    with qtbot.waitSignal(page.previewed, timeout=20_000):
        page.preview(build_two_moo_columns_xlsx(tmp_path / "ก.xlsx"))
    moo = page.combos["moo"]
    assert (
        not page.mapping_box.isHidden() and moo.currentData() == 4 and moo.currentText().startswith("E: หมู่ที่")
    )
    assert _outcomes(page) == Counter(rejected=4)

    # the same column for two fields is refused at once, in Thai, and nothing can be confirmed
    page.combos["phone"].setCurrentIndex(page.combos["phone"].findData(2))
    assert "ใช้กับ เลขประจำตัวประชาชน แล้ว" in page.mapping_errors.text()
    assert page.plan is None and not page.confirm_button.isEnabled()
    page.combos["phone"].setCurrentIndex(0)  # "ไม่มี/ไม่ใช้" again: the preview runs once more
    qtbot.waitUntil(lambda: page.plan is not None, timeout=20_000)
    assert page.mapping_errors.text() == ""

    with qtbot.waitSignal(page.previewed, timeout=20_000):
        moo.setCurrentIndex(moo.findData(5))  # F: หมู่ที่ใหม่
    assert _outcomes(page) == Counter(new=4)
    assert page.plan is not None and page.plan.layout.mapping["moo"] == 5
    assert page.confirm_button.isEnabled()
    with qtbot.waitSignal(page.imported, timeout=20_000):
        page.confirm()
    assert {p.moo for p in people.list_people(ui_ctx) if p.first_name.startswith("ทดสอบ")} == {1, 2, 3, 4}

    # next month's list of the same make starts with the corrected column
    with qtbot.waitSignal(page.previewed, timeout=20_000):
        page.preview(build_two_moo_columns_xlsx(tmp_path / "ข.xlsx", start=10))
    assert page.combos["moo"].currentData() == 5
    assert "ยืนยันไว้ครั้งก่อน" in page.mapping.text()
    assert _outcomes(page) == Counter(new=4)


def test_header_row_chosen_by_hand(window, qtbot, tmp_path) -> None:
    page = window.importer
    with qtbot.waitSignal(page.previewed, timeout=20_000):
        page.preview(build_decoy_header_xlsx(tmp_path / "d.xlsx"))
    assert page.header_row.value() == 1 and "new" not in _outcomes(page)
    with qtbot.waitSignal(page.previewed, timeout=20_000):
        page.header_row.setValue(3)  # previewed again after a short pause, as when typed
    assert page.header_row.value() == 3 and "เลือกเอง" in page.header_note.text()
    assert page.combos["national_id"].currentText() == "C: เลขบัตร"
    assert _outcomes(page) == Counter(new=3)
    with qtbot.waitSignal(page.previewed, timeout=20_000):
        page.choose_header_row(2)  # a blank row cannot be the header
    assert "ว่าง" in page.summary.text() and not page.confirm_button.isEnabled()


def test_no_header_found_then_chosen_and_mapped_by_hand(window, qtbot, ui_ctx, tmp_path) -> None:
    page = window.importer
    path = tmp_path / "bare.csv"
    rows = [["คอลัมน์1", "คอลัมน์2", "คอลัมน์3"]]
    rows += [[f"นายไร้หัว{i} ตาราง", nid(600 + i), "ผญบ."] for i in range(3)]
    path.write_text("\n".join(",".join(r) for r in rows), encoding="utf-8")
    with qtbot.waitSignal(page.previewed, timeout=20_000):
        page.preview(path)
    assert "ไม่พบแถวหัวตาราง" in page.summary.text() and not page.combos["national_id"].isEnabled()
    with qtbot.waitSignal(page.previewed, timeout=20_000):
        page.header_button.click()  # row 1, as the box shows
    assert "จำเป็น" in page.mapping_errors.text() and page.plan is None
    page.combos["full_name"].setCurrentIndex(page.combos["full_name"].findData(0))
    with qtbot.waitSignal(page.previewed, timeout=20_000):
        page.combos["national_id"].setCurrentIndex(page.combos["national_id"].findData(1))
    assert _outcomes(page) == Counter(new=3) and page.confirm_button.isEnabled()
