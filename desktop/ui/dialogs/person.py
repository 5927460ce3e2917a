"""The form for adding or editing a ครู ข candidate."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QLineEdit, QPlainTextEdit, QWidget

from db.rules.phone import format_phone
from desktop.core.context import AppContext
from desktop.core.people import people
from desktop.core.people.people import PersonInput, PersonRow
from desktop.core.people.places import VillageRow
from desktop.ui.dialogs.base import RecordDialog
from desktop.ui.tasks import TaskRunner


class VillageListModel(QAbstractListModel):
    """Villages for the picker; a model over the rows, since adding 75,000 combo items one by one is slow."""

    def __init__(self, villages: list[VillageRow], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.villages: list[VillageRow | None] = [None, *villages]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.villages)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        village = self.villages[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return "— ไม่ระบุ —" if village is None else village.label
        if role == Qt.ItemDataRole.UserRole:  # as text: findData compares UUID objects by identity
            return None if village is None else str(village.id)
        return None


class PersonDialog(RecordDialog):
    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        *,
        villages: list[VillageRow],
        row: PersonRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("แก้ไขข้อมูลผู้เข้ารับการอบรม" if row else "เพิ่มผู้เข้ารับการอบรม", runner, parent)
        self.ctx, self.row = ctx, row
        self.national_id = QLineEdit()
        self.national_id.setPlaceholderText("13 หลัก เช่น 1-1017-00001-23-4")
        self.national_id.setMaxLength(25)
        self.prefix = QComboBox(editable=True)
        self.prefix.addItems(list(people.PREFIXES))
        self.first_name, self.last_name = QLineEdit(), QLineEdit()
        self.position = QComboBox(editable=True)
        self.position.addItems(list(people.POSITIONS))
        self.village = QComboBox(editable=True)
        self.village.setModel(VillageListModel(villages, self.village))
        self.village.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = QCompleter(self.village.model(), self.village)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.village.setCompleter(completer)
        self.phone = QLineEdit()
        self.phone.setPlaceholderText("เช่น 081-234-5678")
        self.note = QPlainTextEdit()
        self.note.setMaximumHeight(70)
        self.add_field("เลขประจำตัวประชาชน", "national_id", self.national_id)
        self.add_field("คำนำหน้า", "prefix", self.prefix)
        self.add_field("ชื่อ", "first_name", self.first_name)
        self.add_field("นามสกุล", "last_name", self.last_name)
        self.add_field("ตำแหน่ง", "position", self.position)
        self.add_field("หมู่บ้าน", "village_id", self.village)
        self.add_field("โทรศัพท์", "phone", self.phone)
        self.add_field("หมายเหตุ", "note", self.note)
        if row is not None:
            self.national_id.setText(row.national_id)
            self.prefix.setCurrentText(row.prefix)
            self.first_name.setText(row.first_name)
            self.last_name.setText(row.last_name)
            self.position.setCurrentText(row.position)
            # By the id as text (an edit once opened on the first village, and saving moved the person there).
            self.village.setCurrentIndex(max(self.village.findData(str(row.village_id)), 0))
            self.phone.setText(format_phone(row.phone))
            self.note.setPlainText(row.note)
        else:
            self.prefix.setCurrentText("นาย")
            self.position.setCurrentText("ผู้ใหญ่บ้าน")

    def collect(self) -> Callable[[], Any]:
        data = PersonInput(
            national_id=self.national_id.text(),
            prefix=self.prefix.currentText(),
            first_name=self.first_name.text(),
            last_name=self.last_name.text(),
            position=self.position.currentText(),
            village_id=uuid.UUID(v) if (v := self.village.currentData()) else None,
            phone=self.phone.text(),
            note=self.note.toPlainText(),
        )
        people.validate(data)  # fast, so inline errors show without a round trip
        ctx, row = self.ctx, self.row
        if row is None:
            return lambda: people.create_person(ctx, data)
        return lambda: people.update_person(ctx, row.id, data, expected_version=row.version)
