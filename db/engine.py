"""Engines and sessions: SQLite (SQLCipher when keyed) with WAL, foreign keys and a busy timeout; any other URL as given."""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from db.cipher import apply_key

BUSY_TIMEOUT_MS = 10_000


def sqlite_url(path: Path | str) -> str:
    return f"sqlite:///{Path(path)}"


_KEYS: weakref.WeakKeyDictionary[Engine, bytes] = weakref.WeakKeyDictionary()


def make_engine(url_or_path: str | Path, *, key: bytes | None = None) -> Engine:
    """An engine for a database URL, or for a SQLite file path with the pragmas we rely on.

    With a key the file is SQLCipher's, encrypted from its first byte; the key is given to each new connection
    before anything else reads the file (SQLAlchemy's own first queries included) and is never in the URL.
    """
    url = str(url_or_path)
    if "://" not in url:
        Path(url).parent.mkdir(parents=True, exist_ok=True)
        url = sqlite_url(url)
    if url.startswith("sqlite"):
        if key is None:
            engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        else:
            engine = create_engine(url, module=sqlcipher, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
            keyed_connections(engine, key)
            # Each page read from disk is decrypted and its HMAC checked: a larger page cache keeps a province's
            # people decrypted in memory, so a search does not pay it again.
            event.listen(engine, "connect", _cipher_cache)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def keyed_connections(engine: Engine, key: bytes) -> None:
    """Open the engine's connections with SQLCipher and the key (also for engines made beside another one)."""
    _KEYS[engine] = key

    @event.listens_for(engine, "do_connect")
    def _connect(_dialect: Any, _record: object, cargs: Any, cparams: Any) -> Any:
        conn = sqlcipher.connect(*cargs, **cparams)
        apply_key(conn, key)
        return conn


def engine_key(engine: Engine) -> bytes | None:
    """The SQLCipher key an engine opens its file with, None for a plain one."""
    return _KEYS.get(engine)


CIPHER_CACHE_KIB = 65_536


def _cipher_cache(dbapi_conn: object, _record: object) -> None:
    cur = dbapi_conn.cursor()  # type: ignore[attr-defined]
    cur.execute(f"PRAGMA cache_size = -{CIPHER_CACHE_KIB}")
    cur.close()


def _sqlite_pragmas(dbapi_conn: object, _record: object) -> None:
    cur = dbapi_conn.cursor()  # type: ignore[attr-defined]
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    # expire_on_commit=False: use cases hand plain values back after commit without reloading.
    return sessionmaker(engine, expire_on_commit=False)


def sqlite_triggers(conn: Connection) -> set[str]:
    """The names of the triggers in a SQLite database (the sync outbox and change counters are triggers)."""
    return set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars())
