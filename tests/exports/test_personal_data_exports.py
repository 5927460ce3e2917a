"""Exports that carry national IDs are audited with who, on which PC, when, what and where to (PDPA)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import AuditEntry
from desktop.cli import main
from desktop.core.context import AppContext
from desktop.core.demo import province as demo
from desktop.core.exports.personal_data import EXPORT_ACTION
from desktop.core.roster.plan import preview_import
from desktop.core.roster.report import write_outcome_report
from desktop.reports.workbook import export_workbook
from tests.fixtures import rosters


def _exports(ctx: AppContext) -> list[AuditEntry]:
    with ctx.reading() as session:
        return list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.action == EXPORT_ACTION).order_by(AuditEntry.at)
            )
        )


def _recent(entry: AuditEntry) -> bool:
    at = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=UTC)
    return datetime.now(UTC) - at < timedelta(minutes=5)


def test_workbook_export_is_audited_with_the_actor(demo_ctx: AppContext, tmp_path: Path) -> None:
    assert _exports(demo_ctx) == []
    out = tmp_path / "w.xlsx"
    result = export_workbook(demo_ctx, fiscal_year=2569, out_path=out)
    (entry,) = _exports(demo_ctx)
    assert (
        (entry.user_name, entry.device_id)
        == (demo_ctx.user_name, demo_ctx.device_id)
        == ("tester", entry.device_id)
    )
    assert entry.changes == {"what": "workbook", "destination": str(out), "people": result.people}
    assert result.people > 0 and f"{result.people} คน" in entry.summary and "สมุดงาน" in entry.summary
    assert _recent(entry)


def test_roster_outcome_report_is_audited(ctx: AppContext, tmp_path: Path) -> None:
    plan = preview_import(ctx, path=rosters.build_messy_xlsx(tmp_path / "m.xlsx"))
    out = write_outcome_report(ctx, plan=plan, path=tmp_path / "report.xlsx")
    (entry,) = _exports(ctx)
    assert entry.user_name == "tester" and _recent(entry)
    assert entry.changes == {"what": "roster_report", "destination": str(out), "people": len(plan.rows)}


def test_people_csv_is_audited_with_the_file_it_went_to(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "cli.sqlite"
    assert main(["--db", str(db), "init", "--province", "40"]) == 0
    ctx = AppContext.open(db, user_name="tester")
    demo.generate_demo(ctx, people=30)
    ctx.close()
    capsys.readouterr()
    assert main(["--db", str(db), "people"]) == 0
    listed = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert main(["--db", str(db), "registrations"]) == 0
    ctx = AppContext.open(db, backup=False)
    try:
        people_csv, registrations_csv = _exports(ctx)
    finally:
        ctx.close()
    assert (
        people_csv.changes["what"] == "people_csv" and people_csv.changes["people"] == len(listed) - 1 == 30
    )
    assert registrations_csv.changes["what"] == "registrations_csv"
    assert (
        people_csv.user_name == ctx.user_name
    )  # the CLI's actor (the OS login until accounts say otherwise)
    assert _recent(people_csv)
