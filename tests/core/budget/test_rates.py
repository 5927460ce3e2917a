"""Rates as data: seeded with uncertain values marked, the version in force by date, editing by allowed users."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from db.models import AuditEntry
from desktop.core.budget import rates
from desktop.core.budget.rates import RateInput
from desktop.core.context import AppContext, set_setting
from desktop.core.errors import RuleViolation, ValidationError


def test_seed_marks_replaced_food_rates_uncertain(ctx: AppContext) -> None:
    rows = rates.list_rates(ctx)
    by = {(r.item, r.training_type, r.venue_type): r for r in rows}
    assert by[("lecturer_state", "outsider", "any")].ceiling_satang == 60_000
    assert by[("lecturer_nonstate", "a", "any")].ceiling_satang == 160_000
    assert not by[("lecturer_state", "b", "any")].uncertain
    assert by[("snack", "any", "government")].ceiling_satang == 3_500
    assert by[("snack", "any", "private")].ceiling_satang == 5_000
    assert by[("snack", "any", "government")].uncertain
    assert by[("meal_partial", "b", "government")].ceiling_satang == 40_000


def test_the_rate_in_force_on_the_rounds_date_is_used(ctx: AppContext) -> None:
    rates.save_rate(
        ctx,
        RateInput(
            item="snack",
            training_type="any",
            venue_type="government",
            unit="ต่อคนต่อมื้อ",
            ceiling_satang=4_000,
            effective_from=date(2026, 1, 1),
            circular_ref="กค 0408.4/ว 246",
            uncertain=True,
        ),
    )
    with ctx.reading() as session:
        before = rates.rate_in_force(
            session, item="snack", training_type="outsider", venue_type="government", on=date(2025, 12, 31)
        )
        after = rates.rate_in_force(
            session, item="snack", training_type="outsider", venue_type="government", on=date(2026, 1, 1)
        )
        private = rates.rate_in_force(
            session, item="snack", training_type="outsider", venue_type="private", on=date(2026, 6, 1)
        )
    assert before is not None and before.ceiling_satang == 3_500
    assert after is not None and after.ceiling_satang == 4_000 and after.circular_ref == "กค 0408.4/ว 246"
    assert private is not None and private.ceiling_satang == 5_000


def test_only_listed_users_edit_rates_and_edits_are_audited(ctx: AppContext) -> None:
    row = next(r for r in rates.list_rates(ctx) if r.item == "snack" and r.venue_type == "private")
    with ctx.transaction() as session:
        set_setting(session, rates.EDITORS_SETTING, "budget_officer, someone")
    with pytest.raises(RuleViolation, match="ไม่มีสิทธิ์"):
        rates.save_rate(ctx, RateInput(**{**_input(row), "ceiling_satang": 6_000}), rate_id=row.id)
    with ctx.transaction() as session:
        set_setting(session, rates.EDITORS_SETTING, "tester")
    saved = rates.save_rate(ctx, RateInput(**{**_input(row), "ceiling_satang": 6_000}), rate_id=row.id)
    assert saved.ceiling_satang == 6_000
    with ctx.reading() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity_id == row.id)).one()
    assert entry.user_name == "tester"
    assert entry.changes["ceiling_satang"] == [5_000, 6_000]


def test_a_rate_needs_a_positive_ceiling(ctx: AppContext) -> None:
    with pytest.raises(ValidationError) as err:
        rates.save_rate(ctx, RateInput(item="snack", ceiling_satang=0, effective_from=date(2026, 1, 1)))
    assert "ceiling_satang" in err.value.errors


def _input(row: rates.RateRow) -> dict:
    return {
        "item": row.item,
        "training_type": row.training_type,
        "venue_type": row.venue_type,
        "unit": row.unit,
        "ceiling_satang": row.ceiling_satang,
        "effective_from": row.effective_from,
        "circular_ref": row.circular_ref,
        "uncertain": row.uncertain,
        "note": row.note,
    }
