"""admin merge-duplicates: rows an older server stored twice under one natural key become one everywhere."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, select

from db.base import utcnow
from desktop.core import audit
from desktop.core.demo import province as demo
from desktop.core.people import people
from desktop.core.sync import client as sync_client
from server import cli, store
from server.models import RowAlias, SyncRow
from tests.fixtures.sync_harness import Server


def _live(server: Server, table: str) -> list[dict]:
    with server.sessions() as s:
        return list(
            s.scalars(select(SyncRow.data).where(SyncRow.table_name == table, SyncRow.deleted.is_(False)))
        )


def _seed_duplicate(server: Server) -> tuple[str, str, str]:
    """A second person row with the first's national id, and its enrolment, stored as a pre-s0004 server did."""
    first = next(p for p in _live(server, "person"))
    enrolment = next(e for e in _live(server, "enrolment") if e["person_id"] == first["id"])
    later = (utcnow() + timedelta(minutes=5)).isoformat()
    twin = {
        **first,
        "id": str(uuid.uuid4()),
        "created_at": later,
        "phone": first.get("phone") or "0812345678",
    }
    twin_enrolment = {**enrolment, "id": str(uuid.uuid4()), "person_id": twin["id"], "created_at": later}
    with server.sessions() as s:
        store.publish(s, table="person", office_code="40", data=twin, by="old server")
        store.publish(s, table="enrolment", office_code="40", data=twin_enrolment, by="old server")
        template = s.scalars(select(SyncRow.data).where(SyncRow.table_name == "audit_entry")).first()
        twin_entry = {
            **template,
            "id": str(uuid.uuid4()),
            "action": "update",
            "entity": "person",
            "entity_id": twin["id"],
            "changes": {"phone": [None, twin["phone"]]},
            "summary": "แก้ไขเบอร์โทร",
            "user_name": "old_pc",
        }
        store.publish(s, table="audit_entry", office_code="40", data=twin_entry, by="old server")
        s.commit()
    return first["national_id"], first["id"], twin["id"]


def test_duplicates_stored_before_keys_were_unique_merge_into_the_first(server: Server, desktops) -> None:
    a = desktops("pc_a")
    demo.generate_demo(a, people=8)
    assert sync_client.sync(a, http=server.http).failed == 0
    nid, first_id, twin_id = _seed_duplicate(server)
    assert sum(p["national_id"] == nid for p in _live(server, "person")) == 2
    people_before = len(_live(server, "person"))
    c = desktops("pc_c")  # a PC that syncs before the clean-up (the twin cannot be stored beside the first)
    sync_client.sync(c, http=server.http)

    url = ["--database-url", server.url, "admin", "merge-duplicates", "--office", "40"]
    assert cli.main([*url, "--dry-run"]) == 0
    assert sum(p["national_id"] == nid for p in _live(server, "person")) == 2  # a dry run writes nothing
    assert cli.main(url) == 0

    persons = [p for p in _live(server, "person") if p["national_id"] == nid]
    assert [p["id"] for p in persons] == [first_id]  # the first created wins
    assert len(_live(server, "person")) == people_before - 1
    enrolments = [e for e in _live(server, "enrolment") if e["person_id"] in (first_id, twin_id)]
    assert {e["person_id"] for e in enrolments} == {first_id}
    assert len({(e["round_id"], e["person_id"]) for e in enrolments}) == len(enrolments)  # one per round
    with server.sessions() as s:
        aliases = dict(s.execute(select(RowAlias.row_id, RowAlias.target_id)).all())
    assert aliases[uuid.UUID(twin_id)] == uuid.UUID(first_id)
    assert cli.main(url) == 0  # run twice: nothing left to merge
    with server.sessions() as s:
        assert s.scalar(select(func.count()).select_from(RowAlias)) == len(aliases)

    b = desktops("pc_b")  # a PC that syncs after the clean-up
    sync_client.sync(b, http=server.http)
    sync_client.sync(a, http=server.http)
    sync_client.sync(c, http=server.http)
    for ctx in (a, b, c):
        listed = [p for p in people.list_people(ctx) if p.national_id == nid]
        assert len(listed) == 1, ctx.user_name
        assert listed[0].id_text.replace("-", "") == first_id.replace("-", "")
        history = audit.history(ctx, entity_id=uuid.UUID(first_id))
        assert "old_pc" in {r.user_name for r in history}, ctx.user_name  # the twin's history joined it
