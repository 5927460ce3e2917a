"""Sync figures over loopback with a real krukhor-server process on 127.0.0.1.

Run: .venv/bin/python tests/bench/bench_sync.py [--skip-first] [--skip-offices] [--pg-only] [--offices 72]
Targets (issue 17): first sync of a province with 5,000 people, 50 rounds and 20,000 attendance events ≤ 5 s;
72 offices pushing 1,000 changes each at once: all applied exactly once, p95 push latency ≤ 5 s on PostgreSQL
with 2 server processes (KRUKHOR_TEST_PG_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/test);
SQLite too unless --pg-only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import create_engine, func, insert, select, text  # noqa: E402

from db.base import new_id, utcnow  # noqa: E402
from db.models import AttendanceMark, Enrolment, Person, RoundDay, TrainingRound  # noqa: E402
from db.rules.national_id import make_national_id  # noqa: E402
from db.sync import versions  # noqa: E402
from desktop.core import office  # noqa: E402
from desktop.core.context import AppContext  # noqa: E402
from desktop.core.demo import province as demo  # noqa: E402
from desktop.core.sync import client as sync_client  # noqa: E402
from tests.fixtures.server_process import ServerProcess  # noqa: E402

PG_URL = os.environ.get("KRUKHOR_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
HEADERS = {
    versions.PROTOCOL_HEADER: str(versions.PROTOCOL_VERSION),
    versions.SCHEMA_HEADER: str(versions.SCHEMA_VERSION),
}


def _province_data(ctx: AppContext, *, people: int, rounds: int, marks: int) -> dict[str, int]:
    """The demo province, topped up to the asked numbers of rounds and attendance events (Core inserts)."""
    demo.generate_demo(ctx, people=people)
    now = utcnow()
    base = {"office_code": "40", "created_at": now, "updated_at": now, "version": 1, "deleted": False}
    with ctx.transaction() as s:
        have = s.scalar(select(func.count()).select_from(TrainingRound))
        extra = []
        for i in range(rounds - have):
            start = date(2027, 1, 4) + timedelta(days=7 * i)
            extra.append(
                {
                    **base,
                    "id": new_id(),
                    "fiscal_year": 2570,
                    "number": 100 + i,
                    "title": f"รุ่นทดสอบ {i + 1}",
                    "start_date": start,
                    "end_date": start + timedelta(days=1),
                    "capacity": 150,
                    "status": "held",
                }
            )
        if extra:
            s.execute(insert(TrainingRound), extra)
            s.execute(
                insert(RoundDay),
                [
                    {
                        **base,
                        "id": new_id(),
                        "round_id": r["id"],
                        "day_no": d + 1,
                        "day_date": r["start_date"] + timedelta(days=d),
                    }
                    for r in extra
                    for d in range(2)
                ],
            )
        round_ids = list(s.scalars(select(TrainingRound.id)))
        enrolled = set(s.scalars(select(Enrolment.person_id)))
        free = [p for p in s.scalars(select(Person.id)) if p not in enrolled]
        need = marks // 4 - len(enrolled)
        new_enrol = [
            {
                **base,
                "id": new_id(),
                "round_id": round_ids[i % len(round_ids)],
                "person_id": pid,
                "status": "enrolled",
            }
            for i, pid in enumerate(free[: max(0, need)])
        ]
        if new_enrol:
            s.execute(insert(Enrolment), new_enrol)
        enrolments = s.execute(select(Enrolment.id, Enrolment.round_id)).all()
        rows = []
        for eid, rid in enrolments:
            for day in (1, 2):
                for half in ("am", "pm"):
                    if len(rows) < marks:
                        rows.append(
                            {
                                **base,
                                "id": new_id(),
                                "round_id": rid,
                                "enrolment_id": eid,
                                "day_no": day,
                                "half": half,
                                "present": True,
                                "source": "sheet",
                                "recorded_at": now,
                            }
                        )
        s.execute(insert(AttendanceMark), rows)
        return {
            "people": s.scalar(select(func.count()).select_from(Person)),
            "rounds": s.scalar(select(func.count()).select_from(TrainingRound)),
            "attendance": s.scalar(select(func.count()).select_from(AttendanceMark)),
        }


def first_sync(folder: Path, db_url: str, label: str) -> None:
    srv = ServerProcess(db_url)
    try:
        a = AppContext.open(folder / f"{label}_a.sqlite", user_name="bench", backup=False)
        office.setup_office(a, province_code="40")
        t = time.perf_counter()
        counts = _province_data(a, people=5000, rounds=50, marks=20000)
        print(f"[{label}] province made: {counts} ({time.perf_counter() - t:.1f} s)")
        sync_client.enrol(a, server=srv.base, code=srv.code("40"))
        t = time.perf_counter()
        up = sync_client.sync(a)
        print(
            f"[{label}] upload by the office: {up.pushed:,} changes in {time.perf_counter() - t:.1f} s "
            f"({up.pushed / (time.perf_counter() - t):,.0f}/s), failed {up.failed}"
        )
        b = AppContext.open(folder / f"{label}_b.sqlite", user_name="bench", backup=False)
        office.setup_office(b, province_code="40")
        sync_client.enrol(b, server=srv.base, code=srv.code("40"))
        t = time.perf_counter()
        down = sync_client.sync(b)
        took = time.perf_counter() - t
        with b.reading() as s:
            got = (
                s.scalar(select(func.count()).select_from(Person)),
                s.scalar(select(func.count()).select_from(AttendanceMark)),
            )
        ok = "OK" if took <= 5 else "OVER TARGET"
        print(
            f"[{label}] FIRST SYNC of a new PC: {down.pulled:,} rows in {took:.2f} s ({down.pulled / took:,.0f} rows/s); "
            f"people {got[0]:,}, attendance {got[1]:,}; problems {len(down.problems)}; target ≤ 5 s: {ok}"
        )
        a.close()
        b.close()
    finally:
        srv.stop()


def _person_change(office_code: str, i: int) -> dict:
    pid = uuid.uuid4()
    now = datetime.now(UTC).isoformat()
    return {
        "mutation_id": str(uuid.uuid4()),
        "table": "person",
        "row_id": str(pid),
        "fields": {
            "id": str(pid),
            "office_code": office_code,
            "created_at": now,
            "updated_at": now,
            "version": 1,
            "deleted": False,
            "server_seq": None,
            "national_id": make_national_id(f"1{office_code}{i:09d}"),
            "prefix": "นาย",
            "first_name": f"ทดสอบ{i}",
            "last_name": "โหลด",
            "name_original": "",
            "position": "",
            "village_id": None,
            "phone": "",
            "note": "",
        },
    }


def offices_at_once(db_url: str, label: str, *, offices: int, changes: int, batch: int, workers: int) -> None:
    srv = ServerProcess(db_url, workers=workers)
    try:
        import csv

        with (ROOT / "resources" / "reference" / "provinces.csv").open(encoding="utf-8") as fh:
            codes = [r["code"] for r in csv.DictReader(fh) if r["code"] != "10"][:offices]
        tokens = {}
        for code in codes:
            r = httpx.post(
                f"{srv.base}/api/v1/enrol",
                json={"code": srv.code(code), "device_name": f"bench-{code}"},
                headers=HEADERS,
            )
            tokens[code] = r.json()["token"]
        payloads = {code: [_person_change(code, i) for i in range(changes)] for code in codes}
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        start_gate = threading.Barrier(len(codes))

        def office_run(code: str) -> None:
            with httpx.Client(base_url=srv.base, timeout=300) as client:
                start_gate.wait()
                items = payloads[code]
                for k in range(0, len(items), batch):
                    t = time.perf_counter()
                    r = client.post(
                        "/api/v1/sync/push",
                        json={"changes": items[k : k + batch]},
                        headers={**HEADERS, "Authorization": f"Bearer {tokens[code]}"},
                    )
                    dt = time.perf_counter() - t
                    with lock:
                        latencies.append(dt)
                        if r.status_code != 200:
                            errors.append(f"{code}: {r.status_code} {r.text[:200]}")
                        else:
                            bad = [x for x in r.json()["results"] if x["status"] != "applied"]
                            if bad:
                                errors.append(f"{code}: {bad[0]}")

        threads = [threading.Thread(target=office_run, args=(c,)) for c in codes]
        t0 = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        total = time.perf_counter() - t0
        # Replay one office's first batch: nothing may be applied again.
        code = codes[0]
        r = httpx.post(
            f"{srv.base}/api/v1/sync/push",
            json={"changes": payloads[code][:batch]},
            headers={**HEADERS, "Authorization": f"Bearer {tokens[code]}"},
            timeout=120,
        )
        replayed = all(x["replayed"] for x in r.json()["results"])
        engine = create_engine(db_url)
        with engine.connect() as conn:
            rows = conn.scalar(text("SELECT count(*) FROM sync_row WHERE table_name = 'person'"))
            seqs = conn.scalar(text("SELECT count(DISTINCT seq) FROM sync_row"))
            all_rows = conn.scalar(text("SELECT count(*) FROM sync_row"))
            mutations = conn.scalar(text("SELECT count(*) FROM mutation"))
        engine.dispose()
        n = len(codes) * changes
        latencies.sort()
        p95 = latencies[int(0.95 * (len(latencies) - 1))]
        exact = rows == n and mutations == n and seqs == all_rows and not errors and replayed
        print(
            f"[{label}] {len(codes)} offices × {changes:,} changes (batches of {batch}, {workers} server process(es)): "
            f"{total:.1f} s, {n / total:,.0f} changes/s, push latency p50 {statistics.median(latencies):.2f} s "
            f"p95 {p95:.2f} s ({'OK' if p95 <= 5 else 'OVER TARGET'} ≤ 5 s) max {latencies[-1]:.2f} s; "
            f"rows {rows:,}, mutations {mutations:,}, "
            f"distinct seqs {seqs:,}/{all_rows:,}, replay applied nothing: {replayed}; "
            f"exactly once: {'OK' if exact else 'FAILED'}; errors {len(errors)}"
        )
        for e in errors[:5]:
            print("   ", e)
    finally:
        srv.stop()


def _pg_schema() -> tuple[str, callable] | None:
    try:
        engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        with engine.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as exc:
        print(f"[postgresql] skipped: {str(exc).splitlines()[0]}")
        return None

    def drop() -> None:
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()

    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}", drop


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-first", action="store_true")
    ap.add_argument("--skip-offices", action="store_true")
    ap.add_argument("--offices", type=int, default=72)
    ap.add_argument("--pg-only", action="store_true", help="offices at once on PostgreSQL only")
    ap.add_argument("--changes", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=200)
    ap.add_argument("--pg-workers", type=int, default=2)
    args = ap.parse_args()
    print(f"cores: {os.cpu_count()}, load average {os.getloadavg()[0]:.2f} at start")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if not args.skip_first:
            first_sync(folder, f"sqlite:///{folder / 'first.sqlite'}", "sqlite")
        if not args.skip_offices and not args.pg_only:
            offices_at_once(
                f"sqlite:///{folder / 'offices.sqlite'}",
                "sqlite",
                offices=args.offices,
                changes=args.changes,
                batch=args.batch,
                workers=1,
            )
        if not args.skip_offices:
            pg = _pg_schema()
            if pg is not None:
                url, drop = pg
                try:
                    offices_at_once(
                        url,
                        "postgresql",
                        offices=args.offices,
                        changes=args.changes,
                        batch=args.batch,
                        workers=args.pg_workers,
                    )
                finally:
                    drop()


if __name__ == "__main__":
    main()
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
