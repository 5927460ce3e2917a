"""A push looks its rows up by key even when a table's statistics are stale (PostgreSQL's plan, not a timing).

Right after a burst of new rows of one table (every office's first registrations) PostgreSQL's statistics still
say that table has almost no rows. The push's lookup of the rows it touches must still probe the primary key per
id, not walk every row of the table: that walk cost 50 ms a push at 76,000 rows and made 76 offices pushing at
once miss their p95 (tests/bench/bench_national_scale.py).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, select, text

from server import store
from server.database import make_server_engine, make_sessions, migrate
from server.store import ROW
from tests.fixtures.sync_harness import PG_URL, fresh_pg_schema, pg_unreachable

NEW_ROWS = 20_000


@pytest.fixture(scope="module")
def stale_url() -> Iterator[str]:
    reason = pg_unreachable()
    if reason:
        pytest.skip(f"PostgreSQL not reachable at {PG_URL} ({reason}); set KRUKHOR_TEST_PG_URL to run on it")
    for url in fresh_pg_schema():
        engine = make_server_engine(url)
        migrate(engine)
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE sync_row SET (autovacuum_enabled = false)"))  # keep them stale
            row = (
                "INSERT INTO sync_row (table_name, row_id, office_code, version, seq, deleted, data, updated_at,"
                " updated_by) SELECT :t, gen_random_uuid(), '40', 1, g, false, '{}', now(), 'test'"
                " FROM generate_series(CAST(:a AS bigint), CAST(:b AS bigint)) AS g"
            )
            conn.execute(text(row), {"t": "person", "a": 1, "b": 3000})
            conn.execute(text("ANALYZE sync_row"))
            conn.execute(text(row), {"t": "registration", "a": 3001, "b": 3000 + NEW_ROWS})
        engine.dispose()
        yield url


def _plans(url: str, run: Any) -> list[dict]:
    """EXPLAIN ANALYZE of every SELECT on sync_row that ``run(session)`` sends, with its own parameters."""
    engine = make_server_engine(url)
    sent: list[tuple[str, Any]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _seen(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and "FROM sync_row" in statement:
            sent.append((statement, parameters))

    try:
        with make_sessions(engine).begin() as session:
            run(session)
        plans = []
        with engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            with raw.cursor() as cur:
                for statement, parameters in sent:
                    cur.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters)
                    plan = cur.fetchone()[0]
                    plans.append(plan[0] if isinstance(plan, list) else json.loads(plan)[0])
            raw.rollback()
        return plans
    finally:
        engine.dispose()


def _nodes(node: dict) -> Iterator[dict]:
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


def _walked(plan: dict) -> int:
    """Rows the plan read and threw away (by a filter or a hash join), the sign of a walk over the table."""
    out = 0
    for n in _nodes(plan["Plan"]):
        out += int(n.get("Rows Removed by Filter", 0))
        if n.get("Node Type") == "Hash":
            out += int(n.get("Actual Rows", 0))
    return out


def test_locked_lookup_of_new_rows_probes_the_key(stale_url: str) -> None:
    keys = sorted(
        [("registration", uuid.uuid4()) for _ in range(200)] + [("person", uuid.uuid4()) for _ in range(5)],
        key=lambda k: (k[0], k[1].hex),
    )
    found: dict = {}
    plans = _plans(stale_url, lambda s: found.update(store._current_rows(s, keys)))
    assert found == {}
    assert plans, "the push sent no lookup"
    for plan in plans:
        assert _walked(plan) < 500, json.dumps(plan)[:2000]
        assert any(n.get("Node Type") == "LockRows" for n in _nodes(plan["Plan"])), "rows are not locked"


def test_lookup_finds_rows_of_the_burst(stale_url: str) -> None:
    engine = make_server_engine(stale_url)
    with engine.connect() as conn:
        some = list(
            conn.execute(
                select(ROW.c.table_name, ROW.c.row_id).where(ROW.c.table_name == "registration").limit(150)
            )
        )
    engine.dispose()
    keys = sorted(
        [(t, r) for t, r in some] + [("registration", uuid.uuid4())], key=lambda k: (k[0], k[1].hex)
    )
    found: dict = {}
    plans = _plans(stale_url, lambda s: found.update(store._current_rows(s, keys)))
    assert set(found) == {(t, r) for t, r in some}
    for plan in plans:
        assert _walked(plan) < 500, json.dumps(plan)[:2000]
