"""No drop-down holds UUID objects as item data: QComboBox.findData compares them by identity, so a reload (new
objects for the same ids) or an edit form looked up the wrong item: the budget page jumped to another round and
the person form moved people to the first village. Ids go into combos as text."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QWidget

from desktop.core.people import people
from desktop.core.rounds import rounds
from desktop.ui.dialogs.budget import LineDialog
from desktop.ui.dialogs.person import PersonDialog
from desktop.ui.dialogs.round import RoundDialog

ROLES = (Qt.ItemDataRole.UserRole, Qt.ItemDataRole.UserRole + 1)


def uuid_items(widget: QWidget) -> list[str]:
    """Every combo item under ``widget`` whose data is a UUID object, as "combo name: item text"."""
    found = []
    for combo in widget.findChildren(QComboBox):
        for i in range(combo.count()):
            for role in ROLES:
                if isinstance(combo.itemData(i, role), uuid.UUID):
                    found.append(
                        f"{combo.objectName() or type(combo.parent()).__name__}: {combo.itemText(i)}"
                    )
    return found


def test_the_guard_sees_a_uuid_in_a_combo(qtbot) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    QComboBox(holder).addItem("a", uuid.uuid4())
    assert uuid_items(holder) == ["QWidget: a"]


def test_no_combo_of_the_window_or_its_forms_holds_uuid_objects(window, qtbot, ui_ctx) -> None:
    for i in range(window.nav.count()):
        window.nav.setCurrentRow(i)
        qtbot.waitUntil(lambda: window.runner.idle, timeout=10_000)
    assert window.budget.round_pick.count() > 0  # the combo that held round UUIDs is filled
    assert uuid_items(window) == []
    person = next(p for p in people.list_people(ui_ctx) if p.village_id is not None)
    dialog = PersonDialog(ui_ctx, window.runner, villages=window.people.villages, row=person, parent=window)
    qtbot.addWidget(dialog)
    assert uuid_items(dialog) == []
    assert dialog.village.currentData() == str(person.village_id)
    line = LineDialog(window)
    qtbot.addWidget(line)
    assert uuid_items(line) == []
    rnd = rounds.list_rounds(ui_ctx)[0]
    form = RoundDialog(ui_ctx, window.runner, districts=window.rounds.districts, row=rnd, parent=window)
    qtbot.addWidget(form)
    assert uuid_items(form) == []


def test_budget_page_keeps_its_round_across_a_reload(window, qtbot) -> None:
    page = window.budget
    window.go_to("งบประมาณ")
    qtbot.waitUntil(lambda: page.round_pick.count() > 1 and window.runner.idle, timeout=10_000)
    page.round_pick.setCurrentIndex(page.round_pick.count() - 1)
    chosen = page.current_round_id()
    assert isinstance(chosen, uuid.UUID)
    page.reload()
    qtbot.waitUntil(lambda: window.runner.idle, timeout=10_000)
    assert page.current_round_id() == chosen
