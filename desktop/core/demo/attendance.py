"""Demo attendance: invitations for planned rounds, marks (with a correction) and completion for past rounds."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, time, timedelta

from db.base import new_id
from desktop.core.rounds.attendance import THAI_TIME
from desktop.core.rounds.completion import is_complete

SEED = 2567 + 4
PRESENT_RATE = 0.97
OFFICER = "เจ้าหน้าที่ตัวอย่าง"
DEVICE = "demo"
SESSION_START = {"am": time(8, 30), "pm": time(13, 0)}


def extend_demo(
    *,
    rounds: list[dict],
    days: list[dict],
    served: list[dict],
    enrolments: list[dict],
    persons: list[dict],
    villages: list[dict],
    subs: list[dict],
) -> list[dict]:
    """Add planned rounds' enrolments to ``enrolments``, set completed on past ones, return the mark rows.

    Deterministic (its own seeded generator), so the demo is the same on every machine.
    """
    rng = random.Random(SEED)
    _invite_for_planned(rng, rounds, served, enrolments, persons, villages, subs)
    days_of: dict[uuid.UUID, list[dict]] = {}
    for d in days:
        days_of.setdefault(d["round_id"], []).append(d)
    by_round: dict[uuid.UUID, list[dict]] = {}
    for e in enrolments:
        by_round.setdefault(e["round_id"], []).append(e)
    marks: list[dict] = []
    for rnd in rounds:
        if rnd["status"] not in ("held", "closed"):
            continue
        rows = by_round.get(rnd["id"], [])
        if rows:
            rows[-1]["walk_in"] = True  # someone always turns up uninvited and is added on the day
        slots = [(d["day_no"], half, d["day_date"]) for d in days_of[rnd["id"]] for half in ("am", "pm")]
        matrix = [[rng.random() < PRESENT_RATE for _ in slots] for _ in rows]
        if rows and sum(r.count(False) for r in matrix) < 2:
            matrix[-1][-1] = False  # a few half-days are always missed, even in a small round
            matrix[0][0] = False  # ... and one of them is a misread sheet, corrected below
        corrected = False
        for e, presence in zip(rows, matrix, strict=True):
            count = 0
            for (day_no, half, day_date), present in zip(slots, presence, strict=True):
                at = _at(day_date, half, seconds=rng.randrange(40 * 60))
                marks.append(_mark(rnd, e, day_no, half, present, "sheet", at))
                if not present and not corrected:
                    # The sheet was misread: the signature was there, so the officer corrects it next day.
                    marks.append(_mark(rnd, e, day_no, half, True, "manual", at + timedelta(days=1)))
                    present = corrected = True
                count += present
            e["completed"] = is_complete(rnd["completion_rule"], scheduled=len(slots), present=count)
    return marks


def _at(day_date: object, half: str, *, seconds: int) -> datetime:
    local = datetime.combine(day_date, SESSION_START[half], tzinfo=THAI_TIME)  # type: ignore[arg-type]
    return (local + timedelta(seconds=seconds)).astimezone(UTC)


def _mark(rnd: dict, e: dict, day_no: int, half: str, present: bool, source: str, at: datetime) -> dict:
    return {
        "id": new_id(),
        "office_code": rnd["office_code"],
        "created_at": at,
        "updated_at": at,
        "version": 1,
        "deleted": False,
        "round_id": rnd["id"],
        "enrolment_id": e["id"],
        "day_no": day_no,
        "half": half,
        "present": present,
        "source": source,
        "recorded_by": OFFICER,
        "device_id": DEVICE,
        "recorded_at": at,
    }


def _invite_for_planned(
    rng: random.Random,
    rounds: list[dict],
    served: list[dict],
    enrolments: list[dict],
    persons: list[dict],
    villages: list[dict],
    subs: list[dict],
) -> None:
    district_of_sub = {s["id"]: s["district_id"] for s in subs}
    district_of_village = {v["id"]: district_of_sub[v["subdistrict_id"]] for v in villages}
    taken = {e["person_id"] for e in enrolments}
    free_by_district: dict[uuid.UUID, list[dict]] = {}
    for p in persons:
        if p["id"] not in taken:
            free_by_district.setdefault(district_of_village[p["village_id"]], []).append(p)
    districts_of: dict[uuid.UUID, list[uuid.UUID]] = {}
    for s in served:
        districts_of.setdefault(s["round_id"], []).append(s["district_id"])
    template = enrolments[0] if enrolments else None
    for rnd in rounds:
        if rnd["status"] != "planned" or template is None:
            continue
        want = max(1, rnd["capacity"] // 3 - rng.randrange(3))
        pool = [p for d in districts_of.get(rnd["id"], []) for p in free_by_district.get(d, [])]
        chosen = [p for p in pool if p["id"] not in taken][:want]
        taken.update(p["id"] for p in chosen)
        for p in chosen:
            enrolments.append(
                {
                    **template,
                    "id": new_id(),
                    "round_id": rnd["id"],
                    "person_id": p["id"],
                    "walk_in": False,
                    "override_reason": "",
                    "completed": None,
                }
            )
