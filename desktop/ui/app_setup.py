"""What every run of the GUI sets on the application once: the Thai font, Qt's texts in Thai, windows kept on screen."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from desktop.ui.fonts import apply_app_font
from desktop.ui.qt_thai import install_thai_translations
from desktop.ui.screen_fit import install_screen_guard


def prepare_app(app: QApplication) -> QApplication:
    apply_app_font(app)
    if not app.property("krukhor_prepared"):  # tests share one application: install once
        app.setProperty("krukhor_prepared", True)
        app._krukhor_translators = install_thai_translations(app)  # type: ignore[attr-defined]
        app._krukhor_screen_guard = install_screen_guard(app)  # type: ignore[attr-defined]
    return app
