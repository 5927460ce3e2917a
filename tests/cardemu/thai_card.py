"""An emulated Thai national ID card for the tests: a virtualsmartcard VirtualICC plugged into vpcd on 127.0.0.1.

Run with a Python that imports virtualsmartcard (Debian's /usr/bin/python3 with python3-virtualsmartcard):
  thai_card.py CARD.json [--kind thai|other|pull|stall] [--atr old|new] [--pull-after N] [--slot 0|1]
The process is the card: while it runs the card is in the reader, when it exits the card is out. It only
ever connects to vpcd on 127.0.0.1:35963 (or 35964, vpcd's second reader, with --slot 1; never the library's "reversed" mode, which looks up a public
address). It imports nothing of the project: the field layout is repeated here on purpose, so a mistake in
the reader's parser cannot be mirrored by the emulator.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import types

VPCD_HOST, VPCD_PORT = "127.0.0.1", 35963
DEBIAN_PATH = "/usr/lib/python3/site-packages/virtualsmartcard"  # where Debian 12's package puts it
sys.path.append(DEBIAN_PATH)
# CryptoUtils falls back to the Python 2 module "sha" without PyCrypto; this card needs no cryptography.
sys.modules.setdefault("sha", types.ModuleType("sha"))

from virtualsmartcard.VirtualSmartcard import SmartcardOS, VirtualICC  # noqa: E402

AID = bytes.fromhex("A000000054480001")
ATRS = {  # an older card (GET RESPONSE with P2 = 01) and a newer one (P2 = 00)
    "old": bytes.fromhex("3B6700002920006F78900090"),
    "new": bytes.fromhex("3B7896000080FE5448000165"),
    "other": bytes.fromhex("3B8F8001804F0CA000000306030001000000006A"),
}
LAYOUT = {  # offset: (field, length)
    0x0004: ("cid", 13),
    0x0011: ("name_th", 100),
    0x0075: ("name_en", 100),
    0x00D9: ("birth", 8),
    0x00E1: ("sex", 1),
    0x00F6: ("issuer", 100),
    0x0167: ("issued", 8),
    0x016F: ("expires", 8),
    0x1579: ("address", 100),
}
OK, WRONG_P1P2, NOT_FOUND, INS_UNKNOWN = b"\x90\x00", b"\x6a\x86", b"\x6a\x82", b"\x6d\x00"


class ThaiIdOS(SmartcardOS):
    def __init__(self, fields: dict[str, str], *, kind: str, atr: str, pull_after: int) -> None:
        self.fields, self.kind, self.pull_after = fields, kind, pull_after
        self.atr = ATRS["other" if kind == "other" else atr]
        self.p2 = 0x01 if atr == "old" else 0x00
        self.selected, self.pending, self.count = False, b"", 0

    def getATR(self) -> bytes:
        return self.atr

    def powerUp(self) -> None:
        self.selected = False

    def powerDown(self) -> None:
        self.selected = False

    def reset(self) -> None:
        self.selected = False

    def _value(self, offset: int) -> bytes | None:
        if offset not in LAYOUT:
            return None
        name, length = LAYOUT[offset]
        raw = self.fields.get(name, "").encode("cp874")  # TIS-620, as the card stores it
        return raw[:length].ljust(length, b" ")

    def execute(self, msg: bytes) -> bytes:
        self.count += 1
        if self.kind == "pull" and self.count > self.pull_after:
            os._exit(0)  # the card leaves the reader in the middle of the read
        if self.kind == "stall" and self.count > self.pull_after:
            time.sleep(30)
        cla, ins, p1, p2 = msg[0], msg[1], msg[2], msg[3]
        if ins == 0xA4:
            if self.kind == "other" or msg[5 : 5 + msg[4]] != AID:
                return NOT_FOUND
            self.selected = True
            return b"\x61\x0a"
        if cla == 0x80 and ins == 0xB0 and self.selected:
            value = self._value((p1 << 8) | p2)
            if value is None:
                return WRONG_P1P2
            self.pending = value[: msg[-1]]
            return bytes([0x61, len(self.pending)])
        if ins == 0xC0:
            if p2 != self.p2 or not self.pending:
                return WRONG_P1P2
            out, self.pending = self.pending[: msg[-1]], b""
            return out + OK
        return INS_UNKNOWN


class LocalVICC(VirtualICC):
    """VirtualICC with our card OS, connected to 127.0.0.1 only (the base __init__ builds its own OS)."""

    def __init__(self, card_os: SmartcardOS, *, slot: int = 0) -> None:
        self.os, self.type = card_os, "thai_id"
        self.host, self.port = VPCD_HOST, VPCD_PORT + slot
        self.sock = self.connectToPort(VPCD_HOST, VPCD_PORT + slot)
        self.sock.settimeout(None)
        self.server_sock = None


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "card", help="JSON file: cid, name_th, name_en, birth, sex, issuer, issued, expires, address"
    )
    parser.add_argument("--kind", choices=("thai", "other", "pull", "stall"), default="thai")
    parser.add_argument("--atr", choices=("old", "new"), default="new")
    parser.add_argument("--pull-after", type=int, default=4, help="APDUs answered before pull/stall")
    parser.add_argument("--slot", type=int, choices=(0, 1), default=0, help="vpcd's reader 00 00 or 00 01")
    args = parser.parse_args()
    with open(args.card, encoding="utf-8") as f:
        fields = json.load(f)
    vicc = LocalVICC(
        ThaiIdOS(fields, kind=args.kind, atr=args.atr, pull_after=args.pull_after), slot=args.slot
    )
    print("inserted", flush=True)
    vicc.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
