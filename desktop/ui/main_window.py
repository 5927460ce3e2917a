"""The main window: navigation on the left, pages on the right, status bar below."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from db.engine import engine_key
from db.migrate import DatabaseTooNewError, MigrationError
from desktop.core import office as offices
from desktop.core.accounts.permissions import require
from desktop.core.backups import restore_backup
from desktop.core.context import AppContext
from desktop.core.errors import CoreError, NotAllowedError
from desktop.core.office import OfficeRow
from desktop.ui.accounts.common import account_text
from desktop.ui.pages.budget_page import BudgetPage
from desktop.ui.pages.home_page import HomePage
from desktop.ui.pages.import_page import ImportPage
from desktop.ui.pages.lecturers_page import LecturersPage
from desktop.ui.pages.people_page import PeoplePage
from desktop.ui.pages.rounds_page import RoundsPage
from desktop.ui.pages.settings_page import SettingsPage
from desktop.ui.pages.sync_page import SyncPage
from desktop.ui.screen_fit import fit_window, remember_geometry, scrolling
from desktop.ui.tasks import TaskRunner

APP_TITLE = "ระบบบริหารการฝึกอบรมครู ข"


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, office: OfficeRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.office = ctx, office
        self.runner = TaskRunner(self)
        self.setWindowTitle(f"{APP_TITLE} — {office.name_th}")
        self.home = HomePage(ctx, self.runner)
        self.rounds = RoundsPage(ctx, self.runner)
        self.people = PeoplePage(ctx, self.runner)
        self.lecturers = LecturersPage(ctx, self.runner)
        self.settings = SettingsPage(ctx, self.runner)
        self.importer = ImportPage(ctx, self.runner)
        self.budget = BudgetPage(ctx, self.runner)
        self.sync = SyncPage(ctx, self.runner)
        self.home.office_label.setText(f"<b>{office.name_th}</b>")
        self.pages = [
            ("หน้าหลัก", self.home),
            ("รุ่นการอบรม", self.rounds),
            ("ผู้เข้ารับการอบรม", self.people),
            ("นำเข้ารายชื่อ", self.importer),
            ("วิทยากร", self.lecturers),
            ("งบประมาณ", self.budget),
            ("ซิงก์ข้อมูล", self.sync),
            ("ตั้งค่า", self.settings),
        ]
        self.nav = QListWidget()
        self.nav.setStyleSheet("QListWidget { font-size: 13pt; } QListWidget::item { padding: 6px; }")
        self.stack = QStackedWidget()
        for i, (label, page) in enumerate(self.pages):
            self.nav.addItem(label)
            self.stack.addWidget(scrolling(page))  # a page taller than a small screen scrolls
            QShortcut(QKeySequence(f"Ctrl+{i + 1}"), self, activated=lambda i=i: self.nav.setCurrentRow(i))
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.setFixedWidth(self.nav.sizeHintForColumn(0) + 2 * self.nav.frameWidth() + 8)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.busy = QLabel()
        self.statusBar().addPermanentWidget(self.busy)
        self.statusBar().addPermanentWidget(self.sync.status_label)  # online/offline, last sync, pending
        self.sync.controller.finished.connect(lambda _o: self.reload_all())
        self.sync.controller.start_background()
        self.settings.restore_requested.connect(self._restore)
        self.statusBar().showMessage(office.name_th)
        self.account_label = QLabel(account_text(ctx))  # who is at the keyboard
        self.account_label.setContentsMargins(0, 0, 8, 0)  # Thai marks overhang the last letter's advance
        self.statusBar().addPermanentWidget(self.account_label)
        self.statusBar().setSizeGripEnabled(True)
        self.setMinimumSize(900, 560)
        fit_window(self, QSize(1440, 900), key="main")
        self.runner.busy_changed.connect(lambda busy: self.busy.setText("กำลังทำงาน…" if busy else ""))
        for page in (self.rounds, self.people, self.lecturers):
            page.changed.connect(self.home.reload)
        self.people.changed.connect(self.rounds.reload)
        self.home.checklist.step_requested.connect(self.first_run_step)
        for page in (self.rounds, self.people, self.lecturers):
            page.navigate.connect(self.go_to)
        self.importer.changed.connect(self.people.reload)
        self.importer.changed.connect(self.home.reload)
        self.nav.setCurrentRow(0)
        self.nav.setFocus(Qt.FocusReason.OtherFocusReason)
        self.reload_all()

    def account_changed(self, _who: object = None) -> None:
        """Another account signed in (on the lock screen): the status bar and every page follow it."""
        self.account_label.setText(account_text(self.ctx))
        self.reload_all()

    def reload_all(self) -> None:
        self.home.reload()
        self.rounds.reload()
        self.people.reload()
        self.lecturers.reload()
        self.settings.reload()
        self.importer.reload()
        self.budget.reload()
        self.sync.reload()

    def first_run_step(self, key: str) -> None:
        """A button of the dashboard's checklist: the page where that step is done."""
        page = {"office": "ตั้งค่า", "roster": "นำเข้ารายชื่อ", "round": "รุ่นการอบรม", "device": "ซิงก์ข้อมูล"}[key]
        self.go_to(page)
        if key == "round":
            self.rounds.add()

    def current_page(self) -> QWidget:
        return self.pages[self.stack.currentIndex()][1]

    def go_to(self, label: str) -> None:
        for i, (name, _page) in enumerate(self.pages):
            if name == label:
                self.nav.setCurrentRow(i)

    def _restore(self, backup: Path) -> MainWindow | None:
        """Close the database, restore ``backup``, reopen in a new window on the restored file (or on the
        untouched current file when the restore was refused); None when neither opens (the message was shown)."""
        old = self.ctx
        assert old.db_path is not None
        try:
            require(old, "settings.edit")  # replacing the whole database is the admin's call
        except NotAllowedError as exc:
            QMessageBox.warning(self, "กู้คืนข้อมูลไม่ได้", exc.message)
            return None
        key = engine_key(old.engine)
        self.sync.controller.stop_background()
        self.sync.controller.status_timer.stop()
        # A save in progress finishes first, and the results of reads in flight reach their pages while the
        # database is still open (a result delivered after would find its page deleted).
        QApplication.processEvents()
        while not self.runner.idle:
            self.runner.wait()
            QApplication.processEvents()
        self.setEnabled(False)
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        old.close()
        failure = aside = None
        try:
            aside = restore_backup(old.db_path, backup, key=key)
        except (CoreError, OSError) as exc:
            failure = exc.message if isinstance(exc, CoreError) else f"{exc.strerror or exc}"
        try:
            ctx = AppContext.open(old.db_path, user_name=old.user_name, backup=False)
            ctx.account = old.account  # re-checked against the restored accounts at every operation
            own = offices.get_office(ctx) or offices.setup_office(ctx, province_code=self.office.code)
        except (DatabaseTooNewError, MigrationError, CoreError) as exc:
            QMessageBox.critical(self, "เปิดฐานข้อมูลไม่ได้", str(exc))
            self.close()
            return None
        finally:
            QApplication.restoreOverrideCursor()
        reopened = MainWindow(ctx, own)
        reopened.setGeometry(self.geometry())
        reopened.show()
        reopened.go_to("ตั้งค่า")
        self.close()
        self.deleteLater()
        if failure is not None:
            QMessageBox.warning(reopened, "กู้คืนข้อมูลไม่สำเร็จ", failure)
        elif aside is not None:
            reopened.settings.status.setText(f"กู้คืนข้อมูลแล้ว ข้อมูลก่อนกู้คืนเก็บไว้ในไฟล์สำรอง {aside.name}")
        return reopened

    def closeEvent(self, event: QCloseEvent) -> None:
        self.runner.wait()  # let a save in progress finish before the database closes
        remember_geometry(self, "main")
        super().closeEvent(event)
