"""Sign-in sheets and certificates from the UI: generated off the GUI thread with progress, previewed with QtPdf,
printed (QPrinter) or saved."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QSize, QThreadPool, Signal, Slot
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.context import AppContext
from desktop.ui.errors import error_html, technical_detail, thai_message
from desktop.ui.screen_fit import fit_window


class Cancelled(Exception):
    pass


class _Signals(QObject):
    progress = Signal(int, int)
    done = Signal(object)
    failed = Signal(object)


class _PdfJob(QRunnable):
    def __init__(self, make: Callable[[Callable[[int, int], None]], Any], signals: _Signals) -> None:
        super().__init__()
        self.make, self.signals = make, signals
        self.cancelled = False
        self.setAutoDelete(False)

    def _progress(self, done: int, total: int) -> None:
        if self.cancelled:
            raise Cancelled
        self.signals.progress.emit(done, total)

    @Slot()
    def run(self) -> None:
        try:
            result = self.make(self._progress)
        except Exception as exc:
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


def signin_maker(
    ctx: AppContext, round_id: uuid.UUID, *, mask_ids: bool = True, order: str = "village"
) -> Callable[[Path, Any], Any]:
    def make(path: Path, progress: Any) -> Any:
        from desktop.reports.signin_sheet import write_signin_sheet

        return write_signin_sheet(
            ctx, round_id=round_id, out_path=path, mask_ids=mask_ids, order=order, progress=progress
        )

    return make


def certificates_maker(ctx: AppContext, round_id: uuid.UUID) -> Callable[[Path, Any], Any]:
    def make(path: Path, progress: Any) -> Any:
        from desktop.reports.certificates import write_certificates

        return write_certificates(ctx, round_id=round_id, out_path=path, progress=progress)

    return make


class PdfPreviewDialog(QDialog):
    """Generates a PDF in the background, then shows it with Print and Save."""

    ready = Signal()

    def __init__(
        self,
        *,
        title: str,
        file_name: str,
        make: Callable[[Path, Any], Any],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        fit_window(self, QSize(1100, 800))
        self.file_name = file_name
        self._tmpdir = tempfile.TemporaryDirectory(prefix="krukhor-pdf-")
        self.path = Path(self._tmpdir.name) / file_name
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)
        self.status = QLabel("กำลังสร้างเอกสาร…")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.cancel_button = QPushButton("ยกเลิก")
        self.print_button = QPushButton("พิมพ์…")
        self.save_button = QPushButton("บันทึกเป็นไฟล์ PDF…")
        self.close_button = QPushButton("ปิด")
        for b in (self.print_button, self.save_button):
            b.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_as)
        self.close_button.clicked.connect(self.reject)
        bar = QHBoxLayout()
        bar.addWidget(self.status, 1)
        bar.addWidget(self.progress)
        bar.addWidget(self.cancel_button)
        bar.addWidget(self.print_button)
        bar.addWidget(self.save_button)
        bar.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(bar)
        self.signals = _Signals()
        self.signals.progress.connect(self._on_progress)
        self.signals.done.connect(self._on_done)
        self.signals.failed.connect(self._on_failed)
        path = self.path
        self.job = _PdfJob(lambda progress: make(path, progress), self.signals)
        self.finished_ok = False
        QThreadPool.globalInstance().start(self.job)

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.status.setText(f"กำลังสร้างเอกสาร… {done:,}/{total:,}")

    def _on_done(self, result: Any) -> None:
        self.document.load(str(self.path))
        pages = self.document.pageCount()
        self.progress.hide()
        self.cancel_button.hide()
        self.status.setText(f"{self.file_name} · {pages:,} หน้า")
        self.print_button.setEnabled(pages > 0)
        self.save_button.setEnabled(pages > 0)
        self.finished_ok = True
        self.result_info = result
        self.ready.emit()

    def _on_failed(self, exc: Exception) -> None:
        self.progress.hide()
        self.cancel_button.hide()
        if isinstance(exc, Cancelled):
            self.status.setText("ยกเลิกการสร้างเอกสารแล้ว")
        else:
            technical_detail(exc)
            self.status.setText(error_html(thai_message(exc, unexpected="สร้างเอกสารไม่สำเร็จ")))
        self.ready.emit()

    def cancel(self) -> None:
        self.job.cancelled = True
        self.status.setText("กำลังยกเลิก…")

    def print_document(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def print_to(self, printer: QPrinter) -> int:
        """Render every page at the printer's resolution (QtPdf rasterises; 300 dpi keeps Thai crisp)."""
        painter = QPainter()
        if not painter.begin(printer):
            QMessageBox.warning(self, "พิมพ์ไม่ได้", "เปิดเครื่องพิมพ์ไม่ได้")
            return 0
        pages = self.document.pageCount()
        try:
            for i in range(pages):
                if i:
                    printer.newPage()
                target = painter.viewport()
                size_pt = self.document.pagePointSize(i)
                scale = min(target.width() / size_pt.width(), target.height() / size_pt.height())
                image = self.document.render(
                    i, QSize(int(size_pt.width() * scale), int(size_pt.height() * scale))
                )
                painter.drawImage(0, 0, image)
        finally:
            painter.end()
        return pages

    def save_as(self) -> None:
        target, _ = QFileDialog.getSaveFileName(
            self, "บันทึกเอกสาร", str(Path.home() / self.file_name), "PDF (*.pdf)"
        )
        if target:
            self.save_to(Path(target))

    def save_to(self, target: Path) -> None:
        tmp = target.with_name(f".{target.name}.tmp")
        shutil.copyfile(self.path, tmp)
        os.replace(tmp, target)  # a half-copied file never takes the name
        self.status.setText(f"บันทึกแล้ว: {target}")

    def done(self, code: int) -> None:
        self.job.cancelled = True
        QThreadPool.globalInstance().waitForDone(30_000)
        self.document.close()
        super().done(code)
        self._tmpdir.cleanup()
