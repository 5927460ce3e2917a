"""The command line: krukhor-cli --db PATH {init,demo,people,rounds} ..."""

from __future__ import annotations

import argparse
import csv
import sys
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

from db.migrate import DatabaseTooNewError, MigrationError
from db.rules.errors import RuleError
from desktop.budget_cli import add_budget_parser, run_budget
from desktop.cli_attendance import add_checkin_parser, run_checkin
from desktop.cli_sync import COMMANDS as SYNC_COMMANDS
from desktop.cli_sync import add_sync_parser, run_sync
from desktop.core import office
from desktop.core.context import AppContext
from desktop.core.demo import province as demo
from desktop.core.errors import CoreError
from desktop.core.people import people
from desktop.core.rounds import completion, rounds
from desktop.paths import default_db_path
from desktop.reports.cli_exports import COMMANDS as EXPORT_COMMANDS
from desktop.reports.cli_exports import add_exports_parser, run_exports
from desktop.reports.cli_print import add_print_parser, run_print
from desktop.selftest import add_self_test_arguments, run_and_report

PEOPLE_HEADER = [
    "national_id",
    "prefix",
    "first_name",
    "last_name",
    "position",
    "village_code",
    "village_name",
    "subdistrict",
    "district",
    "province",
    "phone",
]
ROUNDS_HEADER = [
    "round_id",
    "fiscal_year",
    "number",
    "start_date",
    "end_date",
    "status",
    "capacity",
    "enrolled",
    "completed",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="krukhor-cli", description="ระบบบริหารการฝึกอบรมครู ข (command line)")
    parser.add_argument("--db", type=Path, default=None, help=f"database file (default: {default_db_path()})")
    add_self_test_arguments(parser)
    sub = parser.add_subparsers(dest="command")
    p = sub.add_parser("init", help="set the office's province (first-run setup)")
    p.add_argument("--province", required=True, help="2-digit DOPA province code, e.g. 40")
    p = sub.add_parser("demo", help="fill an empty database with a demo province")
    p.add_argument("--people", type=int, default=2000)
    p = sub.add_parser("people", help="list people")
    p.add_argument("--format", choices=["csv"], default="csv")
    p.add_argument("--search", default="", help="only people whose name, ID or phone contains this")
    p = sub.add_parser("rounds", help="list training rounds")
    p.add_argument("--format", choices=["csv"], default="csv")
    sub.add_parser("provinces", help="list the province codes")
    p = sub.add_parser("import-roster", help="import a roster file (.xlsx, .xls, .ods, .csv)")
    p.add_argument("file", type=Path)
    p.add_argument("--sheet", default=None, help="sheet name (default: the first sheet)")
    p.add_argument("--dry-run", action="store_true", help="only show what would be imported")
    p.add_argument("--report", type=Path, default=None, help="save every row's outcome as .xlsx")
    p.add_argument(
        "--header-row", type=int, default=None, help="the header's row number, when not found right"
    )
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COL",
        help="map a field to a column (moo=F; moo=- unmaps)",
    )
    sub.add_parser("import-batches", help="list roster imports")
    p = sub.add_parser("undo-import", help="undo a roster import as a whole")
    p.add_argument("batch_id")
    add_print_parser(sub)
    add_checkin_parser(sub)
    add_exports_parser(sub)
    add_budget_parser(sub)
    add_sync_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")  # Thai on a Windows console
        sys.stderr.reconfigure(encoding="utf-8")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.self_test:
        return run_and_report(report_path=args.self_test_report)
    if args.command is None:
        parser.error("a command is required")
    db_path = args.db or default_db_path()
    try:
        ctx = AppContext.open(db_path, backup=False)
    except (DatabaseTooNewError, MigrationError) as exc:
        print(f"ข้อผิดพลาด: {exc}", file=sys.stderr)
        return 3
    try:
        return _run(ctx, args)
    except (CoreError, RuleError) as exc:
        print(f"ข้อผิดพลาด: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into head, say; not an error of ours
        sys.stdout = None  # type: ignore[assignment]
        return 0
    finally:
        ctx.close()


def _run(ctx: AppContext, args: argparse.Namespace) -> int:
    if args.command == "init":
        row = office.setup_office(ctx, province_code=args.province)
        print(f"ตั้งค่าแล้ว: {row.name_th} (รหัส {row.code})")
    elif args.command == "demo":
        started = time.perf_counter()
        s = demo.generate_demo(ctx, people=args.people)
        print(
            f"สร้างข้อมูลตัวอย่างแล้ว: {s.people:,} คน, {s.villages:,} หมู่บ้าน, {s.subdistricts:,} ตำบล, "
            f"{s.districts} อำเภอ, {s.rounds} รุ่น, ลงทะเบียน {s.enrolments:,} รายการ "
            f"({time.perf_counter() - started:.1f} วินาที)"
        )
    elif args.command == "people":
        rows = people.search_people(ctx, args.search, limit=10**9) if args.search else people.list_people(ctx)
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(PEOPLE_HEADER)
        for r in rows:
            writer.writerow(
                [
                    r.national_id,
                    r.prefix,
                    r.first_name,
                    r.last_name,
                    r.position,
                    r.village_code,
                    r.village_name,
                    r.subdistrict,
                    r.district,
                    r.province,
                    r.phone,
                ]
            )
    elif args.command == "rounds":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(ROUNDS_HEADER)
        completed = completion.completed_counts(ctx)
        for r in sorted(rounds.list_rounds(ctx), key=lambda r: (r.fiscal_year, r.number)):
            writer.writerow(
                [
                    r.id,
                    r.fiscal_year,
                    r.number,
                    r.start_date.isoformat(),
                    r.end_date.isoformat(),
                    r.status,
                    r.capacity,
                    r.enrolled,
                    completed.get(r.id, 0),
                ]
            )
    elif args.command in ("import-roster", "import-batches", "undo-import"):
        return _roster_command(ctx, args)
    elif args.command == "print":
        return run_print(ctx, args)
    elif args.command == "checkin":
        return run_checkin(ctx, args)
    elif args.command in EXPORT_COMMANDS:
        return run_exports(ctx, args)
    elif args.command == "budget":
        return run_budget(ctx, args)
    elif args.command in SYNC_COMMANDS:
        return run_sync(ctx, args)
    elif args.command == "provinces":
        for p in office.reference_provinces():
            print(f"{p.code}\t{p.name_th}\t{p.name_en}")
    return 0


def _roster_command(ctx: AppContext, args: argparse.Namespace) -> int:
    from desktop.core.roster import apply as roster_apply
    from desktop.core.roster import plan as roster_plan
    from desktop.core.roster.header import remember_layout
    from desktop.core.roster.report import write_outcome_report

    if args.command == "import-batches":
        for b in roster_apply.list_batches(ctx):
            state = "ยกเลิกแล้ว" if b.undone else ""
            print(
                f"{b.id}\t{b.at:%Y-%m-%d %H:%M}\t{b.file_name}\tเพิ่มใหม่ {b.new}\tแก้ไข {b.updated}"
                f"\tไม่เปลี่ยนแปลง {b.unchanged}\tไม่รับ {b.rejected}\tข้าม {b.skipped}\t{state}".rstrip()
            )
        return 0
    if args.command == "undo-import":
        try:
            batch_id = uuid.UUID(args.batch_id)
        except ValueError:
            print(f"ข้อผิดพลาด: รหัสการนำเข้า {args.batch_id} ไม่ถูกต้อง", file=sys.stderr)
            return 1
        r = roster_apply.undo_batch(ctx, batch_id)
        print(f"ยกเลิกการนำเข้าแล้ว: ลบ {r.removed} คน คืนค่าเดิม {r.restored} คน ลบพื้นที่ {r.places_removed} แห่ง")
        for item in r.kept:
            print(f"  ไม่ได้คืนค่า (ถูกแก้ไขหลังการนำเข้า): {item}")
        return 0
    started = time.perf_counter()
    plan = roster_plan.preview_with_overrides(
        ctx, path=args.file, sheet=args.sheet, header_row=args.header_row, overrides=args.map
    )
    print(plan.summary_line())
    for row in plan.rejected:
        print(f"  ไม่รับ: {row.reason}")
    if args.report:
        write_outcome_report(plan, args.report)
        print(f"บันทึกผลการตรวจสอบแล้ว: {args.report}")
    if args.dry_run:
        print("ทดลองเท่านั้น (--dry-run): ยังไม่ได้บันทึกลงฐานข้อมูล")
        return 0
    result = roster_apply.apply_plan(ctx, plan)
    remember_layout(ctx, plan.layout)  # as the import page does when the officer confirms
    print(
        f"บันทึกแล้ว: เพิ่มใหม่ {result.created:,} แก้ไข {result.updated:,} สร้างพื้นที่ {result.places_created:,} แห่ง "
        f"({time.perf_counter() - started:.1f} วินาที) รหัสการนำเข้า {result.batch_id}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
