"""Benchmark (issue 22): the central office at national scale on PostgreSQL.

Run: .venv/bin/python tests/bench/bench_national_scale.py --provinces 76 --people-per-province 1000 \
        --registrations 9000000 --db-url postgresql+psycopg://postgres@127.0.0.1:5432/test

In a schema of its own (dropped at the end unless --keep): every province's synced rows (districts, one
village per ครู ข, people, 20 rounds, an enrolment per person, expense and payment lines, an allocation) by
COPY; the registrations as typed records by one INSERT … SELECT over generate_series, then the per-ครู ข
tallies; a sample of the ministry's national export through the real import (`import_file`); and the realistic
share through the real push endpoint: every office pushes 1,000 new single registrations of its ครู ข (all
offices at once, 2 server worker processes). Prints national figures cold/warm, the dashboard page,
the national workbook, one office's first pull, the push latencies, database size and server memory; the last
line is ``national figures: <seconds> s at <N> registrations``. The machine may be shared: give `uptime` too.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "bench"))

from bench_sync import HEADERS, ServerProcess  # noqa: E402

from db.rules.national_id import make_national_id  # noqa: E402

FY = 2569
ROUNDS = 20
STATUSES = ("planned", "open", "held", "closed")


def _nid(code: str, i: int) -> str:
    return make_national_id(f"3{code}{i:09d}")


def _province_rows(code: str, people: int, seq: list[int]):
    """(table, row_id, data) of one province, as the sync stores them."""
    now = datetime.now(UTC).isoformat()

    def row(table: str, data: dict) -> tuple[str, str, dict]:
        rid = str(uuid.uuid4())
        seq[0] += 1
        full = {
            "id": rid,
            "office_code": code,
            "created_at": now,
            "updated_at": now,
            "version": 1,
            "deleted": False,
            "server_seq": seq[0],
            **data,
        }
        return table, rid, full

    districts = [f"{code}{d:02d}" for d in range(1, 11)]
    out = [row("district", {"code": d, "name_th": f"อำเภอที่ {d}"}) for d in districts]
    villages = []
    for i in range(people):
        r = row(
            "village", {"code": f"{districts[i % 10]}{i // 10:04d}", "moo": i % 20 + 1, "name_th": f"บ้าน {i}"}
        )
        villages.append(r[1])
        out.append(r)
    rounds = []
    for n in range(ROUNDS):
        r = row("training_round", {"fiscal_year": FY, "number": n + 1, "status": STATUSES[n % 4]})
        rounds.append(r[1])
        out.append(r)
    persons = []
    for i in range(people):
        p = row(
            "person",
            {
                "village_id": villages[i],
                "national_id": _nid(code, i),
                "prefix": "นาย",
                "first_name": f"ครู{i}",
                "last_name": "ทดสอบ",
            },
        )
        persons.append(p[1])
        out.append(p)
        out.append(
            row(
                "enrolment",
                {
                    "round_id": rounds[i % ROUNDS],
                    "person_id": p[1],
                    "status": "enrolled",
                    "completed": i % 5 != 0,
                },
            )
        )
    for n, rid in enumerate(rounds):
        for cat in ("meal", "venue", "lecturer"):
            out.append(
                row(
                    "expense_line",
                    {"round_id": rid, "kind": "plan", "category": cat, "amount_satang": 150_000 + n},
                )
            )
            out.append(
                row(
                    "expense_line",
                    {"round_id": rid, "kind": "actual", "category": cat, "amount_satang": 140_000},
                )
            )
            out.append(row("payment_line", {"round_id": rid, "category": cat, "amount_satang": 139_999}))
    out.append(row("budget_allocation", {"fiscal_year": FY, "amount_satang": 26_606_316}))
    return out, persons


def build(engine, *, provinces: list[str], people: int, registrations: int) -> dict[str, list[str]]:
    from server import aggregates

    seq = [0]
    persons: dict[str, list[str]] = {}
    raw = engine.raw_connection()
    try:
        cur = raw.driver_connection.cursor()
        t0 = time.perf_counter()
        with cur.copy(
            "COPY sync_row (table_name, row_id, office_code, version, seq, deleted, data, updated_at, updated_by)"
            " FROM STDIN"
        ) as cp:
            now = datetime.now(UTC)
            for code in provinces:
                rows, persons[code] = _province_rows(code, people, seq)
                for table, rid, data in rows:
                    cp.write_row(
                        (table, rid, code, 1, data["server_seq"], False, json.dumps(data), now, "bench")
                    )
        # The change numbers go on after these (server.store).
        cur.execute("SELECT setval('sync_seq', %s)", (seq[0],))
        cur.executemany(
            "INSERT INTO office (code, name_th, created_at) VALUES (%s, %s, now())",
            [(c, "") for c in provinces],
        )
        raw.commit()
        print(f"  synced rows by COPY: {seq[0]:,} rows in {time.perf_counter() - t0:.1f} s", flush=True)

        # The registrations: w:<worker> records spread over every province's ครู ข, built in the database.
        t0 = time.perf_counter()
        cur.execute("CREATE TEMP TABLE kru (o int, p int, office text, nid text)")
        with cur.copy("COPY kru FROM STDIN") as cp:
            for o, code in enumerate(provinces):
                for p in range(people):
                    cp.write_row((o, p, code, _nid(code, p)))
        cur.execute("ALTER TABLE registration_record DROP CONSTRAINT pk_registration_record")
        cur.execute(
            """
            INSERT INTO registration_record (office_code, source_key, national_id, count, origin)
            SELECT k.office, 'w:' || lpad(g::text, 13, '0'), k.nid, 1, 'import'
            FROM generate_series(0, %s - 1) AS g
            JOIN kru k ON k.o = (g %% %s) AND k.p = ((g / %s) %% %s)
            """,
            (registrations, len(provinces), len(provinces), people),
        )
        cur.execute(
            "ALTER TABLE registration_record ADD CONSTRAINT pk_registration_record PRIMARY KEY (office_code, source_key)"
        )
        raw.commit()
        print(f"  {registrations:,} registration records in {time.perf_counter() - t0:.1f} s", flush=True)
    finally:
        raw.close()
    t0 = time.perf_counter()
    with engine.begin() as conn:
        aggregates.rebuild(conn)  # activity rows (and sync records: none yet); keeps the import's records
        conn.execute(text("ANALYZE"))
    print(f"  tallies and activity rebuilt, ANALYZE: {time.perf_counter() - t0:.1f} s", flush=True)
    return persons


def _registration_change(code: str, i: int, person_id: str, worker: str) -> dict:
    rid = str(uuid.uuid4())
    now = datetime.now(UTC).isoformat()
    nid = _nid(code, i)
    return {
        "mutation_id": str(uuid.uuid4()),
        "table": "registration",
        "row_id": rid,
        "fields": {
            "id": rid,
            "office_code": code,
            "created_at": now,
            "updated_at": now,
            "version": 1,
            "deleted": False,
            "server_seq": None,
            "national_id": nid,
            "person_id": person_id,
            "kind": "single",
            "count": 1,
            "registered_on": "2026-03-01",
            "source_key": f"w:{worker}",
            "source_file": "bench",
            "batch_id": None,
        },
    }


def _rss_mb(pid: int) -> tuple[float, float]:
    """(largest process, sum) of the server's processes' resident memory, in MB."""
    out = subprocess.run(["ps", "-o", "pid=,ppid=,rss="], capture_output=True, text=True, check=True).stdout
    procs = {int(a): (int(b), int(c)) for a, b, c in (line.split() for line in out.splitlines())}
    mine = [p for p, (pp, _r) in procs.items() if p == pid or pp == pid]
    mine += [p for p, (pp, _r) in procs.items() if pp in mine and p not in mine]
    rss = [procs[p][1] / 1024 for p in set(mine)]
    return max(rss), sum(rss)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--provinces", type=int, default=76)
    ap.add_argument("--people-per-province", type=int, default=1000)
    ap.add_argument("--registrations", type=int, default=9_000_000)
    ap.add_argument(
        "--db-url",
        default=os.environ.get("KRUKHOR_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
    )
    ap.add_argument("--changes", type=int, default=1000, help="changes each office pushes at once")
    ap.add_argument("--batch", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--import-sample", type=int, default=100_000, help="export lines through the real import")
    ap.add_argument("--keep", action="store_true", help="keep the schema")
    args = ap.parse_args()
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}", flush=True)

    admin_engine = create_engine(args.db_url)
    schema = f"bench_national_{uuid.uuid4().hex[:8]}"
    with admin_engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in args.db_url else "?"
    url = f"{args.db_url}{sep}options=-csearch_path%3D{schema}"
    last = ""
    try:
        last = _run(args, url, schema)
    finally:
        if not args.keep:
            with admin_engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            print(f"schema {schema} dropped")
        admin_engine.dispose()
    print(last)


def _run(args: argparse.Namespace, url: str, schema: str) -> str:
    from server import admin, national, registrations
    from server.database import make_server_engine, make_sessions, migrate

    with (ROOT / "resources" / "reference" / "provinces.csv").open(encoding="utf-8") as fh:
        codes = [r["code"] for r in csv.DictReader(fh)][: args.provinces]
    engine = make_server_engine(url)
    migrate(engine)
    sessions = make_sessions(engine)
    people = args.people_per_province
    t_build = time.perf_counter()
    print(
        f"building {len(codes)} provinces × {people:,} ครู ข, {args.registrations:,} registrations", flush=True
    )
    persons = build(engine, provinces=codes, people=people, registrations=args.registrations)

    # A sample of the national export through the real, streamed, idempotent import.
    tmp = Path(tempfile.mkdtemp(prefix="bench-national-scale-"))
    sample = tmp / "export.csv"
    with sample.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["รหัสจังหวัด", "เลขประจำตัวประชาชนครู ข", "เลขประจำตัวประชาชนผู้ลงทะเบียน"])
        for n in range(args.import_sample):
            code = codes[n % len(codes)]
            w.writerow([code, _nid(code, (n // len(codes)) % people), make_national_id(f"5{n:011d}")])
    t0 = time.perf_counter()
    report = registrations.import_file(sessions, sample)
    took = time.perf_counter() - t0
    print(
        f"  import-registrations of {args.import_sample:,} export lines: {took:.1f} s "
        f"({args.import_sample / took:,.0f} lines/s; stored {report.stored:,}, refused {report.rejected:,})",
        flush=True,
    )
    t0 = time.perf_counter()
    again = registrations.import_file(sessions, sample)
    print(
        f"  the same file again (idempotent): {time.perf_counter() - t0:.1f} s, stored {again.stored:,}",
        flush=True,
    )
    print(f"built in {time.perf_counter() - t_build:.1f} s", flush=True)

    def forget() -> None:
        """Nothing computed before: the figures kept for every worker go too (a truly cold start)."""
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM stored_figures"))

    def figures(label: str, cache: dict) -> float:
        if not cache:
            forget()
        t0 = time.perf_counter()
        with sessions() as s:
            rows = national.collect(s, fiscal_year=FY, cache=cache)
        took = time.perf_counter() - t0
        regs = sum(r.summary.registrations for r in rows)
        print(
            f"national figures, {label}: {took:.2f} s ({len(rows)} provinces, {regs:,} registrations)",
            flush=True,
        )
        return took

    cache: dict = {}
    figures("cold (nothing computed before)", cache)
    figures("warm (nothing changed)", cache)

    srv = ServerProcess(url, workers=args.workers)
    try:
        admin.create_user(
            sessions, username="bench", password="bench pass 123", role="central_staff", province=None
        )
        with httpx.Client(base_url=srv.base, timeout=300) as web:
            page = web.get("/dashboard/login").text
            csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
            r = web.post(
                "/dashboard/login", data={"username": "bench", "password": "bench pass 123", "csrf": csrf}
            )
            assert r.status_code in (200, 303), r.status_code
            forget()
            times = []
            for _ in range(8):
                t0 = time.perf_counter()
                r = web.get("/dashboard", params={"fy": FY})
                times.append(time.perf_counter() - t0)
                assert r.status_code == 200 and 'id="provinces"' in r.text, r.status_code
            print(
                f"dashboard page: first {times[0]:.2f} s (nothing computed yet), second {times[1]:.2f} s, then median "
                f"{statistics.median(times[2:]):.2f} s max {max(times[2:]):.2f} s, {len(r.content):,} bytes",
                flush=True,
            )
            t0 = time.perf_counter()
            r = web.get("/dashboard/province/" + codes[0], params={"fy": FY})
            print(f"province drill-down page: {time.perf_counter() - t0:.2f} s", flush=True)
            t0 = time.perf_counter()
            r = web.get("/central/national.xlsx", params={"fy": FY})
            assert r.status_code == 200
            print(
                f"national workbook download: {time.perf_counter() - t0:.2f} s, {len(r.content):,} bytes",
                flush=True,
            )

        # One office's first pull (a new PC of the first province).
        tok = httpx.post(
            f"{srv.base}/api/v1/enrol",
            json={"code": srv.code(codes[0]), "device_name": "first-pull"},
            headers=HEADERS,
        ).json()["token"]
        t0 = time.perf_counter()
        cursor, pulled, pages = 0, 0, 0
        with httpx.Client(base_url=srv.base, timeout=300) as http:
            while True:
                r = http.get(
                    "/api/v1/sync/pull",
                    params={"cursor": cursor, "limit": 2000},
                    headers={**HEADERS, "Authorization": f"Bearer {tok}"},
                )
                body = r.json()
                pulled += len(body["changes"])
                pages += 1
                cursor = body["next_cursor"]
                if not body["has_more"]:
                    break
        print(
            f"one office's first pull: {pulled:,} rows in {pages} pages, {time.perf_counter() - t0:.2f} s",
            flush=True,
        )

        # Every office pushes 1,000 new single registrations (w: keys of new workers) at once.
        tokens = {}
        for code in codes:
            tokens[code] = httpx.post(
                f"{srv.base}/api/v1/enrol",
                json={"code": srv.code(code), "device_name": f"bench-{code}"},
                headers=HEADERS,
            ).json()["token"]
        n_changes = min(args.changes, people)
        payloads = {
            code: [
                _registration_change(code, i, persons[code][i], make_national_id(f"7{o:03d}{i:08d}"))
                for i in range(n_changes)
            ]
            for o, code in enumerate(codes)
        }
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        gate = threading.Barrier(len(codes))

        def office_run(code: str) -> None:
            with httpx.Client(base_url=srv.base, timeout=600) as client:
                gate.wait()
                items = payloads[code]
                for k in range(0, len(items), args.batch):
                    t = time.perf_counter()
                    r = client.post(
                        "/api/v1/sync/push",
                        json={"changes": items[k : k + args.batch]},
                        headers={**HEADERS, "Authorization": f"Bearer {tokens[code]}"},
                    )
                    dt = time.perf_counter() - t
                    with lock:
                        latencies.append(dt)
                        if r.status_code != 200:
                            errors.append(f"{code}: {r.status_code} {r.text[:200]}")
                        elif bad := [x for x in r.json()["results"] if x["status"] != "applied"]:
                            errors.append(f"{code}: {bad[0]}")

        peak = [0.0, 0.0]
        done = threading.Event()

        def sample_memory() -> None:
            while not done.is_set():
                big, total = _rss_mb(srv.proc.pid)
                peak[0], peak[1] = max(peak[0], big), max(peak[1], total)
                time.sleep(0.5)

        sampler = threading.Thread(target=sample_memory, daemon=True)
        sampler.start()
        threads = [threading.Thread(target=office_run, args=(c,)) for c in codes]
        t0 = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        total = time.perf_counter() - t0
        code = codes[0]
        r = httpx.post(
            f"{srv.base}/api/v1/sync/push",
            json={"changes": payloads[code][: args.batch]},
            headers={**HEADERS, "Authorization": f"Bearer {tokens[code]}"},
            timeout=300,
        )
        replayed = all(x["replayed"] for x in r.json()["results"])
        with engine.connect() as conn:
            rows = conn.scalar(text("SELECT count(*) FROM sync_row WHERE table_name = 'registration'"))
            mutations = conn.scalar(text("SELECT count(*) FROM mutation"))
            seqs = conn.scalar(text("SELECT count(DISTINCT seq) FROM sync_row"))
            all_rows = conn.scalar(text("SELECT count(*) FROM sync_row"))
        n = len(codes) * n_changes
        latencies.sort()
        p95 = latencies[int(0.95 * (len(latencies) - 1))]
        exact = rows == n and mutations == n and seqs == all_rows and not errors and replayed
        print(
            f"{len(codes)} offices × {n_changes:,} changes at once (batches of {args.batch}, {args.workers} workers): "
            f"{total:.1f} s, push p50 {statistics.median(latencies):.2f} s p95 {p95:.2f} s max {latencies[-1]:.2f} s; "
            f"exactly once: {'OK' if exact else 'FAILED'} (rows {rows:,}, mutations {mutations:,}, replay "
            f"applied nothing: {replayed}); errors {len(errors)}",
            flush=True,
        )
        for e in errors[:5]:
            print("   ", e)
        # The dashboard once more, after every office changed.
        with httpx.Client(base_url=srv.base, timeout=300) as web:
            page = web.get("/dashboard/login").text
            csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
            web.post(
                "/dashboard/login", data={"username": "bench", "password": "bench pass 123", "csrf": csrf}
            )
            t0 = time.perf_counter()
            web.get("/dashboard", params={"fy": FY})
            print(
                f"dashboard page after {len(codes)} offices changed (recomputed): {time.perf_counter() - t0:.2f} s",
                flush=True,
            )
        done.set()
        big, total_rss = _rss_mb(srv.proc.pid)
        print(
            f"server memory: largest process {max(peak[0], big):.0f} MB, all {max(peak[1], total_rss):.0f} MB "
            f"({args.workers} workers and their parent)",
            flush=True,
        )
    finally:
        srv.stop()
    with engine.connect() as conn:
        size = conn.scalar(
            text(
                "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = :s AND c.relkind IN ('r', 'm')"
            ),
            {"s": schema},
        )
        biggest = conn.execute(
            text(
                "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n "
                "ON n.oid = c.relnamespace WHERE n.nspname = :s AND c.relkind = 'r' ORDER BY 2 DESC LIMIT 4"
            ),
            {"s": schema},
        ).all()
    print(
        f"database size: {size / 2**30:.2f} GiB ("
        + ", ".join(f"{name} {b / 2**20:,.0f} MiB" for name, b in biggest)
        + ")"
    )
    cache = {}
    cold = figures("cold, after the pushes", cache)
    with sessions() as s:
        n_regs = sum(r.summary.registrations for r in national.collect(s, fiscal_year=FY, cache=cache))
    engine.dispose()
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    return f"national figures: {cold:.2f} s at {n_regs:,} registrations"


if __name__ == "__main__":
    main()
