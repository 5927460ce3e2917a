"""ผู้เข้ารับการอบรม: the roster of ครู ข candidates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from db.rules.collation import person_sort_key
from db.rules.national_id import shown_national_id
from db.rules.phone import format_phone
from desktop.core.people import people, places
from desktop.core.people.people import PersonRow
from desktop.ui.dialogs.person import PersonDialog
from desktop.ui.pages.table_page import TablePage
from desktop.ui.table_model import Column


class PeoplePage(TablePage):
    title = "ผู้เข้ารับการอบรม (ครู ข)"
    noun = "คน"
    empty_text = (
        "ยังไม่มีรายชื่อผู้เข้ารับการอบรม\n"
        "นำเข้ารายชื่อกำนัน ผู้ใหญ่บ้าน และผู้นำชุมชนจากไฟล์ของกรมการปกครอง หรือเพิ่มทีละคนด้วยปุ่ม เพิ่มคน"
    )
    empty_button = "นำเข้ารายชื่อจากกรมการปกครอง…"

    def empty_action(self) -> None:
        self.navigate.emit("นำเข้ารายชื่อ")

    _villages: list[places.VillageRow] | None = None
    _villages_stamp: tuple[object, ...] | None = None

    def columns(self) -> Sequence[Column]:
        return [
            Column("เลขประจำตัว\nประชาชน", lambda r: shown_national_id(r.national_id)),
            Column("ชื่อ-สกุล", lambda r: r.full_name, sort_key=person_sort_key, stretch=True),
            Column("ตำแหน่ง", lambda r: r.position),
            Column("หมู่บ้าน/ตำบล/อำเภอ", lambda r: r.place, sort_key=people.person_place_key, stretch=True),
            Column("โทรศัพท์", lambda r: format_phone(r.phone)),
            Column("สถานะ", lambda r: "ลบแล้ว" if r.deleted else "", only_with_deleted=True),
        ]

    def search_text(self, row: PersonRow) -> str:
        return " ".join(
            (
                row.national_id,
                row.prefix + row.first_name,
                row.last_name,
                row.position,
                row.village_name,
                row.subdistrict,
                row.district,
                row.phone,
                f"ม.{row.moo}" if row.moo else "",
            )
        )

    def fetch(self, include_deleted: bool) -> list[PersonRow]:
        return people.list_people(self.ctx, include_deleted=include_deleted)

    @property
    def villages(self) -> list[places.VillageRow]:
        """The form's village list, read when a form first needs it and again only once the villages changed.

        Not read after every reload: 75,000 villages hold the interpreter for a tenth of a second, and a search
        keystroke typed meanwhile waited for it.
        """
        stamp = places.villages_stamp(self.ctx)
        if self._villages is None or stamp != self._villages_stamp:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                self._villages, self._villages_stamp = places.list_villages(self.ctx), stamp
            finally:
                QApplication.restoreOverrideCursor()
        return self._villages

    def open_dialog(self, row: PersonRow | None) -> Any | None:
        dialog = PersonDialog(self.ctx, self.runner, villages=self.villages, row=row, parent=self)
        return dialog.result_row if dialog.exec() else None

    def delete_row(self, row: PersonRow) -> None:
        people.delete_person(self.ctx, row.id)

    def restore_row(self, row: PersonRow) -> None:
        people.restore_person(self.ctx, row.id)

    def describe(self, row: PersonRow) -> str:
        return row.full_name
