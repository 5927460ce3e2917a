"""Benchmark (issue 7, item 7): the national workbook for 76 provinces, from synced rows and uploaded files.

Run: .venv/bin/python tests/bench/bench_national.py [--people 2000] [--uploaded 10] [--db-url URL]
Fills a throw-away server database (SQLite by default) with 76 offices: every province has synced rows (its
districts, villages, people, 20 rounds of the fiscal year, one enrolment per person, registrations, expense and
payment lines, an allocation) of the given size, and the first --uploaded of them also an uploaded workbook
summary. Then times building the national workbook in-process and the GET over HTTP (the app in-process), each
cold (every synced province computed) and warm (figures reused: nothing changed), and prints the peak
memory of this process. The machine may be loaded: other work on it slows every figure.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

FY = 2570
ROUNDS = 20
STATUSES = ("planned", "open", "held", "closed")


def _rows(code: str, people: int) -> list[dict]:
    """The sync_row values of one province (data shaped as the sync stores it)."""
    now = datetime.now(UTC)
    out: list[dict] = []

    def add(table: str, data: dict) -> None:
        rid = uuid.uuid4()
        out.append(
            {
                "table_name": table,
                "row_id": rid,
                "office_code": code,
                "version": 1,
                "seq": 0,
                "deleted": False,
                "data": {"id": str(rid), "office_code": code, "deleted": False, **data},
                "updated_at": now,
                "updated_by": "bench",
            }
        )
        return str(rid)

    districts = [f"{code}{d:02d}" for d in range(1, 11)]
    for d in districts:
        add("district", {"code": d, "name_th": f"อำเภอ {d}"})
    villages = [
        add("village", {"code": f"{districts[i % 10]}{i:04d}"[:8], "moo": i % 20 + 1}) for i in range(people)
    ]
    rounds = [
        add("training_round", {"fiscal_year": FY, "number": n + 1, "status": STATUSES[n % 4]})
        for n in range(ROUNDS)
    ]
    for i in range(people):
        pid = add("person", {"village_id": villages[i], "national_id": f"{i:013d}"})
        add(
            "enrolment",
            {"round_id": rounds[i % ROUNDS], "person_id": pid, "status": "enrolled", "completed": i % 5 != 0},
        )
        if i % 2:
            add("registration", {"person_id": pid, "count": 3})
    for n, rid in enumerate(rounds):
        for cat in ("lunch", "snack", "lecturer_fee"):
            add(
                "expense_line",
                {"round_id": rid, "kind": "plan", "category": cat, "amount_satang": 150_000 + n},
            )
            add(
                "expense_line", {"round_id": rid, "kind": "actual", "category": cat, "amount_satang": 140_000}
            )
            add("payment_line", {"round_id": rid, "category": cat, "amount_satang": 139_999})
    add("budget_allocation", {"fiscal_year": FY, "amount_satang": 26_606_316})
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=2000, help="people (and villages) per province")
    parser.add_argument("--uploaded", type=int, default=10, help="provinces that also uploaded a workbook")
    parser.add_argument("--db-url", default="")
    args = parser.parse_args()

    from sqlalchemy import insert

    from db.exchange.national import empty
    from server import admin, national
    from server.app import create_app
    from server.config import Settings
    from server.models import ProvinceWorkbook, SyncRow

    tmp = Path(tempfile.mkdtemp(prefix="bench-national-"))
    url = args.db_url or f"sqlite:///{tmp / 'server.sqlite'}"
    app = create_app(Settings(database_url=url))
    sessions = app.state.sessions
    codes = sorted(admin.province_names())[:76]
    started = time.perf_counter()
    for code in codes:
        admin.create_office(sessions, province=code)
        rows = _rows(code, args.people)
        with sessions.begin() as s:
            s.execute(insert(SyncRow), rows)
    for code in codes[: args.uploaded]:
        with sessions.begin() as s:
            summary = empty(code, "", FY).to_json() | {"target": 1000, "trained_to_date": 500}
            s.add(
                ProvinceWorkbook(
                    office_code=code,
                    fiscal_year=FY,
                    file_name=f"{code}.xlsx",
                    file_sha256="0" * 64,
                    file_size=1,
                    content=b"x",
                    generated_at=datetime.now(UTC) + timedelta(hours=1),
                    uploaded_by="bench",
                    summary=summary,
                )
            )
    print(
        f"filled {len(codes)} provinces × {args.people:,} people in {time.perf_counter() - started:.1f} s ({url})"
    )

    out = tmp / "national.xlsx"
    cache: dict = {}
    for label in ("cold: every synced province computed", "warm: nothing changed, figures reused"):
        t0 = time.perf_counter()
        with sessions() as s:
            n = national.build_national(s, fiscal_year=FY, out_path=out, cache=cache)
        print(f"build national workbook in-process, {label}: {time.perf_counter() - t0:.2f} s, {n} provinces")

    import base64
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    admin.create_user(
        sessions, username="bench", password="bench pass 123", role="central_staff", province=None
    )
    basic = {"Authorization": "Basic " + base64.b64encode(b"bench:bench pass 123").decode()}
    with TestClient(app) as http:
        for label in ("cold", "warm"):
            t0 = time.perf_counter()
            r = http.get("/central/national.xlsx", params={"fy": FY}, headers=basic)
            took = time.perf_counter() - t0
            assert r.status_code == 200, r.text
            print(
                f"GET /central/national.xlsx, {label}: {took:.2f} s (incl. one password check), {len(r.content):,} bytes"
            )
    print(f"peak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print("(the machine may be loaded by other work; re-measure on an idle machine)")
    app.state.engine.dispose()


if __name__ == "__main__":
    main()
