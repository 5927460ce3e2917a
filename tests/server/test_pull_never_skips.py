"""Offices pushing at once on PostgreSQL with two server processes while a PC pulls: exactly once, nothing skipped."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import create_engine, text

from db.rules.national_id import make_national_id
from db.sync import versions
from server import admin
from server.database import make_server_engine, make_sessions
from tests.fixtures.server_process import ServerProcess
from tests.fixtures.sync_harness import fresh_pg_schema

HEADERS = {
    versions.PROTOCOL_HEADER: str(versions.PROTOCOL_VERSION),
    versions.SCHEMA_HEADER: str(versions.SCHEMA_VERSION),
}
OFFICES = ("40", "41", "50")
BATCHES = 8
BATCH = 25


def _person(office: str, i: int) -> dict:
    pid = uuid.uuid4()
    now = datetime.now(UTC).isoformat()
    return {
        "mutation_id": str(uuid.uuid4()),
        "table": "person",
        "row_id": str(pid),
        "fields": {
            "id": str(pid),
            "office_code": office,
            "created_at": now,
            "updated_at": now,
            "version": 1,
            "deleted": False,
            "server_seq": None,
            "national_id": make_national_id(f"1{office}{i:09d}"),
            "prefix": "นาย",
            "first_name": f"ลำดับ{i}",
            "last_name": "พร้อมกัน",
            "name_original": "",
            "position": "",
            "village_id": None,
            "phone": "",
            "note": "",
        },
    }


@pytest.fixture
def pg_server(_pg_reason: str | None) -> Iterator[tuple[str, str]]:
    """krukhor-server with two worker processes on a PostgreSQL schema of its own."""
    if _pg_reason:
        pytest.skip(f"PostgreSQL not reachable ({_pg_reason}); set KRUKHOR_TEST_PG_URL to run on it")
    for url in fresh_pg_schema():
        srv = ServerProcess(url, workers=2)
        try:
            yield url, srv.base
        finally:
            srv.stop()


def _enrol(url: str, base: str) -> dict[str, str]:
    """Tokens: a pushing PC per office, and a second PC of office 40 that only pulls."""
    engine = make_server_engine(url)
    try:
        sessions = make_sessions(engine)
        codes = {}
        for office in OFFICES:
            admin.create_office(sessions, province=office)
            codes[office] = admin.enrol_code(sessions, province=office)
        codes["reader"] = admin.enrol_code(sessions, province="40")
    finally:
        engine.dispose()
    tokens = {}
    for who, code in codes.items():
        r = httpx.post(
            f"{base}/api/v1/enrol", json={"code": code, "device_name": f"pc-{who}"}, headers=HEADERS
        )
        assert r.status_code == 200, r.text
        tokens[who] = r.json()["token"]
    return tokens


def _pull_all(client: httpx.Client, token: str, cursor: int, seen: list[tuple[int, str, str]]) -> int:
    """Pull pages after the cursor until the watermark; returns the new cursor."""
    while True:
        r = client.get(
            "/api/v1/sync/pull",
            params={"cursor": cursor, "limit": 7},
            headers={**HEADERS, "Authorization": f"Bearer {token}"},
        )
        assert r.status_code == 200, r.text
        page = r.json()
        seen.extend((c["seq"], c["table"], c["row_id"]) for c in page["changes"])
        assert page["next_cursor"] >= cursor
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return cursor


def test_offices_push_at_once_and_a_pulling_pc_skips_nothing(pg_server: tuple[str, str]) -> None:
    url, base = pg_server
    tokens = _enrol(url, base)
    payloads = {o: [_person(o, i) for i in range(BATCHES * BATCH)] for o in OFFICES}
    answers: dict[str, list[dict]] = {o: [] for o in OFFICES}
    errors: list[str] = []
    gate = threading.Barrier(len(OFFICES) + 1)
    pushing = threading.Event()
    pushing.set()

    def push(office: str) -> None:
        with httpx.Client(base_url=base, timeout=120) as client:
            gate.wait()
            for k in range(0, len(payloads[office]), BATCH):
                r = client.post(
                    "/api/v1/sync/push",
                    json={"changes": payloads[office][k : k + BATCH]},
                    headers={**HEADERS, "Authorization": f"Bearer {tokens[office]}"},
                )
                if r.status_code != 200:
                    errors.append(f"{office}: {r.status_code} {r.text[:200]}")
                    return
                answers[office].extend(r.json()["results"])

    seen: list[tuple[int, str, str]] = []
    cursor = 0

    def pull() -> None:
        nonlocal cursor
        with httpx.Client(base_url=base, timeout=120) as client:
            gate.wait()
            try:
                while pushing.is_set():  # pull while the pushes commit, in small pages
                    cursor = _pull_all(client, tokens["reader"], cursor, seen)
                cursor = _pull_all(client, tokens["reader"], cursor, seen)
            except Exception as exc:  # a thread's failure would otherwise go unseen
                errors.append(f"pull: {exc!r}")

    threads = [threading.Thread(target=push, args=(o,)) for o in OFFICES]
    reader = threading.Thread(target=pull)
    for th in [*threads, reader]:
        th.start()
    for th in threads:
        th.join()
    pushing.clear()
    reader.join()

    assert not errors, errors
    for office in OFFICES:
        assert len(answers[office]) == BATCHES * BATCH
        assert {a["status"] for a in answers[office]} == {"applied"}, office
    pushed_40 = {c["row_id"] for c in payloads["40"]}
    seqs = [s for s, _, _ in seen]
    people = [(s, rid) for s, table, rid in seen if table == "person"]
    # Every change of office 40 reached the other PC of office 40 exactly once, in order, and no other office's did.
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert sorted(rid for _, rid in people) == sorted(pushed_40)
    assert sorted(s for s, _ in people) == sorted(a["seq"] for a in answers["40"])

    # The pushing PC is not sent its own rows back; replaying a batch applies nothing again.
    with httpx.Client(base_url=base, timeout=120) as client:
        own: list[tuple[int, str, str]] = []
        _pull_all(client, tokens["40"], 0, own)
        assert not ({rid for _, _, rid in own} & pushed_40)
        r = client.post(
            "/api/v1/sync/push",
            json={"changes": payloads["41"][:BATCH]},
            headers={**HEADERS, "Authorization": f"Bearer {tokens['41']}"},
        )
        assert all(x["replayed"] and x["status"] == "applied" for x in r.json()["results"])

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            total = len(OFFICES) * BATCHES * BATCH
            assert conn.scalar(text("SELECT count(*) FROM sync_row WHERE table_name = 'person'")) == total
            assert conn.scalar(text("SELECT count(*) FROM mutation")) == total
            assert conn.scalar(text("SELECT count(DISTINCT seq) FROM sync_row")) == conn.scalar(
                text("SELECT count(*) FROM sync_row")
            )
    finally:
        engine.dispose()


@pytest.fixture
def pg_app(_pg_reason: str | None) -> Iterator[object]:
    """The real app in-process on a PostgreSQL schema of its own."""
    if _pg_reason:
        pytest.skip(f"PostgreSQL not reachable ({_pg_reason}); set KRUKHOR_TEST_PG_URL to run on it")
    from server.app import create_app
    from server.config import Settings

    for url in fresh_pg_schema():
        app = create_app(Settings(database_url=url))
        try:
            yield app
        finally:
            app.state.engine.dispose()


def test_a_pull_waits_for_a_change_of_its_office_that_holds_a_number_and_not_for_other_offices(
    pg_app,
) -> None:
    """Deterministic: a push of office 40 that took its number but has not committed is waited for by a pull of
    office 40 (which then sees it), never skipped; a pull of office 41 does not wait for it."""
    from db.base import utcnow
    from server import store
    from server.models import SyncRow

    sessions = pg_app.state.sessions
    for office in ("40", "41"):
        admin.create_office(sessions, province=office)
    reader_40 = store.Principal("device", "device", "40", uuid.uuid4(), "pc-40")
    reader_41 = store.Principal("device", "device", "41", uuid.uuid4(), "pc-41")
    got: dict[str, object] = {}

    def pull(who: store.Principal) -> None:
        with sessions() as s:
            got[who.office_code] = store.pull(
                s, who, office=None, cursor=0, limit=1000, count=False, now=utcnow()
            )

    writer = sessions()
    try:
        writer.begin()
        (number,) = store.take_numbers(writer, "40", 1)
        rid = uuid.uuid4()
        writer.add(
            SyncRow(
                table_name="person",
                row_id=rid,
                office_code="40",
                version=1,
                seq=number,
                data={"id": str(rid), "office_code": "40", "server_seq": number},
                updated_by="writer",
            )
        )
        writer.flush()
        other = threading.Thread(target=pull, args=(reader_41,))
        other.start()
        other.join(timeout=20)
        assert not other.is_alive(), "a pull of office 41 waited for a push of office 40"
        assert rid not in {c.row_id for c in got["41"].changes}
        same = threading.Thread(target=pull, args=(reader_40,))
        same.start()
        same.join(timeout=1.0)
        assert same.is_alive(), (
            "a pull of office 40 did not wait for office 40's numbered, uncommitted change"
        )
        writer.commit()
    finally:
        writer.close()
    same.join(timeout=20)
    assert not same.is_alive()
    answer = got["40"]
    assert rid in {c.row_id for c in answer.changes}
    assert answer.watermark >= number and answer.next_cursor >= number
