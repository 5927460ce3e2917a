"""The validation share of a 75,000-row roster preview: phones (libphonenumber, cold cache) and name prefixes.

Target (issue 20): ≤ 1.2 s for 75,000 rows.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from db.rules.prefixes import PREFIX_CANONICAL
from desktop.core.roster.normalise import parse_phone, split_name

ROWS = 75_000


def main() -> None:
    rng = random.Random(1)
    heads = ["081", "089", "062", "095", "086", "043", "02"]
    forms = [lambda p: p, lambda p: int(p), lambda p: f"{p[:3]}-{p[3:6]}-{p[6:]}", lambda p: "+66" + p[1:]]
    phones = []
    for _ in range(ROWS):
        head = rng.choice(heads)
        number = head + "".join(rng.choice("0123456789") for _ in range(10 - len(head) - (head[1] in "2345")))
        phones.append(rng.choice(forms)(number))
    prefixes = ["นาย"] * 20 + ["นาง"] * 10 + ["นางสาว"] * 5 + list(PREFIX_CANONICAL)
    names = [f"{rng.choice(prefixes)}{rng.choice(['', ' '])}สมชาย{n} ใจดี" for n in range(ROWS)]
    t0 = time.perf_counter()
    for p in phones:
        parse_phone(p)
    t1 = time.perf_counter()
    for n in names:
        split_name(n)
    t2 = time.perf_counter()
    print(
        f"[{ROWS:,} rows] phones {t1 - t0:.2f} s | names {t2 - t1:.2f} s | validation {t2 - t0:.2f} s (target ≤ 1.2 s)"
    )


if __name__ == "__main__":
    main()
