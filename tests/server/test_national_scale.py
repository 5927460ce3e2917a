"""National scale on the real server (SQLite and PostgreSQL): registration tallies kept in step on push, the
centre's own import of the national export counted once, efficient pull, and pruned mutation ids."""

from __future__ import annotations

import csv
import json
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import func, select, text, update

from db.base import utcnow
from db.models import Person, Registration
from db.rules.national_id import make_national_id
from desktop.core.context import AppContext
from desktop.core.demo import province as demo
from desktop.core.exports.figures import province_figures
from desktop.core.sync import client as sync_client
from server import aggregates, national, pruning, registrations
from server.cli import main as server_cli
from server.database import alembic_config, make_server_engine, migrate
from server.models import Device, Mutation, RegistrationTally, StoredFigures, SyncRow
from tests.exports.conftest import add_results
from tests.fixtures.sync_harness import Flaky, Server, client_for

FY = 2569


def _tally(server: Server) -> dict[str, int]:
    with server.sessions() as s:
        return {
            nid: n
            for nid, n in s.execute(
                select(RegistrationTally.national_id, RegistrationTally.count).where(
                    RegistrationTally.office_code == "40", RegistrationTally.count != 0
                )
            )
        }


def _desktop_tally(ctx: AppContext) -> dict[str, int]:
    with ctx.reading() as s:
        return {
            nid: int(n)
            for nid, n in s.execute(
                select(Registration.national_id, func.sum(Registration.count))
                .where(Registration.deleted.is_(False))
                .group_by(Registration.national_id)
            )
            if n
        }


def _registrations(server: Server) -> int:
    with server.sessions() as s:
        rows = national.collect(s, fiscal_year=FY)
    return next(r.summary.registrations for r in rows if r.summary.code == "40")


@pytest.fixture
def province(server: Server, desktops) -> AppContext:
    ctx = desktops("khonkaen")
    demo.generate_demo(ctx, people=60)
    add_results(ctx)
    sync_client.sync(ctx, http=server.http)
    return ctx


def test_tallies_follow_every_push_and_equal_a_rebuild(server: Server, province: AppContext) -> None:
    assert _tally(server) == _desktop_tally(province) != {}
    assert _registrations(server) == province_figures(province, fiscal_year=FY).total("registrations") > 0
    with province.transaction() as s:
        regs = s.scalars(select(Registration).order_by(Registration.national_id)).all()
        regs[0].count += 7
        regs[1].deleted = True
        regs[2].count = 0
    sync_client.sync(province, http=server.http)
    assert _tally(server) == _desktop_tally(province)
    assert _registrations(server) == province_figures(province, fiscal_year=FY).total("registrations")
    before = _tally(server)
    with server.sessions.begin() as s:
        aggregates.rebuild(s)
    assert _tally(server) == before


def _export(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["รหัสจังหวัด", "เลขประจำตัวประชาชนครู ข", "เลขประจำตัวประชาชนผู้ลงทะเบียน", "วันที่ลงทะเบียน"])
        w.writerows(rows)
    return path


def test_the_centres_import_of_the_national_export_counts_each_registration_once(
    server: Server, province: AppContext, tmp_path: Path
) -> None:
    with province.reading() as s:
        kru = s.scalars(
            select(Person.national_id).where(Person.deleted.is_(False)).order_by(Person.national_id)
        ).all()
    start = _registrations(server)
    workers = [make_national_id(f"3{n:011d}") for n in range(1, 41)]
    good = [["40", kru[n % 5], w, "01/02/2569"] for n, w in enumerate(workers)]
    bad = [
        ["40", "1234567890123", workers[0], ""],  # check digit
        ["40", make_national_id("999999999999"), workers[1], ""],  # not a ครู ข anywhere
        ["40", kru[0], "12345", ""],  # the worker's ID
    ]
    path = _export(tmp_path / "national.csv", good + bad)
    report = registrations.import_file(server.sessions, path)
    assert (report.rows, report.stored, report.rejected) == (43, 40, 3)
    assert report.problems[0].startswith("national.csv แถว 42 คอลัมน์ B: เลขประจำตัวประชาชนครู ข")
    assert "ไม่พบครู ข นี้ในทะเบียนที่ซิงก์" in report.problems[1] and "คอลัมน์ C" in report.problems[2]
    assert _registrations(server) == start + 40
    # Again, and the same file through the command line: nothing counted twice.
    registrations.import_file(server.sessions, path)
    assert server_cli(["--database-url", server.url, "admin", "import-registrations", str(path)]) == 0
    assert _registrations(server) == start + 40
    # A province that syncs its own rows for the same ครู ข keeps its figures: its keys are its own (t:).
    sync_client.sync(province, http=server.http)
    assert _registrations(server) == start + 40


def test_a_pc_is_not_sent_back_the_rows_it_pushed(server: Server, desktops) -> None:
    a = desktops("pc_a")
    demo.generate_demo(a, people=40)
    flaky = Flaky(server.http._transport)
    with client_for(server, flaky) as http:
        sync_client.sync(a, http=http)
        sync_client.sync(a, http=http)
    with server.sessions() as s:
        mine = {
            (t, str(r))
            for t, r in s.execute(
                select(SyncRow.table_name, SyncRow.row_id).where(SyncRow.updated_device.is_not(None))
            )
        }
        seqs = dict(
            s.execute(select(SyncRow.row_id, SyncRow.seq).where(SyncRow.table_name == "person")).all()
        )
    assert len(mine) > 100
    assert not mine & {(t, r) for t, r, _seq in flaky.pulled_keys}
    # The push answers gave the PC each row's server sequence instead.
    with a.reading() as s:
        local = dict(s.execute(select(Person.id, Person.server_seq)).all())
    assert local == seqs

    b = desktops("pc_b")
    flaky_b = Flaky(server.http._transport)
    with client_for(server, flaky_b) as http:
        sync_client.sync(b, http=http)
    assert mine <= {(t, r) for t, r, _seq in flaky_b.pulled_keys}
    # B edits a person A made: A gets that row back, since its newest version is B's.
    with b.transaction() as s:
        p = s.scalars(select(Person).order_by(Person.national_id)).first()
        p.phone, pid = "0812345678", p.id
    sync_client.sync(b, http=server.http)
    flaky.pulled_keys.clear()
    with client_for(server, flaky) as http:
        sync_client.sync(a, http=http)
    assert ("person", str(pid)) in {(t, r) for t, r, _seq in flaky.pulled_keys}
    with a.reading() as s:
        assert s.get(Person, pid).phone == "0812345678"


def test_a_pc_offline_longer_than_the_pruned_period_is_told_to_resync(server: Server, desktops) -> None:
    a, b = desktops("pc_a"), desktops("pc_b")
    demo.generate_demo(a, people=10)
    sync_client.sync(a, http=server.http)
    sync_client.sync(b, http=server.http)
    now = utcnow()
    long_ago = now - timedelta(days=pruning.MAX_OFFLINE_DAYS + 20)
    with server.sessions.begin() as s:
        a_id = s.scalar(select(Device.id).where(Device.name == "pc_a"))
        s.execute(update(Device).where(Device.id == a_id).values(last_seen_at=long_ago, created_at=long_ago))
        s.execute(update(Mutation).where(Mutation.device_id == a_id).values(received_at=long_ago))
        stored = s.scalar(select(func.count()).select_from(Mutation))
    with server.sessions.begin() as s:
        gone = pruning.prune(s, now=now)
    with server.sessions() as s:
        assert gone > 0 and s.scalar(select(func.count()).select_from(Mutation)) == stored - gone
    with a.transaction() as s:
        s.scalars(select(Person)).first().phone = "0812345678"
    # The server refuses the push of such a PC (its old mutation ids could be replayed) ...
    refused = server.http.post(
        "/api/v1/sync/push",
        json={"changes": []},
        headers=sync_client._headers(sync_client.device_token(a)),
    )
    assert refused.status_code == 409 and refused.json()["code"] == "resync_required"
    assert "นานเกิน 180 วัน" in refused.json()["message"]
    # ... and the PC resyncs by itself (tests/sync/test_resync.py), then pushes its change.
    report = sync_client.sync(a, http=server.http)
    assert report.resynced and report.failed == 0 and report.pushed == 1
    # A PC in touch within the period syncs as before.
    with b.transaction() as s:
        s.scalars(select(Person)).first().phone = "0898765432"
    assert sync_client.sync(b, http=server.http).failed == 0
    # The command refuses a period shorter than the rule's.
    assert server_cli(["--database-url", server.url, "admin", "prune-mutations", "--days", "30"]) == 1


def test_figures_are_kept_for_every_process_until_the_office_changes(
    server: Server, province: AppContext
) -> None:
    true = _registrations(server)  # computed (no process cache) and kept in stored_figures
    with server.sessions.begin() as s:
        kept = s.get(StoredFigures, ("40", FY))
        assert kept is not None and kept.stamp > 0
        # Mark the kept copy: a process without figures of its own (a second worker, a restart) shows it.
        data = dict(kept.data)
        data["districts"] = [{**d, "registrations": 0} for d in data["districts"]]
        data["districts"][0]["registrations"] = 7
        kept.data = data
    assert _registrations(server) == 7
    with province.transaction() as s:
        s.scalars(select(Registration).order_by(Registration.national_id)).first().count += 1
    sync_client.sync(province, http=server.http)  # the office's stamp moves: computed again
    assert _registrations(server) == true + 1


def test_upgrading_a_server_with_synced_registrations_fills_the_new_tables(server_db_url: str) -> None:
    """s0005 on a database that already holds rows: records, tallies and activity are built from them."""
    engine = make_server_engine(server_db_url)
    try:
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "s0003")
        rows = [
            ("registration", {"source_key": "t:1", "national_id": "1101700000001", "count": 30}, False),
            ("registration", {"source_key": "w:2", "national_id": "1101700000001", "count": 1}, False),
            ("registration", {"source_key": "w:3", "national_id": "1101700000002", "count": 1}, True),
            ("person", {"national_id": "1101700000001"}, False),
        ]
        with engine.begin() as conn:
            for seq, (table, data, deleted) in enumerate(rows, start=1):
                rid = uuid.uuid4()
                conn.execute(
                    text(
                        "INSERT INTO sync_row (table_name, row_id, office_code, version, seq, deleted, data, "
                        "updated_at, updated_by) VALUES (:t, :r, '40', 1, :s, :d, :j, :at, 'x')"
                    ),
                    {
                        "t": table,
                        "r": rid if engine.dialect.name == "postgresql" else rid.hex,
                        "s": seq,
                        "d": deleted,
                        "j": json.dumps({"id": str(rid), **data, "deleted": deleted}),
                        "at": utcnow(),
                    },
                )
        migrate(engine)
        with engine.connect() as conn:
            tallies = dict(conn.execute(text("SELECT national_id, count FROM registration_tally")).all())
            activity = conn.execute(
                text("SELECT office_code, last_seq, synced_rows FROM office_activity")
            ).all()
        assert tallies == {"1101700000001": 31}
        assert [tuple(a) for a in activity] == [("40", 4, 4)]
    finally:
        engine.dispose()
