"""Reusable widgets: a Buddhist-Era date field with its own calendar popup, and inline field errors."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from db.rules.errors import RuleError
from db.rules.thai_dates import THAI_MONTHS, format_be_date, parse_be_date
from db.rules.thai_time import bangkok_today

ERROR_STYLE = "color: #b00020;"


class BECalendar(QWidget):
    """QCalendarWidget with its navigation bar replaced, so the year reads in the Buddhist Era."""

    picked = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.calendar = QCalendarWidget(self)
        self.calendar.setNavigationBarVisible(False)
        self.calendar.setGridVisible(True)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Sunday)
        self.calendar.setLocale(QLocale(QLocale.Language.Thai, QLocale.Country.Thailand))  # Thai day names
        prev_btn, next_btn = QToolButton(text="◀"), QToolButton(text="▶")
        prev_btn.setAccessibleName("เดือนก่อน")
        next_btn.setAccessibleName("เดือนถัดไป")
        self.title = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        bar = QHBoxLayout()
        bar.addWidget(prev_btn)
        bar.addWidget(self.title, 1)
        bar.addWidget(next_btn)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.calendar)
        prev_btn.clicked.connect(self.calendar.showPreviousMonth)
        next_btn.clicked.connect(self.calendar.showNextMonth)
        self.calendar.currentPageChanged.connect(self._update_title)
        self.calendar.clicked.connect(lambda qd: self.picked.emit(qd.toPython()))
        self.calendar.activated.connect(lambda qd: self.picked.emit(qd.toPython()))
        self._update_title(self.calendar.yearShown(), self.calendar.monthShown())

    def _update_title(self, year: int, month: int) -> None:
        self.title.setText(f"{THAI_MONTHS[month - 1]} {year + 543}")

    def set_date(self, value: date) -> None:
        self.calendar.setSelectedDate(QDate(value.year, value.month, value.day))
        self.calendar.setCurrentPage(value.year, value.month)


class BEDateEdit(QWidget):
    """Type a date in any common Thai form (12/05/2567, 12 พ.ค. 67, 14 มีนาคม 2568) or pick it."""

    date_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None, *, value: date | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("วว/ดด/ปปปป (พ.ศ.) เช่น 12/05/2567")
        self.button = QToolButton(self, text="ปฏิทิน")
        self.button.setAccessibleName("เลือกวันที่จากปฏิทิน")
        # Room for ฏ's tail below the line and for the menu arrow beside the word (both were clipped).
        metrics = self.button.fontMetrics()
        self.button.setMinimumSize(metrics.horizontalAdvance("ปฏิทิน") + 30, metrics.height() + 12)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.button)
        self.popup = BECalendar(menu)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.popup)
        menu.addAction(action)
        self.button.setMenu(menu)
        menu.aboutToShow.connect(lambda: self.popup.set_date(self._value or bangkok_today()))
        self.popup.picked.connect(lambda d: (self.set_date(d), menu.close()))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)
        self.setFocusProxy(self.edit)
        self._value: date | None = None
        self._error = ""
        self.edit.editingFinished.connect(self._reparse)
        if value is not None:
            self.set_date(value)

    def set_date(self, value: date | None) -> None:
        self._value = value
        self._error = ""
        self.edit.setText(format_be_date(value) if value else "")
        self.date_changed.emit(value)

    def date(self) -> date | None:
        """The date typed or picked; raises RuleError if the text cannot be read."""
        self._reparse()
        if self._error:
            raise RuleError(self._error)
        return self._value

    def _reparse(self) -> None:
        text = self.edit.text().strip()
        if not text:
            self._value, self._error = None, ""
            return
        if self._value is not None and text == format_be_date(self._value):
            return
        try:
            value = parse_be_date(text)
        except RuleError as exc:
            self._error = exc.message
            return
        self.set_date(value)


class FieldErrors:
    """Red Thai messages under form fields, set from a ValidationError's {field: message}."""

    def __init__(self) -> None:
        self.labels: dict[str, QLabel] = {}
        self.widgets: dict[str, QWidget] = {}

    def add_row(self, form: QFormLayout, label: str, field: str, widget: QWidget) -> None:
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(1)
        box.addWidget(widget)
        error = QLabel()
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        error.setObjectName(f"error_{field}")
        box.addWidget(error)
        form.addRow(label, holder)
        self.labels[field] = error
        self.widgets[field] = widget

    def show(self, errors: dict[str, str]) -> None:
        first: QWidget | None = None
        for field, label in self.labels.items():
            message = errors.get(field, "")
            label.setText(message)
            label.setVisible(bool(message))
            if message and first is None:
                first = self.widgets[field]
        if first is not None:
            first.setFocus()

    def clear(self) -> None:
        self.show({})

    def text(self, field: str) -> str:
        label = self.labels[field]
        return label.text() if label.isVisibleTo(label.parentWidget()) else ""
