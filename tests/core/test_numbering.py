"""Document numbers: running per office, series and year; one lane per PC; issued in the caller's transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.models import DocumentNumber
from desktop.core.errors import ValidationError
from desktop.core.numbering import format_label, issue_number


def _issue(ctx, *, device: str | None = None, series: str = "voucher", fy: int = 2569) -> str:
    with ctx.transaction() as s:
        return issue_number(
            s, office_code="40", device_id=device or ctx.device_id, series=series, fiscal_year=fy
        ).label


def test_labels() -> None:
    assert format_label(device_no=1, seq=12, fiscal_year=2569) == "0012/2569"
    assert format_label(device_no=2, seq=12, fiscal_year=2569) == "2-0012/2569"
    assert format_label(device_no=1, seq=12345, fiscal_year=2570) == "12345/2570"


def test_running_per_series_and_year_and_a_lane_per_pc(ctx) -> None:
    assert [_issue(ctx) for _ in range(3)] == ["0001/2569", "0002/2569", "0003/2569"]
    assert _issue(ctx, fy=2570) == "0001/2570"
    assert _issue(ctx, series="certificate") == "0001/2569"
    # Another PC seen in the office (its rows pulled) numbers in lane 2, then lane 3 for a third.
    assert _issue(ctx, device="other-pc") == "2-0001/2569"
    assert _issue(ctx, device="third-pc") == "3-0001/2569"
    assert _issue(ctx, device="other-pc") == "2-0002/2569"
    assert _issue(ctx) == "0004/2569"


def test_a_rolled_back_transaction_leaves_no_number(ctx) -> None:
    _issue(ctx)
    with pytest.raises(RuntimeError), ctx.transaction() as s:
        issue_number(s, office_code="40", device_id=ctx.device_id, series="voucher", fiscal_year=2569)
        raise RuntimeError("the voucher failed")
    assert _issue(ctx) == "0002/2569"
    with ctx.reading() as s:
        assert s.scalar(select(func.count()).select_from(DocumentNumber)) == 2


def test_bad_series_or_year_refused_in_thai(ctx) -> None:
    with pytest.raises(ValidationError, match="ชุดเลขที่"), ctx.transaction() as s:
        issue_number(s, office_code="40", device_id="x", series="nope", fiscal_year=2569)
    with pytest.raises(ValidationError, match="ไม่ใช่ปี"), ctx.transaction() as s:
        issue_number(s, office_code="40", device_id="x", series="voucher", fiscal_year=2026)
