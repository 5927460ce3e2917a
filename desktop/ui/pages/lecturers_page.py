"""วิทยากร: lecturers and whether they are state or non-state (it sets the fee ceiling)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from db.rules.collation import person_sort_key
from db.rules.phone import format_phone
from desktop.core.people import lecturers
from desktop.core.people.lecturers import LecturerRow
from desktop.ui.dialogs.lecturer import LecturerDialog
from desktop.ui.pages.table_page import TablePage
from desktop.ui.table_model import Column


class LecturersPage(TablePage):
    title = "วิทยากร"
    noun = "คน"
    wrap = True  # tens of lecturers: long organisation names on two lines
    empty_text = "ยังไม่มีวิทยากร\nเพิ่มวิทยากรก่อนวางแผนค่าตอบแทนของรุ่น"
    empty_button = "เพิ่มวิทยากร…"

    def columns(self) -> Sequence[Column]:
        return [
            Column("ชื่อ-สกุล", lambda r: r.full_name, sort_key=person_sort_key, stretch=True),
            Column("ตำแหน่ง", lambda r: r.position),
            Column("หน่วยงาน", lambda r: r.organisation, stretch=True),
            Column("ประเภท", lambda r: r.kind_label),
            Column("โทรศัพท์", lambda r: format_phone(r.phone)),
            Column("สถานะ", lambda r: "ลบแล้ว" if r.deleted else "", only_with_deleted=True),
        ]

    def search_text(self, row: LecturerRow) -> str:
        return " ".join(
            (row.prefix + row.first_name, row.last_name, row.position, row.organisation, row.phone)
        )

    def fetch(self, include_deleted: bool) -> list[LecturerRow]:
        return lecturers.list_lecturers(self.ctx, include_deleted=include_deleted)

    def open_dialog(self, row: LecturerRow | None) -> Any | None:
        dialog = LecturerDialog(self.ctx, self.runner, row=row, parent=self)
        return dialog.result_row if dialog.exec() else None

    def delete_row(self, row: LecturerRow) -> None:
        lecturers.delete_lecturer(self.ctx, row.id)

    def restore_row(self, row: LecturerRow) -> None:
        lecturers.restore_lecturer(self.ctx, row.id)

    def describe(self, row: LecturerRow) -> str:
        return row.full_name
