"""One percentage helper: exact, half up to one decimal, the same on paper, screen and in the workbook."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from db.rules.percent import percent, percent_text, share

ROOT = Path(__file__).resolve().parents[2]


def test_half_up_where_a_float_would_round_down() -> None:
    assert f"{13 / 80:.1%}" == "16.2%"  # what the summary PDF printed before (the float is 0.16249…)
    assert percent_text(13, 80) == "16.3%"  # what Excel shows for the workbook's =E/C
    assert percent(1, 8) == Decimal("12.5") and percent_text(1, 16) == "6.3%"
    assert percent_text(2, 3) == "66.7%" and percent_text(1, 3, sign=False) == "33.3"
    assert percent_text(0, 5) == "0.0%" and percent_text(5, 0) == "–" and share(5, 0) == 0.0
    assert percent_text(1_234_567, 1_000) == "123,456.7%"


def test_no_other_module_formats_a_percentage() -> None:
    """Every place that shows a percentage goes through db/rules/percent.py (PDF, dashboard, CLI, server)."""
    pattern = re.compile(r"\.1%\}|:\.1f\}%|\* 100:\.1f|percent:\.1f")
    offenders = [
        str(p.relative_to(ROOT))
        for folder in ("db", "desktop", "server")
        for p in (ROOT / folder).rglob("*.py")
        if p.name != "percent.py" and pattern.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
