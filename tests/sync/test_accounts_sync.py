"""Accounts are office data that sync: the centre's first admin reaches the desktops, an account made or disabled
on one PC counts on the others after their next sync, and no password or hash travels outside the hash column."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import select

from db.models import AuditEntry, StaffAccount
from db.rules.national_id import make_national_id
from desktop.core.accounts import signin, store
from desktop.core.accounts.store import AccountInput
from desktop.core.errors import NotAllowedError
from desktop.core.people import people
from desktop.core.people.people import PersonInput
from desktop.core.sync import client as sync_client
from server import admin
from server.models import SyncRow
from tests.fixtures.sync_harness import Flaky, Server, client_for

CENTRE_PASSWORD = "centre-set-pass-1"
OWN_PASSWORD = "head-own-pass-22"
OFFICER_PASSWORD = "officer-pass-333"


def _sync(ctx, srv: Server, http=None) -> sync_client.SyncReport:
    report = sync_client.sync(ctx, http=http or srv.http)
    assert report.failed == 0, report
    return report


def test_accounts_sync_and_a_disabled_account_stops_on_the_other_pc(
    server: Server, desktops, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    a, b = desktops("pc_a"), desktops("pc_b")  # both enrolled in province 40, no accounts yet
    admin.create_user(
        server.sessions,
        username="head40",
        password=CENTRE_PASSWORD,
        role="province_head",
        province="40",
        full_name="นายหัวหน้า สำนักงาน",
        desktop_roles=("admin", "approver"),
    )
    flaky = Flaky(server.http._transport)  # records every request body
    http = client_for(server, flaky)
    _sync(a, server, http)
    _sync(b, server, http)

    # The centre's admin signs in on A, offline from here, and must choose a password of their own.
    head = signin.sign_in(a, "head40", password=CENTRE_PASSWORD)
    assert head.must_change_password and head.roles == frozenset({"admin", "approver"})
    store.change_own_password(a, old_password=CENTRE_PASSWORD, new_password=OWN_PASSWORD)
    store.create_account(
        a,
        AccountInput("officer", "นางสาวอรุณี ทำงาน", ("officer",), "นักวิชาการแรงงาน"),
        password=OFFICER_PASSWORD,
    )
    _sync(a, server, http)
    _sync(b, server, http)

    # B accepts the same logins: the new password (not the centre's), and the officer A made.
    with pytest.raises(signin.SignInRefused):
        signin.authenticate(b, "head40", password=CENTRE_PASSWORD)
    assert signin.authenticate(b, "head40", password=OWN_PASSWORD).user_name == "head40"
    signin.sign_in(b, "officer", password=OFFICER_PASSWORD)
    people.create_person(
        b, PersonInput(national_id="3101700001233", prefix="นาย", first_name="สมชาย", last_name="ใจดี")
    )

    # A disables the officer; B's officer stops at B's next sync: the next change and the next sign-in are refused.
    store.set_active(a, "officer", active=False)
    _sync(a, server, http)
    people.create_person(
        b, PersonInput(national_id="3101700001241", prefix="นาย", first_name="สมศักดิ์", last_name="ใจดี")
    )
    _sync(b, server, http)
    with pytest.raises(NotAllowedError, match=r"บัญชี นางสาวอรุณี ทำงาน \(officer\) ถูกระงับการใช้งานแล้ว"):
        people.create_person(
            b,
            PersonInput(
                national_id=make_national_id("310170000125"),
                prefix="นาย",
                first_name="สมหมาย",
                last_name="ใจดี",
            ),
        )
    with pytest.raises(signin.SignInRefused, match="ถูกระงับการใช้งานแล้ว"):
        signin.authenticate(b, "officer", password=OFFICER_PASSWORD)

    # The audit on B names the account; it reached A.
    _sync(a, server, http)
    with a.reading() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.summary.like("%สมชาย ใจดี%"))).first()
        assert entry is not None and (entry.user_name, entry.full_name) == ("officer", "นางสาวอรุณี ทำงาน")
        assert entry.device_name

    # No password anywhere; a hash only in staff_account.password_hash: request bodies, stored rows, logs.
    with a.reading() as s:
        hashes = set(s.scalars(select(StaffAccount.password_hash)))
    assert len(hashes) == 2
    secrets = (CENTRE_PASSWORD, OWN_PASSWORD, OFFICER_PASSWORD)
    bodies = [r.content.decode("utf-8", "replace") for r in flaky.requests]
    assert any('"staff_account"' in body for body in bodies)
    for body in bodies:
        assert not any(p in body for p in secrets)
        for change in json.loads(body).get("changes", []) if body.startswith("{") else []:
            for field, value in (change.get("data") or {}).items():
                if field != "password_hash":
                    assert "$argon2" not in json.dumps(value), (change.get("table"), field)
    with server.sessions() as s:
        for row in s.scalars(select(SyncRow)):
            for field, value in row.data.items():
                text = json.dumps(value, ensure_ascii=False)
                assert not any(p in text for p in secrets)
                if (row.table_name, field) != ("staff_account", "password_hash"):
                    assert "$argon2" not in text, (row.table_name, field)
    logged = caplog.text
    assert not any(p in logged for p in (*secrets, *hashes, "$argon2"))


def test_a_pushed_password_instead_of_a_hash_is_refused_without_echoing_it(server: Server, desktops) -> None:
    a = desktops("pc_a")
    store.create_account(a, AccountInput("boss", "นายใหญ่ ดูแล", ("admin",)), password="admin-pass-1234")
    # Written around the core, as a broken or hostile client would: the hash column holds a password.
    with a.transaction() as s:
        s.execute(StaffAccount.__table__.update().values(password_hash="$argon2id$plain-password-oops"))
    report = sync_client.sync(a, http=server.http)
    assert report.failed >= 1
    [failed] = [f for f in sync_client.list_failed(a) if f.table == "staff_account"]
    assert "password_hash" in failed.error and "argon2id" in failed.error
    assert "plain-password-oops" not in f"{failed.error} {failed.label}"
    with server.sessions() as s:
        assert s.scalars(select(SyncRow).where(SyncRow.table_name == "staff_account")).first() is None


def test_another_province_can_neither_read_nor_change_an_office_s_accounts(server: Server, desktops) -> None:
    from datetime import UTC, datetime

    from db.sync import versions
    from desktop.core.accounts.passwords import hash_password

    a, b = desktops("khonkaen"), desktops("udon", province="41")
    admin.create_user(
        server.sessions,
        username="head40",
        password=CENTRE_PASSWORD,
        role="province_head",
        province="40",
        full_name="นายหัวหน้า สำนักงาน",
        desktop_roles=("admin",),
    )
    _sync(a, server)
    _sync(b, server)
    with a.reading() as s:
        account = s.scalars(select(StaffAccount)).one()
    with b.reading() as s:
        assert s.scalars(select(StaffAccount)).first() is None  # province 41 pulled nothing of 40's accounts
    auth = {
        versions.PROTOCOL_HEADER: "1",
        versions.SCHEMA_HEADER: "1",
        "Authorization": f"Bearer {sync_client.device_token(b)}",
    }
    r = server.http.get("/api/v1/sync/pull", headers=auth)
    assert r.status_code == 200 and not any(c["table"] == "staff_account" for c in r.json()["changes"])
    # 41 forges 40's admin with a password of its own choosing: refused, and nothing changes.
    now = datetime.now(UTC).isoformat()
    forged = {
        "id": str(account.id),
        "office_code": "40",
        "created_at": now,
        "updated_at": now,
        "version": 2,
        "deleted": False,
        "server_seq": None,
        "user_name": "head40",
        "full_name": "นายหัวหน้า สำนักงาน",
        "position": "",
        "national_id": "",
        "roles": "admin",
        "active": True,
        "must_change_password": False,
        "password_hash": hash_password("taken-over-9999"),
    }
    change = {
        "mutation_id": "00000000-0000-4000-8000-000000000001",
        "table": "staff_account",
        "row_id": str(account.id),
        "fields": forged,
    }
    r = server.http.post("/api/v1/sync/push", json={"changes": [change]}, headers=auth)
    assert r.status_code == 200 and r.json()["results"][0]["status"] == "rejected"
    _sync(a, server)
    with pytest.raises(signin.SignInRefused):
        signin.authenticate(a, "head40", password="taken-over-9999")
    assert signin.authenticate(a, "head40", password=CENTRE_PASSWORD).user_name == "head40"
