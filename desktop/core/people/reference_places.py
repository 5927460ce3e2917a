"""The districts and subdistricts of the office's province from the shipped DOPA list, before any roster.

Their ids are derived from the DOPA code (like the provinces'), so two PCs of one office that both load the
list make the same rows, and a roster import later finds them by code and only adds the villages.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from sqlalchemy import select

from db.models import District, Province, Subdistrict
from db.resources import resource_path
from db.sync.ids import reference_id
from desktop.core import audit
from desktop.core.context import AppContext


@dataclass(frozen=True)
class ReferencePlace:
    code: str
    name_th: str


@cache
def _read(name: str) -> tuple[ReferencePlace, ...]:
    with resource_path("reference", name).open(encoding="utf-8", newline="") as fh:
        return tuple(ReferencePlace(r["code"], r["name_th"]) for r in csv.DictReader(fh))


def reference_districts(province_code: str) -> list[ReferencePlace]:
    return [p for p in _read("districts.csv") if p.code[:2] == province_code]


def reference_subdistricts(province_code: str) -> list[ReferencePlace]:
    return [p for p in _read("subdistricts.csv") if p.code[:2] == province_code]


def load_reference_places(ctx: AppContext) -> int:
    """Add the province's districts and subdistricts that the database lacks; returns how many were added."""
    code = ctx.require_office_code()
    added = 0
    with ctx.transaction() as session:
        province_id = session.scalar(select(Province.id).where(Province.code == code))
        have = set(session.scalars(select(District.code).where(District.code.like(f"{code}%"))))
        have |= set(session.scalars(select(Subdistrict.code).where(Subdistrict.code.like(f"{code}%"))))
        district_ids: dict[str, object] = dict(
            session.execute(select(District.code, District.id).where(District.code.like(f"{code}%"))).all()
        )
        for d in reference_districts(code):
            if d.code in have:
                continue
            row = District(
                id=reference_id("district", d.code),
                code=d.code,
                name_th=d.name_th,
                province_id=province_id,
                office_code=code,
            )
            session.add(row)
            district_ids[d.code] = row.id
            added += 1
        session.flush()
        for s in reference_subdistricts(code):
            if s.code in have or s.code[:4] not in district_ids:
                continue
            session.add(
                Subdistrict(
                    id=reference_id("subdistrict", s.code),
                    code=s.code,
                    name_th=s.name_th,
                    district_id=district_ids[s.code[:4]],
                    office_code=code,
                )
            )
            added += 1
        if added:
            audit.record(
                session,
                ctx,
                office_code=code,
                action="create",
                entity="province",
                entity_id=province_id,
                changes={"places": [None, added]},
                summary=f"เพิ่มอำเภอและตำบลของจังหวัดจากบัญชีกรมการปกครอง {added:,} แห่ง",
            )
    return added
