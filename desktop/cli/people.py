"""`krukhor-cli people`: the people as CSV."""

from __future__ import annotations

import argparse
import csv
import os
import sys

from desktop.core.context import AppContext
from desktop.core.exports.personal_data import record_export
from desktop.core.people import people

COMMANDS = ("people",)
PEOPLE_HEADER = [
    "national_id",
    "prefix",
    "first_name",
    "last_name",
    "position",
    "village_code",
    "village_name",
    "subdistrict",
    "district",
    "province",
    "phone",
]


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("people", help="list people")
    p.add_argument("--format", choices=["csv"], default="csv")
    p.add_argument("--search", default="", help="only people whose name, ID or phone contains this")


def run(ctx: AppContext, args: argparse.Namespace) -> int:
    rows = people.search_people(ctx, args.search, limit=10**9) if args.search else people.list_people(ctx)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(PEOPLE_HEADER)
    for r in rows:
        writer.writerow(
            [
                r.national_id,
                r.prefix,
                r.first_name,
                r.last_name,
                r.position,
                r.village_code,
                r.village_name,
                r.subdistrict,
                r.district,
                r.province,
                r.phone,
            ]
        )
    sys.stdout.flush()
    record_export(ctx, what="people_csv", destination=_destination(), people=len(rows))
    return 0


def _destination() -> str:
    """Where the CSV went: the file stdout was redirected to when the system says, else "stdout"."""
    try:
        name = os.readlink(f"/proc/self/fd/{sys.stdout.fileno()}")
    except (OSError, ValueError, AttributeError):
        return "stdout"
    return name if name.startswith("/") else "stdout"
