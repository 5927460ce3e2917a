"""A record form: fields with inline Thai errors; saving runs in the background and keeps the dialog on error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desktop.core.errors import CoreError, ValidationError
from desktop.ui.errors import error_box
from desktop.ui.tasks import TaskRunner
from desktop.ui.widgets import ERROR_STYLE, FieldErrors


class RecordDialog(QDialog):
    def __init__(self, title: str, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.runner = runner
        self.result_row: Any = None
        self.errors = FieldErrors()
        self.form = QFormLayout()
        self.banner = QLabel()
        self.banner.setStyleSheet(ERROR_STYLE)
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("บันทึก")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("ยกเลิก")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.banner)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)

    def add_field(self, label: str, field: str, widget: QWidget) -> QWidget:
        self.errors.add_row(self.form, label, field, widget)
        return widget

    def collect(self) -> Callable[[], Any]:
        """Read the fields and return the work to run; raise ValidationError for what cannot be read."""
        raise NotImplementedError

    def save(self) -> None:
        self.errors.clear()
        self.banner.hide()
        try:
            work = self.collect()
        except ValidationError as exc:
            self.errors.show(exc.errors)
            return
        self.buttons.setEnabled(False)
        self.runner.run(work, on_done=self._saved, on_error=self._failed)

    def _saved(self, row: Any) -> None:
        self.buttons.setEnabled(True)
        self.result_row = row
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self.buttons.setEnabled(True)
        if isinstance(exc, ValidationError):
            unknown = {k: v for k, v in exc.errors.items() if k not in self.errors.labels}
            self.errors.show(exc.errors)
            if unknown:
                self._show_banner("\n".join(unknown.values()))
        elif isinstance(exc, CoreError):
            self._show_banner(exc.message)
        else:
            self.error_message = error_box(self, "บันทึกไม่สำเร็จ", exc)

    def _show_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.show()
