"""Converting a plain SQLite database into an encrypted one, once, safely: export, verify, swap atomically."""

from __future__ import annotations

import os
from pathlib import Path

from db.cipher import connect, is_plain_sqlite, table_fingerprints

PARTIAL_SUFFIX = ".encrypting"


class EncryptionError(RuntimeError):
    """The encrypted copy did not match the original; the original file was left as it was."""


def encrypt_in_place(path: Path, key: bytes) -> None:
    """Replace the plain database at ``path`` by an encrypted copy with every row (checked before the swap).

    Killed at any point, the file at ``path`` is either the old plain database or the new encrypted one, whole:
    the copy is written beside it, verified, fsynced and only then renamed over it.
    """
    partial = path.with_name(path.name + PARTIAL_SUFFIX)
    partial.unlink(missing_ok=True)
    plain = connect(path, None, isolation_level=None)
    try:
        # The WAL folded into the file and switched off: after the swap no old WAL may be replayed on the new
        # file, and until then the old file stands complete on its own.
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        plain.execute("PRAGMA journal_mode = DELETE")
        before = table_fingerprints(plain)
        user_version = plain.execute("PRAGMA user_version").fetchone()[0]
        plain.execute(f"ATTACH DATABASE ? AS enc KEY \"x'{key.hex()}'\"", (str(partial),))
        plain.execute("SELECT sqlcipher_export('enc')")
        plain.execute(f"PRAGMA enc.user_version = {int(user_version)}")
        plain.execute("DETACH DATABASE enc")
    finally:
        plain.close()
    try:
        _verify(partial, key, before)
        with open(partial, "rb+") as fh:
            os.fsync(fh.fileno())
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    os.replace(partial, path)
    fsync_dir(path.parent)


def _verify(partial: Path, key: bytes, before: dict[str, tuple[int, str]]) -> None:
    conn = connect(partial, key)
    try:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        after = table_fingerprints(conn)
    finally:
        conn.close()
    if check != "ok":
        raise EncryptionError(
            f"สำเนาที่เข้ารหัสของฐานข้อมูลตรวจสอบไม่ผ่าน (integrity_check: {check}) จึงยังไม่ได้เข้ารหัส ฐานข้อมูลเดิมยังอยู่ครบ"
        )
    if after != before:
        differing = sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))
        raise EncryptionError(
            f"สำเนาที่เข้ารหัสมีข้อมูลไม่ตรงกับฐานข้อมูลเดิม (ตาราง {', '.join(differing)}) จึงยังไม่ได้เข้ารหัส "
            "ฐานข้อมูลเดิมยังอยู่ครบ"
        )


def fsync_dir(folder: Path) -> None:
    if os.name != "posix":  # Windows cannot open a folder for fsync; MoveFileEx is durable enough there
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def encrypt_plain_file(path: Path, key: bytes) -> bool:
    """Encrypt ``path`` in place when it is a plain SQLite file (an old backup, say); False when it was not."""
    if not is_plain_sqlite(path):
        return False
    encrypt_in_place(path, key)
    return True
