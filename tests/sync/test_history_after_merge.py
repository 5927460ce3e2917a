"""After two PCs' copies of one person merge, the person's history on both PCs holds both PCs' entries."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from desktop.core import audit
from desktop.core.people import people
from desktop.core.people.people import PersonInput
from desktop.core.sync import client as sync_client
from server.models import SyncRow
from tests.fixtures.sync_harness import Server
from tests.sync.test_one_person import NID


def test_entries_made_on_the_merged_copy_join_the_first_rows_history(server: Server, desktops) -> None:
    a, b = desktops("pc_a"), desktops("pc_b")
    first = people.create_person(
        a, PersonInput(national_id=NID, prefix="นาง", first_name="สมใจ", last_name="ใจดี", phone="0812345678")
    )
    typed = PersonInput(national_id=NID, prefix="นาง", first_name="สมใจ", last_name="ใจดี", position="อสม.")
    second = people.create_person(b, typed)
    people.update_person(b, second.id, replace(typed, note="ย้ายมาจากอำเภอเมือง"))  # a second entry, on B
    assert {r.user_name for r in audit.history(b, entity_id=second.id)} == {"pc_b"}

    assert sync_client.sync(a, http=server.http).failed == 0
    assert sync_client.sync(b, http=server.http).failed == 0
    assert sync_client.sync(a, http=server.http).failed == 0

    with server.sessions() as s:
        named = {
            d["entity_id"]
            for d in s.scalars(select(SyncRow.data).where(SyncRow.table_name == "audit_entry"))
            if d["entity"] == "person"
        }
    assert named == {str(first.id)}
    for ctx in (a, b):
        rows = audit.history(ctx, entity_id=first.id)
        assert {r.user_name for r in rows} == {"pc_a", "pc_b"}, ctx.user_name
        assert any("ย้ายมาจากอำเภอเมือง" in str(r.changes) for r in rows), ctx.user_name
        assert audit.history(ctx, entity_id=second.id) == []
