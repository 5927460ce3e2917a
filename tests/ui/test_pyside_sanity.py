"""Guards against a Qt binding whose signals corrupt Python's reference counts (PySide6 6.12.0 did)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    value = Signal(object)
    bare = Signal()


def test_emitting_signals_keeps_reference_counts(qapp) -> None:
    emitter = _Emitter()
    received: list[object] = []
    emitter.value.connect(received.append)
    emitter.bare.connect(lambda: received.append(None))
    before_true, before_none = sys.getrefcount(True), sys.getrefcount(None)
    for i in range(300):  # fewer than it takes to crash a broken build, enough to see the drift
        emitter.value.emit(i)
        emitter.bare.emit()
    assert len(received) == 600
    assert sys.getrefcount(True) >= before_true - 5
    assert sys.getrefcount(None) >= before_none - 5
