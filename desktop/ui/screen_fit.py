"""Windows and dialogs sized to the screen they open on (an office PC is often 1366×768), remembered per user."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QObject, QRect, QSettings, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

# Room for the title bar and borders the window manager adds around a window.
FRAME_ALLOWANCE = QSize(16, 40)


def ui_settings() -> QSettings:
    """This user's screen settings (window sizes, column widths); a test points KRUKHOR_UI_SETTINGS at a file."""
    override = os.environ.get("KRUKHOR_UI_SETTINGS")
    if override:
        return QSettings(str(Path(override)), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "krukhor", "krukhor-ui")


def available_area(widget: QWidget | None = None) -> QRect:
    """The part of the screen not taken by the taskbar, on the widget's screen (or the primary one)."""
    screen = None
    if widget is not None:
        parent = widget.parentWidget()
        screen = (parent.screen() if parent is not None else None) or widget.screen()
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fitted_size(preferred: QSize, widget: QWidget | None = None) -> QSize:
    """The preferred size, made smaller where the screen (less the window frame) is smaller."""
    area = available_area(widget).size() - FRAME_ALLOWANCE
    return QSize(min(preferred.width(), area.width()), min(preferred.height(), area.height()))


def fit_window(widget: QWidget, preferred: QSize, *, key: str | None = None) -> None:
    """Size a window or dialog to the screen, centred, restoring the user's own size when it still fits."""
    area = available_area(widget)
    limit = area.size() - FRAME_ALLOWANCE
    minimum = widget.minimumSize()
    widget.setMinimumSize(min(minimum.width(), limit.width()), min(minimum.height(), limit.height()))
    if key and _restore(widget, key, area):
        return
    size = fitted_size(preferred, widget)
    widget.resize(size)
    centre = area.center()
    widget.move(
        max(area.left(), centre.x() - size.width() // 2),
        max(area.top(), centre.y() - (size.height() + FRAME_ALLOWANCE.height()) // 2),
    )


def _restore(widget: QWidget, key: str, area: QRect) -> bool:
    saved = ui_settings().value(f"geometry/{key}")
    if not isinstance(saved, QByteArray) or saved.isEmpty():
        return False
    if not widget.restoreGeometry(saved):
        return False
    frame = widget.frameGeometry()
    if area.contains(frame) or (frame.width() <= area.width() and frame.height() <= area.height()):
        if not area.contains(frame):
            widget.move(area.topLeft())
        return True
    return False  # saved on a larger screen: start again from this one


def remember_geometry(widget: QWidget, key: str) -> None:
    """Keep the window's size and place for next time (called when it closes)."""
    settings = ui_settings()
    settings.setValue(f"geometry/{key}", widget.saveGeometry())
    settings.sync()


def scrolling(content: QWidget) -> QScrollArea:
    """Content that may be taller than a small screen, in a frameless scroll area that resizes it."""
    area = QScrollArea()
    area.setWidget(content)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    return area


class KeepOnScreen(QObject):
    """Every window and dialog, as it is shown, made to fit the screen's free area and moved inside it."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QWidget) and watched.isWindow():
            kind = watched.windowType()
            if kind in (Qt.WindowType.Window, Qt.WindowType.Dialog, Qt.WindowType.Sheet):
                keep_inside(watched)
        return False


def keep_inside(widget: QWidget) -> None:
    area = available_area(widget)
    limit = area.size() - FRAME_ALLOWANCE
    size = widget.size()
    if size.width() > limit.width() or size.height() > limit.height():
        minimum = widget.minimumSize()
        widget.setMinimumSize(min(minimum.width(), limit.width()), min(minimum.height(), limit.height()))
        widget.resize(min(size.width(), limit.width()), min(size.height(), limit.height()))
    frame = widget.frameGeometry()
    x = min(max(frame.x(), area.left()), max(area.left(), area.right() - frame.width() + 1))
    y = min(max(frame.y(), area.top()), max(area.top(), area.bottom() - frame.height() + 1))
    if (x, y) != (frame.x(), frame.y()):
        widget.move(x, y)


def install_screen_guard(app: QApplication) -> KeepOnScreen:
    guard = KeepOnScreen(app)
    app.installEventFilter(guard)
    return guard
