"""`krukhor-cli export workbook|summary`, `import-registrations`, `read-workbook`, `registrations`."""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import sys
import time
from datetime import date, datetime
from pathlib import Path

from db.rules.percent import percent_text
from db.rules.thai_dates import fiscal_year
from db.rules.thai_time import bangkok_today
from desktop.core.context import AppContext
from desktop.core.errors import CoreError
from desktop.core.exports.personal_data import record_export

COMMANDS = ("export", "import-registrations", "read-workbook", "registrations")


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="export what Bangkok receives")
    what = p.add_subparsers(dest="export_what", required=True)
    w = what.add_parser("workbook", help="the province workbook (.xlsx) of a fiscal year")
    w.add_argument("--fy", type=int, default=None, help="fiscal year in BE, e.g. 2567 (default: this year)")
    w.add_argument("--out", required=True, type=Path)
    s = what.add_parser("summary", help="province summary PDF (or one round's with --round)")
    s.add_argument("--fy", type=int, default=None, help="fiscal year in BE (default: this year)")
    s.add_argument("--round", default=None, help='one round: "N/FY", N or its UUID')
    s.add_argument("--out", required=True, type=Path)
    p = sub.add_parser("import-registrations", help="import the ministry app's registrations (.xlsx or .csv)")
    p.add_argument("file", type=Path)
    p.add_argument("--sheet", default=None)
    p = sub.add_parser("read-workbook", help="read a province workbook back")
    p.add_argument("file", type=Path)
    p.add_argument("--format", choices=["json"], default="json")
    p = sub.add_parser("registrations", help="registrations per ครู ข against the 1:120 target")
    p.add_argument("--format", choices=["csv"], default="csv")


def _json_default(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def run(ctx: AppContext, args: argparse.Namespace) -> int:
    if args.command == "read-workbook":
        from db.exchange.workbook_reader import WorkbookFormatError, read_workbook

        try:
            data = read_workbook(args.file)
        except WorkbookFormatError as exc:
            raise CoreError(str(exc)) from exc
        json.dump(dataclasses.asdict(data), sys.stdout, ensure_ascii=False, indent=1, default=_json_default)
        print()
        return 0
    if args.command == "import-registrations":
        from desktop.core.registrations.registrations import import_registrations

        r = import_registrations(ctx, path=args.file, sheet=args.sheet)
        print(r.summary_line())
        for rej in r.rejected:
            print(f"  ไม่รับ {rej}")
        return 0
    if args.command == "registrations":
        from desktop.core.registrations.registrations import registrations_per_person

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["national_id", "name", "registrations", "target", "percent"])
        rows = 0
        for p in registrations_per_person(ctx):
            rows += 1
            writer.writerow(
                [
                    p.national_id,
                    p.name,
                    p.registrations,
                    p.target,
                    percent_text(p.registrations, p.target, sign=False) if p.target else "0.0",
                ]
            )
        record_export(ctx, what="registrations_csv", destination="stdout", people=rows)
        return 0
    fy = args.fy or fiscal_year(bangkok_today())
    started = time.perf_counter()
    if args.export_what == "workbook":
        from desktop.reports.workbook import export_workbook

        res = export_workbook(ctx, fiscal_year=fy, out_path=args.out)
        print(
            f"ส่งออกสมุดงานปีงบประมาณ {fy} แล้ว: {res.path} ({res.rounds} รุ่น, {res.people:,} คน, "
            f"{time.perf_counter() - started:.1f} วินาที)"
        )
        return 0
    from desktop.reports.summary_pdf import write_province_summary, write_round_summary

    if args.round:
        from desktop.cli.common import resolve_round

        rnd = resolve_round(ctx, args.round)
        write_round_summary(ctx, round_id=rnd.id, out_path=args.out)
        print(f"บันทึกสรุปรุ่นที่ {rnd.number}/{rnd.fiscal_year} แล้ว: {args.out}")
    else:
        write_province_summary(ctx, fiscal_year=fy, out_path=args.out)
        print(f"บันทึกสรุปจังหวัด ปีงบประมาณ {fy} แล้ว: {args.out}")
    return 0
