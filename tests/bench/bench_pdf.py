"""Benchmark: sign-in sheets and certificates (issue 4 figures: 1,000-person sheets ≤ 3 s, certificates ≤ 5 s).

Run: .venv/bin/python tests/bench/bench_pdf.py [--people 200 1000] [--days 2]
Builds a throw-away demo database, one round with N people enrolled over D days, and times the writers.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from desktop.core import office
from desktop.core.context import AppContext
from desktop.core.demo import province as demo
from desktop.core.people import people
from desktop.core.rounds import enrolment, rounds
from desktop.core.rounds.rounds import RoundInput


def _round(ctx: AppContext, n: int, days: int) -> object:
    start = date(2027, 5, 11)
    rnd = rounds.create_round(
        ctx,
        RoundInput(
            start_date=start,
            end_date=start + timedelta(days=days - 1),
            number=90 + n % 9,
            title="รุ่นทดสอบความเร็ว",
            venue="ห้องประชุมศาลากลางจังหวัดขอนแก่น",
            capacity=min(n, 1000),
        ),
    )
    taken = set(enrolment.enrolled_elsewhere(ctx, round_id=rnd.id))
    ids = [p.id for p in people.list_people(ctx) if p.id not in taken][:n]
    if len(ids) < n:
        ids += list(taken)[: n - len(ids)]
    enrolment.enrol(ctx, round_id=rnd.id, person_ids=ids, override_reason="benchmark")
    return rnd


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, nargs="+", default=[200, 1000])
    ap.add_argument("--days", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ctx = AppContext.open(Path(tmp) / "bench.sqlite", user_name="bench", backup=False)
        office.setup_office(ctx, province_code="40")
        demo.generate_demo(ctx, people=max(args.people) + 200)
        started = time.perf_counter()
        from desktop.reports import thai_text

        thai_text.register_fonts()
        thai_text.tokenize("ผู้ใหญ่บ้าน")
        print(f"fonts + newmm dictionary load: {time.perf_counter() - started:.2f} s")
        from desktop.reports.certificates import write_certificates
        from desktop.reports.signin_sheet import write_signin_sheet

        for n in args.people:
            rnd = _round(ctx, n, args.days)
            for label, mask in (("sign-in", False), ("sign-in masked", True)):
                t = time.perf_counter()
                res = write_signin_sheet(ctx, round_id=rnd.id, out_path=Path(tmp) / "s.pdf", mask_ids=mask)
                size = (Path(tmp) / "s.pdf").stat().st_size
                print(
                    f"{label:15s} {n:5d} people × {res.days} days: {time.perf_counter() - t:6.2f} s, "
                    f"{res.pages} pages, {size / 1e6:.2f} MB"
                )
            t = time.perf_counter()
            cert = write_certificates(ctx, round_id=rnd.id, out_path=Path(tmp) / "c.pdf")
            size = (Path(tmp) / "c.pdf").stat().st_size
            print(
                f"{'certificates':15s} {n:5d} people:          {time.perf_counter() - t:6.2f} s, {cert.pages} pages, {size / 1e6:.2f} MB"
            )
        ctx.close()


if __name__ == "__main__":
    main()
