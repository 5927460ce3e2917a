"""A user name is unique per office on the server too: two PCs that each made `somchai` offline keep the first
one everywhere; the second is refused with a Thai reason on its PC's sync page, renamed there, then synced."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from db.models import AuditEntry, StaffAccount
from db.sync.naturalkeys import NAME_TAKEN
from desktop.core import audit
from desktop.core.accounts import duties, signin, store
from desktop.core.accounts.store import AccountInput
from desktop.core.errors import NotAllowedError, ValidationError
from desktop.core.sync import client as sync_client
from server import admin
from server.models import NaturalKey, SyncRow
from tests.fixtures.sync_harness import Server

PASS_A = "somchai-a-pass-1"
PASS_B = "somchai-b-pass-2"


def _account_rows(server: Server) -> list[dict]:
    with server.sessions() as s:
        return [r.data for r in s.scalars(select(SyncRow).where(SyncRow.table_name == "staff_account"))]


def test_the_second_somchai_is_refused_renamed_and_then_synced(server: Server, desktops) -> None:
    a, b = desktops("pc_a"), desktops("pc_b")
    # Each PC's first run, offline: two different people choose the same user name.
    first = store.create_account(
        a, AccountInput("somchai", "นายสมชาย ใจดี", ("admin", "finance")), password=PASS_A
    )
    second = store.create_account(
        b, AccountInput("Somchai", "นายสมชาย รักงาน", ("admin", "officer")), password=PASS_B
    )
    assert sync_client.sync(a, http=server.http).failed == 0

    report = sync_client.sync(b, http=server.http)
    assert report.failed == 1
    [failed] = [f for f in sync_client.list_failed(b) if f.table == "staff_account"]
    assert failed.label == "บัญชีผู้ใช้ นายสมชาย รักงาน (somchai)"
    assert NAME_TAKEN in failed.error and '"somchai"' in failed.error and "เปลี่ยนชื่อผู้ใช้" in failed.error
    assert [r["full_name"] for r in _account_rows(server)] == ["นายสมชาย ใจดี"]  # not merged, not replaced

    # B now holds both (A's pulled). The name is A's: A's password signs A's person in on B; B's own password
    # still opens B's account on B (the password tells them apart), which must be renamed.
    assert signin.authenticate(b, "somchai", password=PASS_A).account_id == first.id
    who = signin.sign_in(b, "somchai", password=PASS_B)
    assert who.account_id == second.id
    with b.reading() as s:
        assert store.find(s, "somchai").id == first.id
        assert store.name_refused(s, s.get(StaffAccount, second.id))
        assert not store.name_refused(s, s.get(StaffAccount, first.id))
    with pytest.raises(ValidationError) as err:
        store.rename_account(b, second.id, new_user_name="somchai")
    assert err.value.errors["user_name"] == "ชื่อผู้ใช้ใหม่ต้องไม่เหมือนชื่อเดิม"
    renamed = store.rename_account(b, second.id, new_user_name="somchai.r")
    assert renamed.user_name == "somchai.r" and b.account.user_name == "somchai.r"
    assert sync_client.list_failed(b) == []  # the refused create goes again, with the new name
    assert sync_client.sync(b, http=server.http).failed == 0
    assert sync_client.sync(a, http=server.http).failed == 0

    # Both work on both PCs; the first still under its own name everywhere.
    for ctx in (a, b):
        assert signin.authenticate(ctx, "somchai", password=PASS_A).account_id == first.id
        assert signin.authenticate(ctx, "somchai.r", password=PASS_B).account_id == second.id
        with pytest.raises(signin.SignInRefused):
            signin.authenticate(ctx, "somchai", password=PASS_B)
    with server.sessions() as s:
        q = select(NaturalKey.key, NaturalKey.row_id).where(NaturalKey.table_name == "staff_account")
        keys = {k: rid for k, rid in s.execute(q)}
    assert keys == {"somchai": first.id, "somchai.r": second.id}
    with a.reading() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "rename")).one()
        assert entry.changes == {"user_name": ["somchai", "somchai.r"]}
        assert store.former_names(s, second.id) == {"somchai", "somchai.r"}


def test_a_rename_to_a_name_taken_on_the_server_is_refused_and_a_stranger_may_not_rename(
    server: Server, desktops
) -> None:
    a, b = desktops("pc_a"), desktops("pc_b")
    store.create_account(a, AccountInput("boss", "นายใหญ่ ดูแล", ("admin",)), password="boss-pass-1234")
    signin.sign_in(a, "boss", password="boss-pass-1234")
    store.create_account(
        a, AccountInput("officer", "นางสาวอรุณี ทำงาน", ("officer",)), password="officer-pass-1"
    )
    sync_client.sync(a, http=server.http)
    sync_client.sync(b, http=server.http)
    # An officer cannot rename an account (not their own refused one).
    signin.sign_in(b, "officer", password="officer-pass-1")
    with b.reading() as s:
        boss = store.find(s, "boss")
    with pytest.raises(NotAllowedError, match="จัดการบัญชีผู้ใช้"):
        store.rename_account(b, boss.id, new_user_name="chief")
    # A made `chief` offline while B renamed `officer` to `chief`: the second to reach the server is refused.
    store.create_account(a, AccountInput("chief", "นายหัวหน้า ใหม่", ("approver",)), password="chief-pass-123")
    signin.sign_in(b, "boss", password="boss-pass-1234")
    with b.reading() as s:
        officer = store.find(s, "officer")
    store.rename_account(b, officer.id, new_user_name="chief")
    assert sync_client.sync(a, http=server.http).failed == 0
    assert sync_client.sync(b, http=server.http).failed == 1
    [failed] = sync_client.list_failed(b)
    assert NAME_TAKEN in failed.error
    with b.reading() as s:  # accepted before under another name; the server gave "chief" to A's account
        assert store.name_refused(s, s.get(StaffAccount, officer.id))
        assert store.find(s, "chief").full_name == "นายหัวหน้า ใหม่"
    store.rename_account(b, officer.id, new_user_name="arunee")
    assert sync_client.sync(b, http=server.http).failed == 0
    assert sorted(r["user_name"] for r in _account_rows(server)) == ["arunee", "boss", "chief"]


def test_the_centre_cannot_create_an_office_account_with_a_name_the_office_has(
    server: Server, desktops
) -> None:
    a = desktops("pc_a")
    store.create_account(a, AccountInput("head40", "นายหัวหน้า สำนักงาน", ("admin",)), password="head-pass-1234")
    sync_client.sync(a, http=server.http)
    with pytest.raises(admin.AdminError, match=NAME_TAKEN):
        admin.create_user(
            server.sessions,
            username="head40",
            password="centre-set-pass-1",
            role="province_head",
            province="40",
            desktop_roles=("admin",),
        )
    assert len(_account_rows(server)) == 1


def test_work_recorded_before_a_rename_still_bars_approving_it(server: Server, desktops) -> None:
    """The separation of duties follows the account through a rename (the audit keeps the old user name)."""
    b = desktops("pc_b")
    store.create_account(b, AccountInput("boss", "นายใหญ่ ดูแล", ("admin",)), password="boss-pass-1234")
    signin.sign_in(b, "boss", password="boss-pass-1234")
    row = store.create_account(
        b, AccountInput("somchai", "นายสมชาย รักงาน", ("approver", "finance")), password=PASS_B
    )
    signin.sign_in(b, "somchai", password=PASS_B)
    rid = uuid.uuid4()  # the audit names the round whose plan somchai recorded
    with b.transaction() as s:
        audit.record(
            s, b, office_code="40", action="plan", entity="training_round", entity_id=rid, permission=None
        )
    signin.sign_in(b, "boss", password="boss-pass-1234")
    store.rename_account(b, row.id, new_user_name="somchai.r")
    who = signin.sign_in(b, "somchai.r", password=PASS_B)
    with b.reading() as s:
        assert duties.recorded_by(s, rid, who)


def test_the_upgrade_gives_each_user_name_to_its_oldest_live_account(tmp_path) -> None:
    from alembic import command
    from sqlalchemy import create_engine, insert

    from db.base import utcnow
    from server.database import alembic_config, migrate

    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "s0005_national")
    ids = [uuid.uuid4() for _ in range(4)]
    rows = [  # (id, office, seq, deleted, user name)
        (ids[0], "40", 7, False, "somchai"),
        (ids[1], "40", 4, False, "SomChai"),  # the oldest live one of 40 holds the name
        (ids[2], "40", 2, True, "somchai"),  # deleted: holds nothing
        (ids[3], "41", 9, False, "somchai"),  # another office may have its own somchai
    ]
    with engine.begin() as conn:
        conn.execute(
            insert(SyncRow.__table__),
            [
                {"table_name": "staff_account", "row_id": rid, "office_code": office, "version": 1, "seq": seq,
                 "deleted": deleted, "data": {"user_name": name, "deleted": deleted},
                 "updated_at": utcnow(), "updated_by": ""}
                for rid, office, seq, deleted, name in rows
            ],
        )  # fmt: skip
    migrate(engine)
    with engine.connect() as conn:
        got = set(conn.execute(select(NaturalKey.office_code, NaturalKey.key, NaturalKey.row_id)).all())
    assert got == {("40", "somchai", ids[1]), ("41", "somchai", ids[3])}
    engine.dispose()


def test_two_pushes_of_one_user_name_at_the_same_moment_keep_one(server: Server, desktops) -> None:
    """The natural_key primary key makes the later push collide; its retry refuses it (PostgreSQL runs them at
    once): one account holds the name, the other is refused with the reason, never merged into it."""
    import threading

    from db.sync import local
    from db.sync.messages import PushRequest
    from server import store as server_store
    from server.models import Device

    pcs = [desktops("pc_a"), desktops("pc_b")]
    for ctx, (full, password) in zip(
        pcs, (("นายสมชาย ใจดี", PASS_A), ("นายสมชาย รักงาน", PASS_B)), strict=True
    ):
        store.create_account(ctx, AccountInput("somchai", full, ("admin",)), password=password)
    reqs = []
    for ctx in pcs:
        with ctx.engine.begin() as conn:
            changes = [
                c for c in local.build_batch(conn, limit=100, user_name="t") if c.table == "staff_account"
            ]
        reqs.append(PushRequest(changes=changes))
    with server.sessions() as s:
        devices = s.scalars(select(Device.id).order_by(Device.created_at)).all()
    whos = [server_store.Principal("device", "device", "40", d, f"pc{i}") for i, d in enumerate(devices[-2:])]
    gate = threading.Barrier(2)
    answers: list = [None, None]

    def run(k: int) -> None:
        gate.wait()
        answers[k] = server_store.push(server.sessions, whos[k], reqs[k])[0]

    threads = [threading.Thread(target=run, args=(k,)) for k in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(x.status for x in answers) == ["applied", "rejected"]
    [refused] = [x for x in answers if x.status == "rejected"]
    assert NAME_TAKEN in refused.error
    assert len(_account_rows(server)) == 1
