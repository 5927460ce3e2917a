"""Enrolment planning: subdistricts by coverage, candidates with uncovered villages first, add selected or a walk-in."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.rules.collation import person_sort_key
from db.rules.thai_dates import format_be_date
from desktop.core.cardreader.checkin import WalkInPrefill
from desktop.core.context import AppContext
from desktop.core.errors import RuleViolation, ValidationError
from desktop.core.people.addresses import address_line
from desktop.core.people.people import POSITIONS, PREFIXES, PersonInput, person_place_key
from desktop.core.rounds import enrolment, planning
from desktop.core.rounds.planning import Candidate, PlanningView
from desktop.core.rounds.rounds import RoundRow
from desktop.ui.errors import error_box, technical_detail, thai_message
from desktop.ui.table_fit import fit_columns
from desktop.ui.table_model import Column, RowTableModel, make_table_view
from desktop.ui.tasks import TaskRunner
from desktop.ui.widgets import FieldErrors


def _columns() -> list[Column]:
    return [
        # two header lines: the short values ("มีแล้ว") leave the room to the names and places
        Column("ครู ข\nในหมู่บ้าน", lambda c: "มีแล้ว" if c.village_covered else "ยังไม่มี"),
        Column(
            "ชื่อ-สกุล", lambda c: c.person.full_name, sort_key=lambda c: person_sort_key(c.person), stretch=True
        ),
        Column("ตำแหน่ง", lambda c: c.person.position),
        Column(
            "หมู่บ้าน/ตำบล/อำเภอ",
            lambda c: c.person.place,
            sort_key=lambda c: person_place_key(c.person),
            stretch=True,
        ),
    ]


def _search(c: Candidate) -> str:
    p = c.person
    return f"{p.national_id} {p.first_name} {p.last_name} {p.village_name} {p.subdistrict} {p.district} {p.position}"


class PlanningWidget(QWidget):
    changed = Signal()

    def __init__(
        self, ctx: AppContext, runner: TaskRunner, *, round_row: RoundRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.runner, self.round = ctx, runner, round_row
        self.view: PlanningView | None = None
        self.area_filter: str | None = None
        self.areas = QTableWidget(0, 5)
        self.areas.setHorizontalHeaderLabels(["อำเภอ", "ตำบล", "หมู่บ้าน", "ยังไม่มี\nครู ข", "ผู้สมัคร\nที่เหลือ"])
        self.areas.verticalHeader().setVisible(False)
        fit_columns(self.areas)
        self.areas.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.areas.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.areas.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.areas.itemSelectionChanged.connect(self._area_chosen)
        self.model = RowTableModel(_columns(), search_text=_search)
        self.table = make_table_view(self.model, multi_select=True)
        self.search = QLineEdit(placeholderText="ค้นหาผู้สมัคร (ชื่อ, เลขประจำตัว, หมู่บ้าน, ตำบล)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.model.set_query)
        self.capacity = QLabel()
        self.capacity.setStyleSheet("font-size: 12pt;")
        self.add_button = QPushButton("ลงทะเบียนผู้ที่เลือก")
        self.add_button.clicked.connect(self.add_selected)
        self.fill_button = QPushButton("เลือกเท่าที่นั่งว่าง (หมู่บ้านที่ยังไม่มีครู ข ก่อน)")
        self.fill_button.clicked.connect(self.select_to_capacity)
        self.walk_in_button = QPushButton("เพิ่มผู้เข้าร่วมหน้างาน…")
        self.walk_in_button.clicked.connect(lambda: self.add_walk_in(""))
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        heading = QLabel("<b>ตำบลในอำเภอที่รุ่นนี้รับผิดชอบ</b> (ตำบลที่ยังไม่มีครู ข มากที่สุดอยู่บน)")
        heading.setWordWrap(True)  # unwrapped, its width was the side's least and squeezed the candidates
        lv.addWidget(heading)
        lv.addWidget(self.areas)
        self.all_areas = QPushButton("ทุกตำบล")
        self.all_areas.clicked.connect(self.areas.clearSelection)
        lv.addWidget(self.all_areas)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(self.capacity)
        rv.addWidget(self.search)
        rv.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.fill_button)
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        buttons.addWidget(self.walk_in_button)
        rv.addLayout(buttons)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([360, 860])  # the candidates' names and places need the room more than the counts
        layout = QVBoxLayout(self)
        layout.addWidget(split)

    def reload(self) -> None:
        ctx, rid = self.ctx, self.round.id

        def load() -> tuple[PlanningView, list[str]]:
            view = planning.plan_candidates(ctx, round_id=rid)
            return view, self.model.build_haystack(view.candidates)

        self.runner.read(load, on_done=self._loaded, on_error=self._failed)

    def _loaded(self, result: tuple[PlanningView, list[str]]) -> None:
        view, hay = result
        self.view = view
        self.areas.blockSignals(True)
        self.areas.setRowCount(len(view.areas))
        for i, a in enumerate(view.areas):
            for j, text in enumerate(
                [a.district, a.name, f"{a.villages:,}", f"{a.uncovered:,}", f"{a.candidates:,}"]
            ):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, a.code)
                self.areas.setItem(i, j, item)
        self.areas.resizeColumnsToContents()
        self.areas.blockSignals(False)
        self._show_candidates(hay)

    def _show_candidates(self, hay: list[str] | None = None) -> None:
        assert self.view is not None
        rows = list(self.view.candidates)
        if self.area_filter:
            rows = [c for c in rows if c.person.village_code.startswith(self.area_filter)]
            hay = None
        self.model.set_rows(rows, haystack=hay)
        for column, width in enumerate((120, 230, 140)):
            self.table.setColumnWidth(column, width)
        v = self.view
        self.capacity.setText(
            f"รุ่นที่ {v.number}/{v.fiscal_year}: ลงทะเบียนแล้ว <b>{v.enrolled:,}</b> จากที่รับได้ {v.capacity:,} คน · "
            f"ว่าง <b>{v.free:,}</b> ที่ · ผู้สมัครที่แสดง {len(rows):,} คน"
        )
        self.add_button.setEnabled(v.free > 0)
        self.fill_button.setEnabled(v.free > 0 and bool(rows))

    def _area_chosen(self) -> None:
        items = self.areas.selectedItems()
        self.area_filter = items[0].data(Qt.ItemDataRole.UserRole) if items else None
        if self.view is not None:
            self._show_candidates(
                None if self.area_filter else self.model.build_haystack(self.view.candidates)
            )

    def select_to_capacity(self) -> None:
        if self.view is None:
            return
        self.table.clearSelection()
        selection = self.table.selectionModel()
        from PySide6.QtCore import QItemSelectionModel

        for row in range(min(self.view.free, self.model.rowCount())):
            selection.select(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
            )

    def selected_ids(self) -> list[uuid.UUID]:
        return [self.model.row_at(i.row()).person.id for i in self.table.selectionModel().selectedRows()]

    def add_selected(self, *, reason: str = "") -> None:
        ids = self.selected_ids()
        if not ids:
            return
        ctx, rid = self.ctx, self.round.id

        def failed(exc: Exception) -> None:
            if isinstance(exc, RuleViolation) and "ระบุเหตุผล" in exc.message and not reason:
                text, ok = QInputDialog.getText(self, "ต้องระบุเหตุผล", exc.message + "\n\nเหตุผล:")
                if ok and text.strip():
                    self.add_selected(reason=text.strip())
                return
            self._failed(exc)

        self.runner.run(
            lambda: enrolment.enrol(ctx, round_id=rid, person_ids=ids, override_reason=reason),
            on_done=lambda _n: (self.changed.emit(), self.reload()),
            on_error=failed,
        )

    def add_walk_in(
        self,
        national_id: str,
        *,
        present: tuple[int, str] | None = None,
        prefill: WalkInPrefill | None = None,
    ) -> None:
        dialog = WalkInDialog(
            self.ctx,
            self.runner,
            round_row=self.round,
            national_id=national_id,
            present=present,
            prefill=prefill,
            parent=self,
        )
        if dialog.exec():
            self.changed.emit()
            self.reload()

    def _failed(self, exc: Exception) -> None:
        self.error_message = error_box(self, "ทำรายการไม่สำเร็จ", exc)


def card_summary(p: WalkInPrefill) -> str:
    """What else the chip says, stored with the person (the roster village is chosen later, not typed)."""
    born = f" เกิด {format_be_date(p.birth_date, style='medium')}" if p.birth_date else ""
    return f"ข้อมูลจากบัตรประชาชน (บันทึกเป็นที่อยู่): {address_line(p.address)}{born}"


class WalkInDialog(QDialog):
    """A new person who came on the day: created and enrolled (and marked present) in one transaction."""

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        *,
        round_row: RoundRow,
        national_id: str = "",
        present: tuple[int, str] | None = None,
        prefill: WalkInPrefill | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.runner, self.round, self.present = ctx, runner, round_row, present
        national_id = prefill.national_id if prefill else national_id
        self.result_row: planning.WalkInResult | None = None
        self.prefill = prefill
        self.setWindowTitle(f"ผู้เข้าร่วมหน้างาน รุ่นที่ {round_row.number}/{round_row.fiscal_year}")
        self.national_id = QLineEdit(national_id)
        self.prefix = QComboBox(editable=True)
        self.prefix.addItems(PREFIXES)
        self.first_name = QLineEdit()
        self.last_name = QLineEdit()
        self.position = QComboBox(editable=True)
        self.position.addItems(POSITIONS)
        self.phone = QLineEdit()
        self.errors = FieldErrors()
        self.from_card = QLabel()
        if prefill is not None:
            self.prefix.setCurrentText(prefill.prefix)
            self.first_name.setText(prefill.first_name)
            self.last_name.setText(prefill.last_name)
            self.from_card.setText(card_summary(prefill))
        form = QFormLayout()
        self.errors.add_row(form, "เลขประจำตัวประชาชน", "national_id", self.national_id)
        self.errors.add_row(form, "คำนำหน้า", "prefix", self.prefix)
        self.errors.add_row(form, "ชื่อ", "first_name", self.first_name)
        self.errors.add_row(form, "นามสกุล", "last_name", self.last_name)
        self.errors.add_row(form, "ตำแหน่ง", "position", self.position)
        self.errors.add_row(form, "โทรศัพท์", "phone", self.phone)
        self.message = QLabel()
        self.message.setStyleSheet("color:#b00020")
        self.message.setWordWrap(True)
        note = "บันทึกแล้วจะลงทะเบียนในรุ่นนี้เป็นผู้เข้าร่วมหน้างาน"
        if present:
            note += f" และลงชื่อมาเข้าอบรมวันที่ {present[0]} ช่วง{'เช้า' if present[1] == 'am' else 'บ่าย'}"
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("บันทึก")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("ยกเลิก")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(note))
        if prefill is not None:
            layout.addWidget(self.from_card)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        (self.first_name if national_id else self.national_id).setFocus()

    def data(self) -> PersonInput:
        return PersonInput(
            national_id=self.national_id.text(),
            prefix=self.prefix.currentText(),
            first_name=self.first_name.text(),
            last_name=self.last_name.text(),
            position=self.position.currentText(),
            phone=self.phone.text(),
            address=self.prefill.address if self.prefill is not None else None,
        )

    def save(self) -> None:
        ctx, rid, data, present = self.ctx, self.round.id, self.data(), self.present
        self.errors.clear()
        self.message.clear()

        def work() -> planning.WalkInResult:
            return planning.add_walk_in(
                ctx,
                round_id=rid,
                person=data,
                present_day=present[0] if present else None,
                present_half=present[1] if present else None,
            )

        def done(result: planning.WalkInResult) -> None:
            self.result_row = result
            self.accept()

        def failed(exc: Exception) -> None:
            if isinstance(exc, ValidationError):
                self.errors.show(exc.errors)
                elsewhere = [m for f, m in exc.errors.items() if f not in self.errors.labels]
                self.message.setText("\n".join(elsewhere))  # the rest is shown under its field
            else:
                self.message.setText(thai_message(exc))
                technical_detail(exc)

        self.runner.run(work, on_done=done, on_error=failed)
