"""Roster import commit: one transaction, cancel leaves nothing, audited batch, undo restores exactly, CLI."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select, text

from db.models import AuditEntry, District, Person, Subdistrict, Village
from desktop import cli
from desktop.core import audit
from desktop.core.audit import PEOPLE_ENTITY, PEOPLE_PER_ENTRY
from desktop.core.context import AppContext
from desktop.core.errors import NotFoundError, RuleViolation
from desktop.core.people import people
from desktop.core.roster import apply as roster_apply
from desktop.core.roster.apply import VILLAGES_ACTION, ImportCancelled, apply_plan, list_batches, undo_batch
from desktop.core.roster.plan import preview_import
from desktop.core.roster.reader import read_sheet
from desktop.core.roster.report import write_outcome_report
from desktop.core.rounds import rounds
from desktop.core.rounds.enrolment import enrol
from tests.fixtures import rosters

HEAD = ["ลำดับ", "ชื่อ-สกุล", "เลขประจำตัวประชาชน", "ตำแหน่ง", "หมู่ที่", "บ้าน", "ตำบล", "อำเภอ", "โทรศัพท์"]


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def _snapshot(ctx: AppContext) -> tuple:
    """Row counts and a checksum of every person row and place, to prove nothing moved."""
    with ctx.reading() as session:
        digest = hashlib.sha256()
        for row in session.execute(text("SELECT * FROM person ORDER BY national_id")):
            digest.update(repr(tuple(row)).encode())
        return (
            session.scalar(select(func.count()).select_from(Person)),
            session.scalar(select(func.count()).select_from(Village)),
            session.scalar(select(func.count()).select_from(Subdistrict)),
            session.scalar(select(func.count()).select_from(District)),
            session.scalar(select(func.count()).select_from(AuditEntry)),
            digest.hexdigest(),
        )


def _many(n: int, *, start: int = 0) -> list[list[object]]:
    return [HEAD] + [
        [
            i + 1,
            f"นายคน{i} สกุล{i}",
            rosters.nid(5000 + i),
            "ผญบ.",
            i % 20 + 1,
            f"บ้าน{i % 20}",
            f"ตำบล{i // 20}",
            "เมือง",
            "",
        ]
        for i in range(start, start + n)
    ]


def test_cancel_halfway_leaves_the_database_exactly_as_before(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(roster_apply, "CHUNK", 50)
    apply_plan(ctx, preview_import(ctx, path=_xlsx(tmp_path / "a.xlsx", _many(30))))
    before = _snapshot(ctx)
    rows = _many(400)
    rows[1][1] = "นายคนศูนย์ สกุลใหม่"  # an update as well as creates
    plan = preview_import(ctx, path=_xlsx(tmp_path / "b.xlsx", rows))
    assert plan.counts["new"] == 370 and plan.counts["updated"] == 1
    seen: list[tuple[int, int]] = []

    def cancel() -> bool:
        return len(seen) >= 4  # after 150 people were written inside the transaction

    with pytest.raises(ImportCancelled):
        apply_plan(ctx, plan, progress=lambda d, t: seen.append((d, t)), cancelled=cancel)
    assert seen[-1][0] > 0 and seen[-1][1] == 372
    assert _snapshot(ctx) == before


def test_a_failure_midway_rolls_everything_back(ctx: AppContext, tmp_path: Path) -> None:
    before = _snapshot(ctx)
    plan = preview_import(ctx, path=_xlsx(tmp_path / "a.xlsx", _many(10)))
    plan.creates[-1]["national_id"] = plan.creates[0]["national_id"]  # a duplicate that the database refuses
    with pytest.raises(RuleViolation, match="ไม่ได้นำเข้าข้อมูลใด"):
        apply_plan(ctx, plan)
    assert _snapshot(ctx) == before


def test_a_person_edited_after_the_preview_stops_the_import(ctx: AppContext, tmp_path: Path) -> None:
    rows = _many(2)
    apply_plan(ctx, preview_import(ctx, path=_xlsx(tmp_path / "a.xlsx", rows)))
    rows[1][3] = "กำนัน"
    plan = preview_import(ctx, path=_xlsx(tmp_path / "b.xlsx", rows))
    person = next(p for p in people.list_people(ctx) if p.national_id == rosters.nid(5000))
    people.update_person(ctx, person.id, replace(people.as_input(person), phone="0811111111"))
    before = _snapshot(ctx)
    with pytest.raises(RuleViolation, match="มีผู้แก้ไข"):
        apply_plan(ctx, plan)
    assert _snapshot(ctx) == before


def test_batch_is_audited_listed_and_undone_exactly(ctx: AppContext, tmp_path: Path) -> None:
    rows = _many(5)
    apply_plan(ctx, preview_import(ctx, path=_xlsx(tmp_path / "a.xlsx", rows)))
    before = _snapshot(ctx)
    rows[1][1] = "นายคนศูนย์ สกุลแก้"
    rows[2][8] = "0899999999"
    rows.append([6, "นางใหม่ ใหม่", rosters.nid(7777), "อสร.", 1, "บ้านใหม่", "ตำบลใหม่", "อำเภอใหม่", ""])
    plan = preview_import(ctx, path=_xlsx(tmp_path / "b.xlsx", rows))
    assert plan.counts == {"new": 1, "updated": 2, "unchanged": 3, "rejected": 0, "skipped": 0}
    result = apply_plan(ctx, plan)
    assert (result.created, result.updated, result.places_created) == (1, 2, 3)
    with ctx.reading() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.batch_id == result.batch_id)).all()
    by_action = sorted((e.entity, e.action) for e in entries)
    assert by_action.count(("person", "update")) == 2 and (PEOPLE_ENTITY, "create") in by_action
    assert ("import_batch", "import") in by_action and ("subdistrict", "create") in by_action
    (group,) = [e for e in entries if e.action == VILLAGES_ACTION]
    new_village = plan.places[-1]
    assert group.entity == "subdistrict" and [
        (v["code"], v["name_th"], v["moo"]) for v in group.changes["villages"]
    ] == [(new_village.code, "บ้านใหม่", 1)]
    update = next(e for e in entries if e.action == "update" and "last_name" in e.changes)
    assert update.changes["last_name"] == ["สกุล0", "สกุลแก้"]
    batches = list_batches(ctx)
    assert [(b.file_name, b.new, b.updated, b.unchanged, b.undone) for b in batches] == [
        ("b.xlsx", 1, 2, 3, False),
        ("a.xlsx", 5, 0, 0, False),
    ]
    undone = undo_batch(ctx, result.batch_id)
    assert (undone.removed, undone.restored, undone.places_removed, undone.kept) == (1, 2, 3, ())
    assert _snapshot(ctx)[:4] == before[:4]  # field values: test_undo_restores_field_values
    assert list_batches(ctx)[0].undone
    with pytest.raises(RuleViolation, match="ถูกยกเลิกไปแล้ว"):
        undo_batch(ctx, result.batch_id)
    with pytest.raises(NotFoundError):
        undo_batch(ctx, uuid.uuid4())


def test_undo_removes_villages_recorded_one_entry_each_by_earlier_versions(
    ctx: AppContext, tmp_path: Path
) -> None:
    """Batches recorded before villages were grouped per subdistrict have one "create" entry per village."""
    before = _snapshot(ctx)
    result = apply_plan(ctx, preview_import(ctx, path=_xlsx(tmp_path / "a.xlsx", _many(3))))
    with ctx.transaction() as session:
        (group,) = session.scalars(
            select(AuditEntry).where(
                AuditEntry.batch_id == result.batch_id, AuditEntry.action == VILLAGES_ACTION
            )
        ).all()
        for v in group.changes["villages"]:
            session.add(
                AuditEntry(
                    office_code=group.office_code,
                    user_name="เดิม",
                    action="create",
                    entity="village",
                    entity_id=uuid.UUID(v["id"]),
                    changes={"code": [None, v["code"]]},
                    summary="",
                    batch_id=result.batch_id,
                )
            )
        session.delete(group)
    assert undo_batch(ctx, result.batch_id).places_removed == 3 + 1 + 1  # villages, subdistrict, district
    assert _snapshot(ctx)[:4] == before[:4]


def test_undo_restores_field_values(ctx: AppContext, tmp_path: Path) -> None:
    rows = _many(3)
    apply_plan(ctx, preview_import(ctx, path=_xlsx(tmp_path / "a.xlsx", rows)))
    fields = (
        "national_id",
        "prefix",
        "first_name",
        "last_name",
        "position",
        "phone",
        "village_id",
        "deleted",
    )
    original = {p.national_id: tuple(getattr(p, f) for f in fields) for p in people.list_people(ctx)}
    rows[1][1] = "นางคนศูนย์ สกุลแก้"
    rows[2][3] = "กำนัน"
    result = apply_plan(ctx, preview_import(ctx, path=_xlsx(tmp_path / "b.xlsx", rows)))
    undo_batch(ctx, result.batch_id)
    assert {p.national_id: tuple(getattr(p, f) for f in fields) for p in people.list_people(ctx)} == original


def test_undo_removes_everything_a_first_import_made(ctx: AppContext, tmp_path: Path) -> None:
    empty = _snapshot(ctx)
    result = apply_plan(ctx, preview_import(ctx, path=rosters.build_messy_xlsx(tmp_path / "m.xlsx")))
    undo_batch(ctx, result.batch_id)
    after = _snapshot(ctx)
    assert after[:4] == empty[:4] and after[5] == empty[5]


def test_undo_refuses_when_an_imported_person_is_enrolled(demo_ctx: AppContext, tmp_path: Path) -> None:
    ctx = demo_ctx
    result = apply_plan(ctx, preview_import(ctx, path=_xlsx(tmp_path / "a.xlsx", _many(2))))
    person = next(p for p in people.list_people(ctx) if p.national_id == rosters.nid(5000))
    open_round = next(r for r in rounds.list_rounds(ctx) if r.status == "open")
    enrol(ctx, round_id=open_round.id, person_ids=[person.id], override_reason="ทดสอบ", walk_in=True)
    before = _snapshot(ctx)
    with pytest.raises(RuleViolation, match="นายคน0 สกุล0"):
        undo_batch(ctx, result.batch_id)
    assert _snapshot(ctx) == before


def test_reimport_of_the_same_file_changes_no_person(ctx: AppContext, tmp_path: Path) -> None:
    path = rosters.build_messy_xlsx(tmp_path / "m.xlsx")
    apply_plan(ctx, preview_import(ctx, path=path))
    before = _snapshot(ctx)
    plan = preview_import(ctx, path=path)
    assert plan.counts["new"] == plan.counts["updated"] == 0 and plan.counts["unchanged"] == 5
    apply_plan(ctx, plan)
    after = _snapshot(ctx)
    assert after[:4] == before[:4] and after[5] == before[5]


def test_outcome_report_has_every_row(ctx: AppContext, tmp_path: Path) -> None:
    plan = preview_import(ctx, path=rosters.build_messy_xlsx(tmp_path / "m.xlsx"))
    out = write_outcome_report(ctx, plan=plan, path=tmp_path / "out" / "report.xlsx")
    rows = read_sheet(out).rows
    assert rows[0].cells[:3] == ("แถวในไฟล์", "ผลการนำเข้า", "เหตุผล / สิ่งที่เปลี่ยน")
    assert len(rows) == 1 + len(plan.rows)
    rejected = [r for r in rows[1:] if r.cells[1] == "ไม่รับ"]
    assert len(rejected) == 4 and all("แถว" in r.cells[2] for r in rejected)
    assert rows[1].cells[5] == rosters.nid(1)  # an ID stored as a number comes back as all 13 digits


def test_cli_import_dry_run_batches_and_undo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "cli.sqlite"
    path = rosters.build_messy_xlsx(tmp_path / "m.xlsx")
    assert cli.main(["--db", str(db), "init", "--province", "40"]) == 0
    assert cli.main(["--db", str(db), "import-roster", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "เพิ่มใหม่ 5 แก้ไข 0 ไม่เปลี่ยนแปลง 0 ไม่รับ 4 ข้าม 4" in out
    assert "ไม่รับ: m.xlsx แถว 12" in out and "--dry-run" in out
    assert cli.main(["--db", str(db), "import-roster", str(path), "--report", str(tmp_path / "r.xlsx")]) == 0
    assert "บันทึกแล้ว" in capsys.readouterr().out and (tmp_path / "r.xlsx").exists()
    assert cli.main(["--db", str(db), "import-batches"]) == 0
    line = capsys.readouterr().out.strip()
    batch_id = line.split("\t")[0]
    assert "m.xlsx" in line
    assert cli.main(["--db", str(db), "undo-import", batch_id]) == 0
    assert "ลบ 5 คน" in capsys.readouterr().out
    assert cli.main(["--db", str(db), "import-roster", str(tmp_path / "nothing.xlsx")]) == 1
    assert "ไม่พบไฟล์" in capsys.readouterr().err
    assert cli.main(["--db", str(db), "undo-import", "not-a-uuid"]) == 1


def test_bulk_ids_are_unique_ordered_uuid7() -> None:
    from db.base import new_id_hexes

    hexes = new_id_hexes(5000) + new_id_hexes(5000)
    ids = [uuid.UUID(h) for h in hexes]
    assert len(set(ids)) == 10_000
    assert all(i.version == 7 and i.variant == uuid.RFC_4122 for i in ids)
    assert hexes[:5000] == sorted(hexes[:5000])
    assert new_id_hexes(0) == []


def test_rows_written_in_bulk_read_back_as_the_orm_writes_them(ctx: AppContext, tmp_path: Path) -> None:
    result = apply_plan(ctx, preview_import(ctx, path=_xlsx(tmp_path / "a.xlsx", _many(3))))
    with ctx.reading() as session:
        person = session.scalars(select(Person).where(Person.national_id == rosters.nid(5001))).one()
        (created,) = [h for h in audit.history(ctx, entity_id=person.id) if h.action == "create"]
        village = session.get(Village, person.village_id)
        head = session.get(AuditEntry, result.batch_id)
        assert person.id.version == 7 and village is not None and village.moo == 2
        assert (person.version, person.deleted, person.office_code) == (1, False, "40")
        assert person.created_at == person.updated_at == created.at == head.at
        assert person.created_at.tzinfo is not None
        assert created.user_name == ctx.user_name and created.summary == "นำเข้า คน1 สกุล1 (แถว 3)"
        assert created.changes["village_id"] == [None, str(person.village_id)]
        assert created.changes["first_name"] == [None, person.first_name] == [None, "คน1"]
        group = session.scalars(
            select(AuditEntry).where(
                AuditEntry.entity_id == village.subdistrict_id, AuditEntry.action == VILLAGES_ACTION
            )
        ).one()
        assert {"id": str(village.id), "code": village.code}.items() <= next(
            v for v in group.changes["villages"] if v["code"] == village.code
        ).items()


def test_people_are_audited_in_groups_that_history_shows_person_by_person(
    ctx: AppContext, tmp_path: Path
) -> None:
    n = PEOPLE_PER_ENTRY * 2 + 3
    rows = _many(n)
    rows[1][1] = 'นายคน"ศูนย์\\ สกุล{0}'  # quotes, a backslash and braces must come back as typed
    result = apply_plan(ctx, preview_import(ctx, path=_xlsx(tmp_path / "a.xlsx", rows)))
    with ctx.reading() as session:
        groups = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == PEOPLE_ENTITY).order_by(AuditEntry.summary)
        ).all()
        everyone = session.scalars(select(Person).order_by(Person.national_id)).all()
    assert sorted(len(g.changes["people"]) for g in groups) == [3, PEOPLE_PER_ENTRY, PEOPLE_PER_ENTRY]
    assert {g.entity_id for g in groups} == {result.batch_id} and {g.batch_id for g in groups} == {
        result.batch_id
    }
    assert len(everyone) == n
    for person in (everyone[0], everyone[PEOPLE_PER_ENTRY], everyone[-1]):
        (created,) = audit.history(ctx, entity_id=person.id)
        assert (created.action, created.entity, created.entity_id) == ("create", "person", person.id)
        expected = {c: [None, getattr(person, c)] for c in roster_apply._PERSON_COLUMNS}
        expected["village_id"] = [None, str(person.village_id)]
        assert created.changes == expected
    first = audit.history(ctx, entity_id=everyone[0].id)[0].changes
    assert first["first_name"] == [None, 'คน"ศูนย์\\'] and first["last_name"] == [None, "สกุล{0}"]
    assert first["name_original"] == [None, 'นายคน"ศูนย์\\ สกุล{0}']
    assert undo_batch(ctx, result.batch_id).removed == n
    created, removed = audit.history(ctx, entity_id=everyone[-1].id)
    assert (removed.action, removed.entity_id, removed.summary) == (
        "undo_import",
        everyone[-1].id,
        f"ยกเลิกการนำเข้า: ลบ คน{n - 1} สกุล{n - 1}",
    )
    assert removed.changes["national_id"] == [everyone[-1].national_id, None] and created.action == "create"
    with ctx.reading() as session:
        undo_groups = session.scalars(select(AuditEntry).where(AuditEntry.action == "undo_import")).all()
    assert sorted(len(g.changes["people"]) for g in undo_groups) == [3, PEOPLE_PER_ENTRY, PEOPLE_PER_ENTRY]


def test_an_import_queues_every_new_row_for_sync_once(ctx: AppContext, tmp_path: Path) -> None:
    """The bulk path writes the outbox itself (the triggers are held back): one pending entry per new row."""
    plan = preview_import(ctx, path=_xlsx(tmp_path / "a.xlsx", _many(30)))
    with ctx.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM sync_outbox")
    with ctx.reading() as s:
        before = set(s.scalars(select(AuditEntry.id)))
    apply_plan(ctx, plan)
    with ctx.reading() as s:
        queued = {
            (t, r)
            for t, r, state in s.execute(text("SELECT table_name, row_id, state FROM sync_outbox"))
            if state == "pending"
        }
        total = s.scalar(text("SELECT count(*) FROM sync_outbox"))
        expected = {("person", i.hex) for i in s.scalars(select(Person.id))}
        expected |= {("village", i.hex) for i in s.scalars(select(Village.id))}
        expected |= {("audit_entry", i.hex) for i in s.scalars(select(AuditEntry.id)) if i not in before}
        expected |= {("subdistrict", i.hex) for i in s.scalars(select(Subdistrict.id))}
        expected |= {("district", i.hex) for i in s.scalars(select(District.id))}
        applying = s.scalar(text("SELECT applying FROM sync_control WHERE id = 1"))
    assert len(expected) > 60 and queued == expected and total == len(expected)
    assert applying == 0  # the triggers are live again for the officer's next edit
    first = next(iter(people.list_people(ctx)))
    with ctx.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE person SET phone = '0812345678' WHERE id = ?", (first.id_text,))
        again = conn.exec_driver_sql(
            "SELECT count(*) FROM sync_outbox WHERE table_name = 'person' AND row_id = ?", (first.id_text,)
        ).scalar_one()
    assert again == 1  # coalesced with the pending entry the import made
