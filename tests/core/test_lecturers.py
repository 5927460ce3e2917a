"""Lecturers (วิทยากร): create, edit, soft delete and restore, validation and the audit log."""

from __future__ import annotations

import uuid

import pytest

from db.rules.national_id import make_national_id
from desktop.core import audit
from desktop.core.context import AppContext
from desktop.core.errors import NotFoundError, ValidationError
from desktop.core.people import lecturers
from desktop.core.people.lecturers import LecturerInput

NID = make_national_id("140990012345")


def _input(**kw: object) -> LecturerInput:
    values: dict[str, object] = {
        "prefix": "นาง",
        "first_name": "วิไล",
        "last_name": "ศรีสวัสดิ์",
        "position": "นักวิชาการแรงงานชำนาญการ",
        "organisation": "สำนักงานแรงงานจังหวัดขอนแก่น",
        "is_state": True,
        "phone": "043 234 567",
    }
    values.update(kw)
    return LecturerInput(**values)


def test_create_cleans_input_and_lists(ctx: AppContext) -> None:
    row = lecturers.create_lecturer(ctx, _input(first_name="  วิไล ", national_id=f"{NID[:5]} {NID[5:]}"))
    assert row.first_name == "วิไล"
    assert row.national_id == NID
    assert row.phone == "043234567"
    assert row.version == 1
    assert row.full_name == "นางวิไล ศรีสวัสดิ์"
    assert row.kind_label == "บุคลากรของรัฐ"
    assert [r.id for r in lecturers.list_lecturers(ctx)] == [row.id]


def test_national_id_is_optional(ctx: AppContext) -> None:
    row = lecturers.create_lecturer(ctx, _input(national_id=""))
    assert row.national_id == ""


def test_validation_names_the_wrong_fields_in_thai(ctx: AppContext) -> None:
    with pytest.raises(ValidationError) as excinfo:
        lecturers.create_lecturer(ctx, _input(first_name="", last_name=" ", national_id="12345", phone="abc"))
    errors = excinfo.value.errors
    assert set(errors) == {"first_name", "last_name", "national_id", "phone"}
    assert errors["first_name"] == "กรุณากรอกชื่อวิทยากร"
    assert errors["last_name"] == "กรุณากรอกนามสกุลวิทยากร"
    assert "13 หลัก" in errors["national_id"]
    assert lecturers.list_lecturers(ctx) == []


def test_update_changes_fields_and_audits_them(ctx: AppContext) -> None:
    row = lecturers.create_lecturer(ctx, _input())
    updated = lecturers.update_lecturer(ctx, row.id, _input(is_state=False, organisation="บริษัท ก จำกัด"))
    assert updated.is_state is False
    assert updated.kind_label == "ไม่ใช่บุคลากรของรัฐ"
    assert updated.version == row.version + 1

    history = audit.history(ctx, entity_id=row.id)
    assert [h.action for h in history] == ["create", "update"]
    assert history[-1].changes == {
        "organisation": ["สำนักงานแรงงานจังหวัดขอนแก่น", "บริษัท ก จำกัด"],
        "is_state": [True, False],
    }
    assert history[-1].user_name == "tester"
    assert history[-1].device_id == ctx.device_id


def test_update_without_changes_keeps_version(ctx: AppContext) -> None:
    row = lecturers.create_lecturer(ctx, _input())
    same = lecturers.update_lecturer(ctx, row.id, _input())
    assert same.version == row.version
    assert len(audit.history(ctx, entity_id=row.id)) == 1


def test_soft_delete_and_restore(ctx: AppContext) -> None:
    row = lecturers.create_lecturer(ctx, _input())
    lecturers.delete_lecturer(ctx, row.id)
    assert lecturers.list_lecturers(ctx) == []
    (tombstone,) = lecturers.list_lecturers(ctx, include_deleted=True)
    assert tombstone.deleted is True

    lecturers.restore_lecturer(ctx, row.id)
    assert [r.deleted for r in lecturers.list_lecturers(ctx)] == [False]
    assert [h.action for h in audit.history(ctx, entity_id=row.id)] == ["create", "delete", "restore"]


def test_unknown_lecturer_is_not_found(ctx: AppContext) -> None:
    with pytest.raises(NotFoundError):
        lecturers.update_lecturer(ctx, uuid.uuid4(), _input())
    with pytest.raises(NotFoundError):
        lecturers.delete_lecturer(ctx, uuid.uuid4())
