"""Background sync: on a timer while the app runs and on demand, in the TaskRunner's write thread."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.core.context import AppContext
from desktop.core.sync import client as sync_client
from desktop.ui.errors import technical_detail, thai_message
from desktop.ui.tasks import TaskRunner

INTERVAL_MS = 5 * 60_000
FIRST_DELAY_MS = 15_000
STATUS_MS = 30_000


@dataclass(frozen=True)
class SyncOutcome:
    ok: bool  # True only when nothing failed: the server answered and every change was accepted
    report: sync_client.SyncReport | None
    error: str
    offline: bool


class SyncController(QObject):
    status_changed = Signal(object)  # SyncStatus
    started = Signal()
    finished = Signal(object)  # SyncOutcome
    progress = Signal(int, int)

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner = ctx, runner
        self.running = False
        self.background = False
        self.online: bool | None = None  # unknown until the first try
        self.status: sync_client.SyncStatus | None = None
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self.status_timer = QTimer(self)
        self.status_timer.timeout.connect(self.refresh)
        self.status_timer.start(STATUS_MS)

    def start_background(
        self, *, first_delay_ms: int = FIRST_DELAY_MS, interval_ms: int = INTERVAL_MS
    ) -> None:
        self.background = True
        self.timer.start(interval_ms)
        QTimer.singleShot(first_delay_ms, self._tick)

    def stop_background(self) -> None:
        self.background = False
        self.timer.stop()

    def _tick(self) -> None:
        if self.background and self.status is not None and self.status.enrolled:
            self.sync_now()

    def refresh(self) -> None:
        self.runner.read(lambda: sync_client.status(self.ctx), on_done=self._got_status)

    def _got_status(self, status: sync_client.SyncStatus) -> None:
        self.status = status
        self.status_changed.emit(status)

    def sync_now(self) -> bool:
        if self.running:
            return False
        self.running = True
        self.started.emit()
        self.runner.run(
            lambda: sync_client.sync(self.ctx, progress=lambda d, t: self.progress.emit(d, t)),
            on_done=self._done,
            on_error=self._failed,
        )
        return True

    def _done(self, report: sync_client.SyncReport) -> None:
        self.running = False
        self.online = True
        ok = report.failed == 0 and not report.problems
        self.finished.emit(SyncOutcome(ok, report, "", False))
        self.refresh()

    def _failed(self, exc: Exception) -> None:
        self.running = False
        offline = isinstance(exc, sync_client.SyncError) and exc.code in ("offline", "timeout")
        self.online = False if offline else self.online
        technical_detail(exc)
        message = thai_message(exc)
        self.finished.emit(SyncOutcome(False, None, message, offline))
        self.refresh()
