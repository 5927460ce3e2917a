"""Registration import: both shapes, idempotent re-import, newer exports, rejections with row and column."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from db.models import Person, Registration
from db.rules.national_id import make_national_id
from desktop.core.context import AppContext
from desktop.core.exports.figures import province_figures
from desktop.core.registrations.registrations import (
    RegistrationFileError,
    import_registrations,
    registrations_per_person,
)


def _ids(ctx: AppContext, n: int) -> list[str]:
    """People with no registrations yet (the demo credits those of held rounds)."""
    with ctx.reading() as s:
        credited = select(Registration.national_id)
        return list(
            s.scalars(
                select(Person.national_id)
                .where(Person.national_id.not_in(credited))
                .order_by(Person.national_id)
                .limit(n)
            )
        )


def _total(ctx: AppContext) -> int:
    with ctx.reading() as s:
        return s.scalar(
            select(func.coalesce(func.sum(Registration.count), 0)).where(Registration.source_file != "demo")
        )


def _csv(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_one_row_per_registration_is_idempotent(demo_ctx: AppContext, tmp_path: Path) -> None:
    a, b = _ids(demo_ctx, 2)
    w = [make_national_id(f"1{n:011d}") for n in range(1, 5)]
    head = ["ลำดับ", "เลขประจำตัวประชาชนครู ข", "เลขประจำตัวประชาชนผู้ลงทะเบียน", "วันที่ลงทะเบียน"]
    rows = [head, [1, a, w[0], "01/12/2568"], [2, a, w[1], "02/12/2568"], [3, b, w[2], "02/12/2568"]]
    first = import_registrations(demo_ctx, path=_csv(tmp_path / "reg.csv", rows))
    assert (first.added, first.unchanged, first.rejected, first.shape) == (3, 0, (), "single")
    before = _total(demo_ctx)
    again = import_registrations(demo_ctx, path=tmp_path / "reg.csv")
    assert (again.added, again.updated, again.unchanged, again.registrations_added) == (0, 0, 3, 0)
    assert _total(demo_ctx) == before
    newer = import_registrations(
        demo_ctx, path=_csv(tmp_path / "reg2.csv", [*rows, [4, b, w[3], "03/12/2568"]])
    )
    assert (newer.added, newer.unchanged) == (1, 3)
    assert _total(demo_ctx) == before + 1


def test_rows_without_a_reference_count_each_occurrence_once(demo_ctx: AppContext, tmp_path: Path) -> None:
    (a,) = _ids(demo_ctx, 1)
    rows = [["national_id", "date"], [a, "01/12/2568"], [a, "01/12/2568"], [a, "02/12/2568"]]
    assert import_registrations(demo_ctx, path=_csv(tmp_path / "r.csv", rows)).added == 3
    assert import_registrations(demo_ctx, path=tmp_path / "r.csv").added == 0


def test_totals_replace_the_older_count(demo_ctx: AppContext, tmp_path: Path) -> None:
    a, b = _ids(demo_ctx, 2)
    wb = Workbook()
    ws = wb.active
    ws.append(["รายงานผลการลงทะเบียนแรงงานอิสระ"])
    ws.append(["เลขบัตรประชาชนครู ข", "จำนวนผู้ลงทะเบียน"])
    ws.append([int(a), 50])
    ws.append([b, 70])
    wb.save(tmp_path / "t.xlsx")
    r = import_registrations(demo_ctx, path=tmp_path / "t.xlsx")
    assert (r.shape, r.added, r.registrations_added) == ("total", 2, 120)
    ws["B3"] = 65
    wb.save(tmp_path / "t.xlsx")
    r = import_registrations(demo_ctx, path=tmp_path / "t.xlsx")
    assert (r.added, r.updated, r.unchanged, r.registrations_added) == (0, 1, 1, 15)
    mine = {p.national_id: p for p in registrations_per_person(demo_ctx)}
    assert mine[a].registrations >= 65 and mine[a].target == 120


def test_rejections_say_row_and_column_in_thai(demo_ctx: AppContext, tmp_path: Path) -> None:
    (a,) = _ids(demo_ctx, 1)
    stranger = make_national_id("310000000001")
    rows = [
        ["เลขประจำตัวประชาชนครู ข", "จำนวน"],
        ["1234567890123", 5],
        [stranger, 5],
        [a, "ห้า"],
        [a, 10],
        [a, 12],
    ]
    r = import_registrations(demo_ctx, path=_csv(tmp_path / "bad.csv", rows))
    reasons = [str(x) for x in r.rejected]
    assert reasons[0].startswith("แถว 2 คอลัมน์ A: ") and "หลักตรวจสอบ" in reasons[0]
    assert reasons[1].startswith("แถว 3 คอลัมน์ A: ") and "ไม่พบครู ข" in reasons[1]
    assert reasons[2].startswith("แถว 4 คอลัมน์ B: ") and "จำนวนเต็ม" in reasons[2]
    assert reasons[3].startswith("แถว 6 คอลัมน์ A: ") and "ซ้ำกับแถว 5" in reasons[3]
    assert r.added == 1


def test_a_file_without_an_id_column_is_refused(demo_ctx: AppContext, tmp_path: Path) -> None:
    with pytest.raises(RegistrationFileError, match="ไม่พบคอลัมน์เลขประจำตัวประชาชนของครู ข"):
        import_registrations(demo_ctx, path=_csv(tmp_path / "x.csv", [["ชื่อ", "จำนวน"], ["ก", 1]]))


def test_district_and_province_figures_include_imports(demo_ctx: AppContext, tmp_path: Path) -> None:
    before = province_figures(demo_ctx, fiscal_year=2569).total("registrations")
    (a,) = _ids(demo_ctx, 1)
    r = import_registrations(demo_ctx, path=_csv(tmp_path / "r.csv", [["national_id", "count"], [a, 1000]]))
    after = province_figures(demo_ctx, fiscal_year=2569)
    assert r.registrations_added > 0  # a demo total for the same ครู ข is replaced, not added to
    assert after.total("registrations") - before == r.registrations_added
    assert after.total("registration_target") == 120 * after.total("target")
