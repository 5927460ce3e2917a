"""`krukhor-cli people`: the people as CSV."""

from __future__ import annotations

import argparse
import csv
import sys

from db.base import new_id
from desktop.core import audit
from desktop.core.context import AppContext
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
    if ctx.account is not None:  # personal data left the program: who, which PC, how many
        audit.record_output(
            ctx,
            action="export",
            entity="people_export",
            entity_id=new_id(),
            changes={"people": len(rows), "search": args.search},
            summary=f"ส่งออกรายชื่อบุคคล {len(rows):,} คน (CSV)",
        )
    return 0
