"""First-run setup of the office's province, the office's details, and what needs setting up first."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.models import Office, Province
from desktop.core import audit, office
from desktop.core.context import AppContext
from desktop.core.errors import SetupRequiredError, ValidationError
from desktop.core.people import people


@pytest.fixture
def bare_ctx(tmp_path: Path):
    context = AppContext.open(tmp_path / "bare.sqlite", user_name="tester")
    yield context
    context.close()


def test_a_fresh_database_asks_for_setup(bare_ctx: AppContext) -> None:
    assert bare_ctx.office_code() is None
    assert office.get_office(bare_ctx) is None
    with pytest.raises(SetupRequiredError) as excinfo:
        people.list_people(bare_ctx)
    assert "init --province" in excinfo.value.message


def test_setup_with_an_unknown_province_is_refused(bare_ctx: AppContext) -> None:
    with pytest.raises(ValidationError) as excinfo:
        office.setup_office(bare_ctx, province_code="99")
    assert '"99"' in excinfo.value.errors["province"]
    assert bare_ctx.office_code() is None


def test_setup_creates_the_office_once(ctx: AppContext) -> None:
    assert ctx.office_code() == "40"
    row = office.get_office(ctx)
    assert row is not None
    assert (row.code, row.name_th, row.province_name) == ("40", "สำนักงานแรงงานจังหวัดขอนแก่น", "ขอนแก่น")
    again = office.setup_office(ctx, province_code=" 40 ")
    assert again == row
    with ctx.reading() as session:
        assert session.scalar(select(func.count()).select_from(Office)) == 1
        assert session.scalar(select(func.count()).select_from(Province)) == 77


def test_provinces_are_the_77_of_the_reference_data(ctx: AppContext) -> None:
    provinces = office.list_provinces(ctx)
    assert len(provinces) == 77
    assert provinces == sorted(office.reference_provinces(), key=lambda p: p.code)
    by_code = {p.code: p.name_th for p in provinces}
    assert by_code["10"] == "กรุงเทพมหานคร"
    assert by_code["40"] == "ขอนแก่น"


def test_update_office_and_its_audit(ctx: AppContext) -> None:
    with pytest.raises(ValidationError) as excinfo:
        office.update_office(ctx, name_th=" ", address="", phone="", head_name="", head_position="")
    assert "name_th" in excinfo.value.errors

    row = office.update_office(
        ctx,
        name_th="สำนักงานแรงงานจังหวัดขอนแก่น",
        address="ศาลากลางจังหวัดขอนแก่น ชั้น 3",
        phone="043 236 200",
        head_name="นายสมศักดิ์ ทองดี",
        head_position="แรงงานจังหวัดขอนแก่น",
    )
    assert row.head_name == "นายสมศักดิ์ ทองดี"
    assert office.get_office(ctx) == row
    with ctx.reading() as session:
        office_id = session.scalar(select(Office.id))
    history = audit.history(ctx, entity_id=office_id)
    assert [h.action for h in history] == ["create", "update"]
    assert history[-1].changes["head_name"] == ["", "นายสมศักดิ์ ทองดี"]
    assert "name_th" not in history[-1].changes  # unchanged fields are not recorded
