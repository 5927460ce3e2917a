"""Columns sized to their content, and a width the user drags kept for next time (per user)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from desktop.ui.pages.people_page import PeoplePage
from desktop.ui.pages.table_page import TablePage


def _id_column(page: TablePage) -> int:
    return next(
        i for i, c in enumerate(page.model.columns) if c.title.replace("\n", "") == "เลขประจำตัวประชาชน"
    )


def test_ids_are_whole_and_a_dragged_width_is_remembered(window, qtbot) -> None:
    page = window.people
    window.go_to("ผู้เข้ารับการอบรม")
    table, header = page.table, page.table.horizontalHeader()
    qtbot.waitUntil(lambda: table.columnWidth(_id_column(page)) > 100, timeout=10_000)
    column = _id_column(page)
    shown = page.model.data(page.model.index(0, column))
    assert len(shown) == 17 and shown.count("-") == 4  # 1-2345-67890-12-3
    assert table.fontMetrics().horizontalAdvance(shown) <= table.columnWidth(column) - 6
    # drag the edge of the name column 80 px to the right, as a user would
    name = column + 1
    edge = header.sectionViewportPosition(name) + header.sectionSize(name) - 1
    before = header.sectionSize(name)
    y = header.height() // 2
    QTest.mousePress(
        header.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(edge, y)
    )
    QTest.mouseMove(header.viewport(), QPoint(edge + 40, y))
    QTest.mouseMove(header.viewport(), QPoint(edge + 80, y))
    QTest.mouseRelease(
        header.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(edge + 80, y)
    )
    dragged = header.sectionSize(name)
    assert dragged >= before + 60
    # a new people page (the next start) opens with the user's width, not the fitted one
    again = PeoplePage(window.ctx, window.runner)
    qtbot.addWidget(again)
    again.resize(window.people.size())
    again.show()
    again.reload()
    qtbot.waitUntil(lambda: len(again.model.rows) > 0 and window.runner.idle, timeout=10_000)
    qtbot.wait(50)
    assert again.table.horizontalHeader().sectionSize(name) == dragged


def test_a_long_circular_wraps_instead_of_squeezing_the_rate_names(window, qtbot) -> None:
    """The rates table at 1366×728: no sideways scrolling, and an item name gets at least half its one-line width
    (the circular's long title once kept its one-line width and left the names a word a line)."""
    window.resize(1366, 728)
    window.go_to("งบประมาณ")
    page = window.budget
    page.tabs.setCurrentIndex(3)
    view, model = page.rate_view, page.rate_model
    qtbot.waitUntil(lambda: model.rowCount() > 0 and window.runner.idle, timeout=10_000)
    qtbot.wait(50)
    header = view.horizontalHeader()
    columns = range(model.columnCount())
    assert sum(header.sectionSize(c) for c in columns) <= view.viewport().width()
    assert not view.horizontalScrollBar().isVisible()
    names = [str(model.data(model.index(r, 0))) for r in range(model.rowCount())]
    widest = max(view.fontMetrics().horizontalAdvance(n) for n in names)
    assert header.sectionSize(0) >= widest // 2
