"""The server's refusals: other provinces, revoked devices, bad or huge requests, old clients, bad logins."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from db.rules.national_id import make_national_id
from db.sync import versions
from desktop.core.context import get_setting
from desktop.core.people import people
from desktop.core.people.people import PersonInput
from desktop.core.sync import client as sync_client
from server import admin
from server.models import SyncRow
from tests.fixtures.sync_harness import Server

H = {versions.PROTOCOL_HEADER: "1", versions.SCHEMA_HEADER: "1"}


def _token(ctx) -> str:
    return sync_client.device_token(ctx)


def _auth(ctx) -> dict[str, str]:
    return {**H, "Authorization": f"Bearer {_token(ctx)}"}


def _person_change(pid: uuid.UUID, **fields) -> dict:
    now = datetime.now(UTC).isoformat()
    row = {
        "id": str(pid),
        "office_code": "40",
        "created_at": now,
        "updated_at": now,
        "version": 1,
        "deleted": False,
        "server_seq": None,
        "national_id": make_national_id("310170020345"),
        "prefix": "",
        "first_name": "ปลอม",
        "last_name": "ปลอม",
        "name_original": "",
        "position": "",
        "village_id": None,
        "phone": "",
        "note": "",
    }
    row.update(fields)
    return {"mutation_id": str(uuid.uuid4()), "table": "person", "row_id": str(pid), "fields": row}


def _row(srv: Server, pid: uuid.UUID) -> SyncRow | None:
    with srv.sessions() as s:
        return s.scalar(select(SyncRow).where(SyncRow.row_id == pid))


def test_a_province_cannot_read_or_write_another(server: Server, desktops) -> None:
    a, b = desktops("khonkaen"), desktops("udon", province="41")
    person = people.create_person(
        a, PersonInput(national_id=make_national_id("110170020345"), first_name="ก", last_name="ข")
    )
    sync_client.sync(a, http=server.http)
    before = _row(server, person.id)
    assert before is not None and before.office_code == "40"

    r = server.http.get("/api/v1/sync/pull", params={"office": "40"}, headers=_auth(b))
    assert r.status_code == 403 and "จังหวัดของท่าน" in r.json()["message"]
    r = server.http.get("/api/v1/sync/pull", headers=_auth(b))
    assert r.status_code == 200 and all(c["data"]["office_code"] in ("41", "00") for c in r.json()["changes"])
    assert not any(c["row_id"] == str(person.id) for c in r.json()["changes"])

    # B forges a change to A's person: refused without saying the row exists; nothing changes.
    r = server.http.post(
        "/api/v1/sync/push", json={"changes": [_person_change(person.id, note="hacked")]}, headers=_auth(b)
    )
    assert r.status_code == 200
    [result] = r.json()["results"]
    assert result["status"] == "rejected" and "ไม่พบรายการนี้ในจังหวัดของท่าน" in result["error"]
    after = _row(server, person.id)
    assert (after.version, after.data, after.office_code) == (before.version, before.data, "40")

    # A new row claiming province 40 is stored as B's (41): the token decides, not the data.
    new_id = uuid.uuid4()
    r = server.http.post("/api/v1/sync/push", json={"changes": [_person_change(new_id)]}, headers=_auth(b))
    assert r.json()["results"][0]["status"] == "applied"
    stored = _row(server, new_id)
    assert stored.office_code == "41" and stored.data["office_code"] == "41"


def test_a_revoked_device_is_refused(server: Server, desktops) -> None:
    a = desktops("pc_a")
    sync_client.sync(a, http=server.http)
    with a.reading() as s:
        device_id = uuid.UUID(get_setting(s, sync_client.K_DEVICE))
    admin.revoke_device(server.sessions, device_id=device_id)
    people.create_person(
        a, PersonInput(national_id=make_national_id("110170020345"), first_name="ก", last_name="ข")
    )
    try:
        sync_client.sync(a, http=server.http)
    except sync_client.SyncError as exc:
        assert exc.code == "device_revoked" and "เพิกถอน" in exc.message
    else:
        raise AssertionError("a revoked device synced")
    assert sync_client.status(a).pending >= 1  # what was typed is still here
    r = server.http.get("/api/v1/sync/pull", headers=_auth(a))
    assert r.status_code == 401


def test_malformed_and_oversized_requests_get_a_clear_4xx(server: Server, desktops) -> None:
    a = desktops("pc_a")
    auth = {**_auth(a), "Content-Type": "application/json"}
    r = server.http.post("/api/v1/sync/push", content=b"{not json", headers=auth)
    assert r.status_code == 422 and r.json()["code"] == "malformed"
    r = server.http.post("/api/v1/sync/push", json={"changes": [{"table": "person"}]}, headers=auth)
    assert r.status_code == 422 and any("mutation_id" in d["where"] for d in r.json()["detail"])
    r = server.http.post(
        "/api/v1/sync/push", json={"changes": [_person_change(uuid.uuid4(), first_name=12)]}, headers=auth
    )
    assert r.json()["results"][0]["status"] == "rejected" and "first_name" in r.json()["results"][0]["error"]
    too_many = {"changes": [_person_change(uuid.uuid4()) for _ in range(501)]}
    r = server.http.post("/api/v1/sync/push", json=too_many, headers=auth)
    assert r.status_code == 422
    huge = b'{"changes": [], "x": "' + b"a" * (9 * 1024 * 1024) + b'"}'
    r = server.http.post("/api/v1/sync/push", content=huge, headers=auth)
    assert r.status_code == 413 and "MB" in r.json()["message"]

    def chunks():  # no Content-Length: the limit is counted as the body streams in
        for _ in range(10):
            yield b"x" * (1024 * 1024)

    r = server.http.post("/api/v1/sync/push", content=chunks(), headers=auth)
    assert r.status_code == 413
    r = server.http.get("/api/v1/sync/pull", params={"limit": 10**6}, headers=_auth(a))
    assert r.status_code == 422
    r = server.http.get("/api/v1/sync/pull", headers={**H, "Authorization": "Bearer nonsense"})
    assert r.status_code == 401
    assert server.http.get("/health").json()["status"] == "ok"  # still serving
    assert sync_client.sync(a, http=server.http).failed == 0


def test_an_old_client_is_refused_readably_and_clock_skew_is_reported(server: Server, desktops) -> None:
    a = desktops("pc_a")
    r = server.http.get("/api/v1/sync/pull", headers={**_auth(a), versions.PROTOCOL_HEADER: "0"})
    assert r.status_code == 426 and "รุ่นล่าสุด" in r.json()["message"] and "too old" in r.json()["message"]
    r = server.http.get("/api/v1/sync/pull", headers={**_auth(a), versions.SCHEMA_HEADER: "99"})
    assert r.status_code == 409 and r.json()["code"] == "server_too_old"
    ahead = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    r = server.http.get("/api/v1/sync/pull", headers={**_auth(a), versions.CLIENT_TIME_HEADER: ahead})
    body = r.json()
    assert (
        7000 < body["clock_skew_seconds"] < 7400
        and "นาฬิกา" in body["warning"]
        and "120 นาที" in body["warning"]
    )


def test_enrolment_codes_are_one_time_and_guessing_is_limited(server: Server, tmp_path) -> None:
    code = server.code("40")
    first = server.http.post("/api/v1/enrol", json={"code": code.lower().replace("-", " ")}, headers=H)
    assert first.status_code == 200 and first.json()["office_code"] == "40"
    again = server.http.post("/api/v1/enrol", json={"code": code}, headers=H)
    assert again.status_code == 403 and "ใช้ไปแล้ว" in again.json()["message"]
    for _ in range(12):
        last = server.http.post("/api/v1/enrol", json={"code": "AAAA-BBBB-CCCC-DDDD"}, headers=H)
    assert last.status_code == 429
    fresh = server.code("40")
    assert server.http.post("/api/v1/enrol", json={"code": fresh}, headers=H).status_code == 429  # wait first


def test_logins_are_hashed_and_failures_rate_limited(server: Server) -> None:
    admin.create_office(server.sessions, province="40")
    admin.create_user(
        server.sessions, username="somsri", password="correct horse 1", role="province_officer", province="40"
    )
    with server.sessions() as s:
        from server.models import User

        stored = s.scalar(select(User.password_hash).where(User.username == "somsri"))
    assert stored.startswith("$argon2id$") and "correct" not in stored
    ok = server.http.post("/api/v1/auth/login", json={"username": "somsri", "password": "correct horse 1"})
    assert ok.status_code == 200 and ok.json()["role"] == "province_officer"
    token = ok.json()["token"]
    r = server.http.get(
        "/api/v1/sync/pull", params={"office": "41"}, headers={**H, "Authorization": f"Bearer {token}"}
    )
    assert r.status_code == 403
    r = server.http.post(
        "/api/v1/sync/push", json={"changes": []}, headers={**H, "Authorization": f"Bearer {token}"}
    )
    assert r.status_code == 403  # users read; only enrolled devices write
    for _ in range(5):
        bad = server.http.post("/api/v1/auth/login", json={"username": "somsri", "password": "wrong"})
        assert bad.status_code == 401
    locked = server.http.post(
        "/api/v1/auth/login", json={"username": "somsri", "password": "correct horse 1"}
    )
    assert locked.status_code == 429 and "หลายครั้ง" in locked.json()["message"]


def test_central_staff_read_every_province_and_see_the_national_page(server: Server, desktops) -> None:
    from desktop.core.demo import province as demo
    from desktop.core.exports.figures import province_figures

    a, b = desktops("khonkaen"), desktops("udon", province="41")
    demo.generate_demo(a, people=25)
    people.create_person(
        b, PersonInput(national_id=make_national_id("110170020345"), first_name="ก", last_name="ข")
    )
    sync_client.sync(a, http=server.http)
    sync_client.sync(b, http=server.http)
    admin.allocate(server.sessions, province="40", fiscal_year=2570, amount="266063.16", ref_no="รง 0206/123")
    admin.create_user(
        server.sessions, username="central", password="central pass 1", role="central_staff", province=None
    )
    token = server.http.post(
        "/api/v1/auth/login", json={"username": "central", "password": "central pass 1"}
    ).json()["token"]
    auth = {**H, "Authorization": f"Bearer {token}"}
    r = server.http.get("/api/v1/sync/pull", params={"office": "41"}, headers=auth)
    assert r.status_code == 200 and {c["data"]["office_code"] for c in r.json()["changes"]} == {"41"}
    # The old page is retired: it sends the browser to the dashboard, which has its own sign-in.
    old = server.http.get("/central", follow_redirects=False)
    assert old.status_code == 303 and old.headers["location"] == "/dashboard"
    assert server.http.get("/", follow_redirects=False).headers["location"] == "/dashboard"
    # The JSON API gives the dashboard's figures, which are the desktop's own for a synced province.
    fy = 2569
    rows = server.http.get("/api/v1/central/progress", params={"fy": fy}, headers=auth).json()
    by_code = {r["code"]: r for r in rows}
    fig = province_figures(a, fiscal_year=fy)
    assert fig.budget.spent_satang > 0 and fig.total("trained_to_date") > 0
    kk = by_code["40"]
    assert (kk["fiscal_year"], kk["source"]) == (fy, "sync")
    assert (kk["trained_to_date"], kk["target"]) == (fig.total("trained_to_date"), fig.total("target"))
    # Allocations are the centre's rows (the demo's own local ones never sync): remaining is from the centre's.
    assert kk["spent_satang"] == fig.budget.spent_satang
    assert kk["remaining_satang"] == kk["allocated_satang"] - kk["spent_satang"]
    assert by_code["41"]["target"] == 0 and by_code["41"]["spent_satang"] == 0
    later = server.http.get("/api/v1/central/progress", params={"fy": 2570}, headers=auth).json()
    assert {r["code"]: r for r in later}["40"]["allocated_satang"] == 26606316
    assert server.http.get("/api/v1/central/progress", headers={**H}).status_code == 401
    # The allocation is the centre's: it reaches the province's PCs.
    sync_client.sync(a, http=server.http)
    from db.models import BudgetAllocation

    with a.reading() as s:
        assert (
            s.scalar(select(BudgetAllocation.amount_satang).where(BudgetAllocation.ref_no == "รง 0206/123"))
            == 26606316
        )


def test_openapi_and_health(server: Server) -> None:
    spec = server.http.get("/openapi.json").json()
    assert {"/api/v1/sync/push", "/api/v1/sync/pull", "/api/v1/enrol", "/health"} <= set(spec["paths"])
    assert server.http.get("/health").json()["protocol"] == versions.PROTOCOL_VERSION
