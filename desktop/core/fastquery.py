"""Runs a large read-only select through the driver's cursor, skipping SQLAlchemy's per-row work."""

from __future__ import annotations

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
