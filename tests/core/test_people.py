"""ครู ข candidates: create, edit, search, soft delete and restore, duplicates, stale edits and the audit log."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest

from db.rules.national_id import make_national_id
from desktop.core import audit
from desktop.core.context import AppContext
from desktop.core.errors import NotFoundError, StaleEditError, ValidationError
from desktop.core.people import people, places
from desktop.core.people.people import PersonInput

NID_A = make_national_id("310170000123")
NID_B = make_national_id("310170000124")


def _village(ctx: AppContext, moo: int = 3) -> uuid.UUID:
    with ctx.transaction() as session:
        district = places.ensure_district(session, office_code="40", code="4001", name_th="เมืองขอนแก่น")
        sub = places.ensure_subdistrict(
            session, office_code="40", code="400101", name_th="ในเมือง", district=district
        )
        return places.ensure_village(
            session, office_code="40", subdistrict=sub, moo=moo, name_th="บ้านโนนทัน"
        ).id


def _input(**kw: object) -> PersonInput:
    values: dict[str, object] = {
        "national_id": NID_A,
        "prefix": "นาย",
        "first_name": "สมชาย",
        "last_name": "ใจดี",
        "position": "ผู้ใหญ่บ้าน",
        "phone": "081-234-5678",
    }
    values.update(kw)
    return PersonInput(**values)


def test_create_normalises_and_reads_back_with_the_place(ctx: AppContext) -> None:
    village_id = _village(ctx)
    spaced_thai_digits = " ".join(NID_A).translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    row = people.create_person(
        ctx, _input(national_id=spaced_thai_digits, first_name="  สมชาย  ", village_id=village_id)
    )
    assert row.national_id == NID_A
    assert row.first_name == "สมชาย"
    assert row.phone == "0812345678"
    assert row.version == 1
    assert (row.village_code, row.moo, row.village_name) == ("40010103", 3, "บ้านโนนทัน")
    assert (row.subdistrict, row.district, row.province) == ("ในเมือง", "เมืองขอนแก่น", "ขอนแก่น")
    assert row.full_name == "นายสมชาย ใจดี"
    assert row.place == "ม.3 บ้านโนนทัน ต.ในเมือง อ.เมืองขอนแก่น"
    assert [p.id for p in people.list_people(ctx)] == [row.id]


def test_validation_names_every_wrong_field_in_thai(ctx: AppContext) -> None:
    bad_check_digit = NID_A[:12] + str((int(NID_A[12]) + 1) % 10)
    with pytest.raises(ValidationError) as excinfo:
        people.create_person(
            ctx, _input(national_id=bad_check_digit, first_name=" ", last_name="", phone="12ab")
        )
    errors = excinfo.value.errors
    assert set(errors) == {"national_id", "first_name", "last_name", "phone"}
    assert "หลักตรวจสอบ" in errors["national_id"]
    assert errors["first_name"] == "กรุณากรอกชื่อ"
    assert errors["last_name"] == "กรุณากรอกนามสกุล"
    assert "โทรศัพท์" in errors["phone"]
    assert all(errors.values())
    assert people.list_people(ctx) == []


def test_missing_national_id_is_a_field_error(ctx: AppContext) -> None:
    with pytest.raises(ValidationError) as excinfo:
        people.create_person(ctx, _input(national_id=""))
    assert list(excinfo.value.errors) == ["national_id"]
    assert "เลขประจำตัวประชาชน" in excinfo.value.errors["national_id"]


def test_duplicate_national_id_is_refused(ctx: AppContext) -> None:
    people.create_person(ctx, _input())
    with pytest.raises(ValidationError) as excinfo:
        people.create_person(ctx, _input(first_name="สมหญิง", national_id=f"{NID_A[:1]}-{NID_A[1:]}"))
    message = excinfo.value.errors["national_id"]
    assert NID_A in message
    assert "สมชาย ใจดี" in message
    assert "กู้คืน" not in message
    assert len(people.list_people(ctx, include_deleted=True)) == 1


def test_duplicate_of_a_deleted_person_hints_at_restoring(ctx: AppContext) -> None:
    row = people.create_person(ctx, _input())
    people.delete_person(ctx, row.id)
    with pytest.raises(ValidationError) as excinfo:
        people.create_person(ctx, _input())
    assert "กู้คืน" in excinfo.value.errors["national_id"]


def test_update_to_another_persons_national_id_is_refused(ctx: AppContext) -> None:
    people.create_person(ctx, _input())
    other = people.create_person(ctx, _input(national_id=NID_B, first_name="สมศรี"))
    with pytest.raises(ValidationError) as excinfo:
        people.update_person(ctx, other.id, _input(first_name="สมศรี"))
    assert "national_id" in excinfo.value.errors
    assert people.get_person(ctx, other.id).national_id == NID_B


def test_update_changes_fields_bumps_version_and_audits_the_diff(ctx: AppContext) -> None:
    row = people.create_person(ctx, _input())
    village_id = _village(ctx)
    edit = replace(people.as_input(row), last_name="ใจงาม", phone="0898765432", village_id=village_id)
    updated = people.update_person(ctx, row.id, edit, expected_version=row.version)
    assert (updated.last_name, updated.phone, updated.village_id) == ("ใจงาม", "0898765432", village_id)
    assert updated.version == row.version + 1

    history = audit.history(ctx, entity_id=row.id)
    assert [h.action for h in history] == ["create", "update"]
    change = history[-1]
    assert change.user_name == "tester"
    assert change.device_id == ctx.device_id and change.device_id
    assert change.entity == "person"
    assert change.changes == {
        "last_name": ["ใจดี", "ใจงาม"],
        "phone": ["0812345678", "0898765432"],
        "village_id": [None, str(village_id)],
    }
    assert history[0].changes["national_id"] == [None, NID_A]


def test_update_without_changes_writes_no_audit_and_keeps_version(ctx: AppContext) -> None:
    row = people.create_person(ctx, _input())
    same = people.update_person(ctx, row.id, people.as_input(row), expected_version=row.version)
    assert same.version == row.version
    assert [h.action for h in audit.history(ctx, entity_id=row.id)] == ["create"]


def test_stale_edit_is_refused(ctx: AppContext) -> None:
    row = people.create_person(ctx, _input())
    people.update_person(ctx, row.id, _input(last_name="ใจงาม"), expected_version=row.version)
    with pytest.raises(StaleEditError) as excinfo:
        people.update_person(ctx, row.id, _input(last_name="ใจเย็น"), expected_version=row.version)
    assert "แก้ไขโดยผู้อื่น" in excinfo.value.message
    assert people.get_person(ctx, row.id).last_name == "ใจงาม"


def test_search_by_name_id_and_phone(ctx: AppContext) -> None:
    a = people.create_person(ctx, _input())
    b = people.create_person(
        ctx, _input(national_id=NID_B, first_name="มานี", last_name="มีนา", phone="0612223333")
    )
    assert [r.id for r in people.search_people(ctx, "มานี")] == [b.id]
    assert [r.id for r in people.search_people(ctx, "ใจดี")] == [a.id]
    assert [r.id for r in people.search_people(ctx, NID_A[4:])] == [a.id]
    assert [r.id for r in people.search_people(ctx, "061222")] == [b.id]
    assert people.search_people(ctx, "ไม่มีใครชื่อนี้") == []
    assert len(people.search_people(ctx, "", limit=1)) == 1


def test_soft_delete_hides_and_restore_brings_back_with_audit(ctx: AppContext) -> None:
    row = people.create_person(ctx, _input())
    people.delete_person(ctx, row.id)
    assert people.list_people(ctx) == []
    assert people.search_people(ctx, "สมชาย") == []
    (tombstone,) = people.list_people(ctx, include_deleted=True)
    assert tombstone.deleted is True
    assert tombstone.version == row.version + 1

    people.restore_person(ctx, row.id)
    restored = people.get_person(ctx, row.id)
    assert restored.deleted is False
    assert [r.id for r in people.list_people(ctx)] == [row.id]

    history = audit.history(ctx, entity_id=row.id)
    assert [h.action for h in history] == ["create", "delete", "restore"]
    assert history[1].changes == {"deleted": [False, True]}
    assert history[2].changes == {"deleted": [True, False]}
    assert all(h.user_name == "tester" and h.device_id == ctx.device_id for h in history)


def test_deleting_twice_records_one_entry(ctx: AppContext) -> None:
    row = people.create_person(ctx, _input())
    people.delete_person(ctx, row.id)
    people.delete_person(ctx, row.id)
    assert [h.action for h in audit.history(ctx, entity_id=row.id)] == ["create", "delete"]


def test_unknown_person_is_not_found(ctx: AppContext) -> None:
    missing = uuid.uuid4()
    with pytest.raises(NotFoundError):
        people.get_person(ctx, missing)
    with pytest.raises(NotFoundError):
        people.update_person(ctx, missing, _input())
    with pytest.raises(NotFoundError):
        people.delete_person(ctx, missing)


def test_list_is_ordered_by_name(ctx: AppContext) -> None:
    people.create_person(ctx, _input(first_name="ประยุทธ", national_id=NID_A))
    people.create_person(ctx, _input(first_name="กมล", national_id=NID_B))
    assert [r.first_name for r in people.list_people(ctx)] == ["กมล", "ประยุทธ"]


def test_namesakes_are_listed_in_national_id_order(ctx: AppContext) -> None:
    # Same name in two villages is common; the list (and the CLI's CSV) must still have one fixed order.
    later = people.create_person(ctx, _input(national_id=NID_B))
    earlier = people.create_person(ctx, _input(national_id=NID_A))
    assert [r.id for r in people.list_people(ctx)] == [earlier.id, later.id]
    assert [r.id for r in people.search_people(ctx, "สมชาย")] == [earlier.id, later.id]


def test_a_prefix_the_table_rewrites_keeps_the_name_as_typed(ctx: AppContext) -> None:
    from sqlalchemy import select

    from db.models import Person

    def original(pid: uuid.UUID) -> str:
        with ctx.reading() as session:
            return session.scalar(select(Person.name_original).where(Person.id == pid)) or ""

    row = people.create_person(ctx, _input(prefix="จ.ส.อ.", first_name="สมชาย"))
    assert row.prefix == "จ่าสิบเอก"
    assert original(row.id) == "จ.ส.อ.สมชาย ใจดี"
    same = people.create_person(ctx, _input(national_id=NID_B, prefix="นาย"))
    assert original(same.id) == ""  # nothing rewritten, nothing to keep
    people.update_person(ctx, row.id, _input(prefix="จ่าสิบเอก", first_name="สมชาย", position="กำนัน"))
    assert original(row.id) == "จ.ส.อ.สมชาย ใจดี"  # an edit in the canonical form keeps what was typed first


def test_the_row_query_width_is_what_readers_slice_by() -> None:
    from desktop.core.people.people import PERSON_ROW_WIDTH, person_row_query

    assert len(person_row_query().selected_columns) == PERSON_ROW_WIDTH


def test_listing_pauses_the_collector_only_while_it_builds_rows() -> None:
    import gc

    import pytest

    from desktop.core.fastquery import collector_paused

    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError("a failed read")
    assert gc.isenabled()  # back on after an error too
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # someone else's pause is theirs to end
    finally:
        gc.enable()
