"""Benchmark (issue 14): budget report for 100 rounds / 100,000 payment lines ≤ 0.3 s; vouchers for 1,000
payees ≤ 3 s; pay list of 1,000 ≤ 1 s.

Run: .venv/bin/python tests/bench/bench_budget.py [--rounds 100] [--lines 100000] [--payees 1000]
Builds a throw-away database with bulk inserts (the big round's lines carry voucher numbers and its payees
addresses, as real payments do), then times the report (report core, CSV command, PDF) and the payment list
and vouchers of one round with N payees.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
import time
from contextlib import redirect_stdout
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import insert

from db.base import new_id, utcnow
from db.models import DocumentNumber, ExpenseLine, PaymentLine, Person, TrainingRound
from desktop.core import office
from desktop.core.budget import allocations, report
from desktop.core.budget.rules import CATEGORY_LABELS
from desktop.core.context import AppContext

START = date(2026, 10, 6)  # FY2570


def _common() -> dict:
    now = utcnow()
    return {"office_code": "40", "created_at": now, "updated_at": now, "version": 1, "deleted": False}


def build(ctx: AppContext, *, n_rounds: int, n_lines: int, payees: int) -> object:
    rng = random.Random(5)
    rounds = [
        {
            **_common(),
            "id": new_id(),
            "fiscal_year": 2570,
            "number": i + 1,
            "title": f"รุ่นทดสอบ {i + 1}",
            "start_date": START + timedelta(days=i),
            "end_date": START + timedelta(days=i),
            "venue": "ห้องประชุม",
            "venue_type": "government",
            "training_type": "outsider",
            "capacity": 1000,
            "status": "closed",
            "organiser": "",
            "completion_rule": "all_halves",
            "note": "",
        }
        for i in range(n_rounds)
    ]
    persons = [
        {
            **_common(),
            "id": new_id(),
            "national_id": f"{1100000000000 + i:013d}",
            "prefix": "นาย",
            "first_name": f"ทดสอบ{i}",
            "last_name": "ความเร็ว",
            "name_original": "",
            "position": "ผู้ใหญ่บ้าน",
            "village_id": None,
            "phone": "",
            "note": "",
            "house_no": f"{i % 300 + 1}/{i % 7 + 1}",
            "address_moo": str(i % 12 + 1),
            "address_subdistrict": "บ้านเป็ด",
            "address_district": "เมืองขอนแก่น",
            "address_province": "ขอนแก่น",
        }
        for i in range(payees)
    ]
    cats = list(CATEGORY_LABELS)
    expenses = [
        {
            **_common(),
            "id": new_id(),
            "round_id": r["id"],
            "kind": kind,
            "category": c,
            "description": "",
            "quantity": Decimal(1),
            "unit_price_satang": 0,
            "amount_satang": rng.randrange(10**4, 10**7),
            "rate_id": None,
            "status": "draft",
            "override_reason": "",
            "approved_by": "",
        }
        for r in rounds
        for c in cats
        for kind in ("plan", "actual")
    ]
    big = rounds[0]
    lines = []
    for i in range(n_lines):
        r = big if i < payees else rounds[1 + i % (n_rounds - 1)]
        person = persons[i % payees]
        lines.append(
            {
                **_common(),
                "id": new_id(),
                "round_id": r["id"],
                "expense_line_id": None,
                "category": "transport" if i < payees else rng.choice(("transport", "lecturer")),
                "payee_kind": "person",
                "person_id": person["id"],
                "lecturer_id": None,
                "payee_name": f"{person['prefix']}{person['first_name']} {person['last_name']}",
                "rate_satang": 20_000,
                "units": Decimal(2),
                "amount_satang": 40_000,
                "reverses_id": None,
                "paid_on": r["end_date"],
                "note": "",
                "override_reason": "",
                "override_by": "",
            }
        )
    numbers = [
        {
            **_common(),
            "id": new_id(),
            "series": "voucher",
            "fiscal_year": 2570,
            "device_id": ctx.device_id,
            "device_no": 1,
            "seq": n,
            "label": f"{n:04d}/2570",
            "entity_table": "payment_line",
            "entity_id": line["id"],
            "issued_at": line["created_at"],
            "issued_by": "bench",
        }
        for n, line in enumerate(lines[:payees], start=1)
    ]
    with ctx.transaction() as session:
        session.execute(insert(DocumentNumber), numbers)
        session.execute(insert(TrainingRound), rounds)
        session.execute(insert(Person), persons)
        session.execute(insert(ExpenseLine), expenses)
        for k in range(0, len(lines), 20_000):
            session.execute(insert(PaymentLine), lines[k : k + 20_000])
    allocations.create_allocation(
        ctx, allocations.AllocationInput(fiscal_year=2570, amount_satang=10**11, ref_no="รง 0216/ว 1")
    )
    return big["id"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=100)
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--payees", type=int, default=1000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ctx = AppContext.open(Path(tmp) / "bench.sqlite", user_name="bench", backup=False)
        office.setup_office(ctx, province_code="40")
        started = time.perf_counter()
        big = build(ctx, n_rounds=args.rounds, n_lines=args.lines, payees=args.payees)
        print(
            f"built {args.rounds} rounds, {args.lines:,} payment lines: {time.perf_counter() - started:.1f} s"
        )
        for label in ("first", "again"):
            started = time.perf_counter()
            rep = report.budget_report(ctx, fiscal_year=2570)
            took = time.perf_counter() - started
            print(
                f"budget report ({label}): {took:.3f} s (target ≤ 0.3 s)  "
                f"[{len(rep.rounds)} rounds, spent {rep.totals.spent:,} satang]"
            )
        from desktop.cli import main as cli

        started = time.perf_counter()
        with redirect_stdout(io.StringIO()):
            cli(
                [
                    "--db",
                    str(Path(tmp) / "bench.sqlite"),
                    "budget",
                    "--format",
                    "csv",
                    "--fiscal-year",
                    "2570",
                ]
            )
        print(
            f"krukhor-cli budget --format csv (incl. opening the database): {time.perf_counter() - started:.3f} s"
        )
        from desktop.reports import thai_text
        from desktop.reports.budget_report import write_budget_report
        from desktop.reports.paylist import write_paylist
        from desktop.reports.vouchers import write_vouchers

        thai_text.register_fonts()
        thai_text.tokenize("ผู้ใหญ่บ้าน")  # the dictionary load is a one-off, measured by bench_pdf.py
        started = time.perf_counter()
        write_budget_report(ctx, out_path=Path(tmp) / "report.pdf", fiscal_year=2570)
        print(f"budget report PDF: {time.perf_counter() - started:.3f} s")
        started, cpu = time.perf_counter(), time.process_time()
        res = write_paylist(ctx, round_id=big, out_path=Path(tmp) / "paylist.pdf", category="transport")
        took, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"pay list PDF, {res.rows:,} payees: {took:.3f} s, CPU {cpu:.3f} s (target ≤ 1 s) ({res.pages} pages)"
        )
        started, cpu = time.perf_counter(), time.process_time()
        v = write_vouchers(ctx, round_id=big, out_path=Path(tmp) / "vouchers.pdf", category="transport")
        took, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"vouchers PDF, {v.vouchers:,} payees: {took:.3f} s, CPU {cpu:.3f} s (target ≤ 3 s)")
        ctx.close()


if __name__ == "__main__":
    main()
