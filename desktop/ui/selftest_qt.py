"""The GUI's extra self-test step: Qt starts (offscreen), the Sarabun font loads, the main window builds."""

from __future__ import annotations

import os
import tempfile
import time

from desktop.selftest import SelfTestError, SelfTestWork, Step

LOAD_TIMEOUT_S = 10.0


def _check_qt(work: SelfTestWork) -> str:
    # Before Qt is loaded: the self-test must run without a display (CI, a locked-down PC).
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # The window's remembered size goes to a scratch file, not the user's own settings.
    os.environ.setdefault(
        "KRUKHOR_UI_SETTINGS", os.path.join(tempfile.mkdtemp(prefix="krukhor-selftest-"), "ui.ini")
    )
    from PySide6.QtGui import QFontDatabase, QFontMetrics
    from PySide6.QtWidgets import QApplication, QDialogButtonBox

    from desktop.core import office
    from desktop.ui.app_setup import prepare_app
    from desktop.ui.fonts import FAMILY
    from desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(["krukhor", "--self-test"])
    prepare_app(app)
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
    ok = box.button(QDialogButtonBox.StandardButton.Ok).text()
    box.deleteLater()
    if ok != "ตกลง":  # resources/translations/qtbase_th.qm missing from the installation
        raise SelfTestError(f"Qt's buttons are not Thai (OK reads {ok!r})")
    if FAMILY not in QFontDatabase.families():
        raise SelfTestError(f"the {FAMILY} font did not load (families: {len(QFontDatabase.families())})")
    if app.font().family() != FAMILY:
        raise SelfTestError(f"application font is {app.font().family()}, expected {FAMILY}")
    width = QFontMetrics(app.font()).horizontalAdvance("ผู้ใหญ่บ้าน")
    if width <= 0:
        raise SelfTestError("Thai text has no width")
    ctx = work.require_ctx()
    own = office.get_office(ctx)
    if own is None:
        raise SelfTestError("the database step set up no office")
    window = MainWindow(ctx, own)
    try:
        window.show()
        app.processEvents()
        if not window.isVisible():
            raise SelfTestError("the main window did not show")
        # The pages load on the read pool and fill by signal: wait for the round and person made before.
        deadline = time.monotonic() + LOAD_TIMEOUT_S
        while time.monotonic() < deadline and (
            window.rounds.model.rowCount() == 0 or window.people.model.rowCount() == 0
        ):
            window.runner.wait(50)
            app.processEvents()
        shown = (window.rounds.model.rowCount(), window.people.model.rowCount())
        if shown != (1, 1):
            raise SelfTestError(f"pages show {shown[0]} round(s) and {shown[1]} person(s), expected 1 and 1")
    finally:
        _drain(app, window, time.monotonic() + LOAD_TIMEOUT_S)
        window.close()
        window.deleteLater()
        app.processEvents()
    return (
        f"platform {app.platformName()}, font {FAMILY} loaded, Qt's texts in Thai, "
        "main window shown with 1 round and 1 person"
    )


def _drain(app, window, deadline: float) -> None:
    """Let every page's loading finish: a result may start another read, which must not outlive the database."""
    while time.monotonic() < deadline:
        app.processEvents()
        if window.runner.idle:
            app.processEvents()
            if window.runner.idle:
                return
        window.runner.wait(50)


QT_STEPS: tuple[Step, ...] = (("qt", _check_qt),)
