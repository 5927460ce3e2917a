"""Runs a large read-only select through the driver's cursor, skipping SQLAlchemy's per-row work."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, Select


def fetch_all_rows(engine: Engine, query: Select) -> list[tuple]:
    """Plain tuples for a select; used only for lists of tens of thousands of rows (people, villages).

    The query must carry no user input as bind values that need escaping beyond literal rendering;
    callers pass codes they control (the office code).
    """
    with engine.connect() as conn:
        sql = query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(str(sql))
            return cursor.fetchall()
        finally:
            cursor.close()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while tens of thousands of plain rows are built (none forms a cycle).

    Each 700 new objects start a collection, and the growing list makes some of them walk the whole heap:
    a seventh of listing 75,000 people. Restored afterwards (if another thread paused it, it restores it).
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
