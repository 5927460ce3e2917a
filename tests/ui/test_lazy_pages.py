"""The main window makes a page the first time it is shown (a faster start), and the person form's village list
is read when a form first needs it, not after every reload of the people page."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from db.models import Subdistrict
from desktop.core import office
from desktop.core.people import places

ROOT = Path(__file__).resolve().parents[2]


def _window(ctx, qtbot):
    from desktop.ui.main_window import MainWindow

    win = MainWindow(ctx, office.get_office(ctx))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.runner.idle and win.home.counts is not None, timeout=10_000)
    return win


def test_only_the_dashboard_and_sync_are_made_at_start(ui_ctx, qtbot) -> None:
    win = _window(ui_ctx, qtbot)
    assert set(win._built) == {"home", "sync"}
    win.reload_all()  # a sync or another account signing in: pages not made stay unmade
    assert set(win._built) == {"home", "sync"}
    win.go_to("วิทยากร")
    assert "lecturers" in win._built
    qtbot.waitUntil(lambda: win.lecturers.model.rowCount() == 10, timeout=10_000)  # made, and loaded
    assert win.current_page() is win.lecturers
    assert win.stack.currentWidget().isAncestorOf(win.lecturers)


def test_a_page_made_later_follows_the_others(ui_ctx, qtbot) -> None:
    win = _window(ui_ctx, qtbot)
    rounds = win.rounds  # made on being asked for
    qtbot.waitUntil(lambda: rounds.model.rowCount() > 0 and win.runner.idle, timeout=10_000)
    loads = []
    rounds.loaded.connect(lambda: loads.append(1))
    win.people.changed.emit()  # a person saved: the rounds page (counts of candidates) reads again
    qtbot.waitUntil(lambda: bool(loads), timeout=10_000)
    win.go_to("ตั้งค่า")
    assert [label for label, _page in win.pages] == [win.nav.item(i).text() for i in range(win.nav.count())]
    assert len(win._built) == 8


def test_the_village_list_is_read_when_a_form_needs_it_and_again_once_it_changed(ui_ctx, qtbot) -> None:
    win = _window(ui_ctx, qtbot)
    page = win.people
    qtbot.waitUntil(lambda: len(page.model.rows) > 0 and win.runner.idle, timeout=10_000)
    assert page._villages is None  # the reload did not read the 75,000-village list of a real province
    first = page.villages
    assert [v.code for v in first] == [v.code for v in places.list_villages(ui_ctx)]
    assert page.villages is first  # nothing changed: the list read before
    before = len(first)
    with ui_ctx.transaction() as session:  # a village new to this PC (an import, or a pull from another PC)
        sub = session.scalars(select(Subdistrict)).first()
        assert sub is not None
        places.ensure_village(session, office_code=sub.office_code, subdistrict=sub, moo=99, name_th="บ้านใหม่")
    again = page.villages
    assert again is not first and len(again) == before + 1
    assert any(v.moo == 99 for v in again)


def test_the_window_module_does_not_bring_the_other_pages_or_the_network_client() -> None:
    code = (
        "import sys\n"
        "import desktop.ui.main_window\n"
        "import desktop.core.sync.client\n"
        "late = [m for m in ('httpx', 'desktop.ui.pages.budget_page', 'desktop.ui.pages.import_page',"
        " 'desktop.ui.pages.people_page', 'desktop.ui.pages.settings_page', 'desktop.core.demo.budget')"
        " if m in sys.modules]\n"
        "print(late)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
