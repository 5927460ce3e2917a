"""Districts, subdistricts and villages of the office's province: listing and creating by DOPA code."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import Session

from db.models import District, Province, Subdistrict, Village
from desktop.core.context import AppContext
from desktop.core.fastquery import fetch_all_rows


@dataclass(frozen=True)
class DistrictRow:
    id: uuid.UUID
    code: str
    name_th: str


@dataclass(frozen=True, slots=True)
class VillageRow:
    id_text: str  # a UUID on access, as PersonRow does, so that 75,000 villages list quickly
    code: str
    moo: int
    name_th: str
    subdistrict: str
    district: str
    district_code: str

    @property
    def id(self) -> uuid.UUID:
        return uuid.UUID(self.id_text)

    @property
    def label(self) -> str:
        name = f" {self.name_th}" if self.name_th else ""
        return f"ม.{self.moo}{name} ต.{self.subdistrict} อ.{self.district}"


def list_districts(ctx: AppContext) -> list[DistrictRow]:
    code = ctx.require_office_code()
    with ctx.reading() as session:
        rows = session.execute(
            select(District.id, District.code, District.name_th)
            .where(District.office_code == code, District.deleted.is_(False))
            .order_by(District.code)
        ).all()
        return [DistrictRow(*r) for r in rows]


def list_villages(ctx: AppContext) -> list[VillageRow]:
    code = ctx.require_office_code()
    query = (
        select(
            type_coerce(Village.id, String),
            Village.code,
            Village.moo,
            Village.name_th,
            Subdistrict.name_th,
            District.name_th,
            District.code,
        )
        .join(Subdistrict, Village.subdistrict_id == Subdistrict.id)
        .join(District, Subdistrict.district_id == District.id)
        .where(Village.office_code == code, Village.deleted.is_(False))
    )
    rows = [VillageRow(*r) for r in fetch_all_rows(ctx.engine, query)]
    rows.sort(key=lambda v: v.code)
    return rows


def villages_stamp(ctx: AppContext) -> tuple[object, ...]:
    """Changes whenever list_villages would answer differently (a village, subdistrict or district added, edited
    or deleted, here or by a pull): a form can keep the list it read until then."""
    code = ctx.require_office_code()
    with ctx.reading() as session:
        return tuple(
            session.execute(
                select(
                    select(func.count()).where(Village.office_code == code).scalar_subquery(),
                    # Every change of a synced row moves its version (db.base), a pulled one too.
                    select(func.sum(Village.version)).where(Village.office_code == code).scalar_subquery(),
                    select(func.sum(Subdistrict.version)).scalar_subquery(),
                    select(func.sum(District.version)).scalar_subquery(),
                )
            ).one()
        )


def ensure_district(session: Session, *, office_code: str, code: str, name_th: str) -> District:
    district = session.scalar(select(District).where(District.code == code))
    if district is None:
        province = session.scalar(select(Province).where(Province.code == code[:2]))
        assert province is not None, "provinces are loaded at setup"
        district = District(code=code, name_th=name_th, province_id=province.id, office_code=office_code)
        session.add(district)
        session.flush()
    return district


def ensure_subdistrict(
    session: Session, *, office_code: str, code: str, name_th: str, district: District
) -> Subdistrict:
    sub = session.scalar(select(Subdistrict).where(Subdistrict.code == code))
    if sub is None:
        sub = Subdistrict(code=code, name_th=name_th, district_id=district.id, office_code=office_code)
        session.add(sub)
        session.flush()
    return sub


def ensure_village(
    session: Session, *, office_code: str, subdistrict: Subdistrict, moo: int, name_th: str
) -> Village:
    code = f"{subdistrict.code}{moo:02d}"
    village = session.scalar(select(Village).where(Village.code == code))
    if village is None:
        village = Village(
            code=code, moo=moo, name_th=name_th, subdistrict_id=subdistrict.id, office_code=office_code
        )
        session.add(village)
        session.flush()
    return village
