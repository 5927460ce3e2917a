"""Fixtures for the Qt tests: offscreen platform, the bundled font, a fresh demo database per test."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from desktop.core import office
from desktop.core.context import AppContext
from desktop.core.demo import province as demo


@pytest.fixture(scope="session")
def qapp_args() -> list[str]:
    return ["krukhor-tests"]


@pytest.fixture(autouse=True)
def own_ui_settings(tmp_path, monkeypatch):
    """Window sizes and column widths a test remembers stay in its own file, not the user's."""
    monkeypatch.setenv("KRUKHOR_UI_SETTINGS", str(tmp_path / "ui-settings.ini"))


@pytest.fixture
def app_font(qapp):
    from desktop.ui.app_setup import prepare_app

    return prepare_app(qapp)


@pytest.fixture
def ui_ctx(tmp_path, app_font):
    ctx = AppContext.open(tmp_path / "ui.sqlite")
    demo.generate_demo(ctx, people=120)
    yield ctx
    ctx.close()


@pytest.fixture
def window(ui_ctx, qtbot):
    from desktop.ui.main_window import MainWindow

    win = MainWindow(ui_ctx, office.get_office(ui_ctx))
    qtbot.addWidget(win)
    win.show()
    assert win.pages  # every page made (the program makes them when first shown), and loaded below
    qtbot.waitUntil(lambda: len(win.people.model.rows) > 0 and win.runner.idle, timeout=10_000)
    yield win
    win.runner.wait()
