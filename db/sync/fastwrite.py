"""Writing many pulled rows into SQLite fast: JSON values straight to SQLite's stored form, one executemany.

SQLAlchemy's per-parameter processing costs more than the insert itself for a first download of tens of
thousands of rows. The stored forms here are exactly those SQLAlchemy's SQLite types write (checked by
tests/sync/test_fastwrite.py, which reads every kind of column back through the ORM); kinds without a
simple stored form fall back to SQLAlchemy's own processor.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Table

from db.sync.codec import column_kinds, decode_value

Converter = Callable[[Any], Any]


def _uuid(v: Any) -> Any:
    return None if v is None else str(v).replace("-", "").lower()


def _datetime(v: Any) -> Any:
    if v is None:
        return None
    moment = datetime.fromisoformat(str(v))
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def _time(v: Any) -> Any:
    return None if v is None else decode_value("time", v).strftime("%H:%M:%S.%f")


def _bool(v: Any) -> Any:
    return None if v is None else int(bool(v))


def _plain(v: Any) -> Any:
    return v


def _json(v: Any) -> Any:
    return None if v is None else json.dumps(v)


@lru_cache(maxsize=256)
def _plan(table: Table, dialect_name: str, columns: tuple[str, ...]) -> tuple[str, tuple[Converter, ...]]:
    del dialect_name  # part of the cache key only
    kinds = column_kinds(table)
    converters: list[Converter] = []
    for name in columns:
        kind = kinds[name]
        if kind == "uuid":
            converters.append(_uuid)
        elif kind == "datetime":
            converters.append(_datetime)
        elif kind == "time":
            converters.append(_time)
        elif kind == "bool":
            converters.append(_bool)
        elif kind in ("date", "int", "str"):
            converters.append(_plain)  # dates travel as ISO text, which is what SQLite stores
        elif kind == "json":
            converters.append(_json)
        else:
            converters.append(_fallback(table, name, kind))
    cols = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    return f'INSERT INTO "{table.name}" ({cols}) VALUES ({marks})', tuple(converters)


def _fallback(table: Table, name: str, kind: str) -> Converter:
    from sqlalchemy.dialects import sqlite

    process = table.c[name].type.bind_processor(sqlite.dialect())

    def convert(v: Any) -> Any:
        value = decode_value(kind, v)
        return process(value) if process is not None and value is not None else value

    return convert


def insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT rows given as JSON values (as the server sends them), all with the same keys."""
    if not rows:
        return
    columns = tuple(c for c in (col.name for col in table.columns) if c in rows[0])
    sql, converters = _plan(table, conn.dialect.name, columns)
    params = [tuple(f(row.get(c)) for c, f in zip(columns, converters, strict=True)) for row in rows]
    conn.exec_driver_sql(sql, params)


def save_shadows(conn: Connection, table: str, rows: list[tuple[str, int, dict[str, Any]]]) -> None:
    """(row id, version, data) as the last state the server confirmed; clears any newer pulled state."""
    if not rows:
        return
    conn.exec_driver_sql(
        "INSERT INTO sync_shadow (table_name, row_id, version, data, latest) VALUES (?, ?, ?, ?, NULL) "
        "ON CONFLICT (table_name, row_id) DO UPDATE SET version = excluded.version, data = excluded.data, latest = NULL",
        [(table, _uuid(rid), version, json.dumps(data)) for rid, version, data in rows],
    )
