"""Loads the bundled Sarabun font so Thai renders the same on every PC, with or without Thai fonts."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from db.resources import resource_path

FAMILY = "Sarabun"
UI_POINT_SIZE = 11


def load_fonts() -> str:
    family = FAMILY
    for path in sorted(resource_path("fonts").glob("*.ttf")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        if families:
            family = families[0]
    return family


def apply_app_font(app: QApplication) -> None:
    family = load_fonts()
    app.setFont(QFont(family, UI_POINT_SIZE))
