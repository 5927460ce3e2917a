"""`krukhor-cli rounds`: the training rounds as CSV, with how many completed each."""

from __future__ import annotations

import argparse
import csv
import sys

from desktop.core.context import AppContext
from desktop.core.rounds import completion, rounds

COMMANDS = ("rounds",)
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


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("rounds", help="list training rounds")
    p.add_argument(
        "--format",
        choices=["csv"],
        default="csv",
        help="csv: a machine format, dates in ISO (YYYY-MM-DD, CE)",
    )


def run(ctx: AppContext, args: argparse.Namespace) -> int:
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
    return 0
