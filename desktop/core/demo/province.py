"""A deterministic, realistic demo province (ขอนแก่น): every village with one candidate, ~15 rounds."""

from __future__ import annotations

import json
import math
import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, insert, select

from db.base import new_id, utcnow
from db.bulkwrite import inserting_in_bulk
from db.models import (
    AttendanceMark,
    BudgetAllocation,
    District,
    Enrolment,
    Lecturer,
    Person,
    Province,
    RoundDay,
    RoundDistrict,
    Subdistrict,
    TrainingRound,
    Village,
)
from db.resources import resource_path
from db.rules.national_id import make_national_id
from db.rules.thai_dates import fiscal_year
from desktop.core import audit
from desktop.core.context import AppContext
from desktop.core.demo.attendance import extend_demo
from desktop.core.demo.budget import add_demo_budget
from desktop.core.demo.registrations import demo_registrations
from desktop.core.errors import RuleViolation
from desktop.core.gcpause import gc_paused
from desktop.core.office import setup_office, update_office

DEMO_PROVINCE = "40"
DEMO_OFFICE = {
    "address": "ศาลากลางจังหวัดขอนแก่น ชั้น 3 ถนนศูนย์ราชการ ตำบลในเมือง อำเภอเมืองขอนแก่น จังหวัดขอนแก่น 40000",
    "phone": "0 4333 0000",
    "head_name": "นางสาวพรทิพย์ ศรีสุข",
}


def _mobile(first: str, n: int) -> str:
    """A mobile number that exists: 06 ranges only 061–066 (the Thai numbering plan), 08/09 all."""
    return f"06{1 + n % 6}{n // 10:07d}" if first == "6" else f"0{first}{n:08d}"


SEED = 2567
# (status, start date, days) — fixed dates so that the demo is the same on every machine.
ROUND_PLAN = [
    ("closed", date(2025, 11, 18), 1),
    ("closed", date(2025, 12, 9), 2),
    ("closed", date(2026, 1, 20), 1),
    ("closed", date(2026, 2, 17), 1),
    ("closed", date(2026, 3, 10), 2),
    ("closed", date(2026, 5, 12), 1),
    ("closed", date(2026, 6, 16), 1),
    ("closed", date(2026, 8, 18), 2),
    ("held", date(2026, 10, 20), 1),
    ("held", date(2026, 11, 10), 2),
    ("open", date(2026, 12, 8), 1),
    ("open", date(2026, 12, 15), 2),
    ("planned", date(2027, 1, 19), 1),
    ("planned", date(2027, 2, 16), 2),
    ("planned", date(2027, 3, 9), 1),
]
OTHER_POSITIONS = [("ผู้ใหญ่บ้าน", 80), ("ผู้ช่วยผู้ใหญ่บ้าน", 10), ("แพทย์ประจำตำบล", 5), ("สารวัตรกำนัน", 5)]


@dataclass(frozen=True)
class DemoSummary:
    districts: int
    subdistricts: int
    villages: int
    people: int
    rounds: int
    enrolments: int
    lecturers: int


def _rows(model: type, base: dict, rows: list[dict]) -> list[dict]:
    now = utcnow()
    common = {"created_at": now, "updated_at": now, "version": 1, "deleted": False, **base}
    return [{**common, "id": new_id(), **r} for r in rows]


def generate_demo(ctx: AppContext, *, people: int = 2000) -> DemoSummary:
    """Fill an empty database with the demo province; refuses a database that already has people."""
    if people < 1:
        raise RuleViolation("จำนวนคนในข้อมูลตัวอย่างต้องมากกว่า 0")
    code = ctx.office_code()
    if code and code != DEMO_PROVINCE:
        raise RuleViolation(f"ข้อมูลตัวอย่างเป็นของจังหวัดขอนแก่น (40) แต่ฐานข้อมูลนี้ตั้งค่าเป็นจังหวัดรหัส {code}")
    with ctx.reading() as session:
        if session.scalar(select(func.count()).select_from(Person)):
            raise RuleViolation("ฐานข้อมูลนี้มีรายชื่อบุคคลอยู่แล้ว จึงไม่สร้างข้อมูลตัวอย่างทับ ใช้ไฟล์ฐานข้อมูลใหม่")
    own = setup_office(ctx, province_code=DEMO_PROVINCE, head_name=DEMO_OFFICE["head_name"])
    # Filled in as a real office does at step 1 of the first-run checklist (printed on every document).
    update_office(ctx, name_th=own.name_th, head_position=own.head_position, **DEMO_OFFICE)
    spec = json.loads(resource_path("reference", "demo_province.json").read_text(encoding="utf-8"))
    rng = random.Random(SEED)
    base = {"office_code": DEMO_PROVINCE}
    with gc_paused(), ctx.bulk_transaction() as session:
        province_id = session.scalar(select(Province.id).where(Province.code == DEMO_PROVINCE))
        districts = spec["districts"]
        # DOPA codes leave two digits for subdistricts and two for villages: at most 99 of each.
        per_sub = min(99, max(8, math.ceil(people / (len(districts) * 99))))
        n_subs = math.ceil(people / per_sub)
        district_rows = _rows(
            District,
            base,
            [{"code": d["code"], "name_th": d["name"], "province_id": province_id} for d in districts],
        )
        sub_rows, village_rows = [], []
        subs_by_district: list[list[dict]] = [[] for _ in districts]
        for i in range(n_subs):
            subs_by_district[i % len(districts)].append({})
        for d_row, subs in zip(district_rows, subs_by_district, strict=True):
            names = rng.sample(spec["subdistrict_names"], k=len(subs))
            for j, name in enumerate(names, start=1):
                sub_rows.append(
                    {"code": f"{d_row['code']}{j:02d}", "name_th": name, "district_id": d_row["id"]}
                )
        sub_rows = _rows(Subdistrict, base, sub_rows)
        # Districts and subdistricts already loaded from the DOPA list (desktop/core/people/reference_places.py)
        # are used as they are: their rows are not inserted again.
        existing: dict[str, uuid.UUID] = {}
        for model in (District, Subdistrict):
            existing.update(
                session.execute(
                    select(model.code, model.id).where(model.code.like(f"{DEMO_PROVINCE}%"))
                ).all()
            )
        for row in district_rows:
            if row["code"] in existing:
                row["id"] = existing[row["code"]]
        for row in sub_rows:
            row["district_id"] = next(d["id"] for d in district_rows if d["code"] == row["code"][:4])
            if row["code"] in existing:
                row["id"] = existing[row["code"]]
        new_districts = [r for r in district_rows if r["code"] not in existing]
        new_subs = [r for r in sub_rows if r["code"] not in existing]
        remaining = people
        for sub in sub_rows:
            count = min(per_sub, remaining)
            remaining -= count
            for moo, name in enumerate(rng.sample(spec["village_names"], k=count), start=1):
                village_rows.append(
                    {
                        "code": f"{sub['code']}{moo:02d}",
                        "moo": moo,
                        "name_th": name,
                        "subdistrict_id": sub["id"],
                    }
                )
            if remaining == 0:
                break
        village_rows = _rows(Village, base, village_rows)
        person_rows = _rows(Person, base, [_person(rng, spec, v) for v in village_rows])
        lecturer_rows = _rows(
            Lecturer,
            base,
            [
                {
                    "prefix": lec["prefix"],
                    "first_name": lec["first_name"],
                    "last_name": lec["last_name"],
                    "position": lec["position"],
                    "organisation": lec["organisation"],
                    "is_state": lec["is_state"],
                    "phone": f"08{rng.randrange(10**8):08d}",
                    "address": lec.get("address", ""),  # สถานที่อยู่หรือที่ทำการ, printed on vouchers
                    "note": "",
                    "national_id": None,
                }
                for lec in spec["lecturers"]
            ],
        )
        round_rows, day_rows, rd_rows, enrol_rows = _rounds(
            rng, spec, base, district_rows, sub_rows, village_rows, person_rows, people
        )
        mark_rows = extend_demo(  # issue 4: attendance, completion and planned rounds' invitations
            rounds=round_rows,
            days=day_rows,
            served=rd_rows,
            enrolments=enrol_rows,
            persons=person_rows,
            villages=village_rows,
            subs=sub_rows,
        )
        alloc_rows = _rows(
            BudgetAllocation,
            base,
            [
                {
                    "fiscal_year": 2569,
                    "amount_satang": 26_606_300,
                    "ref_no": "รง 0216/ว 1125",
                    "ref_date": date(2025, 10, 15),
                    "note": "งวดที่ 1",
                },
                {
                    "fiscal_year": 2570,
                    "amount_satang": 13_303_150,
                    "ref_no": "รง 0216/ว 1342",
                    "ref_date": date(2026, 10, 20),
                    "note": "งวดที่ 1",
                },
            ],
        )
        batches = (
            (District, new_districts),
            (Subdistrict, new_subs),
            (Village, village_rows),
            (Person, person_rows),
            (Lecturer, lecturer_rows),
            (TrainingRound, round_rows),
            (RoundDay, day_rows),
            (RoundDistrict, rd_rows),
            (Enrolment, enrol_rows),
            (AttendanceMark, mark_rows),
            (BudgetAllocation, alloc_rows),
        )
        with inserting_in_bulk(session.connection(), [model.__tablename__ for model, _ in batches]):
            for model, rows in batches:
                if rows:
                    session.execute(insert(model), rows)
        summary = DemoSummary(
            len(district_rows),
            len(sub_rows),
            len(village_rows),
            len(person_rows),
            len(round_rows),
            len(enrol_rows),
            len(lecturer_rows),
        )
        audit.record(
            session,
            ctx,
            office_code=DEMO_PROVINCE,
            action="demo",
            entity="office",
            entity_id=uuid.UUID(int=0),
            changes={"people": [None, summary.people]},
            summary=f"สร้างข้อมูลตัวอย่าง {summary.people:,} คน {summary.rounds} รุ่น",
        )
    add_demo_budget(ctx)
    demo_registrations(ctx)  # after every other demo step, so it sees their completion results
    return summary


def _person(rng: random.Random, spec: dict, village: dict) -> dict:
    male = rng.random() < 0.8  # most headmen are men
    if male:
        prefix, first = "นาย", rng.choice(spec["first_names_male"])
    else:
        prefix, first = rng.choice(("นาง", "นาง", "นางสาว")), rng.choice(spec["first_names_female"])
    last = rng.choice(spec["last_names"])
    if village["moo"] == 1:
        position = "กำนัน"
    else:
        position = rng.choices([p for p, _ in OTHER_POSITIONS], weights=[w for _, w in OTHER_POSITIONS])[0]
    # Born before 1984 (first digit 3) mostly; a few younger people registered at birth (1).
    first12 = rng.choice("3333331") + f"{rng.randrange(10**11):011d}"
    # The address and birth date come from their own generator, so every other demo value stays as it was.
    own = random.Random(village["code"])
    born = date(own.randrange(1950, 1984) if first12[0] == "3" else own.randrange(1984, 1998), 1, 1)
    born += timedelta(days=own.randrange(365))
    return {
        "national_id": make_national_id(first12),
        "prefix": prefix,
        "first_name": first,
        "last_name": last,
        "name_original": f"{prefix}{first} {last}",
        "position": position,
        "village_id": village["id"],
        "phone": _mobile(rng.choice("689"), rng.randrange(10**8)),
        "note": "",
        "birth_date": born,
        "house_no": f"{own.randrange(1, 250)}" + (f"/{own.randrange(1, 9)}" if own.random() < 0.2 else ""),
    }


def _rounds(
    rng: random.Random,
    spec: dict,
    base: dict,
    districts: list[dict],
    subs: list[dict],
    villages: list[dict],
    persons: list[dict],
    people: int,
) -> tuple[list[dict], list[dict], list[dict], list[dict]]:
    district_of_sub = {s["id"]: s["district_id"] for s in subs}
    people_by_district: dict[uuid.UUID, list[dict]] = {d["id"]: [] for d in districts}
    for person, village in zip(persons, villages, strict=True):
        people_by_district[district_of_sub[village["subdistrict_id"]]].append(person)
    capacity = max(10, min(150, people // 20))
    rounds, days, served, enrols = [], [], [], []
    numbers: dict[int, int] = {}
    taken: set[uuid.UUID] = set()
    for i, (status, start, n_days) in enumerate(ROUND_PLAN):
        fy = fiscal_year(start)
        numbers[fy] = numbers.get(fy, 0) + 1
        venue = spec["venues"][i % len(spec["venues"])]
        own = [districts[(2 * i) % len(districts)], districts[(2 * i + 1) % len(districts)]]
        rnd = _rows(
            TrainingRound,
            base,
            [
                {
                    "fiscal_year": fy,
                    "number": numbers[fy],
                    "status": status,
                    "title": f"ฝึกอบรมครู ข เครือข่ายชุมชน อำเภอ{own[0]['name_th']}และอำเภอ{own[1]['name_th']}",
                    "start_date": start,
                    "end_date": start + timedelta(days=n_days - 1),
                    "venue": venue["name"],
                    "venue_type": venue["type"],
                    "training_type": "outsider",
                    "capacity": capacity,
                    "organiser": spec["office"]["name"],
                    "completion_rule": "all_halves",
                    "note": "",
                }
            ],
        )[0]
        rounds.append(rnd)
        days += _rows(
            RoundDay,
            base,
            [
                {
                    "round_id": rnd["id"],
                    "day_no": n + 1,
                    "day_date": start + timedelta(days=n),
                    "has_am": True,
                    "has_pm": True,
                    "starts_at": None,
                    "ends_at": None,
                }
                for n in range(n_days)
            ],
        )
        served += _rows(RoundDistrict, base, [{"round_id": rnd["id"], "district_id": d["id"]} for d in own])
        if status == "planned":
            continue
        want = capacity - rng.randrange(0, max(1, capacity // 10)) if status != "open" else capacity // 2
        pool = [p for d in own for p in people_by_district[d["id"]] if p["id"] not in taken][:want]
        taken.update(p["id"] for p in pool)
        enrols += _rows(
            Enrolment,
            base,
            [
                {
                    "round_id": rnd["id"],
                    "person_id": p["id"],
                    "status": "enrolled",
                    "walk_in": False,
                    "override_reason": "",
                    "completed": None,
                }
                for p in pool
            ],
        )
    return rounds, days, served, enrols
