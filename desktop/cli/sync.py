"""`krukhor-cli` sync commands: enrol, sync, sync-status, sync-conflicts, sync-resolve, sync-failed, ..."""

from __future__ import annotations

import argparse
import sys
import time
import uuid

from db.rules.thai_time import format_be_datetime
from desktop.core.context import AppContext
from desktop.core.sync import client as sync_client

COMMANDS = (
    "enrol",
    "sync",
    "sync-status",
    "sync-conflicts",
    "sync-resolve",
    "sync-failed",
    "sync-retry",
    "sync-discard",
    "sync-aside",
)
EXIT_SERVER = 2  # the server could not be reached or refused


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "enrol", help="enrol this PC with the central server (one-time code from the administrator)"
    )
    p.add_argument("--server", required=True, help="e.g. https://krukhor.example.go.th")
    p.add_argument("--code", required=True)
    p.add_argument("--name", default="", help="a name for this PC (default: host and user)")
    p = sub.add_parser(
        "sync",
        help="send local changes and receive the province's (prints pushed, pulled, conflicts, failed)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    sub.add_parser("sync-status", help="enrolment, pending changes, last successful sync")
    sub.add_parser("sync-conflicts", help="fields changed here and elsewhere, to resolve")
    p = sub.add_parser("sync-resolve", help="resolve a conflict")
    p.add_argument("conflict_id")
    p.add_argument("--keep", required=True, choices=["mine", "theirs"])
    sub.add_parser("sync-failed", help="changes the server refused, with the reason")
    for name, what in (
        ("sync-retry", "send again"),
        ("sync-discard", "give up (the row goes back to the server's)"),
    ):
        p = sub.add_parser(name, help=f"failed changes: {what}")
        p.add_argument("ids", nargs="*", type=int)
        p.add_argument("--all", action="store_true")
    p = sub.add_parser("sync-aside", help="rows from the server this PC could not store, with the reason")
    p.add_argument("--retry", action="store_true", help="try to store them again")


def run(ctx: AppContext, args: argparse.Namespace) -> int:
    try:
        return _run_command(ctx, args)
    except sync_client.SyncError as exc:
        print(f"ซิงก์ไม่สำเร็จ: {exc.message}", file=sys.stderr)
        return EXIT_SERVER


def _run_command(ctx: AppContext, args: argparse.Namespace) -> int:
    cmd = args.command
    if cmd == "enrol":
        r = sync_client.enrol(ctx, server=args.server, code=args.code, device_name=args.name)
        print(f"ลงทะเบียนเครื่องแล้ว: จังหวัด {r.office_code} เซิร์ฟเวอร์ {r.server} (device {r.device_id})")
    elif cmd == "sync":
        started = time.perf_counter()
        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.perf_counter()
            if not args.quiet and (now - last[0] > 1 or done == total):
                last[0] = now
                print(f"  รับข้อมูล {done:,}/{total:,}", file=sys.stderr)

        report = sync_client.sync(ctx, progress=progress)
        print(report.line())
        print(
            f"pushed {report.pushed} pulled {report.pulled} conflicts {report.conflicts} failed {report.failed}"
        )
        for problem in report.problems[:50]:
            print(f"  ปัญหา: {problem}", file=sys.stderr)
        if report.warning:
            print(f"คำเตือน: {report.warning}", file=sys.stderr)
        if report.aside:  # kept aside, not lost: the sync itself is complete
            print(report.aside_line(), file=sys.stderr)
        if report.resynced:
            print(report.resync_line(), file=sys.stderr)
        print(f"({time.perf_counter() - started:.1f} วินาที)", file=sys.stderr)
        return 1 if report.failed else 0
    elif cmd == "sync-status":
        s = sync_client.status(ctx)
        print(f"ลงทะเบียน: {'ใช่ ' + s.server if s.enrolled else 'ยังไม่ได้ลงทะเบียน'}")
        print(f"รอส่ง: {s.pending:,}  ส่งไม่สำเร็จ: {s.failed:,}  ข้อขัดแย้ง: {s.conflicts:,}")
        print(f"ซิงก์สำเร็จล่าสุด: {format_be_datetime(s.last_ok)}" if s.last_ok else "ซิงก์สำเร็จล่าสุด: ยังไม่เคย")
        if s.last_error:
            print(f"ข้อผิดพลาดล่าสุด: {s.last_error}")
    elif cmd == "sync-conflicts":
        for c in sync_client.list_conflicts(ctx):
            print(
                f"{c.id}\t{c.label}\t{c.field}\tเครื่องนี้: {c.local_value!r} ({c.local_by} {c.local_at})"
                f"\tเซิร์ฟเวอร์: {c.server_value!r} ({c.server_by} {c.server_at})"
            )
    elif cmd == "sync-resolve":
        try:
            cid = uuid.UUID(args.conflict_id)
        except ValueError:
            print(f"ข้อผิดพลาด: รหัสข้อขัดแย้ง {args.conflict_id} ไม่ถูกต้อง", file=sys.stderr)
            return 1
        sync_client.resolve_conflict(ctx, cid, keep=args.keep)
        print("บันทึกการตัดสินแล้ว จะส่งไปในการซิงก์ครั้งถัดไป")
    elif cmd == "sync-failed":
        for f in sync_client.list_failed(ctx):
            print(f"{f.id}\t{f.label}\t{f.error}")
    elif cmd == "sync-aside":
        if args.retry:
            print(f"ยังบันทึกไม่ได้ {sync_client.retry_aside(ctx):,} รายการ")
        for a in sync_client.list_aside(ctx):
            print(f"{a.table}\t{a.row_id}\t{a.label}\t{a.reason}")
    elif cmd in ("sync-retry", "sync-discard"):
        ids = [f.id for f in sync_client.list_failed(ctx)] if args.all else args.ids
        fn = sync_client.retry_failed if cmd == "sync-retry" else sync_client.discard_failed
        print(f"{'ส่งใหม่' if cmd == 'sync-retry' else 'ยกเลิก'} {fn(ctx, ids)} รายการ")
    return 0
