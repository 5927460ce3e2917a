"""krukhor-server: run the server (uvicorn) or administer its database."""

from __future__ import annotations

import argparse
import getpass
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path

from db.rules.staff_roles import ROLES as STAFF_ROLES
from server.config import DEFAULT_DATABASE_URL, Settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="krukhor-server", description="krukhor central sync server")
    parser.add_argument(
        "--database-url",
        default=None,
        help=f"SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db (env KRUKHOR_SERVER_DATABASE_URL; default {DEFAULT_DATABASE_URL})",
    )
    parser.add_argument(
        "--host", default=None, help="bind address (env KRUKHOR_SERVER_HOST; default 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=None, help="port (env KRUKHOR_SERVER_PORT; default 8700)")
    parser.add_argument("--workers", type=int, default=1, help="server processes (PostgreSQL only)")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("serve", help="run the server (the default)")
    sub.add_parser("migrate", help="only bring the schema up to date")
    admin = sub.add_parser("admin", help="accounts and devices").add_subparsers(
        dest="admin_command", required=True
    )
    p = admin.add_parser("create-office", help="create a provincial office")
    p.add_argument("--province", required=True)
    p.add_argument(
        "--target", type=int, default=None, help="ครู ข to train (default: the province's villages)"
    )
    p = admin.add_parser("create-user", help="create a user")
    p.add_argument("--username", required=True)
    p.add_argument(
        "--role",
        required=True,
        choices=["province_officer", "province_finance", "province_head", "central_staff", "admin"],
    )
    p.add_argument("--province", default=None)
    p.add_argument("--full-name", default="")
    p.add_argument("--password", default=None, help="(or env KRUKHOR_SERVER_NEW_PASSWORD; asked when absent)")
    p.add_argument(
        "--desktop-role",
        action="append",
        default=[],
        choices=list(STAFF_ROLES),
        help="also a staff account of the province's desktops with this role (repeat; e.g. admin for its first admin)",
    )
    p = admin.add_parser("enrol-code", help="a one-time code to enrol a desktop (printed on the last line)")
    p.add_argument("--province", required=True)
    p.add_argument("--hours", type=int, default=72)
    p = admin.add_parser("devices", help="list enrolled devices")
    p.add_argument("--province", default=None)
    p = admin.add_parser("revoke-device", help="stop a device from syncing")
    p.add_argument("device_id")
    p = admin.add_parser("allocate", help="publish a budget allocation to a province")
    p.add_argument("--province", required=True)
    p.add_argument("--fiscal-year", type=int, required=True, help="BE, e.g. 2570")
    p.add_argument("--amount", required=True, help="baht, e.g. 266063.16")
    p.add_argument("--ref-no", default="")
    p = admin.add_parser(
        "publish-rates", help="publish the rate table (CSV as resources/reference/rates.csv) to every office"
    )
    p.add_argument("file")
    p = admin.add_parser(
        "prune-mutations",
        help="forget mutation ids older than the longest offline period (docs/national-scale.md)",
    )
    p.add_argument(
        "--days", type=int, default=180, help="keep this many days (default 180, the rule's minimum)"
    )
    p = admin.add_parser(
        "merge-duplicates",
        help="one-time: merge rows an older server stored twice under one natural key (first created wins)",
    )
    p.add_argument("--office", default=None, help="only this office (two digits); default every office")
    p.add_argument("--dry-run", action="store_true", help="only list what would be merged")
    p = admin.add_parser(
        "import-registrations", help="import the ministry app's national registration export (CSV, streamed)"
    )
    p.add_argument("file")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
        sys.stderr.reconfigure(encoding="utf-8")
    args = build_parser().parse_args(argv)
    settings = Settings.from_env(database_url=args.database_url, host=args.host, port=args.port)
    if args.command in (None, "serve"):
        import uvicorn

        if args.workers > 1:
            import logging
            import os

            from server import workers

            os.environ["KRUKHOR_SERVER_DATABASE_URL"] = settings.database_url
            if workers.reuse_port_available():
                if not workers.port_free(settings.host, settings.port):
                    print(
                        f"พอร์ต {settings.port} ของ {settings.host} มีโปรแกรมอื่นใช้อยู่ "
                        f"/ port {settings.port} on {settings.host} is already in use",
                        file=sys.stderr,
                    )
                    return 1
                logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(message)s")
                return workers.Supervisor(host=settings.host, port=settings.port, workers=args.workers).run()
            # X-Forwarded-For is the app's business (trusted_proxies), not uvicorn's default trust of 127.0.0.1.
            uvicorn.run(
                workers.APP,
                host=settings.host,
                port=settings.port,
                workers=args.workers,
                proxy_headers=False,
            )
        else:
            from server.app import create_app

            uvicorn.run(create_app(settings), host=settings.host, port=settings.port, proxy_headers=False)
        return 0
    from server import admin
    from server.database import make_server_engine, make_sessions, migrate

    engine = make_server_engine(settings.database_url)
    try:
        migrate(engine)
        if args.command == "migrate":
            print("schema up to date")
            return 0
        return _admin(admin, make_sessions(engine), args)
    except admin.AdminError as exc:
        print(f"ข้อผิดพลาด: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()


def _admin(admin, sessions, args: argparse.Namespace) -> int:
    cmd = args.admin_command
    if cmd == "create-office":
        office = admin.create_office(sessions, province=args.province, target=args.target)
        print(f"สร้างสำนักงานแล้ว: {office.name_th} ({office.code})")
    elif cmd == "create-user":
        import os

        password = (
            args.password or os.environ.get("KRUKHOR_SERVER_NEW_PASSWORD") or getpass.getpass("รหัสผ่าน: ")
        )
        user = admin.create_user(
            sessions,
            username=args.username,
            password=password,
            role=args.role,
            province=args.province,
            full_name=args.full_name,
            desktop_roles=tuple(args.desktop_role),
        )
        print(
            f"สร้างผู้ใช้แล้ว: {user.username} ({user.role}{', ' + user.office_code if user.office_code else ''})"
        )
    elif cmd == "enrol-code":
        code = admin.enrol_code(sessions, province=args.province, hours=args.hours)
        print(f"รหัสลงทะเบียนเครื่องสำหรับจังหวัด {args.province} ใช้ได้ครั้งเดียว ภายใน {args.hours} ชั่วโมง:")
        print(code)
    elif cmd == "devices":
        for d in admin.list_devices(sessions, province=args.province):
            state = "เพิกถอนแล้ว" if d.revoked else "ใช้งาน"
            lane = f"เครื่องที่ {d.lane}" if d.lane else "-"
            print(f"{d.id}\t{d.office_code}\t{d.name}\t{lane}\t{d.created}\t{d.last_seen}\t{state}")
    elif cmd == "revoke-device":
        try:
            device_id = uuid.UUID(args.device_id)
        except ValueError:
            raise admin.AdminError(f"รหัสเครื่อง {args.device_id} ไม่ถูกต้อง / bad device id") from None
        admin.revoke_device(sessions, device_id=device_id)
        print(f"เพิกถอนเครื่อง {device_id} แล้ว")
    elif cmd == "allocate":
        row_id = admin.allocate(
            sessions,
            province=args.province,
            fiscal_year=args.fiscal_year,
            amount=args.amount,
            ref_no=args.ref_no,
        )
        print(f"จัดสรรงบประมาณให้จังหวัด {args.province} แล้ว ({row_id})")
    elif cmd == "publish-rates":
        try:
            text = Path(args.file).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise admin.AdminError(f"อ่านไฟล์ {args.file} ไม่ได้: {exc}") from None
        r = admin.publish_rates(sessions, text=text)
        print(f"เผยแพร่อัตราแล้ว: ใหม่ {r.new} แก้ไข {r.changed} ไม่เปลี่ยน {r.unchanged} (ทุกจังหวัดจะได้รับเมื่อซิงก์)")
    elif cmd == "prune-mutations":
        from server import pruning

        if args.days < pruning.MAX_OFFLINE_DAYS:
            raise admin.AdminError(
                f"ต้องเก็บอย่างน้อย {pruning.MAX_OFFLINE_DAYS} วัน / keep at least {pruning.MAX_OFFLINE_DAYS} days"
            )
        from db.base import utcnow

        with sessions.begin() as s:
            gone = pruning.prune(s, now=utcnow(), keep_days=args.days)
        print(f"ลบรหัสการเปลี่ยนแปลงที่เก่ากว่า {args.days} วันแล้ว {gone:,} รายการ")
    elif cmd == "merge-duplicates":
        from server import duplicates

        with sessions() as s:
            merged = duplicates.merge_duplicates(s, office=args.office)
            for m in merged:
                losers = ", ".join(str(x) for x in m.losers)
                print(
                    f"{m.office}\t{m.table}\t{m.key}\tคงไว้ {m.winner}\tรวมเข้า {losers}\tย้ายการอ้างอิง {m.repointed}"
                )
            if args.dry_run:
                s.rollback()
                print(f"ทดลอง: พบรายการซ้ำ {len(merged):,} กลุ่ม ยังไม่ได้รวม / dry run, nothing merged")
            else:
                s.commit()
                print(f"รวมรายการซ้ำแล้ว {len(merged):,} กลุ่ม (เครื่องในจังหวัดจะได้รับเมื่อซิงก์)")
    elif cmd == "import-registrations":
        from server import registrations

        report = registrations.import_file(sessions, args.file)
        for line in report.problems[:50]:
            print(line, file=sys.stderr)
        print(report.line())
        return 0 if report.stored or not report.problems else 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
