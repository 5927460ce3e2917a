"""Check-in by card: the typed ID's rules with source "card", the expiry warning, names updated from the chip."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from db.models import AttendanceMark, AuditEntry
from db.rules.national_id import make_national_id
from desktop.core.cardreader import checkin
from desktop.core.cardreader.thaiid import Address, CardData
from desktop.core.context import AppContext
from desktop.core.errors import StaleEditError
from desktop.core.people import people
from desktop.core.people.people import PersonInput
from desktop.core.rounds import enrolment, rounds
from desktop.core.rounds.rounds import DayInput, RoundInput
from tests.fixtures.rounds import ready_round

DAY = date(2027, 5, 11)
NID = "1101700203450"
CARD = CardData(
    national_id=NID,
    prefix="นาย",
    first_name="สมชาย",
    middle_name="",
    last_name="ใจดี",
    prefix_en="Mr.",
    first_name_en="Somchai",
    middle_name_en="",
    last_name_en="Jaidee",
    birth_date=date(1967, 6, 15),
    birth_raw="25100615",
    sex="male",
    issuer="",
    issue_date=date(2022, 1, 1),
    expiry_date=date(2031, 6, 14),
    address=Address("99/1", "5", "", "ในเมือง", "เมืองขอนแก่น", "ขอนแก่น"),
)


def _setup(ctx: AppContext, *, first: str = "สมชาย", enrol: bool = True):
    rnd = ready_round(
        ctx,
        RoundInput(start_date=DAY, end_date=DAY, number=1, title="ครู ข", capacity=5, days=[DayInput(DAY)]),
    )
    person = people.create_person(
        ctx, PersonInput(national_id=NID, prefix="นาย", first_name=first, last_name="ใจดี")
    )
    if enrol:
        enrolment.enrol(ctx, round_id=rnd.id, person_ids=[person.id])
    rounds.set_status(ctx, rnd.id, "open")
    return rnd.id, person


def test_card_check_in_writes_a_card_mark_and_refuses_like_a_typed_id(ctx: AppContext) -> None:
    rid, _ = _setup(ctx)
    first = checkin.check_in_card(ctx, round_id=rid, day_no=1, half="am", card=CARD, today=DAY)
    again = checkin.check_in_card(ctx, round_id=rid, day_no=1, half="am", card=CARD, today=DAY)
    assert first.ok and "⚠" not in first.message
    assert again.code == "already"
    with ctx.reading() as session:
        assert list(session.scalars(select(AttendanceMark.source))) == ["card"]


def test_an_expired_card_checks_in_with_a_warning(ctx: AppContext) -> None:
    rid, _ = _setup(ctx)
    old = replace(CARD, expiry_date=date(2026, 1, 1))
    result = checkin.check_in_card(ctx, round_id=rid, day_no=1, half="am", card=old, today=DAY)
    assert result.ok and "บัตรหมดอายุแล้วเมื่อ 1 ม.ค. 2569" in result.message


def test_a_card_not_enrolled_gets_the_typed_ids_refusal(ctx: AppContext) -> None:
    rid, _ = _setup(ctx, enrol=False)
    result = checkin.check_in_card(ctx, round_id=rid, day_no=1, half="am", card=CARD, today=DAY)
    assert result.code == "not_enrolled"


def test_names_that_differ_are_shown_and_updated_from_the_card_audited(ctx: AppContext) -> None:
    _rid, person = _setup(ctx, first="สมชัย")
    diff = checkin.differences(person, CARD)
    assert diff["first_name"] == ("สมชัย", "สมชาย")
    assert "ชื่อ: สมชัย → สมชาย" in checkin.differences_text(diff)
    row = checkin.update_from_card(ctx, person_id=person.id, card=CARD, expected_version=person.version)
    assert row.first_name == "สมชาย" and not {
        k for k in checkin.differences(row, CARD) if k in checkin.NAME_FIELDS
    }
    with ctx.reading() as session:
        summaries = list(session.scalars(select(AuditEntry.summary)))
    assert any("ตามบัตรประชาชน (source card)" in s for s in summaries)
    with pytest.raises(StaleEditError):
        checkin.update_from_card(ctx, person_id=person.id, card=CARD, expected_version=person.version)


def test_walk_in_prefill_takes_names_and_address_parts() -> None:
    p = checkin.walk_in_prefill(CARD)
    assert (p.national_id, p.prefix, p.first_name, p.last_name) == (NID, "นาย", "สมชาย", "ใจดี")
    assert (p.house_no, p.moo, p.subdistrict, p.district, p.province) == (
        "99/1",
        "5",
        "ในเมือง",
        "เมืองขอนแก่น",
        "ขอนแก่น",
    )


def test_the_walk_in_stores_the_cards_birth_date_and_address(ctx: AppContext) -> None:
    from desktop.core.rounds import planning

    rid, _ = _setup(ctx)
    other = replace(CARD, national_id=make_national_id("310060041234"), first_name="สมหญิง", prefix="นาง")
    prefill = checkin.walk_in_prefill(other)
    result = planning.add_walk_in(
        ctx,
        round_id=rid,
        person=PersonInput(
            national_id=prefill.national_id,
            prefix=prefill.prefix,
            first_name=prefill.first_name,
            last_name=prefill.last_name,
            address=prefill.address,
        ),
    )
    row = people.get_person(ctx, result.person.id)
    assert row.birth_date == date(1967, 6, 15)
    assert row.address_text == "บ้านเลขที่ 99/1 หมู่ที่ 5 ตำบลในเมือง อำเภอเมืองขอนแก่น จังหวัดขอนแก่น"
    assert checkin.differences(row, other) == {}


def test_an_address_that_differs_is_shown_and_updated_from_the_card_audited(ctx: AppContext) -> None:
    _rid, person = _setup(ctx)
    diff = checkin.differences(person, CARD)
    assert diff["house_no"] == ("", "99/1") and diff["birth_date"] == ("", "1967-06-15")
    text = checkin.differences_text(diff)
    assert "บ้านเลขที่: - → 99/1" in text and "วันเกิด: - → 15 มิ.ย. 2510" in text
    row = checkin.update_from_card(ctx, person_id=person.id, card=CARD, expected_version=person.version)
    assert checkin.differences(row, CARD) == {}
    assert row.address_text.startswith("บ้านเลขที่ 99/1 หมู่ที่ 5 ตำบลในเมือง")
    # An edit of the other fields keeps the address (nothing typed is lost).
    edited = people.update_person(ctx, row.id, replace(people.as_input(row), phone="0812345678"))
    assert edited.address == row.address
    kept = people.update_person(
        ctx, row.id, PersonInput(national_id=NID, first_name="สมชาย", last_name="ใจดี")
    )
    assert kept.house_no == "99/1"
    with ctx.reading() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.summary.like("%ที่อยู่ตามบัตรประชาชน (source card)%"))
        ).one()
    assert entry.changes["house_no"] == ["", "99/1"]
