"""The round summary: enrolled, present per half-day, completed under the round's rule, village coverage."""

from __future__ import annotations

import re
import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.rules.percent import NO_PERCENT, percent_text
from db.rules.thai_dates import format_be_date
from desktop.core.context import AppContext
from desktop.core.rounds import completion
from desktop.core.rounds.rounds import STATUS_LABELS
from desktop.core.rounds.summary import RoundSummary, round_summary
from desktop.ui.bars import Bars
from desktop.ui.errors import error_html, technical_detail, thai_message
from desktop.ui.table_fit import fit_columns
from desktop.ui.tasks import TaskRunner

NUMBER = re.compile(r"[0-9][0-9,]*(?:\.[0-9]+)?%?")


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    fit_columns(table)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            item = QTableWidgetItem(text)
            if NUMBER.fullmatch(text) or text == NO_PERCENT:  # figures line up on the right, as on paper
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(i, j, item)
    table.resizeColumnsToContents()


class RoundSummaryView(QWidget):
    def __init__(
        self, ctx: AppContext, runner: TaskRunner, *, round_id: uuid.UUID, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.runner, self.round_id = ctx, runner, round_id
        self.summary: RoundSummary | None = None
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.headline.setStyleSheet("font-size: 13pt;")
        self.rule = QComboBox()
        for key, label in completion.RULE_LABELS.items():
            self.rule.addItem(label, key)
        self.rule.activated.connect(self._rule_chosen)
        self.recompute = QPushButton("คำนวณผู้ผ่านการอบรมใหม่")
        self.recompute.clicked.connect(self._recompute)
        self.slots = _table(["ช่วงการอบรม", "วันที่", "มา", "ขาด", "ยังไม่บันทึก"])
        self.coverage = _table(["อำเภอ", "หมู่บ้านทั้งหมด", "มีครู ข ที่ผ่านการอบรม", "ร้อยละ"])
        rule_row = QHBoxLayout()
        rule_row.addWidget(QLabel("เกณฑ์การผ่าน:"))
        rule_row.addWidget(self.rule, 1)
        rule_row.addWidget(self.recompute)
        self.presence_chart = Bars(
            "ผู้มาอบรมแต่ละช่วงเทียบผู้ลงทะเบียน (คน)",
            legend=("มา", "ลงทะเบียน"),
            empty_text="ยังไม่มีช่วงการอบรม",
        )
        self.coverage_chart = Bars(
            "หมู่บ้านที่มีครู ข แล้ว รายอำเภอ",
            legend=("มีครู ข แล้ว", "หมู่บ้านทั้งหมด"),
            empty_text="รุ่นนี้ยังไม่ได้ระบุอำเภอที่รับผิดชอบ",
        )
        for chart in (self.presence_chart, self.coverage_chart):
            chart.setMinimumHeight(180)
        # Read left to right: attendance (table, then its chart) beside village coverage (table, chart).
        columns = QHBoxLayout()
        for title, table, chart in (
            ("<b>การเข้าอบรมแต่ละช่วง</b>", self.slots, self.presence_chart),
            ("<b>ความครอบคลุมหมู่บ้านในอำเภอที่รุ่นนี้รับผิดชอบ</b>", self.coverage, self.coverage_chart),
        ):
            column = QVBoxLayout()
            column.addWidget(QLabel(title))
            column.addWidget(table, 2)
            column.addWidget(chart, 3)
            columns.addLayout(column, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addLayout(rule_row)
        layout.addLayout(columns, 1)

    def reload(self) -> None:
        ctx, rid = self.ctx, self.round_id
        self.runner.read(
            lambda: round_summary(ctx, round_id=rid), on_done=self._loaded, on_error=self._failed
        )

    def _loaded(self, s: RoundSummary) -> None:
        self.summary = s
        completed = "ยังไม่ได้บันทึกการเข้าอบรม" if s.completed is None else f"{s.completed:,} คน"
        walk = f" (หน้างาน {s.walk_ins:,})" if s.walk_ins else ""
        cover = f"{s.covered:,}/{s.villages:,} หมู่บ้าน" if s.villages else "รุ่นนี้ยังไม่ได้ระบุอำเภอ"
        self.headline.setText(
            f"<b>รุ่นที่ {s.number}/{s.fiscal_year}</b> · สถานะ {STATUS_LABELS[s.status]}<br>"
            f"ลงทะเบียน <b>{s.enrolled:,}</b> คน{walk} จากที่รับได้ {s.capacity:,} · "
            f"ผ่านการอบรม <b>{completed}</b> (ต้องเข้า {s.required} จาก {len(s.slots)} ช่วง)<br>"
            f"หมู่บ้านของผู้เข้าอบรมรุ่นนี้ {s.villages_in_round:,} หมู่บ้าน · "
            f"หมู่บ้านที่มีครู ข แล้วในอำเภอที่รับผิดชอบ {cover}"
        )
        self.rule.setCurrentIndex(max(self.rule.findData(s.rule), 0))
        self.rule.setEnabled(s.status != "closed")
        _fill(
            self.slots,
            [
                [
                    c.label,
                    format_be_date(c.day_date, style="medium"),
                    f"{c.present:,}",
                    f"{c.absent:,}",
                    f"{s.enrolled - c.present - c.absent:,}",
                ]
                for c in s.slots
            ],
        )
        self.presence_chart.set_rows(
            [(f"{c.label} {c.day_date.day}/{c.day_date.month}", s.enrolled, c.present) for c in s.slots]
        )
        self.coverage_chart.set_rows([(d.name, d.villages, d.covered) for d in s.districts])
        _fill(
            self.coverage,
            [
                [
                    f"{d.name} ({d.code})",
                    f"{d.villages:,}",
                    f"{d.covered:,}",
                    percent_text(d.covered, d.villages, sign=False),
                ]
                for d in s.districts
            ],
        )

    def _rule_chosen(self, _index: int) -> None:
        rule = self.rule.currentData()
        if self.summary is None or rule == self.summary.rule:
            return
        ctx, rid = self.ctx, self.round_id
        self.runner.run(
            lambda: completion.set_completion_rule(ctx, round_id=rid, rule=rule),
            on_done=lambda _r: self.reload(),
            on_error=self._failed,
        )

    def _recompute(self) -> None:
        ctx, rid = self.ctx, self.round_id
        self.runner.run(
            lambda: completion.recompute_completion(ctx, round_id=rid),
            on_done=lambda _r: self.reload(),
            on_error=self._failed,
        )

    def _failed(self, exc: Exception) -> None:
        technical_detail(exc)
        self.headline.setText(error_html(thai_message(exc)))
