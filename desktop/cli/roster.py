"""`krukhor-cli import-roster`, `import-batches`, `undo-import`: roster imports from the Ministry of Interior's lists."""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from pathlib import Path

from db.rules.thai_time import format_be_datetime
from desktop.core.context import AppContext

COMMANDS = ("import-roster", "import-batches", "undo-import")


def add_parsers(sub: argparse._SubParsersAction) -> None:
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


def run(ctx: AppContext, args: argparse.Namespace) -> int:
    from desktop.core.roster import apply as roster_apply
    from desktop.core.roster import plan as roster_plan
    from desktop.core.roster.header import remember_layout
    from desktop.core.roster.report import write_outcome_report

    if args.command == "import-batches":
        for b in roster_apply.list_batches(ctx):
            state = "ยกเลิกแล้ว" if b.undone else ""
            print(
                f"{b.id}\t{format_be_datetime(b.at)}\t{b.user_name}\t{b.file_name}\tเพิ่มใหม่ {b.new}\tแก้ไข {b.updated}"
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
        write_outcome_report(ctx, plan=plan, path=args.report)
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
