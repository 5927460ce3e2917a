"""What the PDF writers share: atomic output, Thai weekdays and digits, a progress hook."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

from db.rules.thai_dates import format_be_date
from db.rules.thai_digits import to_thai_digits

# Called with (done, total); raising from it (e.g. a Cancelled error) abandons the file.
Progress = Callable[[int, int], None]

THAI_WEEKDAYS = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")


def thai_day_label(d: date, *, thai_digits: bool = False) -> str:
    """ "วันอังคารที่ 12 พฤษภาคม 2570": the weekday and the long BE date."""
    return f"วัน{THAI_WEEKDAYS[d.weekday()]}ที่ {format_be_date(d, style='long', thai_digits=thai_digits)}"


def digits(text: str, thai_digits: bool) -> str:
    return to_thai_digits(text) if thai_digits else text


@contextlib.contextmanager
def atomic_output(out_path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``out_path``; on success it replaces ``out_path`` in one step.

    A reader (or a PDF viewer that has the old file open) never sees a half-written file, and a
    failure or a cancel leaves the previous file as it was.
    """
    target = Path(out_path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
