"""`krukhor-cli budget --format csv`: categories with baht to 2 decimals, a total row that adds up."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.cli.budget import HEADER, TOTAL


def _run(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_budget_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "b.sqlite"
    assert _run(capsys, db, "init", "--province", "40")[0] == 0
    assert _run(capsys, db, "demo", "--people", "300", "--no-accounts")[0] == 0
    code, out, _err = _run(capsys, db, "budget", "--format", "csv", "--fiscal-year", "2569")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == HEADER
    body, total = rows[1:-1], rows[-1]
    assert total[0] == TOTAL and "ค่าอาหารกลางวัน" in {r[0] for r in body}
    for row in rows[1:]:
        for cell in row[1:]:
            assert cell == "" or (cell.replace("-", "").count(".") == 1 and len(cell.split(".")[1]) == 2)
    planned = sum(Decimal(r[2]) for r in body)
    spent = sum(Decimal(r[3]) for r in body)
    assert Decimal(total[2]) == planned and Decimal(total[3]) == spent
    assert Decimal(total[4]) == Decimal(total[1]) - spent
    code, out, _err = _run(capsys, db, "budget", "--by", "round", "--fiscal-year", "2569")
    rounds = list(csv.DictReader(io.StringIO(out)))
    assert sum(Decimal(r["spent"]) for r in rounds) == spent
