"""Opens the real main window, every page and every dialog on a demo database, and writes what a user would meet
as JSON: each window's frame against the screen's free area, cut-off table cells and headers, English words.

Run in its own process (the screen size is fixed when Qt starts), e.g.
QT_QPA_PLATFORM=offscreen:configfile=SCREEN.json python tests/ui/screen_probe.py OUT.json
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractButton,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableView,
    QTabWidget,
    QWidget,
)

# Words a user may meet in Latin letters: names of file kinds and keys, and abbreviations Thai offices use.
ALLOWED_WORDS = {
    "pdf",
    "excel",
    "csv",
    "xlsx",
    "xls",
    "ods",
    "ctrl",
    "enter",
    "space",
    "pdpa",
    "usb",
    "https",
}
ASCII_WORD = re.compile(r"(?<![A-Za-z0-9_./*\\-])[A-Za-z]{3,}(?![A-Za-z0-9_])")
TAG = re.compile(r"<[^>]+>|&[a-z]+;")
CELL_MARGIN = 6  # Qt's text margins inside a cell (focus frame margin + 1, both sides)
HEADER_MARGIN = 8


def spin(ms: int = 50) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def settle(runner, timeout: float = 20.0) -> None:
    end = time.monotonic() + timeout
    spin(30)
    while not runner.idle and time.monotonic() < end:
        spin(30)
    spin(60)


def rect(widget: QWidget) -> list[int]:
    g = widget.frameGeometry()
    return [g.x(), g.y(), g.width(), g.height()]


def table_cuts(view: QTableView) -> dict:
    """Visible cells and headers whose text is wider than the room the column gives it."""
    model = view.model()
    if model is None or not view.isVisible():
        return {"cells": 0, "cut": 0, "headers": 0, "cut_headers": 0, "examples": []}
    cells = cut = headers = cut_headers = 0
    examples: list[str] = []
    metrics, header_metrics = view.fontMetrics(), view.horizontalHeader().fontMetrics()
    viewport_w = view.viewport().width()
    first = max(0, view.rowAt(0))
    last = view.rowAt(view.viewport().height() - 1)
    last = model.rowCount() - 1 if last < 0 else last
    for column in range(model.columnCount()):
        if view.isColumnHidden(column):
            continue
        x = view.columnViewportPosition(column)
        room = min(view.columnWidth(column), viewport_w - x)
        if room <= 0:
            continue
        title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        if title:
            headers += 1
            if max(header_metrics.horizontalAdvance(t) for t in title.splitlines()) > room - HEADER_MARGIN:
                cut_headers += 1
                examples.append(f"header {title!r} in {room}px")
        for row in range(first, last + 1):
            text = model.data(model.index(row, column))
            if text in (None, ""):
                continue
            cells += 1
            if view.wordWrap():  # wrapped text is whole when its lines fit the row's height
                needed = metrics.boundingRect(
                    0, 0, room - CELL_MARGIN, 10_000, int(Qt.TextFlag.TextWordWrap), str(text)
                )
                whole = needed.width() <= room - CELL_MARGIN and needed.height() <= view.rowHeight(row)
            else:
                whole = metrics.horizontalAdvance(str(text)) <= room - CELL_MARGIN
            if not whole:
                cut += 1
                if len(examples) < 12:
                    examples.append(f"{str(text)[:40]!r} in {room}px")
    return {"cells": cells, "cut": cut, "headers": headers, "cut_headers": cut_headers, "examples": examples}


def widget_texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) for everything a user reads on the widget: titles, labels, buttons, tips, headers, tabs."""
    found: list[tuple[str, str]] = [("title", root.windowTitle())]
    for w in [root, *root.findChildren(QWidget)]:
        if not w.isVisibleTo(root) and w is not root:
            continue
        name = type(w).__name__
        if w.toolTip():
            found.append((f"{name} tooltip", w.toolTip()))
        if isinstance(w, (QLabel, QAbstractButton)):
            found.append((name, w.text()))
        elif isinstance(w, QLineEdit):
            found.append((f"{name} placeholder", w.placeholderText()))
        elif isinstance(w, QGroupBox):
            found.append((name, w.title()))
        elif isinstance(w, QComboBox) and not w.isEditable():
            found.extend((name, w.itemText(i)) for i in range(min(w.count(), 30)))
        elif isinstance(w, QTabWidget):
            found.extend((f"{name} tab", w.tabText(i)) for i in range(w.count()))
        elif isinstance(w, QTableView) and w.model() is not None:
            m = w.model()
            found.extend(
                (f"{name} header", str(m.headerData(c, Qt.Orientation.Horizontal) or ""))
                for c in range(m.columnCount())
            )
    return found


def english_words(root: QWidget, where: str) -> list[str]:
    out = []
    for kind, text in widget_texts(root):
        plain = TAG.sub(" ", text or "")
        for word in ASCII_WORD.findall(plain):
            if word.lower() not in ALLOWED_WORDS:
                out.append(f"{where} · {kind}: {word} in {plain.strip()[:60]!r}")
    return out


def probe_window(name: str, widget: QWidget, report: dict, runner) -> None:
    widget.show()
    settle(runner)
    report["windows"][name] = rect(widget)
    report["english"].extend(english_words(widget, name))
    for view in widget.findChildren(QTableView):
        if view.isVisible():
            report["tables"][f"{name}/{view.objectName() or type(view.model()).__name__}{id(view) % 997}"] = (
                table_cuts(view)
            )


def main(out_path: str) -> int:
    from desktop.core import audit, office
    from desktop.core.context import AppContext
    from desktop.core.demo import province as demo
    from desktop.core.people import lecturers, people
    from desktop.core.rounds import rounds
    from desktop.ui.app_setup import prepare_app
    from desktop.ui.dialogs.budget import AllocationDialog, LineDialog, OverrideDialog, RateDialog
    from desktop.ui.dialogs.enrol import EnrolDialog
    from desktop.ui.dialogs.history import HistoryDialog
    from desktop.ui.dialogs.lecturer import LecturerDialog
    from desktop.ui.dialogs.person import PersonDialog
    from desktop.ui.dialogs.recovery_key import RecoveryKeyDialog
    from desktop.ui.dialogs.round import RoundDialog
    from desktop.ui.dialogs.setup import SetupDialog
    from desktop.ui.main_window import MainWindow
    from desktop.ui.rounds.planning_view import WalkInDialog
    from desktop.ui.rounds.print_preview import PdfPreviewDialog, signin_maker
    from desktop.ui.rounds.round_dialog import RoundAttendanceDialog

    app = QApplication.instance() or QApplication(["krukhor-probe"])
    prepare_app(app)
    tmp = Path(tempfile.mkdtemp(prefix="krukhor-probe-"))
    os.environ["KRUKHOR_UI_SETTINGS"] = str(tmp / "ui-settings.ini")  # never the user's own sizes
    ctx = AppContext.open(tmp / "probe.sqlite")
    demo.generate_demo(ctx, people=300)
    area = app.primaryScreen().availableGeometry()
    report: dict = {
        "area": [area.x(), area.y(), area.width(), area.height()],
        "windows": {},
        "tables": {},
        "english": [],
    }
    win = MainWindow(ctx, office.get_office(ctx))
    win.show()
    settle(win.runner)
    report["windows"]["main"] = rect(win)
    report["status_bar_visible"] = (
        win.statusBar().isVisible() and win.statusBar().geometry().bottom() < win.height()
    )
    for i, (label, page) in enumerate(win.pages):
        win.nav.setCurrentRow(i)
        settle(win.runner)
        report["english"].extend(english_words(page, label))
        for n, view in enumerate(page.findChildren(QTableView)):
            if view.isVisible():
                report["tables"][f"{label}/{n}"] = table_cuts(view)
    runner = win.runner
    from tests.fixtures.rosters import build_messy_xlsx

    win.go_to("นำเข้ารายชื่อ")
    win.importer.preview(build_messy_xlsx(tmp / "messy.xlsx"))
    settle(runner)
    preview = win.importer.table
    report["import_preview"] = {
        "mapping_open": win.importer.mapping_box.isVisible(),
        "rows_shown": (preview.viewport().height()) // max(1, preview.rowHeight(0)),
        "rows": win.importer.rows.rowCount(),
    }
    report["tables"]["import preview"] = table_cuts(preview)
    person = people.list_people(ctx)[0]
    lecturer = lecturers.list_lecturers(ctx)[0]
    all_rounds = rounds.list_rounds(ctx)
    held = next(r for r in all_rounds if r.status in ("held", "open"))
    dialogs = {
        "person": lambda: PersonDialog(ctx, runner, villages=win.people.villages, row=person, parent=win),
        "lecturer": lambda: LecturerDialog(ctx, runner, row=lecturer, parent=win),
        "round": lambda: RoundDialog(ctx, runner, districts=win.rounds.districts, row=held, parent=win),
        "enrol": lambda: EnrolDialog(ctx, runner, round_row=held, parent=win),
        "history": lambda: HistoryDialog(person.full_name, audit.history(ctx, entity_id=person.id), win),
        "setup": lambda: SetupDialog(office.list_provinces(ctx), win, ctx=ctx),
        "allocation": lambda: AllocationDialog(win),
        "budget_line": lambda: LineDialog(win),
        "rate": lambda: RateDialog(win),
        "override": lambda: OverrideDialog("เกินเพดานค่าอาหารกลางวัน 300.00 บาท ต่อคนต่อวัน", win),
        "print_preview": lambda: PdfPreviewDialog(
            title="แบบลงทะเบียน", file_name="signin.pdf", make=signin_maker(ctx, held.id), parent=win
        ),
        "delete_question": lambda: _question(win),
        "walk_in": lambda: WalkInDialog(ctx, runner, round_row=held, parent=win),
        "recovery_key": lambda: RecoveryKeyDialog(
            "0SFN-Q5PC-B4SM-DGQF-P14D-FRWN-7D5S-TJN1-T770-C521-HCA6-EG5S-W74B",
            office_name="สำนักงานแรงงานจังหวัดขอนแก่น",
            db_path=tmp / "probe.sqlite",
            parent=win,
        ),
    }
    for name, make in dialogs.items():
        dialog = make()
        probe_window(name, dialog, report, runner)
        dialog.close()
        settle(runner)
    attendance = RoundAttendanceDialog(ctx, runner, round_row=held, parent=win)
    attendance.show()
    for tab in range(attendance.tabs.count()):
        attendance.tabs.setCurrentIndex(tab)
        probe_window(f"attendance/{attendance.tabs.tabText(tab)}", attendance, report, runner)
    attendance.close()
    settle(runner)
    win.close()
    runner.wait()
    ctx.close()
    Path(out_path).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    QCoreApplication.processEvents()
    return 0


def _question(parent: QWidget) -> QMessageBox:
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "ยืนยันการลบ",
        "ลบ นายสมชาย ใจดี ?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    return box


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
