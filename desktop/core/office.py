"""First-run setup of the office's province, and the office's own details."""

from __future__ import annotations

import csv
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Office, Province
from db.resources import resource_path
from db.sync.ids import reference_id
from desktop.core import audit
from desktop.core.accounts.permissions import require
from desktop.core.context import AppContext, set_setting
from desktop.core.errors import NotFoundError, ValidationError


@dataclass(frozen=True)
class ProvinceRow:
    code: str
    name_th: str
    name_en: str
    region: str


@dataclass(frozen=True)
class OfficeRow:
    code: str
    name_th: str
    province_name: str
    address: str
    phone: str
    head_name: str
    head_position: str


def reference_provinces() -> list[ProvinceRow]:
    """The 77 provinces shipped as reference data."""
    with resource_path("reference", "provinces.csv").open(encoding="utf-8", newline="") as fh:
        return [ProvinceRow(r["code"], r["name_th"], r["name_en"], r["region"]) for r in csv.DictReader(fh)]


def ensure_provinces(session: Session) -> None:
    """Load the provinces into an empty database (reference data the server also owns)."""
    if session.scalar(select(func.count()).select_from(Province)):
        return
    for p in reference_provinces():
        session.add(
            Province(
                id=reference_id("province", p.code),  # the same id on every PC and on the server
                code=p.code,
                name_th=p.name_th,
                name_en=p.name_en,
                region=p.region,
                office_code=p.code,
            )
        )
    session.flush()


def list_provinces(ctx: AppContext) -> list[ProvinceRow]:
    with ctx.transaction() as session:
        ensure_provinces(session)
        rows = session.scalars(select(Province).where(Province.deleted.is_(False)).order_by(Province.code))
        return [ProvinceRow(p.code, p.name_th, p.name_en, p.region) for p in rows]


def setup_office(ctx: AppContext, *, province_code: str, head_name: str = "") -> OfficeRow:
    """Set (or change) which province this installation's office serves."""
    code = (province_code or "").strip()
    with ctx.transaction() as session:
        require(ctx, "settings.edit", session=session)  # nothing asked before the first account exists
        ensure_provinces(session)
        province = session.scalar(select(Province).where(Province.code == code))
        if province is None:
            raise ValidationError(
                {"province": f'ไม่พบรหัสจังหวัด "{province_code}" (รหัสจังหวัด 2 หลัก เช่น 40 = ขอนแก่น)'}
            )
        office = session.scalar(select(Office).where(Office.code == code))
        if office is None:
            office = Office(
                id=reference_id("office", code),  # two PCs of one office make the same row
                code=code,
                office_code=code,
                province_id=province.id,
                name_th=f"สำนักงานแรงงานจังหวัด{province.name_th}",
                head_name=head_name,
                head_position=titled("", province.name_th),
            )
            session.add(office)
            session.flush()
            audit.record(
                session,
                ctx,
                office_code=code,
                action="create",
                entity="office",
                entity_id=office.id,
                summary=f"ตั้งค่าสำนักงาน: {office.name_th}",
            )
        set_setting(session, "office_code", code)
        return _office_row(office, province)


def get_office(ctx: AppContext) -> OfficeRow | None:
    code = ctx.office_code()
    if not code:
        return None
    with ctx.reading() as session:
        office = session.scalar(select(Office).where(Office.code == code))
        if office is None:
            return None
        return _office_row(office, office.province)


def update_office(
    ctx: AppContext, *, name_th: str, address: str, phone: str, head_name: str, head_position: str
) -> OfficeRow:
    code = ctx.require_office_code()
    if not name_th.strip():
        raise ValidationError({"name_th": "กรุณากรอกชื่อสำนักงาน"})
    with ctx.transaction() as session:
        office = session.scalar(select(Office).where(Office.code == code))
        if office is None:
            raise NotFoundError("ไม่พบข้อมูลสำนักงาน")
        new = {
            "name_th": name_th.strip(),
            "address": address.strip(),
            "phone": phone.strip(),
            "head_name": head_name.strip(),
            "head_position": head_position.strip(),
        }
        audit.apply_update(session, ctx, office, new, entity="office", summary="แก้ไขข้อมูลสำนักงาน")
        return _office_row(office, office.province)


def _office_row(office: Office, province: Province) -> OfficeRow:
    return OfficeRow(
        office.code,
        office.name_th,
        province.name_th,
        office.address,
        office.phone,
        office.head_name,
        titled(office.head_position, province.name_th),
    )


GENERIC_HEAD = "แรงงานจังหวัด"


def titled(head_position: str, province_name: str) -> str:
    """The head's title as signed, naming the province: the stored default แรงงานจังหวัด (or nothing) becomes
    แรงงานจังหวัดขอนแก่น; a title that already names it, or names no province (ผู้อำนวยการ…), stays as it is."""
    title = " ".join((head_position or "").split()) or GENERIC_HEAD
    if title.endswith("จังหวัด") and province_name and not title.endswith(province_name):
        return f"{title}{province_name}"
    return title


def signer_title(row: OfficeRow | None) -> str:
    """The title printed under the head's signature (see titled); empty when none is set."""
    if row is None or not (row.head_position or "").strip():
        return ""
    return titled(row.head_position, row.province_name)
