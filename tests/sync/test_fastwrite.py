"""The fast insert path stores exactly what SQLAlchemy would: same raw SQLite values, same rows read back."""

from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from db.models import ExpenseLine, RoundDay, TrainingRound
from db.sync.codec import encode_row
from db.sync.fastwrite import insert_rows
from db.sync.outbox import applying
from db.sync.registry import synced_tables
from desktop.core import office
from desktop.core.context import AppContext
from desktop.core.demo import province as demo


def test_every_synced_table_round_trips_byte_for_byte(ctx: AppContext, tmp_path: Path) -> None:
    demo.generate_demo(ctx, people=30)
    with ctx.transaction() as s:  # the awkward kinds: time of day, money with decimals, microseconds
        rnd = s.scalars(select(TrainingRound)).first()
        s.add(
            RoundDay(
                office_code="40",
                round_id=rnd.id,
                day_no=9,
                day_date=rnd.start_date,
                starts_at=time(8, 30),
                ends_at=time(16, 30, 15),
            )
        )
        s.add(
            ExpenseLine(
                office_code="40",
                round_id=rnd.id,
                category="snack",
                amount_satang=12_345,
                quantity=Decimal("2.50"),
                created_at=datetime(2026, 1, 2, 3, 4, 5, 60_001, tzinfo=UTC),
            )
        )
    other = AppContext.open(tmp_path / "copy.sqlite", user_name="copy")
    with other.transaction() as s:
        office.ensure_provinces(s)
    try:
        expected = {}
        with ctx.engine.connect() as conn:
            for name, st in synced_tables().items():
                rows = [encode_row(st.table, dict(r._mapping)) for r in conn.execute(select(st.table))]
                if rows and name != "province":  # provinces are loaded by setup on both sides
                    raw = sorted(conn.exec_driver_sql(f'SELECT * FROM "{name}"').all())
                    expected[name] = (rows, raw)
        with other.engine.connect() as conn:
            conn.exec_driver_sql(
                "PRAGMA foreign_keys=OFF"
            )  # parents and children in any order, as a pull does
            conn.commit()
            with conn.begin(), applying(conn):
                for name, (rows, _raw) in expected.items():
                    insert_rows(conn, synced_tables()[name].table, rows)
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            conn.commit()
        checked = 0
        with other.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            for name, (rows, raw) in expected.items():
                st = synced_tables()[name]
                assert sorted(conn.exec_driver_sql(f'SELECT * FROM "{name}"').all()) == raw, name
                back = [encode_row(st.table, dict(r._mapping)) for r in conn.execute(select(st.table))]
                key = lambda r: r["id"]  # noqa: E731
                assert sorted(back, key=key) == sorted(rows, key=key), name
                checked += 1
        assert checked >= 8
    finally:
        other.close()
