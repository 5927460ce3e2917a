"""หน้าหลัก: how far the province is from its targets, at a glance (same figures as the workbook)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.rules.money import format_baht
from db.rules.percent import percent_text as _pct
from db.rules.percent import share as _share
from db.rules.thai_dates import THAI_MONTHS_ABBR, fiscal_year_range
from db.rules.thai_dates import fiscal_year as fiscal_year_of
from db.rules.thai_time import bangkok_today
from desktop.core.context import AppContext
from desktop.core.exports import figures
from desktop.core.exports.model import ProvinceFigures, RegisterCounts
from desktop.core.first_run import first_run_steps
from desktop.core.rounds.rounds import STATUS_LABELS
from desktop.ui.bars import DONE_COLOUR, Bars
from desktop.ui.errors import error_box
from desktop.ui.screen_fit import ui_settings
from desktop.ui.tasks import TaskRunner

ACCENT = QColor("#e07b39")


@dataclass(frozen=True)
class HomeData:
    counts: RegisterCounts
    figures: ProvinceFigures
    years: tuple[int, ...]


def load_home(
    ctx: AppContext, fiscal_year: int | None, cache: figures.FiguresCache | None = None
) -> HomeData:
    """Everything the page shows, by SQL aggregation (runs in a read thread)."""
    years = set(figures.fiscal_years(ctx)) | {fiscal_year_of(bangkok_today())}
    fy = fiscal_year or fiscal_year_of(bangkok_today())
    return HomeData(
        figures.register_counts(ctx),
        cache.get(fiscal_year=fy) if cache else figures.province_figures(ctx, fiscal_year=fy),
        tuple(sorted(years, reverse=True)),
    )


class Card(QFrame):
    def __init__(self, title: str) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("Card { background: white; border: 1px solid #d0d7de; border-radius: 8px; }")
        self.title = QLabel(title)
        self.title.setStyleSheet("color: #333; font-weight: bold;")
        self.value = QLabel("–")
        self.value.setStyleSheet("font-size: 22pt; font-weight: bold; color: #1f4e79;")
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(8)
        self.bar.setStyleSheet(
            "QProgressBar { background: #e6edf3; border: none; border-radius: 4px; }"
            "QProgressBar::chunk { background: #1f4e79; border-radius: 4px; }"
        )
        self.bar.hide()
        self.detail = QLabel()
        self.detail.setStyleSheet("color: #555;")
        self.detail.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.value)
        layout.addWidget(self.bar)
        layout.addWidget(self.detail)

    def set(self, value: str, detail: str = "", share: float | None = None) -> None:
        self.value.setText(value)
        self.detail.setText(detail)
        self.bar.setVisible(share is not None)
        if share is not None:
            self.bar.setValue(round(max(0.0, min(1.0, share)) * 1000))


NO_DISTRICT_DATA = "ยังไม่มีข้อมูลรายอำเภอ\nนำเข้ารายชื่อจากกรมการปกครองก่อน แล้วกราฟจะแสดงที่นี่"
NO_BUDGET_DATA = "ยังไม่มีงบประมาณหรือการเบิกจ่ายในปีงบประมาณนี้"


class FirstRunChecklist(QFrame):
    """The four steps of a new office, each with its button, ticked as done; hidden once all are done."""

    step_requested = Signal(str)
    BUTTONS = {  # noqa: RUF012 - constant
        "office": "ตั้งค่าสำนักงาน…",
        "roster": "นำเข้ารายชื่อ…",
        "round": "วางแผนรุ่น…",
        "device": "ลงทะเบียนเครื่อง…",
    }

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("first_run")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("QFrame#first_run { background: #f3f7fb; border: 1px solid #b8cde0; }")
        self.steps: list = []
        self.rows: dict[str, tuple[QLabel, QLabel, QPushButton]] = {}
        grid = QGridLayout(self)
        grid.addWidget(QLabel("<b>เริ่มต้นใช้งาน</b> · ทำตามลำดับ แต่ละข้อจะขึ้นเครื่องหมายถูกเมื่อทำเสร็จ"), 0, 0, 1, 2)
        self.hide_button = QPushButton("ซ่อนรายการนี้")
        self.hide_button.setFlat(True)
        self.hide_button.setToolTip("ไม่แสดงรายการเริ่มต้นใช้งานบนเครื่องนี้อีก")
        self.hide_button.clicked.connect(self.dismiss)
        grid.addWidget(self.hide_button, 0, 2)
        for i, key in enumerate(self.BUTTONS, start=1):
            mark, text, button = QLabel(), QLabel(), QPushButton(self.BUTTONS[key])
            button.clicked.connect(lambda _c=False, k=key: self.step_requested.emit(k))
            grid.addWidget(mark, i, 0)
            grid.addWidget(text, i, 1)
            grid.addWidget(button, i, 2)
            self.rows[key] = (mark, text, button)
        grid.setColumnStretch(1, 1)
        self.hide()

    def set_steps(self, steps: list) -> None:
        self.steps = steps
        for n, step in enumerate(steps, start=1):
            mark, text, button = self.rows[step.key]
            mark.setText("✔" if step.done else "○")
            mark.setStyleSheet("color: #1b7f3b; font-weight: bold;" if step.done else "color: #666;")
            style = "color: #666;" if step.done else ""
            text.setText(f"<span style='{style}'><b>{n}. {step.label}</b> — {step.hint}</span>")
            button.setEnabled(not step.done or step.key == "office")
        dismissed = bool(ui_settings().value("first_run/dismissed", False, type=bool))
        self.setVisible(not dismissed and not all(s.done for s in steps))

    def dismiss(self) -> None:
        settings = ui_settings()
        settings.setValue("first_run/dismissed", True)
        settings.sync()
        self.hide()


class HomePage(QWidget):
    loaded = Signal()

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner = ctx, runner
        self.counts: RegisterCounts | None = None
        self.figures: ProvinceFigures | None = None
        self.last_import = None
        self.last_export: tuple[str, Exception | None] | None = None
        self.import_message: QMessageBox | None = None
        self.cache = cache = figures.FiguresCache(ctx)
        self.destroyed.connect(lambda *_: cache.close())
        self.office_label = QLabel()
        self.year_box = QComboBox()
        self.year_box.currentIndexChanged.connect(self._year_chosen)
        self.cards = {
            "trained": Card("ครู ข อบรมผ่าน (สะสม) เทียบเป้าหมาย"),
            "villages": Card("หมู่บ้านที่มีครู ข"),
            "registrations": Card("ยอดลงทะเบียนแรงงาน เทียบเป้าหมาย"),
            "budget": Card("งบประมาณที่เบิกจ่ายแล้ว"),
            "rounds": Card("รุ่นการอบรมในปีงบประมาณ"),
            "people": Card("ผู้เข้ารับการอบรม (ครู ข) ในทะเบียน"),
        }
        grid = QGridLayout()
        for i, card in enumerate(self.cards.values()):
            grid.addWidget(card, i // 3, i % 3)
        top = QHBoxLayout()
        top.addWidget(QLabel("<h2>หน้าหลัก</h2>"))
        top.addStretch(1)
        self.import_button = QPushButton("นำเข้าผลการลงทะเบียน…")
        self.import_button.setToolTip("ไฟล์ส่งออกจากแอปลงทะเบียนของกระทรวง (.xlsx หรือ .csv): นำเข้าซ้ำได้โดยไม่นับซ้ำ")
        self.import_button.clicked.connect(self.choose_registrations)
        top.addWidget(self.import_button)
        self.workbook_button = QPushButton("ส่งออกสมุดงาน Excel…")
        self.workbook_button.setToolTip("สมุดงานรายงานจังหวัดของปีงบประมาณที่เลือก สำหรับส่งส่วนกลาง")
        self.workbook_button.clicked.connect(self.choose_workbook)
        top.addWidget(self.workbook_button)
        self.summary_button = QPushButton("สรุปจังหวัด PDF…")
        self.summary_button.clicked.connect(self.choose_summary)
        top.addWidget(self.summary_button)
        top.addSpacing(16)
        top.addWidget(QLabel("ปีงบประมาณ"))
        top.addWidget(self.year_box)
        self.district_chart = Bars(
            "ครู ข รายอำเภอ: ผู้อบรมผ่านสะสมเทียบเป้าหมาย (หมู่บ้าน)",
            legend=("อบรมผ่านสะสม", "เป้าหมาย (หมู่บ้าน)"),
            empty_text=NO_DISTRICT_DATA,
        )
        self._burn_title = "การเบิกจ่ายงบประมาณสะสมรายเดือน (บาท)"
        self.burn_chart = self._chart_view(self._burn_title)
        charts = QHBoxLayout()
        charts.addWidget(self.district_chart, 1)
        charts.addWidget(self.burn_chart, 1)
        self.burn_empty = QLabel(f"{self._burn_title}\n\n{NO_BUDGET_DATA}")
        self.burn_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.burn_empty.setStyleSheet("background: white; color: #666;")
        self.burn_empty.setMinimumHeight(300)
        self.burn_empty.hide()
        charts.addWidget(self.burn_empty, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.office_label)
        self.checklist = FirstRunChecklist()
        layout.addWidget(self.checklist)
        layout.addLayout(grid)
        layout.addLayout(charts, 1)
        self.office_label.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self._fy: int | None = None
        self._filling = False

    def _chart_view(self, title: str) -> QChartView:
        chart = QChart()
        chart.setTitle(title)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        view = QChartView(chart)
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumHeight(300)
        return view

    def choose_workbook(self) -> None:
        fy = self._fy or fiscal_year_of(bangkok_today())
        path, _ = QFileDialog.getSaveFileName(
            self, "ส่งออกสมุดงาน", f"ครู ข ปีงบประมาณ {fy}.xlsx", "Excel (*.xlsx)"
        )
        if path:
            self.export_file("workbook", path)

    def choose_summary(self) -> None:
        fy = self._fy or fiscal_year_of(bangkok_today())
        path, _ = QFileDialog.getSaveFileName(self, "สรุปจังหวัด", f"สรุปจังหวัด ปีงบประมาณ {fy}.pdf", "PDF (*.pdf)")
        if path:
            self.export_file("summary", path)

    def export_file(self, what: str, path: str) -> None:
        """Write the workbook or the summary PDF of the chosen fiscal year in a read thread (it reads, and audits)."""
        from desktop.reports.summary_pdf import write_province_summary
        from desktop.reports.workbook import export_workbook

        fy = self._fy or fiscal_year_of(bangkok_today())
        writer = export_workbook if what == "workbook" else write_province_summary
        for button in (self.workbook_button, self.summary_button):
            button.setEnabled(False)

        def done(_result: object) -> None:
            self._exported(path, None)

        self.runner.read(
            lambda: writer(self.ctx, fiscal_year=fy, out_path=path),
            on_done=done,
            on_error=lambda exc: self._exported(path, exc),
        )

    def _exported(self, path: str, exc: Exception | None) -> None:
        for button in (self.workbook_button, self.summary_button):
            button.setEnabled(True)
        self.last_export = (path, exc)
        if exc is None:
            box = QMessageBox(QMessageBox.Icon.Information, "บันทึกไฟล์แล้ว", f"บันทึกแล้ว: {path}", parent=self)
        else:
            box = error_box(self, "บันทึกไฟล์ไม่ได้", exc, prefix=f"{path}\n")
        self.import_message = box
        box.open()

    def choose_registrations(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "นำเข้าผลการลงทะเบียน", "", "ไฟล์ผลการลงทะเบียน (*.xlsx *.xls *.ods *.csv)"
        )
        if path:
            self.import_registrations(path)

    def import_registrations(self, path: str) -> None:
        """Import in the write thread; the outcome (with every rejected row) is shown when it is done."""
        from desktop.core.registrations.registrations import import_registrations

        self.import_button.setEnabled(False)
        self.runner.run(
            lambda: import_registrations(self.ctx, path=path),
            on_done=self._imported,
            on_error=self._import_failed,
        )

    def _imported(self, result) -> None:
        self.import_button.setEnabled(True)
        self.last_import = result
        text = result.summary_line()
        if result.rejected:
            text += "\n\nแถวที่ไม่รับ:\n" + "\n".join(str(r) for r in result.rejected[:30])
            if len(result.rejected) > 30:
                text += f"\n… และอีก {len(result.rejected) - 30:,} แถว"
        self.import_message = QMessageBox(
            QMessageBox.Icon.Information, "นำเข้าผลการลงทะเบียน", text, parent=self
        )
        self.import_message.open()
        self.reload()

    def _import_failed(self, exc: Exception) -> None:
        self.import_button.setEnabled(True)
        self.import_message = error_box(self, "นำเข้าผลการลงทะเบียนไม่ได้", exc)

    def reload(self) -> None:
        fy = self._fy
        self.runner.read(lambda: load_home(self.ctx, fy, self.cache), on_done=self._show)
        self.reload_steps()

    def reload_steps(self) -> None:
        """The checklist's ticks, read apart from the figures (they stay within their refresh time)."""
        self.runner.read(lambda: first_run_steps(self.ctx), on_done=self.checklist.set_steps)

    def showEvent(self, event) -> None:  # back on the dashboard after a step elsewhere: tick it
        super().showEvent(event)
        if self.checklist.steps:
            self.reload_steps()

    def _year_chosen(self, index: int) -> None:
        if self._filling or index < 0:
            return
        self._fy = self.year_box.itemData(index)
        self.reload()

    def _show(self, data: HomeData) -> None:
        c, f = data.counts, data.figures
        if not self.cache.memo.has_parts:  # figures restored from the file: prepare for the first change
            fy, cache = f.fiscal_year, self.cache
            self.runner.read(lambda: cache.warm(fiscal_year=fy))
        self.counts, self.figures, self._fy = c, f, f.fiscal_year
        self._filling = True
        self.year_box.clear()
        for y in data.years:
            self.year_box.addItem(str(y), y)
        self.year_box.setCurrentIndex(max(0, self.year_box.findData(f.fiscal_year)))
        self._filling = False
        self.office_label.setText(f"{f.office_name} · จังหวัด{f.province_name} · ปีงบประมาณ {f.fiscal_year}")
        target, trained = f.total("target"), f.total("trained_to_date")
        pending = f.total("pending")
        regs, reg_target = f.total("registrations"), f.total("registration_target")
        covered = f.total("villages_covered")
        b = f.budget
        self.cards["trained"].set(
            f"{trained:,} / {target:,}",
            f"{_pct(trained, target)} ของเป้าหมาย · ปีนี้ {f.total('trained_year'):,} คน"
            + (f" · รอบันทึกผล {pending:,} คน" if pending else ""),
            _share(trained, target),
        )
        self.cards["villages"].set(
            f"{covered:,}",
            f"ครอบคลุม {_pct(covered, c.villages)} ของ {c.villages:,} หมู่บ้าน",
            _share(covered, c.villages),
        )
        self.cards["registrations"].set(
            f"{regs:,}",
            f"{_pct(regs, reg_target)} ของเป้าหมาย {reg_target:,} (1 : {f.ratio})",
            _share(regs, reg_target),
        )
        self.cards["budget"].set(
            f"{format_baht(b.spent_satang)}",
            f"{_pct(b.spent_satang, b.allocated_satang)} ของ {format_baht(b.allocated_satang)} บาท · "
            f"คงเหลือ {format_baht(b.remaining_satang)}",
            _share(b.spent_satang, b.allocated_satang),
        )
        self.cards["rounds"].set(
            f"{sum(f.rounds_by_status.values()):,}",
            " · ".join(f"{STATUS_LABELS[s]} {n}" for s, n in f.rounds_by_status.items()),
        )
        self.cards["people"].set(f"{c.people:,}", f"จาก {c.villages:,} หมู่บ้าน · วิทยากร {c.lecturers:,} คน")
        self._draw_districts(f)
        self._draw_burn(f)
        self.loaded.emit()

    def _draw_districts(self, f: ProvinceFigures) -> None:
        self.district_chart.set_rows([(d.name, d.target, d.trained_to_date) for d in f.districts])

    def _draw_burn(self, f: ProvinceFigures) -> None:
        chart = self.burn_chart.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        start, _end = fiscal_year_range(f.fiscal_year)
        months = [
            date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1)
            for i in range(12)
        ]
        paid = dict(f.burn)
        empty = not paid and not f.budget.allocated_satang
        self.burn_chart.setVisible(not empty)  # no axes reading 0, 1, 1, 2 for a year without money
        self.burn_empty.setVisible(empty)
        if empty:
            return
        spent, allocated = QLineSeries(), QLineSeries()
        spent.setName("เบิกจ่ายสะสม")
        allocated.setName("งบประมาณที่ได้รับจัดสรร")
        spent.setPen(QPen(DONE_COLOUR, 3))
        allocated.setPen(QPen(ACCENT, 2, Qt.PenStyle.DashLine))
        running = 0
        last = max(paid) if paid else None
        for i, m in enumerate(months):
            running = paid.get(m, running)
            if last is not None and m <= last:
                spent.append(i, running / 100)
            allocated.append(i, f.budget.allocated_satang / 100)
        chart.addSeries(allocated)
        chart.addSeries(spent)
        x = QBarCategoryAxis()
        x.append([THAI_MONTHS_ABBR[m.month - 1] for m in months])
        small = x.labelsFont()
        small.setPointSizeF(max(7.0, small.pointSizeF() - 3))
        x.setLabelsFont(small)
        y = QValueAxis()
        top = max(1, f.budget.allocated_satang / 100, running / 100)
        y.setRange(0, top * 1.05)
        y.setLabelFormat("%'.0f")
        y.applyNiceNumbers()
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        for s in (allocated, spent):
            s.attachAxis(x)
            s.attachAxis(y)
