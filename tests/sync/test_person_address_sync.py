"""A person's date of birth and address, stored on one PC, reach the other through the real server."""

from __future__ import annotations

from datetime import date

import pytest

from db.models import Base
from db.rules.national_id import make_national_id
from db.sync.validate import Invalid, check_row
from desktop.core.people import people
from desktop.core.people.addresses import PersonAddress
from desktop.core.people.people import PersonInput
from desktop.core.sync import client as sync_client
from tests.fixtures.sync_harness import Server

ADDRESS = PersonAddress(date(1967, 6, 15), "99/1", "ซอยมิตรภาพ 3", "5", "ในเมือง", "เมืองขอนแก่น", "ขอนแก่น")


def test_the_address_syncs_to_the_other_pc(server: Server, desktops) -> None:
    a, b = desktops("pc_a"), desktops("pc_b")
    person = people.create_person(
        a,
        PersonInput(
            national_id=make_national_id("110170020345"),
            prefix="นาย",
            first_name="สมชาย",
            last_name="ใจดี",
            address=ADDRESS,
        ),
    )
    assert sync_client.sync(a, http=server.http).failed == 0
    report = sync_client.sync(b, http=server.http)
    assert not report.problems
    there = people.get_person(b, person.id)
    assert there.address == ADDRESS
    assert there.address_text == ("บ้านเลขที่ 99/1 ซอยมิตรภาพ 3 หมู่ที่ 5 ตำบลในเมือง อำเภอเมืองขอนแก่น จังหวัดขอนแก่น")


def test_validation_accepts_the_new_columns_and_refuses_an_overlong_house_number() -> None:
    person = Base.metadata.tables["person"]
    check_row(person, {"birth_date": "1967-06-15", "house_no": "99/1", "address_moo": "5"})
    with pytest.raises(Invalid, match="house_no"):
        check_row(person, {"house_no": "1" * 51})
