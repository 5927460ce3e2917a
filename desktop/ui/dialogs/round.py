"""The form for planning or editing a training round (รุ่น)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from db.rules.errors import RuleError
from desktop.core.context import AppContext
from desktop.core.errors import ValidationError
from desktop.core.people.places import DistrictRow
from desktop.core.rounds import rounds
from desktop.core.rounds.rounds import RoundInput, RoundRow
from desktop.ui.dialogs.base import RecordDialog
from desktop.ui.tasks import TaskRunner
from desktop.ui.widgets import BEDateEdit


class RoundDialog(RecordDialog):
    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        *,
        districts: list[DistrictRow],
        organiser: str = "",
        row: RoundRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            f"แก้ไขรุ่นที่ {row.number}/{row.fiscal_year}" if row else "สร้างรุ่นการอบรม", runner, parent
        )
        self.ctx, self.row = ctx, row
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("เช่น ฝึกอบรมครู ข อำเภอเมืองขอนแก่น")
        self.number = QSpinBox()
        self.number.setRange(0, 999)
        self.number.setSpecialValueText("อัตโนมัติ (รุ่นถัดไป)")
        self.start = BEDateEdit()
        self.end = BEDateEdit()
        self.start.date_changed.connect(self._start_changed)
        self.venue = QLineEdit()
        self.venue_type = QComboBox()
        for key, label in rounds.VENUE_TYPE_LABELS.items():
            self.venue_type.addItem(label, key)
        self.training_type = QComboBox()
        for key, label in rounds.TRAINING_TYPE_LABELS.items():
            self.training_type.addItem(label, key)
        self.capacity = QSpinBox()
        self.capacity.setRange(0, rounds.MAX_CAPACITY)
        self.capacity.setValue(100)
        self.capacity.setSuffix(" คน")
        self.organiser = QLineEdit(organiser)
        self.districts = QListWidget()
        self.districts.setMaximumHeight(150)
        for d in districts:
            item = QListWidgetItem(f"{d.name_th} ({d.code})")
            item.setData(Qt.ItemDataRole.UserRole, d.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.districts.addItem(item)
        self.note = QPlainTextEdit()
        self.note.setMaximumHeight(60)
        for label, field, widget in (
            ("ชื่อรุ่น/หลักสูตร", "title", self.title_edit),
            ("รุ่นที่", "number", self.number),
            ("วันเริ่มอบรม", "start_date", self.start),
            ("วันสิ้นสุด", "end_date", self.end),
            ("สถานที่", "venue", self.venue),
            ("ประเภทสถานที่", "venue_type", self.venue_type),
            ("ประเภทการฝึกอบรม", "training_type", self.training_type),
            ("จำนวนที่รับได้", "capacity", self.capacity),
            ("ผู้จัด", "organiser", self.organiser),
            ("อำเภอที่รับผิดชอบ", "district_codes", self.districts),
            ("หมายเหตุ", "note", self.note),
        ):
            self.add_field(label, field, widget)
        if row is not None:
            self.title_edit.setText(row.title)
            self.number.setValue(row.number)
            self.start.set_date(row.start_date)
            self.end.set_date(row.end_date)
            self.venue.setText(row.venue)
            self.venue_type.setCurrentIndex(self.venue_type.findData(row.venue_type))
            self.training_type.setCurrentIndex(self.training_type.findData(row.training_type))
            self.capacity.setValue(row.capacity)
            self.organiser.setText(row.organiser)
            self.note.setPlainText(row.note)
            for i in range(self.districts.count()):
                item = self.districts.item(i)
                if item.data(Qt.ItemDataRole.UserRole) in row.district_codes:
                    item.setCheckState(Qt.CheckState.Checked)

    def _start_changed(self, value: object) -> None:
        if value is not None and not self.end.edit.text().strip():
            self.end.set_date(value)  # most rounds are one day

    def checked_districts(self) -> list[str]:
        return [
            self.districts.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.districts.count())
            if self.districts.item(i).checkState() == Qt.CheckState.Checked
        ]

    def collect(self) -> Callable[[], Any]:
        errors: dict[str, str] = {}
        dates = {}
        for field, widget in (("start_date", self.start), ("end_date", self.end)):
            try:
                dates[field] = widget.date()
            except RuleError as exc:
                errors[field] = exc.message
        data = RoundInput(
            start_date=dates.get("start_date"),
            end_date=dates.get("end_date"),
            number=self.number.value() or None,
            title=self.title_edit.text(),
            venue=self.venue.text(),
            venue_type=self.venue_type.currentData(),
            training_type=self.training_type.currentData(),
            capacity=self.capacity.value(),
            organiser=self.organiser.text(),
            district_codes=self.checked_districts(),
            note=self.note.toPlainText(),
        )
        try:
            rounds.validate(data)
        except ValidationError as exc:
            errors = {**exc.errors, **errors}
        if errors:
            raise ValidationError(errors)
        ctx, row = self.ctx, self.row
        if row is None:
            return lambda: rounds.create_round(ctx, data)
        return lambda: rounds.update_round(ctx, row.id, data, expected_version=row.version)
