"""`krukhor-cli budget`: the budget report as CSV (per category, or per round), baht with 2 decimals."""

from __future__ import annotations

import argparse
import csv
import sys

from db.rules.money import satang_to_decimal
from desktop.core.budget import report
from desktop.core.context import AppContext

COMMANDS = ("budget",)
HEADER = ["category", "allocated", "planned", "spent", "remaining"]
ROUND_HEADER = ["round", "title", "status", "planned", "approved", "spent", "remaining"]
TOTAL = "รวม"


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("budget", help="budget report: allocated, planned, spent, remaining")
    p.add_argument("--format", choices=["csv"], default="csv")
    p.add_argument("--fiscal-year", type=int, default=None, help="BE fiscal year (default: the current one)")
    p.add_argument("--by", choices=["category", "round"], default="category")


def _baht(satang: int) -> str:
    return str(satang_to_decimal(satang))


def run(ctx: AppContext, args: argparse.Namespace) -> int:
    rep = report.budget_report(ctx, fiscal_year=args.fiscal_year)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    if args.by == "round":
        writer.writerow(ROUND_HEADER)
        for r in rep.rounds:
            t = r.totals
            writer.writerow(
                [
                    f"{r.number}/{rep.fiscal_year}",
                    r.title,
                    r.status,
                    _baht(t.planned),
                    _baht(t.approved),
                    _baht(t.spent),
                    _baht(t.planned - t.spent),
                ]
            )
    else:
        writer.writerow(HEADER)
        # A category has no allocation of its own: its remaining is what is left of its plan.
        for c in rep.categories:
            t = c.totals
            writer.writerow([c.label, "", _baht(t.planned), _baht(t.spent), _baht(c.remaining)])
        t = rep.totals
        writer.writerow([TOTAL, _baht(rep.allocated), _baht(t.planned), _baht(t.spent), _baht(rep.remaining)])
    for warning in rep.warnings:
        print(f"คำเตือน: {warning}", file=sys.stderr)
    return 0
