"""Restoring a backup from the settings page: choose it by its Thai date and time, confirm, the app reopens on it."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from db.engine import engine_key
from db.migrate import backup_sqlite
from db.rules.national_id import make_national_id
from desktop.core import office
from desktop.core.backups import list_backups
from desktop.core.people import people
from desktop.core.people.people import PersonInput
from desktop.ui.main_window import MainWindow

LATER_ID = make_national_id("310170000999")


def _ids(ctx) -> set[str]:
    return {p.national_id for p in people.list_people(ctx)}


def test_restore_from_the_settings_page_reopens_on_the_backup(ui_ctx, qtbot) -> None:
    db_path = ui_ctx.db_path
    backup = backup_sqlite(db_path, label="start", key=engine_key(ui_ctx.engine))
    before = _ids(ui_ctx)
    people.create_person(
        ui_ctx, PersonInput(national_id=LATER_ID, prefix="นาย", first_name="มาทีหลัง", last_name="ใจดี")
    )
    window = MainWindow(ui_ctx, office.get_office(ui_ctx))
    qtbot.addWidget(window)
    window.show()
    window.go_to("ตั้งค่า")
    window.settings.reload()
    page = window.settings
    assert not page.restore_button.isEnabled()  # nothing chosen yet
    row = next(i for i, b in enumerate(page.backup_list) if b.path == backup)
    when = page.backups.item(row, 0).text()
    assert when.endswith(" น.") and " 25" in when  # Buddhist Era, Bangkok time
    assert page.backups.item(row, 1).text() == "เปิดโปรแกรม"
    page.backups.selectRow(row)
    assert page.restore_button.isEnabled()

    def answer(
        button: str,
    ) -> None:  # the confirmation is modal: answered from the event loop, as a user would
        def click() -> None:
            box = page.confirm_box
            asked.append(box.text())
            next(b for b in box.buttons() if b.text() == button).click()

        QTimer.singleShot(0, click)

    asked: list[str] = []
    answer("ยกเลิก")
    page.restore_button.click()
    assert when in asked[0] and "เก็บเป็นไฟล์สำรอง" in asked[0]
    assert LATER_ID in _ids(ui_ctx)  # cancelled: nothing changed

    answer("กู้คืนข้อมูล")
    page.restore_button.click()
    reopened = next(
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, MainWindow) and w is not window and w.isVisible()
    )
    qtbot.addWidget(reopened)
    try:
        assert reopened.ctx is not ui_ctx
        assert _ids(reopened.ctx) == before  # the backup's data: the person added later is not there
        assert reopened.current_page() is reopened.settings
        status = reopened.settings.status.text()
        assert status.startswith("กู้คืนข้อมูลแล้ว")
        aside = next(b for b in list_backups(db_path) if b.label == "before-restore")
        assert aside.path.name in status
        qtbot.waitUntil(lambda: len(reopened.people.model.rows) == len(before), timeout=10_000)
        assert aside.path in {b.path for b in reopened.settings.backup_list}  # restorable in turn
    finally:
        reopened.runner.wait()
        reopened.ctx.close()
