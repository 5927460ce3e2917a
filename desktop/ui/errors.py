"""Errors shown one way everywhere: a Thai sentence with a warning sign in red, the technical words in the log
and behind "รายละเอียด"."""

from __future__ import annotations

import logging
from html import escape

from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.core.errors import CoreError

log = logging.getLogger("krukhor.ui")

ERROR_COLOUR = "#b00020"
UNEXPECTED = "เกิดข้อผิดพลาดที่ไม่คาดไว้ ข้อมูลเดิมไม่เปลี่ยนแปลง"


def thai_message(exc: BaseException, *, unexpected: str = UNEXPECTED) -> str:
    """The sentence for people: a CoreError's own Thai message, or a Thai sentence for anything else."""
    if isinstance(exc, CoreError):
        return exc.message
    return unexpected


def technical_detail(exc: BaseException) -> str:
    """What a developer needs: a CoreError's detail, or the exception's type and text. Logged as well."""
    detail = exc.detail if isinstance(exc, CoreError) else f"{type(exc).__name__}: {exc}"
    if detail:
        log.warning("%s (%s)", thai_message(exc), detail, exc_info=not isinstance(exc, CoreError))
    return detail


def error_html(message: str) -> str:
    """An inline error: red, with a warning sign, as in every form and page."""
    return f"<span style='color:{ERROR_COLOUR}'>⚠ {escape(message).replace(chr(10), '<br>')}</span>"


def error_box(
    parent: QWidget | None, title: str, exc: BaseException | str, *, prefix: str = ""
) -> QMessageBox:
    """A warning box (opened, not run): the Thai sentence, and the technical text behind "รายละเอียด"."""
    message = exc if isinstance(exc, str) else thai_message(exc)
    box = QMessageBox(QMessageBox.Icon.Warning, title, f"{prefix}{message}", parent=parent)
    if not isinstance(exc, str):
        detail = technical_detail(exc)
        if detail:
            box.setDetailedText(detail)
    box.open()
    return box
