"""The demo province's registration results: each trained ครู ข of a held round got some."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import insert, select

from db.base import new_id, utcnow
from db.models import Enrolment, Person, Registration, TrainingRound
from desktop.core.context import AppContext


def demo_registrations(ctx: AppContext, *, seed: int = 2567) -> int:
    """Deterministic registration results for the demo: each ครู ข of a held/closed round (not failed) got some.

    Totals per ครู ข (one "total" row each, as of a fixed date): most reach 40–160 of the 120 target.
    """
    code = ctx.require_office_code()
    rng = random.Random(seed)
    with ctx.transaction() as s:
        rows = s.execute(
            select(Person.id, Person.national_id, TrainingRound.end_date)
            .join(Enrolment, Enrolment.person_id == Person.id)
            .join(TrainingRound, Enrolment.round_id == TrainingRound.id)
            .where(
                TrainingRound.office_code == code,
                TrainingRound.status.in_(("held", "closed")),
                Enrolment.status == "enrolled",
                Enrolment.deleted.is_(False),
                Enrolment.completed.is_not(False),
            )
            .order_by(Person.national_id)
        ).all()
        now = utcnow()
        out, seen = [], set()
        for pid, nid, end in rows:
            if nid in seen:
                continue
            seen.add(nid)
            count = max(0, int(rng.triangular(10, 190, 110)))
            out.append(
                {
                    "id": new_id(),
                    "office_code": code,
                    "national_id": nid,
                    "person_id": pid,
                    "kind": "total",
                    "count": count,
                    "registered_on": end + timedelta(days=30),
                    "source_key": f"t:{nid}",
                    "source_file": "demo",
                    "batch_id": None,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                    "deleted": False,
                }
            )
        if out:
            s.execute(insert(Registration), out)
    return len(out)
