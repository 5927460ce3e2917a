"""`krukhor-cli card read`: wait for a Thai national ID card in the reader and print what its chip holds."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from desktop.core.cardreader import reader
from desktop.core.cardreader.thaiid import CardData, CardError, mask_id

COMMANDS = ("card",)
EXIT_NO_CARD = 2  # no reader, no card in time, not a Thai ID card, pulled out: the reason is on stderr


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("card", help="read the Thai national ID card in the PC/SC reader")
    actions = p.add_subparsers(dest="card_action", required=True)
    r = actions.add_parser(
        "read", help="wait for a card and print its fields (the ID masked unless --show-id)"
    )
    r.add_argument(
        "--json", action="store_true", help="JSON with English keys, the address split into its parts"
    )
    r.add_argument(
        "--show-id", action="store_true", help="print the whole 13-digit ID (PDPA: only when needed)"
    )
    add_timeout_argument(r)


def add_timeout_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for a card (default 30)")


def read_or_explain(timeout: float) -> CardData | None:
    """The card read, or None with the Thai reason printed on stderr."""
    try:
        return reader.wait_for_card(timeout=timeout)
    except CardError as exc:
        print(f"อ่านบัตรไม่ได้: {exc.message}", file=sys.stderr)
        return None


def run(db_path: Path, args: argparse.Namespace) -> int:
    del db_path  # reading a card touches no data: the database is not even opened
    card = read_or_explain(args.timeout)
    if card is None:
        return EXIT_NO_CARD
    if args.json:
        print(json.dumps(card.as_json(show_id=args.show_id), ensure_ascii=False, indent=2))
        return 0
    a = card.address
    rows = [
        ("เลขประจำตัวประชาชน", card.national_id if args.show_id else mask_id(card.national_id)),
        ("ชื่อ-สกุล", card.full_name),
        ("Name", " ".join(p for p in (card.prefix_en, card.first_name_en, card.last_name_en) if p)),
        ("วันเกิด (พ.ศ.)", card.birth_raw),
        ("เพศ", {"male": "ชาย", "female": "หญิง"}.get(card.sex, "")),
        ("บ้านเลขที่", a.house_no),
        ("หมู่ที่", a.moo),
        ("ตำบล/แขวง", a.subdistrict),
        ("อำเภอ/เขต", a.district),
        ("จังหวัด", a.province),
        ("วันหมดอายุ", card.expiry_date.isoformat() if card.expiry_date else "ตลอดชีพ"),
    ]
    for label, value in rows:
        print(f"{label}: {value}")
    return 0
