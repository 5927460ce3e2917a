"""The phone re-check migration reports invalid stored numbers and changes none of them."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

import db.migrate as migrate
from db.engine import make_engine


def _insert(con: sqlite3.Connection, table: str, n: int, phone: str) -> None:
    cols = [(c[1], c[2]) for c in con.execute(f"PRAGMA table_info({table})") if c[3] and c[4] is None]
    values = {
        name: (n if "INT" in kind.upper() or "BOOL" in kind.upper() else f"{name}-{n}") for name, kind in cols
    }
    values.update(phone=phone, deleted=0)
    con.execute(
        f"INSERT INTO {table} ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
        list(values.values()),
    )


def test_invalid_phones_are_reported_and_kept(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "k.sqlite"
    engine = make_engine(path)
    migrate.upgrade(engine, "0008_attendance_card_source")
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys=OFF")
    for n, phone in enumerate(["0812345678", "1812345678", "030123456", ""]):
        _insert(con, "person", n, phone)
    con.commit()
    con.close()
    with caplog.at_level(logging.WARNING, logger="krukhor.migrations"):
        migrate.upgrade(engine, "0009_phone_recheck")
    assert "person: 2 stored phone numbers" in caplog.text
    con = sqlite3.connect(path)
    assert sorted(r[0] for r in con.execute("SELECT phone FROM person")) == [
        "",
        "030123456",
        "0812345678",
        "1812345678",
    ]
    con.close()
    engine.dispose()
