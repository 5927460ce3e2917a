"""The main window: navigation on the left, pages on the right, status bar below."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

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
    QVBoxLayout,
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
from desktop.ui.pages.home_page import HomePage
from desktop.ui.pages.sync_page import SyncPage
from desktop.ui.screen_fit import fit_window, remember_geometry, scrolling
from desktop.ui.tasks import TaskRunner

APP_TITLE = "ระบบบริหารการฝึกอบรมครู ข"

# (label in the navigation, attribute, module, class). The dashboard and the sync page (its status in the status
# bar, its background sync) are made with the window; every other page the first time it is shown or asked for,
# so that the window opens without importing and building seven pages nobody has looked at yet.
PAGES = [
    ("หน้าหลัก", "home", "desktop.ui.pages.home_page", "HomePage"),
    ("รุ่นการอบรม", "rounds", "desktop.ui.pages.rounds_page", "RoundsPage"),
    ("ผู้เข้ารับการอบรม", "people", "desktop.ui.pages.people_page", "PeoplePage"),
    ("นำเข้ารายชื่อ", "importer", "desktop.ui.pages.import_page", "ImportPage"),
    ("วิทยากร", "lecturers", "desktop.ui.pages.lecturers_page", "LecturersPage"),
    ("งบประมาณ", "budget", "desktop.ui.pages.budget_page", "BudgetPage"),
    ("ซิงก์ข้อมูล", "sync", "desktop.ui.pages.sync_page", "SyncPage"),
    ("ตั้งค่า", "settings", "desktop.ui.pages.settings_page", "SettingsPage"),
]


def _lazy_page(key: str) -> property:
    return property(lambda self: self.page(key), doc=f"The {key} page (made when first asked for).")


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, office: OfficeRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.office = ctx, office
        self.runner = TaskRunner(self)
        self.setWindowTitle(f"{APP_TITLE} — {office.name_th}")
        self._built: dict[str, QWidget] = {}
        self._holders: dict[str, QVBoxLayout] = {}
        self.nav = QListWidget()
        self.nav.setStyleSheet("QListWidget { font-size: 13pt; } QListWidget::item { padding: 6px; }")
        self.stack = QStackedWidget()
        for i, (label, key, _module, _cls) in enumerate(PAGES):
            self.nav.addItem(label)
            holder = QWidget()
            self._holders[key] = QVBoxLayout(holder)
            self._holders[key].setContentsMargins(0, 0, 0, 0)
            self.stack.addWidget(holder)
            QShortcut(QKeySequence(f"Ctrl+{i + 1}"), self, activated=lambda i=i: self.nav.setCurrentRow(i))
        self._built["home"] = self._place("home", HomePage(ctx, self.runner))
        self._built["sync"] = self._place("sync", SyncPage(ctx, self.runner))
        self.home.office_label.setText(f"<b>{office.name_th}</b>")
        self.nav.currentRowChanged.connect(self._show_row)
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
        self.statusBar().showMessage(office.name_th)
        self.account_label = QLabel(account_text(ctx))  # who is at the keyboard
        self.account_label.setContentsMargins(0, 0, 8, 0)  # Thai marks overhang the last letter's advance
        self.statusBar().addPermanentWidget(self.account_label)
        self.statusBar().setSizeGripEnabled(True)
        self.setMinimumSize(900, 560)
        fit_window(self, QSize(1440, 900), key="main")
        self.runner.busy_changed.connect(lambda busy: self.busy.setText("กำลังทำงาน…" if busy else ""))
        self.home.checklist.step_requested.connect(self.first_run_step)
        self.nav.setCurrentRow(0)
        self.nav.setFocus(Qt.FocusReason.OtherFocusReason)
        self.reload_all()

    home: HomePage = _lazy_page("home")  # type: ignore[assignment]
    sync: SyncPage = _lazy_page("sync")  # type: ignore[assignment]
    rounds: Any = _lazy_page("rounds")
    people: Any = _lazy_page("people")
    importer: Any = _lazy_page("importer")
    lecturers: Any = _lazy_page("lecturers")
    budget: Any = _lazy_page("budget")
    settings: Any = _lazy_page("settings")

    @property
    def pages(self) -> list[tuple[str, QWidget]]:
        """(label, page) of every page, all of them made."""
        return [(label, self.page(key)) for label, key, _module, _cls in PAGES]

    def page(self, key: str) -> Any:
        """The page, made (and loaded) the first time it is asked for."""
        made = self._built.get(key)
        if made is not None:
            return made
        _label, _key, module, cls = next(p for p in PAGES if p[1] == key)
        page = getattr(importlib.import_module(module), cls)(self.ctx, self.runner)
        self._built[key] = self._place(key, page)
        self._wire(key, page)
        page.reload()
        return page

    def _place(self, key: str, page: QWidget) -> QWidget:
        self._holders[key].addWidget(scrolling(page))  # a page taller than a small screen scrolls
        return page

    def _wire(self, key: str, page: Any) -> None:
        """Connect a page just made to the window and to the pages that follow its changes."""
        if key in ("rounds", "people", "lecturers"):
            page.changed.connect(self.home.reload)
            page.navigate.connect(self.go_to)
        if key == "people":
            page.changed.connect(lambda *_a: self._reload_if_made("rounds"))
        if key == "importer":
            page.changed.connect(lambda *_a: self._reload_if_made("people"))
            page.changed.connect(self.home.reload)
        if key == "settings":
            page.restore_requested.connect(self._restore)

    def _reload_if_made(self, key: str) -> None:
        if key in self._built:
            self._built[key].reload()  # type: ignore[attr-defined]

    def _show_row(self, row: int) -> None:
        if 0 <= row < len(PAGES):
            self.page(PAGES[row][1])
        self.stack.setCurrentIndex(row)

    def account_changed(self, _who: object = None) -> None:
        """Another account signed in (on the lock screen): the status bar and every page follow it."""
        self.account_label.setText(account_text(self.ctx))
        self.reload_all()

    def reload_all(self) -> None:
        """Every page made so far reads its data again (a page made later reads it when made)."""
        for _label, key, _module, _cls in PAGES:
            self._reload_if_made(key)

    def first_run_step(self, key: str) -> None:
        """A button of the dashboard's checklist: the page where that step is done."""
        page = {"office": "ตั้งค่า", "roster": "นำเข้ารายชื่อ", "round": "รุ่นการอบรม", "device": "ซิงก์ข้อมูล"}[key]
        self.go_to(page)
        if key == "round":
            self.rounds.add()

    def current_page(self) -> QWidget:
        return self.page(PAGES[self.stack.currentIndex()][1])

    def go_to(self, label: str) -> None:
        for i, (name, _key, _module, _cls) in enumerate(PAGES):
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
