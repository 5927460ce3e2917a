"""The consolidation recipe of docs/workbook-format.md, run as written on three province workbooks."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from desktop.core.context import AppContext
from desktop.core.exports.figures import province_figures
from desktop.reports.workbook import collect, write_workbook

FY = 2569
DOC = Path(__file__).resolve().parents[2] / "docs" / "workbook-format.md"


def recipe() -> str:
    text = DOC.read_text(encoding="utf-8")
    found = re.search(r"<!-- recipe:pandas -->\s*```python\n(.*?)```\s*<!-- /recipe:pandas -->", text, re.S)
    assert found, "the pandas recipe is missing from docs/workbook-format.md"
    return found.group(1)


def test_the_recipe_is_short() -> None:
    lines = [ln for ln in recipe().splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    assert len(lines) <= 14


def _other_province(data, *, code: str, name: str, keep: int):
    """The same office's figures relabelled as another province, with only every ``keep``-th row of each table."""
    meta = dataclasses.replace(data.meta, province_code=code, province_name=name)
    return dataclasses.replace(
        data,
        meta=meta,
        districts=data.districts[::keep],
        rounds=data.rounds[::keep],
        people=data.people[::keep],
        expenses=data.expenses[::keep],
    )


def test_recipe_stacks_three_provinces_with_the_figures_totals(
    results_ctx: AppContext, tmp_path: Path
) -> None:
    fig = province_figures(results_ctx, fiscal_year=FY)
    data = collect(results_ctx, fiscal_year=FY)
    folder = tmp_path / "จังหวัด"
    folder.mkdir()
    books = [
        data,
        _other_province(data, code="41", name="อุดรธานี", keep=2),
        _other_province(data, code="30", name="นครราชสีมา", keep=3),
    ]
    for b in books:
        write_workbook(b, out_path=folder / f"{b.meta.province_code}.xlsx", office_name="สำนักงาน")
    script = tmp_path / "stack.py"
    script.write_text(recipe(), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ,
    )
    assert done.returncode == 0, done.stderr
    out = tmp_path / "ครูข_ทุกจังหวัด.xlsx"
    summary = pd.read_excel(out, "สรุป", engine="openpyxl", dtype={"รหัสจังหวัด": str, "รหัสอำเภอ": str})
    rounds = pd.read_excel(out, "รุ่นการอบรม", engine="openpyxl", dtype={"รหัสจังหวัด": str})
    people = pd.read_excel(
        out, "รายชื่อครู ข", engine="openpyxl", dtype={"รหัสจังหวัด": str, "เลขประจำตัวประชาชน": str}
    )
    expenses = pd.read_excel(out, "ค่าใช้จ่าย", engine="openpyxl", dtype={"รหัสจังหวัด": str})

    # Province 40 is the office's own figures; the other two are the rows kept from them.
    assert set(summary["รหัสจังหวัด"]) == {"40", "41", "30"}
    by = summary.groupby("รหัสจังหวัด")["อบรมผ่านสะสม"].sum()
    assert by["40"] == fig.total("trained_to_date")
    assert by["41"] == sum(d.trained_to_date for d in fig.districts[::2])
    assert summary["เป้าหมายครู ข (หมู่บ้าน)"].sum() == sum(
        sum(d.target for d in fig.districts[::k]) for k in (1, 2, 3)
    )
    assert list(summary.loc[summary["รหัสจังหวัด"] == "40", "ร้อยละของเป้าหมาย"]) == pytest.approx(
        [d.trained_to_date / d.target if d.target else 0 for d in fig.districts]
    )
    paid = rounds.groupby("รหัสจังหวัด")["เบิกจ่ายแล้ว (บาท)"].sum()
    assert round(paid["40"] * 100) == sum(r.paid_satang for r in fig.rounds)
    assert round(paid["30"] * 100) == sum(r.paid_satang for r in fig.rounds[::3])
    assert rounds["วันเริ่ม"].dtype.kind == "M"
    assert len(people) == sum(len(b.people) for b in books)
    assert people["เลขประจำตัวประชาชน"].str.fullmatch(r"\d{13}").all()
    assert (people["ผลการอบรม"] == "ผ่าน").groupby(people["รหัสจังหวัด"]).sum()["40"] == sum(
        1 for p in data.people if p.completed
    )
    assert round(expenses["เบิกจ่ายแล้ว (บาท)"].sum() * 100) == sum(
        sum(e.paid_satang for e in fig.expenses[::k]) for k in (1, 2, 3)
    )
    assert (summary["ปีงบประมาณ"] == FY).all() and "รวม" not in set(summary["รหัสจังหวัด"])
