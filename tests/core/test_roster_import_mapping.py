"""Mapping columns and choosing the header row by hand; the confirmed layout is remembered."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop import cli
from desktop.core.context import AppContext
from desktop.core.people import people
from desktop.core.roster import header
from desktop.core.roster.apply import apply_plan
from desktop.core.roster.header import HeaderNotFoundError, layout_at, mapping_problems
from desktop.core.roster.plan import MappingError, preview_import, preview_sheet
from desktop.core.roster.reader import RosterFileError, read_sheet
from tests.fixtures import rosters


def _outcomes(plan) -> set[str]:
    return {r.outcome for r in plan.rows}


def test_a_column_picked_by_hand_replaces_the_one_found(ctx: AppContext, tmp_path: Path) -> None:
    path = rosters.build_two_moo_columns_xlsx(tmp_path / "m.xlsx")
    found = preview_import(ctx, path=path)
    assert found.layout.mapping["moo"] == 4 and _outcomes(found) == {"rejected"}
    assert all("คอลัมน์ E (หมู่ที่)" in r.reason for r in found.rows)
    fixed = {**found.layout.mapping, "moo": 5}
    plan = preview_import(ctx, path=path, mapping=fixed)
    assert _outcomes(plan) == {"new"} and plan.layout.mapping == fixed and not plan.layout.remembered
    apply_plan(ctx, plan)
    moos = {p.national_id: p.moo for p in people.list_people(ctx)}
    assert moos == {rosters.nid(300 + i): i % 9 + 1 for i in range(4)}


def test_the_confirmed_mapping_is_remembered_for_the_next_file(ctx: AppContext, tmp_path: Path) -> None:
    path = rosters.build_two_moo_columns_xlsx(tmp_path / "m.xlsx")
    plan = preview_import(
        ctx, path=path, mapping={"national_id": 2, "full_name": 1, "moo": 5, "subdistrict": 6, "district": 7}
    )
    header.remember_layout(ctx, plan.layout)
    nxt = preview_import(ctx, path=rosters.build_two_moo_columns_xlsx(tmp_path / "n.xlsx", start=10))
    assert nxt.layout.remembered and nxt.layout.mapping["moo"] == 5 and _outcomes(nxt) == {"new"}


def test_mapping_problems_are_named_in_thai() -> None:
    heads = ("ที่", "ชื่อ-สกุล", "เลขบัตร", "ชื่อ", "ม.")
    assert mapping_problems({"national_id": 2, "full_name": 1}, heads) == {}
    problems = mapping_problems({"position": 1, "moo": 9}, heads)
    assert "เลขประจำตัวประชาชน" in problems["national_id"] and "จำเป็น" in problems["national_id"]
    assert "ชื่อ-สกุล" in problems["full_name"]
    assert "ไม่มีคอลัมน์ J" in problems["moo"]
    twice = mapping_problems({"national_id": 2, "full_name": 1, "moo": 2}, heads)
    assert list(twice) == ["moo"]
    assert "คอลัมน์ C (เลขบัตร) ใช้กับ เลขประจำตัวประชาชน แล้ว" in twice["moo"]
    both = mapping_problems({"national_id": 2, "full_name": 1, "first_name": 3}, heads)
    assert list(both) == ["first_name"] and "ชื่อ-สกุลไว้แล้ว" in both["first_name"]
    assert "ไม่รู้จัก" in mapping_problems({"national_id": 2, "full_name": 1, "shoe_size": 4}, heads)["shoe_size"]


def test_a_mapping_that_cannot_work_is_refused_with_the_layout(ctx: AppContext, tmp_path: Path) -> None:
    path = rosters.build_two_moo_columns_xlsx(tmp_path / "m.xlsx")
    with pytest.raises(MappingError) as caught:
        preview_import(ctx, path=path, mapping={"full_name": 1, "moo": 1})
    err = caught.value
    assert set(err.errors) == {"national_id", "moo"}
    assert err.message.startswith("ไฟล์ m.xlsx: การจับคู่คอลัมน์ยังใช้ไม่ได้")
    assert err.layout.headers[:3] == ("ที่", "ชื่อ-สกุล", "เลขประจำตัวประชาชน")


def test_a_header_row_chosen_by_hand(ctx: AppContext, tmp_path: Path) -> None:
    path = rosters.build_decoy_header_xlsx(tmp_path / "d.xlsx")
    found = preview_import(ctx, path=path)
    assert found.layout.header_row == 1 and "new" not in _outcomes(found)
    sheet = read_sheet(path)
    layout = layout_at(sheet, 3)
    assert layout.header_chosen and layout.headers == (*rosters.REAL_SHORT_HEADER, "", "")  # sheet width
    assert layout.mapping == {
        "seq": 0,
        "full_name": 1,
        "national_id": 2,
        "moo": 3,
        "subdistrict": 4,
        "district": 5,
    }
    plan = preview_sheet(ctx, sheet=sheet, header_row=3)
    assert [r.outcome for r in plan.rows] == ["new"] * 3 and plan.rows[0].row == 4
    header.remember_layout(ctx, plan.layout)
    # the next list of the same make: its header row is found again by its row number and texts
    nxt = preview_import(ctx, path=rosters.build_decoy_header_xlsx(tmp_path / "next.xlsx", start=20))
    assert nxt.layout.header_row == 3 and nxt.layout.header_chosen and nxt.layout.remembered
    assert _outcomes(nxt) == {"new"}
    # a list of another make is not affected
    other = header.find_layout(ctx, read_sheet(rosters.build_messy_xlsx(tmp_path / "m.xlsx")))
    assert other is not None and other.header_row == 6 and not other.header_chosen


def test_header_rows_that_cannot_be_the_header(ctx: AppContext, tmp_path: Path) -> None:
    sheet = read_sheet(rosters.build_decoy_header_xlsx(tmp_path / "d.xlsx"))
    with pytest.raises(RosterFileError, match="ไม่มีแถวที่ 99"):
        layout_at(sheet, 99)
    with pytest.raises(RosterFileError, match=r"แถวที่ 2 .* ว่าง"):
        layout_at(sheet, 2)


def test_no_header_found_then_named_by_hand(ctx: AppContext, tmp_path: Path) -> None:
    path = tmp_path / "bare.csv"
    rows = [["คอลัมน์1", "คอลัมน์2", "คอลัมน์3"]]
    rows += [[f"นายไร้หัว{i} ตาราง", rosters.nid(500 + i), "ผญบ."] for i in range(3)]
    path.write_text("\n".join(",".join(r) for r in rows), encoding="utf-8")
    with pytest.raises(HeaderNotFoundError, match="กรุณาระบุแถวหัวตารางเอง"):
        preview_import(ctx, path=path)
    with pytest.raises(MappingError):
        preview_import(ctx, path=path, header_row=1)  # nothing maps by itself
    plan = preview_import(
        ctx, path=path, header_row=1, mapping={"full_name": 0, "national_id": 1, "position": 2}
    )
    assert _outcomes(plan) == {"new"}


def test_cli_map_and_header_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "cli.sqlite"
    assert cli.main(["--db", str(db), "init", "--province", "40"]) == 0
    capsys.readouterr()
    path = rosters.build_two_moo_columns_xlsx(tmp_path / "m.xlsx")
    assert cli.main(["--db", str(db), "import-roster", str(path), "--dry-run"]) == 0
    assert "เพิ่มใหม่ 0" in capsys.readouterr().out
    assert cli.main(["--db", str(db), "import-roster", str(path), "--map", "moo=F"]) == 0
    assert "เพิ่มใหม่ 4" in capsys.readouterr().out
    assert cli.main(["--db", str(db), "import-roster", str(path), "--map", "moo=Q"]) == 1
    assert "ไม่มีคอลัมน์ Q" in capsys.readouterr().err
    assert cli.main(["--db", str(db), "import-roster", str(path), "--map", "shoe=A"]) == 1
    assert "shoe" in capsys.readouterr().err
    decoy = rosters.build_decoy_header_xlsx(tmp_path / "d.xlsx")
    assert cli.main(["--db", str(db), "import-roster", str(decoy), "--header-row", "3", "--dry-run"]) == 0
    assert "เพิ่มใหม่ 3" in capsys.readouterr().out
    # the mapping confirmed by a real import is remembered: the next run needs no --map
    nxt = rosters.build_two_moo_columns_xlsx(tmp_path / "n.xlsx", start=10)
    assert cli.main(["--db", str(db), "import-roster", str(nxt), "--dry-run"]) == 0
    assert "เพิ่มใหม่ 4" in capsys.readouterr().out
