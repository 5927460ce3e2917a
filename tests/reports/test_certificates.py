"""Certificates: one page per person who completed, Thai that extracts back, a page image."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from db.models import Enrolment
from desktop.core.context import AppContext
from desktop.core.errors import RuleViolation
from desktop.core.rounds import enrolment, rounds
from desktop.reports.certificates import write_certificates


def _round_with_people(ctx: AppContext):
    return max(rounds.list_rounds(ctx), key=lambda r: r.enrolled)


def test_everyone_enrolled_until_completion_is_computed(
    demo_ctx: AppContext, tmp_path: Path, pdf_text, render_first_page
) -> None:
    rnd = _round_with_people(demo_ctx)
    rows = enrolment.list_enrolments(demo_ctx, round_id=rnd.id)
    with demo_ctx.transaction() as session:
        session.execute(update(Enrolment).where(Enrolment.round_id == rnd.id).values(completed=None))
    out = tmp_path / "cert.pdf"
    res = write_certificates(demo_ctx, round_id=rnd.id, out_path=out)
    pages = pdf_text(out)
    assert len(pages) == res.pages == len(rows)
    assert sorted(res.names) == sorted(e.person.full_name for e in rows)
    for name, page in zip(res.names, pages, strict=True):
        assert name in page
        assert "ได้ผ่านการฝึกอบรมครู ข เครือข่ายชุมชน" in page
        assert f"รุ่นที่ {rnd.number} ปีงบประมาณ พ.ศ. {rnd.fiscal_year}" in page
    render_first_page(out, tmp_path, "certificate")


def test_only_those_who_completed(demo_ctx: AppContext, tmp_path: Path, pdf_text) -> None:
    rnd = _round_with_people(demo_ctx)
    rows = enrolment.list_enrolments(demo_ctx, round_id=rnd.id)
    passed = rows[:3]
    with demo_ctx.transaction() as session:
        session.execute(update(Enrolment).where(Enrolment.round_id == rnd.id).values(completed=False))
        session.execute(
            update(Enrolment).where(Enrolment.id.in_([e.id for e in passed])).values(completed=True)
        )
    out = tmp_path / "cert.pdf"
    res = write_certificates(demo_ctx, round_id=rnd.id, out_path=out)
    assert sorted(res.names) == sorted(e.person.full_name for e in passed)
    assert len(pdf_text(out)) == 3
    one = write_certificates(demo_ctx, round_id=rnd.id, out_path=out, enrolment_ids=[rows[5].id])
    assert one.names == (rows[5].person.full_name,)


def test_no_one_completed_is_a_thai_error(demo_ctx: AppContext, tmp_path: Path) -> None:
    rnd = _round_with_people(demo_ctx)
    with demo_ctx.transaction() as session:
        session.execute(update(Enrolment).where(Enrolment.round_id == rnd.id).values(completed=False))
    with pytest.raises(RuleViolation, match="ยังไม่มีผู้ผ่านการอบรม"):
        write_certificates(demo_ctx, round_id=rnd.id, out_path=tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()
