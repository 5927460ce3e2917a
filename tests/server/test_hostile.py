"""Hostile bodies on push and pull: always a 4xx or a per-change refusal, never a 5xx, nothing refused is stored."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from db.rules.national_id import make_national_id
from desktop.core.demo import province as demo
from desktop.core.sync import client as sync_client
from server.models import Mutation, SyncRow
from tests.fixtures.sync_harness import Server
from tests.server.test_api import _auth, _person_change


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _row(table: str, **fields: object) -> dict:
    rid = str(uuid.uuid4())
    base = {"id": rid, "created_at": _now(), "updated_at": _now(), "deleted": False}
    return {"mutation_id": str(uuid.uuid4()), "table": table, "row_id": rid, "fields": {**base, **fields}}


def _person(**fields: object) -> dict:
    return _person_change(uuid.uuid4(), **fields)


def _deep(n: int) -> object:
    value: object = "x"
    for _ in range(n):
        value = {"a": value}
    return value


def _without(change: dict, field: str) -> dict:
    change["fields"].pop(field)
    return change


def _round(**fields: object) -> dict:
    values = {
        "fiscal_year": 2570,
        "number": 1,
        "start_date": "2027-01-10",
        "end_date": "2027-01-11",
        "capacity": 40,
        "status": "planned",
        **fields,
    }
    return _row("training_round", **values)


# (name, change, words the refusal must contain): each is refused on its own, with its own reason.
REFUSED = [
    ("lone surrogate", _person(first_name="\ud800"), "surrogate"),
    ("NUL", _person(last_name="a\x00b"), "NUL"),
    ("national ID abc", _person(national_id="abc"), "national_id"),
    ("bad check digit", _person(national_id="1101700203451"), "national_id"),
    ("7 MB first name", _person(first_name="x" * (7 * 1024 * 1024)), "first_name"),
    ("phone letters", _person(phone="08x2345678"), "phone"),
    ("missing first name", _without(_person(), "first_name"), "first_name"),
    ("first name null", _person(first_name=None), "first_name"),
    ("unknown field", _person(is_admin=True), "is_admin"),
    ("village of nowhere", _person(village_id=str(uuid.uuid4())), "village_id"),
    ("moo 10**30", _row("village", code="40010101", subdistrict_id=str(uuid.uuid4()), moo=10**30), "moo"),
    (
        "900-deep JSON",
        _row(
            "audit_entry",
            at=_now(),
            action="x",
            entity="person",
            entity_id=str(uuid.uuid4()),
            changes=_deep(900),
        ),
        "changes",
    ),
    ("status not an enum", _round(status="bogus"), "status"),
    ("capacity 0", _round(capacity=0), "capacity"),
    ("end before start", _round(end_date="2027-01-01"), "end_date"),
    (
        "amount 1e999999999",
        _row("expense_line", round_id=str(uuid.uuid4()), quantity="1e999999999"),
        "quantity",
    ),
    ("unknown table", {**_person(), "table": "app_user"}, "app_user"),
    ("surrogate in base", {**_person(), "base": {"first_name": "\ud800"}, "base_version": 1}, "base"),
    ("rates are the centre's", _row("rate", item="x"), "rate"),
]


def _post(server: Server, ctx, body: bytes):
    headers = {**_auth(ctx), "Content-Type": "application/json"}
    return server.http.post("/api/v1/sync/push", content=body, headers=headers)


def _stored(server: Server, ids: list[str]) -> int:
    with server.sessions() as s:
        return s.scalar(select(func.count()).where(SyncRow.row_id.in_([uuid.UUID(i) for i in ids]))) or 0


def test_every_hostile_change_is_refused_with_its_reason_and_nothing_is_stored(
    server: Server, desktops
) -> None:
    a = desktops("pc_a")
    good = _person(national_id=make_national_id("310170020346"), phone="0812345678")
    no_prefix = _without(_person(national_id=make_national_id("310170020347")), "prefix")
    changes = [c for _, c, _ in REFUSED] + [good, no_prefix]
    # json.dumps writes a lone surrogate as the escape "\ud800", as a buggy client would.
    r = _post(server, a, json.dumps({"changes": changes}).encode())
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    for (name, _, words), result in zip(REFUSED, results, strict=False):
        assert result["status"] == "rejected", name
        assert words in result["error"], (
            name,
            result,
        )
        assert len(result["error"]) < 600, name  # the value is shortened, not echoed whole
    assert [x["status"] for x in results[-2:]] == ["applied", "applied"]
    assert (
        results[-1]["data"]["prefix"] == ""
    )  # a missing column with a default gets it, as the desktop would
    assert _stored(server, [c["row_id"] for _, c, _ in REFUSED]) == 0
    with server.sessions() as s:  # every answer, refusals too, is kept for replays
        assert s.scalar(select(func.count()).select_from(Mutation)) == len(changes)

    # The office is not poisoned: its pull answers (without the two good rows: the pushing PC is not sent back
    # what it wrote), and a normal PC syncs cleanly and gets the good rows.
    r = server.http.get("/api/v1/sync/pull", headers=_auth(a))
    assert r.status_code == 200 and len(r.json()["changes"]) == 0
    b = desktops("pc_b")
    demo.generate_demo(b, people=15)
    report = sync_client.sync(b, http=server.http)
    assert report.failed == 0 and report.pulled >= 2


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("not JSON", b"{not json"),
        ("empty", b""),
        ("10**5000 int", b'{"changes": [{"x": ' + b"9" * 5000 + b"}]}"),
        ("5000-deep JSON", b'{"changes": ' + b"[" * 5000 + b"]" * 5000 + b"}"),
        ("changes not a list", b'{"changes": 5}'),
        ("row id not a uuid", json.dumps({"changes": [{**_person(), "row_id": "abc"}]}).encode()),
        ("501 changes", json.dumps({"changes": [_person() for _ in range(501)]}).encode()),
        ("base version 10**30", json.dumps({"changes": [{**_person(), "base_version": 10**30}]}).encode()),
        # pydantic itself refuses a lone surrogate in the envelope's own text fields: the whole batch is a 422
        ("surrogate table name", json.dumps({"changes": [{**_person(), "table": "p\ud800"}]}).encode()),
        ("surrogate user name", json.dumps({"changes": [{**_person(), "user_name": "\udfff"}]}).encode()),
        ("bad UTF-8", b'{"changes": [{"table": "\xff\xfe"}]}'),
    ],
)
def test_malformed_push_bodies_get_a_4xx(server: Server, desktops, name: str, body: bytes) -> None:
    a = desktops("pc_a")
    r = _post(server, a, body)
    assert 400 <= r.status_code < 500 or (
        r.status_code == 200 and r.json()["results"][0]["status"] == "rejected"
    ), (
        name,
        r.status_code,
        r.text[:300],
    )


def test_pull_and_conflicts_refuse_bad_queries_with_a_4xx(server: Server, desktops) -> None:
    a = desktops("pc_a")
    get = server.http.get
    for params in (
        {"cursor": 2**63},
        {"cursor": 10**30},
        {"cursor": -1},
        {"cursor": "x"},
        {"limit": 0},
        {"limit": 10**9},
        {"office": "4%ED%A0%80"},
        {"office": "41"},
    ):
        r = get("/api/v1/sync/pull", params=params, headers=_auth(a))
        assert 400 <= r.status_code < 500, (params, r.status_code, r.text)
    assert get("/api/v1/sync/pull", params={"cursor": 2**63 - 1}, headers=_auth(a)).status_code == 200
    r = get("/api/v1/sync/conflicts", params={"office": "41"}, headers=_auth(a))
    assert r.status_code == 403 and "จังหวัดของท่าน" in r.json()["message"]
    assert get("/api/v1/sync/conflicts", params={"office": "x" * 5000}, headers=_auth(a)).status_code == 422
    assert get("/api/v1/sync/conflicts", headers=_auth(a)).status_code == 200


def test_a_mutation_id_sent_again_with_other_content_is_refused(server: Server, desktops) -> None:
    a = desktops("pc_a")
    change = _person(national_id=make_national_id("310170020348"))
    first = _post(server, a, json.dumps({"changes": [change]}).encode()).json()["results"][0]
    assert first["status"] == "applied"
    again = _post(server, a, json.dumps({"changes": [change]}).encode()).json()["results"][0]
    assert again["status"] == "applied" and again["replayed"] and again["seq"] == first["seq"]
    forged = {**change, "fields": {**change["fields"], "first_name": "อื่น"}}
    refused = _post(server, a, json.dumps({"changes": [forged]}).encode()).json()["results"][0]
    assert refused["status"] == "rejected" and "409" in refused["error"] and "ข้อมูลอื่น" in refused["error"]
    with server.sessions() as s:
        row = s.scalar(select(SyncRow).where(SyncRow.row_id == uuid.UUID(change["row_id"])))
        assert row.data["first_name"] == "ปลอม" and row.version == 1


def test_a_row_stored_before_validation_does_not_crash_a_pulling_pc(server: Server, desktops) -> None:
    """moo = 10**30 written on the server before it validated: the PC reports the row and syncs the rest."""
    from server import store

    a = desktops("pc_a")
    bad = _row("village", code="40010101", subdistrict_id=str(uuid.uuid4()), moo=10**30, name_th="")["fields"]
    with server.sessions.begin() as s:
        store.publish(s, table="village", office_code="40", data=bad, by="old server")
    good = _person(national_id=make_national_id("310170020349"))
    assert (
        _post(server, a, json.dumps({"changes": [good]}).encode()).json()["results"][0]["status"] == "applied"
    )
    b = desktops("pc_b")
    report = sync_client.sync(b, http=server.http)
    assert report.pulled >= 2 and any("village" in p for p in report.problems)
    from desktop.core.people import people

    assert [p.first_name for p in people.list_people(b)] == ["ปลอม"]
