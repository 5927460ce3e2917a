"""Lecturers (วิทยากร): create, edit, list, soft-delete; state or non-state decides the fee ceiling."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields

from sqlalchemy import select

from db.models import Lecturer
from db.rules.collation import person_sort_key
from db.rules.errors import RuleError
from db.rules.national_id import validate_national_id
from db.rules.phone import normalize_phone
from desktop.core import audit
from desktop.core.context import AppContext
from desktop.core.errors import NotFoundError, ValidationError
from desktop.core.softdelete import set_deleted

_NOT_FOUND = "ไม่พบข้อมูลวิทยากรนี้"


@dataclass
class LecturerInput:
    prefix: str = ""
    first_name: str = ""
    last_name: str = ""
    national_id: str = ""
    position: str = ""
    organisation: str = ""
    is_state: bool = True
    phone: str = ""
    address: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class LecturerRow:
    id: uuid.UUID
    prefix: str
    first_name: str
    last_name: str
    national_id: str
    position: str
    organisation: str
    is_state: bool
    phone: str
    address: str
    note: str
    version: int
    deleted: bool

    @property
    def full_name(self) -> str:
        return f"{self.prefix}{self.first_name} {self.last_name}".strip()

    @property
    def kind_label(self) -> str:
        return "บุคลากรของรัฐ" if self.is_state else "ไม่ใช่บุคลากรของรัฐ"


def validate(data: LecturerInput) -> dict[str, object]:
    errors: dict[str, str] = {}
    clean: dict[str, object] = {f.name: getattr(data, f.name) for f in fields(LecturerInput)}
    for key in ("prefix", "first_name", "last_name", "position", "organisation", "address", "note"):
        clean[key] = " ".join(str(clean[key]).split()) if key != "address" else str(clean[key]).strip()
    if not clean["first_name"]:
        errors["first_name"] = "กรุณากรอกชื่อวิทยากร"
    if not clean["last_name"]:
        errors["last_name"] = "กรุณากรอกนามสกุลวิทยากร"
    if str(data.national_id).strip():
        try:
            clean["national_id"] = validate_national_id(data.national_id)
        except RuleError as exc:
            errors["national_id"] = exc.message
    else:
        clean["national_id"] = None
    try:
        clean["phone"] = normalize_phone(data.phone)
    except RuleError as exc:
        errors["phone"] = exc.message
    if errors:
        raise ValidationError(errors)
    return clean


def _row(lec: Lecturer) -> LecturerRow:
    return LecturerRow(
        lec.id,
        lec.prefix,
        lec.first_name,
        lec.last_name,
        lec.national_id or "",
        lec.position,
        lec.organisation,
        lec.is_state,
        lec.phone,
        lec.address,
        lec.note,
        lec.version,
        lec.deleted,
    )


def list_lecturers(ctx: AppContext, *, include_deleted: bool = False) -> list[LecturerRow]:
    code = ctx.require_office_code()
    query = select(Lecturer).where(Lecturer.office_code == code).order_by(Lecturer.first_name)
    if not include_deleted:
        query = query.where(Lecturer.deleted.is_(False))
    with ctx.reading() as session:
        return sorted((_row(lec) for lec in session.scalars(query)), key=person_sort_key)


def create_lecturer(ctx: AppContext, data: LecturerInput) -> LecturerRow:
    code = ctx.require_office_code()
    clean = validate(data)
    with ctx.transaction() as session:
        lec = Lecturer(office_code=code, **clean)
        session.add(lec)
        session.flush()
        audit.record(
            session,
            ctx,
            office_code=code,
            action="create",
            entity="lecturer",
            entity_id=lec.id,
            changes={k: [None, audit.jsonable(v)] for k, v in clean.items()},
            summary=f"เพิ่มวิทยากร {lec.first_name} {lec.last_name}",
        )
        return _row(lec)


def update_lecturer(ctx: AppContext, lecturer_id: uuid.UUID, data: LecturerInput) -> LecturerRow:
    clean = validate(data)
    with ctx.transaction() as session:
        lec = session.get(Lecturer, lecturer_id)
        if lec is None:
            raise NotFoundError(_NOT_FOUND)
        audit.apply_update(
            session, ctx, lec, clean, entity="lecturer", summary=f"แก้ไขวิทยากร {lec.first_name}"
        )
        session.flush()
        return _row(lec)


def delete_lecturer(ctx: AppContext, lecturer_id: uuid.UUID) -> None:
    set_deleted(ctx, model=Lecturer, record_id=lecturer_id, deleted=True, label=_label, not_found=_NOT_FOUND)


def restore_lecturer(ctx: AppContext, lecturer_id: uuid.UUID) -> None:
    set_deleted(ctx, model=Lecturer, record_id=lecturer_id, deleted=False, label=_label, not_found=_NOT_FOUND)


def _label(lec: Lecturer) -> str:
    return f"วิทยากร {lec.first_name} {lec.last_name}"
