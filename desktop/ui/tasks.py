"""Runs database work off the GUI thread: one worker for writes, results handed back by signal."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.fn = fn
        self.relay = relay
        self.setAutoDelete(True)

    @Slot()
    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:
            log.debug("background job failed: %s", traceback.format_exc())
            if shiboken6.isValid(self.relay):
                self.relay.failed.emit(exc)
        else:
            # The program may be closing: its window (and the relay) went while this ran; nobody is waiting.
            if shiboken6.isValid(self.relay):
                self.relay.done.emit(result)


class TaskRunner(QObject):
    """Background work: one thread for writes (they never overlap), two for reads (SQLite WAL lets them run beside it)."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.read_pool = QThreadPool(self)
        self.read_pool.setMaxThreadCount(2)
        self._relays: set[_Relay] = set()

    def run(
        self,
        fn: Callable[[], Any],
        *,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        """Run a change to the database in the write thread."""
        self._start(self.pool, fn, on_done, on_error)

    def read(
        self,
        fn: Callable[[], Any],
        *,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        """Run a query that changes nothing in a read thread."""
        self._start(self.read_pool, fn, on_done, on_error)

    def _start(
        self,
        pool: QThreadPool,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[Exception], None] | None,
    ) -> None:
        relay = _Relay()  # lives in the GUI thread, so its slots run there
        self._relays.add(relay)
        self.busy_changed.emit(True)

        def finish(callback: Callable[[Any], None] | None, value: Any) -> None:
            if not shiboken6.isValid(self):
                return  # the result arrived after its window (this runner, its pages) was deleted: nobody waits
            self._relays.discard(relay)
            if not self._relays:
                self.busy_changed.emit(False)
            if callback is not None:
                callback(value)
            elif isinstance(value, Exception):
                log.error("unhandled background error: %s", value)

        relay.done.connect(lambda result: finish(on_done, result))
        relay.failed.connect(lambda exc: finish(on_error, exc))
        pool.start(_Job(fn, relay))

    @property
    def idle(self) -> bool:
        return not self._relays

    def wait(self, msecs: int = 30_000) -> bool:
        return self.pool.waitForDone(msecs) and self.read_pool.waitForDone(msecs)
