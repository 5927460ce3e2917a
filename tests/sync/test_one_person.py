"""One person, one row: the same ครู ข typed on two PCs offline becomes one person everywhere, enrolments kept."""

from __future__ import annotations

import json
import uuid
from datetime import date

from sqlalchemy import func, select

from db.models import Enrolment, Person, SyncConflict
from db.rules.national_id import make_national_id
from desktop.core.people import people
from desktop.core.people.people import PersonInput
from desktop.core.rounds import enrolment, rounds
from desktop.core.sync import client as sync_client
from server.models import NaturalKey, RowAlias, SyncRow
from tests.fixtures.sync_harness import Server
from tests.server.test_hostile import _post

NID = make_national_id("310170020349")


def _round(ctx, number: int):
    return rounds.create_round(
        ctx,
        rounds.RoundInput(
            start_date=date(2026, 11, 2), end_date=date(2026, 11, 3), number=number, title="ครู ข", capacity=30
        ),
    )


def _people(ctx) -> list[tuple[str, str]]:
    return [(str(p.id), p.first_name) for p in people.list_people(ctx)]


def test_the_same_person_made_on_two_pcs_is_one_person_everywhere(server: Server, desktops) -> None:
    a, b = desktops("pc_a"), desktops("pc_b")
    first = people.create_person(
        a, PersonInput(national_id=NID, prefix="นาง", first_name="สมใจ", last_name="ใจดี", phone="0812345678")
    )
    second = people.create_person(
        b, PersonInput(national_id=NID, prefix="นาง", first_name="สมใจ", last_name="ใจงาม", position="อสม.")
    )
    ra, rb = _round(a, 1), _round(b, 2)
    enrolment.enrol(a, round_id=ra.id, person_ids=[first.id])
    enrolment.enrol(b, round_id=rb.id, person_ids=[second.id])

    assert sync_client.sync(a, http=server.http).failed == 0
    report = sync_client.sync(b, http=server.http)
    assert report.failed == 0 and report.aside == 0
    assert report.conflicts == 1  # last_name was typed two ways
    assert sync_client.sync(a, http=server.http).aside == 0

    for ctx in (a, b):
        assert _people(ctx) == [(str(first.id), "สมใจ")]
        p = people.get_person(ctx, first.id)
        assert (p.phone, p.position) == ("0812345678", "อสม.")  # blanks filled from the other PC
        with ctx.reading() as s:
            assert s.scalar(select(func.count()).select_from(Person).where(Person.id == second.id)) == 0
            marks = s.execute(select(Enrolment.round_id, Enrolment.person_id)).all()
        assert sorted(marks) == sorted([(ra.id, first.id), (rb.id, first.id)])
    with b.reading() as s:
        c = s.scalars(select(SyncConflict)).one()
    assert (c.row_id, c.field, c.local_value, c.server_value) == (first.id, "last_name", "ใจงาม", "ใจดี")
    with server.sessions() as s:
        live = s.scalars(select(SyncRow.row_id).where(SyncRow.table_name == "person")).all()
        assert live == [first.id]
        assert s.scalar(select(RowAlias.target_id).where(RowAlias.row_id == second.id)) == first.id
        assert s.scalar(select(func.count()).select_from(NaturalKey).where(NaturalKey.key == NID)) == 1
        enrolled = s.scalars(select(SyncRow.data).where(SyncRow.table_name == "enrolment")).all()
        assert {e["person_id"] for e in enrolled} == {str(first.id)}


def test_an_edit_to_a_national_id_another_person_holds_is_refused_with_its_reason(
    server: Server, desktops
) -> None:
    a = desktops("pc_a")
    people.create_person(a, PersonInput(national_id=NID, prefix="นาย", first_name="หนึ่ง", last_name="ก"))
    other = make_national_id("310170020350")
    two = people.create_person(
        a, PersonInput(national_id=other, prefix="นาย", first_name="สอง", last_name="ข")
    )
    sync_client.sync(a, http=server.http)
    b = desktops("pc_b")
    sync_client.sync(b, http=server.http)
    # PC B deletes "หนึ่ง" locally is not needed: edit "สอง" on the server's copy to NID through a forged push.

    change = {
        "mutation_id": str(uuid.uuid4()),
        "table": "person",
        "row_id": str(two.id),
        "base_version": 1,
        "base": {"national_id": other},
        "fields": {"national_id": NID},
    }
    answer = _post(server, b, json.dumps({"changes": [change]}).encode()).json()["results"][0]
    assert answer["status"] == "rejected" and "national_id" in answer["error"] and NID in answer["error"]


def test_the_upgrade_gives_each_natural_key_to_its_oldest_live_row(tmp_path) -> None:
    from alembic import command
    from sqlalchemy import create_engine, insert

    from db.base import utcnow
    from server.database import alembic_config, migrate

    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "s0003")
    ids = [uuid.uuid4() for _ in range(3)]
    rows = [(ids[0], 5, False), (ids[1], 3, False), (ids[2], 1, True)]  # the deleted one holds nothing
    with engine.begin() as conn:
        conn.execute(
            insert(SyncRow.__table__),
            [
                {"table_name": "person", "row_id": rid, "office_code": "40", "version": 1, "seq": seq,
                 "deleted": deleted, "data": {"national_id": NID, "deleted": deleted},
                 "updated_at": utcnow(), "updated_by": ""}
                for rid, seq, deleted in rows
            ],
        )  # fmt: skip
    migrate(engine)
    with engine.connect() as conn:
        assert conn.execute(select(NaturalKey.key, NaturalKey.row_id)).all() == [(NID, ids[1])]
    engine.dispose()


def test_both_pcs_enrolling_the_same_person_in_one_round_leaves_one_enrolment(
    server: Server, desktops
) -> None:
    a = desktops("pc_a")
    r = _round(a, 1)
    sync_client.sync(a, http=server.http)
    b = desktops("pc_b")
    sync_client.sync(b, http=server.http)
    first = people.create_person(
        a, PersonInput(national_id=NID, prefix="นาย", first_name="หนึ่ง", last_name="ก")
    )
    second = people.create_person(
        b, PersonInput(national_id=NID, prefix="นาย", first_name="หนึ่ง", last_name="ก")
    )
    enrolment.enrol(a, round_id=r.id, person_ids=[first.id])
    enrolment.enrol(b, round_id=r.id, person_ids=[second.id])
    for ctx in (a, b, a):
        report = sync_client.sync(ctx, http=server.http)
        assert report.failed == 0 and report.aside == 0
    for ctx in (a, b):
        with ctx.reading() as s:
            rows = s.execute(
                select(Enrolment.id, Enrolment.person_id).where(Enrolment.deleted.is_(False))
            ).all()
        assert len(rows) == 1 and rows[0].person_id == first.id
    with server.sessions() as s:
        live = [
            d
            for d in s.scalars(select(SyncRow.data).where(SyncRow.table_name == "enrolment"))
            if not d["deleted"]
        ]
        assert len(live) == 1


def test_two_pushes_of_one_key_at_the_same_moment_end_as_one_row(server: Server, desktops) -> None:
    """The natural_key primary key makes the later push collide; its retry merges (PostgreSQL runs them at once)."""
    import threading

    from db.sync.messages import PushRequest
    from server import store
    from server.models import Device
    from tests.server.test_api import _person_change

    for name in ("pc_a", "pc_b"):  # two enrolled devices of the office
        desktops(name)
    with server.sessions() as s:
        devices = s.scalars(select(Device.id).order_by(Device.created_at)).all()
    whos = [store.Principal("device", "device", "40", d, f"pc{i}") for i, d in enumerate(devices[-2:])]
    ids = [uuid.uuid4(), uuid.uuid4()]
    reqs = [PushRequest.model_validate({"changes": [_person_change(i, national_id=NID)]}) for i in ids]
    gate = threading.Barrier(2)
    answers: list = [None, None]

    def run(k: int) -> None:
        gate.wait()
        answers[k] = store.push(server.sessions, whos[k], reqs[k])[0]

    threads = [threading.Thread(target=run, args=(k,)) for k in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [x.status for x in answers] == ["applied", "applied"]
    kept = {uuid.UUID(x.data["id"]) for x in answers}
    assert len(kept) == 1 and kept <= set(ids)
    with server.sessions() as s:
        assert s.scalars(select(SyncRow.row_id).where(SyncRow.table_name == "person")).all() == list(kept)
