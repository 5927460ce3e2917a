"""The roster import page: preview, confirm with progress, the database changes, undo restores it."""

from __future__ import annotations

from collections import Counter

from PySide6.QtWidgets import QMessageBox

from desktop.core import people
from tests.fixtures.rosters import build_messy_xlsx, expected_outcomes


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
