"""The held round every budget test starts from (built in tests/fixtures/budget.py)."""

from __future__ import annotations

import pytest

from desktop.core.context import AppContext
from tests.fixtures.budget import HeldRound, make_held


@pytest.fixture
def held(ctx: AppContext) -> HeldRound:
    return make_held(ctx)
