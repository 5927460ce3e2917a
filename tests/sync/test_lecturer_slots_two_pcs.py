"""round_lecturer has no natural key (a lecturer may teach several slots of a round); the same slot typed on two
PCs is paid once by the fee rule (desktop.core.budget.plan.lecturer_fees), a second topic is paid beside it."""

from __future__ import annotations

from decimal import Decimal

from db.models import RoundLecturer
from db.rules.national_id import make_national_id
from desktop.core.budget.checks import load_round
from desktop.core.budget.plan import lecturer_fees
from desktop.core.budget.rules import paid_hours
from desktop.core.people import lecturers
from desktop.core.sync import client as sync_client
from tests.fixtures.sync_harness import Server
from tests.sync.test_one_person import _round


def _slot(ctx, round_id, lecturer_id, *, topic: str, minutes: int) -> None:
    with ctx.transaction() as s:
        s.add(
            RoundLecturer(
                office_code="40", round_id=round_id, lecturer_id=lecturer_id, day_no=1, topic=topic,
                format="lecture", minutes=minutes,
            )
        )  # fmt: skip


def _hours(ctx, round_id) -> dict:
    with ctx.reading() as s:
        return {f.lecturer_id: f.hours for f in lecturer_fees(s, load_round(s, round_id))}


def test_one_slot_typed_on_two_pcs_is_paid_once(server: Server, desktops) -> None:
    a, b = desktops("pc_a"), desktops("pc_b")
    rnd = _round(a, 1)
    lec = lecturers.create_lecturer(
        a,
        lecturers.LecturerInput(
            prefix="นาย", first_name="สอน", last_name="ดี", national_id=make_national_id("110170020349")
        ),
    )
    assert sync_client.sync(a, http=server.http).failed == 0
    assert sync_client.sync(b, http=server.http).failed == 0
    _slot(a, rnd.id, lec.id, topic="การปฐมพยาบาล", minutes=120)
    _slot(b, rnd.id, lec.id, topic="การปฐมพยาบาล ", minutes=90)  # the same slot, typed on B offline
    _slot(b, rnd.id, lec.id, topic="การดูแลผู้สูงอายุ", minutes=60)  # a second slot the same day: paid too
    for ctx in (a, b, a):
        assert sync_client.sync(ctx, http=server.http).failed == 0
    expected = paid_hours(120) + paid_hours(60)
    assert expected > Decimal(0)
    assert _hours(a, rnd.id) == _hours(b, rnd.id) == {lec.id: expected}
