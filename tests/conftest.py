"""Shared fixtures: a fresh SQLite file per test, set up for an office (no Qt here, the UI suite reuses them)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.core import office
from desktop.core.context import AppContext
from desktop.core.demo import province as demo

TEST_PROVINCE = "40"  # ขอนแก่น, the demo province
DEMO_PEOPLE = 300


@pytest.fixture(autouse=True)
def key_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test keeps its databases' keys in a folder of its own, never in the real user's OS store."""
    folder = tmp_path_factory.mktemp("keys")
    monkeypatch.setenv("KRUKHOR_KEY_DIR", str(folder))
    return folder


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "t.sqlite"


@pytest.fixture
def ctx(db_path: Path) -> Iterator[AppContext]:
    """A migrated database file in tmp_path whose office is set up for province 40."""
    context = AppContext.open(db_path, user_name="tester")
    try:
        office.setup_office(context, province_code=TEST_PROVINCE)
        yield context
    finally:
        context.close()


@pytest.fixture
def demo_ctx(ctx: AppContext) -> AppContext:
    """ctx filled with the deterministic demo province (300 people, about 15 rounds)."""
    demo.generate_demo(ctx, people=DEMO_PEOPLE)
    return ctx


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", help="also run tests marked slow (CI does)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Slow tests (building the app bundle) run in CI (.ci/run sets KRUKHOR_RUN_SLOW=1) or with --run-slow."""
    if config.getoption("--run-slow") or os.environ.get("KRUKHOR_RUN_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="slow: run with --run-slow or KRUKHOR_RUN_SLOW=1 (CI does)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
