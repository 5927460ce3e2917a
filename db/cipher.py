"""SQLCipher 4 connections: a raw 256-bit key per database file, and telling plain from encrypted files."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

KEY_BYTES = 32
PLAIN_HEADER = b"SQLite format 3\x00"
# Errors of either driver: plain sqlite3 (the server, old files) and SQLCipher (the desktop's files).
DRIVER_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, sqlcipher.Error)


def new_key() -> bytes:
    return os.urandom(KEY_BYTES)


def key_pragma(key: bytes) -> str:
    # A raw key (x'...'): SQLCipher uses it as is, no PBKDF2 of a passphrase on every connection.
    return f"PRAGMA key = \"x'{key.hex()}'\""


def apply_key(dbapi_conn: Any, key: bytes) -> None:
    """The first statements on a new connection: quiet SQLCipher's own stderr log, then the key."""
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA cipher_log_level = NONE")
    cur.execute(key_pragma(key))
    cur.close()


def connect(path: Path | str, key: bytes | None, **kwargs: Any) -> Any:
    """A DB-API connection to a file: SQLCipher with the key, or SQLCipher reading a plain file without one."""
    conn = sqlcipher.connect(str(path), **kwargs)
    if key is not None:
        apply_key(conn, key)
    return conn


def is_plain_sqlite(path: Path) -> bool:
    """True when the file starts with SQLite's plain header (an unencrypted database)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == PLAIN_HEADER
    except OSError:
        return False


def is_empty(path: Path) -> bool:
    return not path.exists() or path.stat().st_size == 0


def opens_with(path: Path, key: bytes) -> bool:
    """Whether the key decrypts the file (one page read and its HMAC checked; no KDF with a raw key)."""
    conn = connect(path, key)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlcipher.DatabaseError:
        return False
    finally:
        conn.close()


def table_fingerprints(conn: Any) -> dict[str, tuple[int, str]]:
    """Per table: the row count and a SHA-256 of every row in rowid order (compares a copy with its source)."""
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    out: dict[str, tuple[int, str]] = {}
    for name in names:
        digest = hashlib.sha256()
        count = 0
        for row in conn.execute(f'SELECT * FROM "{name}" ORDER BY rowid'):
            digest.update(repr(row).encode())
            count += 1
        out[name] = (count, digest.hexdigest())
    return out
