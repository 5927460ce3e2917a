"""Choosing who attends a round: candidates on the left, enrolled people on the right."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.rules.collation import person_sort_key
from db.rules.national_id import shown_national_id
from desktop.core.context import AppContext
from desktop.core.errors import RuleViolation
from desktop.core.people import people
from desktop.core.people.people import PersonRow, person_place_key
from desktop.core.rounds import enrolment
from desktop.core.rounds.rounds import RoundRow
from desktop.ui.errors import error_box
from desktop.ui.screen_fit import fit_window
from desktop.ui.table_model import Column, RowTableModel, make_table_view
from desktop.ui.tasks import TaskRunner


def _person_columns() -> list[Column]:
    return [
        Column("เลขประจำตัวประชาชน", lambda r: shown_national_id(r.national_id)),
        Column("ชื่อ-สกุล", lambda r: r.full_name, sort_key=person_sort_key, stretch=True),
        Column("ตำแหน่ง", lambda r: r.position),
        Column("หมู่บ้าน/ตำบล/อำเภอ", lambda r: r.place, sort_key=person_place_key, stretch=True),
    ]


def _search(r: PersonRow) -> str:
    return f"{r.national_id} {r.first_name} {r.last_name} {r.village_name} {r.subdistrict} {r.district}"


class EnrolDialog(QDialog):
    def __init__(
        self, ctx: AppContext, runner: TaskRunner, *, round_row: RoundRow, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.ctx, self.runner, self.round = ctx, runner, round_row
        self.setWindowTitle(f"ผู้เข้าอบรม รุ่นที่ {round_row.number}/{round_row.fiscal_year}")
        fit_window(self, QSize(1200, 720))
        self.candidates = RowTableModel(_person_columns(), search_text=_search)
        self.enrolled = RowTableModel(_person_columns(), search_text=_search)
        self.search = QLineEdit(placeholderText="ค้นหาผู้สมัคร (ชื่อ, เลขประจำตัว, หมู่บ้าน, ตำบล)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.candidates.set_query)
        self.only_districts = QCheckBox("เฉพาะอำเภอที่รุ่นนี้รับผิดชอบ")
        self.only_districts.setChecked(bool(round_row.district_codes))
        self.only_districts.setEnabled(bool(round_row.district_codes))
        self.only_districts.toggled.connect(lambda _on: self.reload())
        self.include_others = QCheckBox("รวมผู้ที่ลงทะเบียนในรุ่นอื่นแล้ว (ต้องระบุเหตุผล)")
        self.include_others.toggled.connect(lambda _on: self.reload())
        self.left = make_table_view(self.candidates, multi_select=True)
        self.right = make_table_view(self.enrolled, multi_select=True)
        self.add_button = QPushButton("ลงทะเบียนผู้ที่เลือก ↓")
        self.remove_button = QPushButton("↑ ยกเลิกการลงทะเบียน")
        self.add_button.clicked.connect(self.enrol_selected)
        self.remove_button.clicked.connect(self.unenrol_selected)
        self.capacity_label = QLabel()
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText("ปิด")
        close.rejected.connect(self.accept)
        # One list above the other: each gets the dialog's whole width for ID, name, position and village.
        top = QHBoxLayout()
        top.addWidget(QLabel("<b>ผู้สมัคร (ยังไม่ได้ลงทะเบียนในรุ่นนี้)</b>"))
        top.addWidget(self.search, 1)
        top.addWidget(self.only_districts)
        top.addWidget(self.include_others)
        moves = QHBoxLayout()
        moves.addWidget(self.add_button)
        moves.addWidget(self.remove_button)
        moves.addStretch(1)
        moves.addWidget(QLabel("<b>ลงทะเบียนแล้ว</b>"))
        moves.addWidget(self.capacity_label)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.left, 3)
        layout.addLayout(moves)
        layout.addWidget(self.right, 2)
        layout.addWidget(close)
        self.reload()

    def reload(self) -> None:
        ctx, rid = self.ctx, self.round.id
        only = set(self.round.district_codes) if self.only_districts.isChecked() else None
        include_others = self.include_others.isChecked()

        def load() -> tuple[list[PersonRow], list[PersonRow]]:
            enrolled = [e.person for e in enrolment.list_enrolments(ctx, round_id=rid)]
            skip = {p.id for p in enrolled}
            if not include_others:
                skip |= enrolment.enrolled_elsewhere(ctx, round_id=rid)
            candidates = [
                p
                for p in people.list_people(ctx)
                if p.id not in skip and (only is None or p.village_code[:4] in only)
            ]
            return candidates, enrolled

        self.runner.read(load, on_done=self._loaded, on_error=self._failed)

    def _loaded(self, result: tuple[list[PersonRow], list[PersonRow]]) -> None:
        candidates, enrolled = result
        self.candidates.set_rows(candidates)
        self.enrolled.set_rows(enrolled)
        self.capacity_label.setText(f"ลงทะเบียน {len(enrolled):,} จากที่รับได้ {self.round.capacity:,} คน")

    def _selected(self, view: QTableView, model: RowTableModel) -> list[Any]:
        return [model.row_at(i.row()) for i in view.selectionModel().selectedRows()]

    def enrol_selected(self, *, reason: str = "") -> None:
        ids = [p.id for p in self._selected(self.left, self.candidates)]
        if ids:
            self._enrol(ids, reason)

    def _enrol(self, ids: list[uuid.UUID], reason: str) -> None:
        ctx, rid = self.ctx, self.round.id

        def failed(exc: Exception) -> None:
            if isinstance(exc, RuleViolation) and "ระบุเหตุผล" in exc.message and not reason:
                text, ok = QInputDialog.getText(self, "ต้องระบุเหตุผล", exc.message + "\n\nเหตุผล:")
                if ok and text.strip():
                    self._enrol(ids, text.strip())
                return
            self._failed(exc)

        self.runner.run(
            lambda: enrolment.enrol(ctx, round_id=rid, person_ids=ids, override_reason=reason),
            on_done=lambda _n: self.reload(),
            on_error=failed,
        )

    def unenrol_selected(self) -> None:
        chosen = self._selected(self.right, self.enrolled)
        if not chosen:
            return
        ctx, rid = self.ctx, self.round.id

        def work() -> None:
            for p in chosen:
                enrolment.unenrol(ctx, round_id=rid, person_id=p.id)

        self.runner.run(work, on_done=lambda _r: self.reload(), on_error=self._failed)

    def _failed(self, exc: Exception) -> None:
        self.error_message = error_box(self, "ทำรายการไม่สำเร็จ", exc)
