"""The sync page and status bar: enrol, sync, conflicts resolved from the UI, never "complete" after a failure."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from db.models import AttendanceMark, Enrolment, Person
from desktop.core import office
from desktop.core.context import AppContext
from desktop.core.people import people
from desktop.core.people.people import PersonInput
from desktop.core.sync import client as sync_client
from tests.fixtures.sync_harness import start_live_server


@pytest.fixture
def live(tmp_path: Path):
    srv = start_live_server(f"sqlite:///{tmp_path / 'server.sqlite'}")
    yield srv
    srv.stop()


def _note(ctx: AppContext, pid, note: str) -> None:
    r = people.get_person(ctx, pid)
    people.update_person(
        ctx,
        pid,
        PersonInput(
            national_id=r.national_id,
            prefix=r.prefix,
            first_name=r.first_name,
            last_name=r.last_name,
            note=note,
        ),
    )


def test_enrol_sync_resolve_and_fail_from_the_page(
    window, qtbot, ui_ctx, live, tmp_path, monkeypatch
) -> None:
    page = window.sync
    page.controller.stop_background()  # only the clicks below sync, so each wait sees its own result
    window.go_to("ซิงก์ข้อมูล")
    qtbot.waitUntil(lambda: "ยังไม่ได้ลงทะเบียน" in window.sync.status_label.text(), timeout=10_000)
    assert page.enrol_box.isVisible() and not page.sync_button.isEnabled()

    page.server_edit.setText(live.base)
    page.code_edit.setText(live.code("40"))
    page.enrol_button.click()
    qtbot.waitUntil(lambda: page.result.text().startswith("ซิงก์สำเร็จ"), timeout=60_000)
    qtbot.waitUntil(
        lambda: "● ออนไลน์" in page.status_label.text() and "รอส่ง 0 รายการ" in page.status_label.text(),
        timeout=10_000,
    )
    assert not page.enrol_box.isVisible()
    assert "ซิงก์ล่าสุด" in page.status_label.text()

    # A second PC of the office changes the same person's note first.
    other = AppContext.open(tmp_path / "other.sqlite", user_name="somsri")
    try:
        office.setup_office(other, province_code="40")
        sync_client.enrol(other, server=live.base, code=live.code("40"))
        sync_client.sync(other)
        with ui_ctx.reading() as s:
            pid = s.scalar(select(Person.id).order_by(Person.national_id))
        _note(other, pid, "ค่าจากเครื่องสมศรี")
        sync_client.sync(other)
        _note(ui_ctx, pid, "ค่าจากเครื่องนี้")
        page.sync_button.click()
        qtbot.waitUntil(lambda: page.conflict_model.rowCount() == 1, timeout=60_000)
        row = page.conflict_model.row_at(0)
        cells = [page.conflict_model.index(0, c).data() for c in range(6)]
        assert cells[1] == "หมายเหตุ" and cells[2] == "ค่าจากเครื่องนี้" and cells[4] == "ค่าจากเครื่องสมศรี"
        assert "somsri" in cells[5] or row.server_by
        assert "ข้อขัดแย้ง 1" in page.result.text()
        page.conflict_view.selectRow(0)
        page.mine_button.click()
        qtbot.waitUntil(lambda: page.conflict_model.rowCount() == 0, timeout=10_000)
        page.sync_button.click()
        qtbot.waitUntil(lambda: page.result.text().startswith("ซิงก์สำเร็จ"), timeout=60_000)
        sync_client.sync(other)
        assert people.get_person(other, pid).note == "ค่าจากเครื่องนี้"
    finally:
        other.close()

    # A refused change (an attendance event edited) is listed with its reason: not "complete".
    with ui_ctx.transaction() as s:
        e = s.scalars(select(Enrolment)).first()
        mark = AttendanceMark(
            office_code="40", round_id=e.round_id, enrolment_id=e.id, day_no=1, half="am", present=True
        )
        s.add(mark)
    page.sync_button.click()
    qtbot.waitUntil(lambda: page.result.text().startswith("ซิงก์สำเร็จ"), timeout=60_000)
    with ui_ctx.transaction() as s:
        s.get(AttendanceMark, mark.id).present = False
    page.sync_button.click()
    qtbot.waitUntil(lambda: page.failed_model.rowCount() == 1, timeout=60_000)
    assert page.result.text().startswith("ซิงก์ไม่ครบ") and "ซิงก์สำเร็จ" not in page.result.text()
    assert "บันทึกรายการใหม่แทน" in page.failed_model.index(0, 1).data()
    qtbot.waitUntil(lambda: "ส่งไม่สำเร็จ 1" in page.status_label.text(), timeout=10_000)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.failed_view.selectRow(0)
    page.discard_button.click()
    qtbot.waitUntil(lambda: page.failed_model.rowCount() == 0, timeout=10_000)
    with ui_ctx.reading() as s:
        assert s.get(AttendanceMark, mark.id).present is True

    # The server goes away: offline, and the page says the sync failed.
    live.stop()
    page.sync_button.click()
    qtbot.waitUntil(lambda: page.result.text().startswith("ซิงก์ไม่สำเร็จ"), timeout=60_000)
    qtbot.waitUntil(lambda: "○ ออฟไลน์" in page.status_label.text(), timeout=10_000)
    assert "เชื่อมต่อเซิร์ฟเวอร์ไม่ได้" in page.info["error"].text()
    window.runner.wait()


def test_background_sync_runs_on_its_timer_when_enrolled(window, qtbot, live) -> None:
    page = window.sync
    page.controller.stop_background()
    from desktop.core.sync import client as sc

    sc.enrol(window.ctx, server=live.base, code=live.code("40"))
    page.reload()
    qtbot.waitUntil(
        lambda: page.controller.status is not None and page.controller.status.enrolled, timeout=10_000
    )
    page.controller.start_background(first_delay_ms=10, interval_ms=60_000)
    qtbot.waitUntil(lambda: page.result.text().startswith("ซิงก์สำเร็จ"), timeout=60_000)
    assert sc.status(window.ctx).pending == 0
    page.controller.stop_background()
    window.runner.wait()


def test_rows_kept_aside_are_listed_and_retried_from_the_page(window, qtbot, live) -> None:
    import uuid

    from db.rules.national_id import make_national_id
    from server import store
    from tests.server.test_api import _person_change

    page = window.sync
    page.controller.stop_background()
    sync_client.enrol(window.ctx, server=live.base, code=live.code("40"))
    nid = make_national_id("310170020349")
    for name in ("หนึ่ง", "สอง"):  # two live people with one national ID, from a server that did not check
        data = _person_change(uuid.uuid4(), national_id=nid, first_name=name)["fields"]
        with live.sessions.begin() as s:
            store.publish(s, table="person", office_code="40", data=data, by="old server")
    window.go_to("ซิงก์ข้อมูล")
    page.reload()
    qtbot.waitUntil(lambda: page.sync_button.isEnabled(), timeout=10_000)
    page.sync_button.click()
    qtbot.waitUntil(lambda: page.aside_model.rowCount() == 1, timeout=60_000)
    assert page.aside_box.isVisible() and "พักไว้ 1 รายการ" in page.aside_box.title()
    assert page.aside_model.index(0, 0).data() == "บุคคล สอง ปลอม"
    assert "national_id" in page.aside_model.index(0, 1).data()
    assert "พักไว้ด้านล่าง" in page.result.text()
    qtbot.waitUntil(lambda: "พักไว้ 1" in page.status_label.text(), timeout=10_000)
    page.aside_retry_button.click()
    qtbot.waitUntil(lambda: "ยังบันทึกไม่ได้ 1 รายการ" in page.result.text(), timeout=10_000)
    qtbot.waitUntil(lambda: page.aside_model.index(0, 2).data() == "2", timeout=10_000)
    window.runner.wait()
