"""Shared fixtures: a fresh SQLite file per test, set up for an office (no Qt here, the UI suite reuses them)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.core import demo, office
from desktop.core.context import AppContext

TEST_PROVINCE = "40"  # ขอนแก่น, the demo province
DEMO_PEOPLE = 300


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
