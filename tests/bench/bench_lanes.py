"""Benchmark of giving a lane at enrolment (issues 14, 19): the lanes an office's pushed numbers use.

One office with 30,000 numbers in three lanes among 100,000 other rows, on PostgreSQL (KRUKHOR_TEST_PG_URL).
Target: well under the enrolment's own cost (argon2 is not involved; a few tens of ms).
Run: PYTHONPATH=. .venv/bin/python tests/bench/bench_lanes.py
"""

from __future__ import annotations

import time
import uuid

from sqlalchemy import insert, text

from server.app import create_app
from server.config import Settings
from server.lanes import taken_lanes
from server.models import SyncRow
from tests.fixtures.sync_harness import fresh_pg_schema, pg_unreachable


def main() -> None:
    if reason := pg_unreachable():
        print(f"PostgreSQL not reachable: {reason}")
        return
    for url in fresh_pg_schema():
        app = create_app(Settings(database_url=url))
        sessions = app.state.sessions
        rows = [
            {
                "table_name": "document_number",
                "row_id": uuid.uuid4(),
                "office_code": "40",
                "version": 1,
                "seq": i + 1,
                "deleted": False,
                "data": {"device_no": 1 + i % 3, "device_id": f"pc{1 + i % 3}"},
            }
            for i in range(30_000)
        ] + [
            {
                "table_name": "person",
                "row_id": uuid.uuid4(),
                "office_code": "40",
                "version": 1,
                "seq": 40_000 + i,
                "deleted": False,
                "data": {"first_name": "x"},
            }
            for i in range(100_000)
        ]
        with sessions.begin() as s:
            s.execute(insert(SyncRow), rows)
        with sessions() as s:
            s.execute(text("ANALYZE"))
            times = []
            for _ in range(5):
                started = time.perf_counter()
                lanes = taken_lanes(s, office="40", pc_id="new-pc", device_id=uuid.uuid4())
                times.append(time.perf_counter() - started)
        print(
            f"lanes taken {sorted(lanes)}: best {min(times) * 1000:.0f} ms of 5 (30,000 numbers, 130,000 rows)"
        )
        app.state.engine.dispose()


if __name__ == "__main__":
    main()
