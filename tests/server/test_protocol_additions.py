"""A field added to the sync protocol does not break the other side: the envelopes of every message ignore fields
they do not know (a newer server to an older PC, a newer PC to an older server), while a row's own contents are
still checked column by column (an unknown column is refused)."""

from __future__ import annotations

import json
import uuid

import httpx

from db.sync.messages import PullResponse, PushRequest, PushResponse
from desktop.core.demo import province as demo
from desktop.core.people import people
from desktop.core.sync import client as sync_client
from tests.fixtures.sync_harness import BASE, Server
from tests.server.test_hostile import _person, _post

ROW_CONTENTS = {"fields", "base", "data"}  # a row's columns: never padded here


def _pad(value: object) -> object:
    """Every envelope object gets fields from a future protocol version; row contents are left as they are."""
    if isinstance(value, list):
        return [_pad(v) for v in value]
    if isinstance(value, dict):
        padded = {k: v if k in ROW_CONTENTS else _pad(v) for k, v in value.items()}
        padded["added_in_protocol_99"] = {"anything": [1, 2]}
        return padded
    return value


class NewerOnBothSides(httpx.BaseTransport):
    """The PC's requests and the server's answers both carry fields the other side has never heard of."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner, self.padded = inner, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.content and request.headers.get("content-type", "").startswith("application/json"):
            body = json.dumps(_pad(json.loads(request.content))).encode()
            headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
            request = httpx.Request(request.method, request.url, headers=headers, content=body)
            self.padded += 1
        response = self.inner.handle_request(request)
        response.read()
        if response.status_code >= 400 or "json" not in response.headers.get("content-type", ""):
            return response
        headers = {
            k: v
            for k, v in response.headers.items()
            if k.lower() not in ("content-length", "content-encoding")
        }
        self.padded += 1
        return httpx.Response(
            response.status_code,
            headers=headers,
            content=json.dumps(_pad(response.json())).encode(),
            request=request,
        )


def test_sync_works_when_both_sides_send_fields_the_other_does_not_know(server: Server, desktops) -> None:
    a, b = desktops("pc_a"), desktops("pc_b")
    demo.generate_demo(a, people=12)
    transport = NewerOnBothSides(server.http._transport)
    with httpx.Client(base_url=BASE, transport=transport) as http:
        pushed = sync_client.sync(a, http=http)
        pulled = sync_client.sync(b, http=http)
    assert pushed.failed == 0 and pulled.failed == 0, (pushed, pulled)
    assert transport.padded >= 4  # requests and answers both went through padded
    assert {p.national_id for p in people.list_people(b)} == {p.national_id for p in people.list_people(a)}
    assert len(people.list_people(b)) == 12


def test_unknown_envelope_fields_are_ignored_but_an_unknown_column_is_still_refused(
    server: Server, desktops
) -> None:
    a = desktops("pc_a")
    good, bad = _person(), _person(is_admin=True)
    body = {
        "changes": [{**good, "priority": 5}, {**bad, "priority": 5}],
        "resolved_conflicts": [],
        "future": True,
    }
    r = _post(server, a, json.dumps(body).encode())
    assert r.status_code == 200, r.text
    first, second = r.json()["results"]
    assert first["status"] == "applied"
    assert second["status"] == "rejected" and "is_admin" in second["error"]


def test_the_messages_read_by_each_side_parse_with_unknown_fields() -> None:
    now = "2026-12-04T10:00:00+00:00"
    row = {
        "table": "person",
        "row_id": str(uuid.uuid4()),
        "seq": 1,
        "version": 1,
        "deleted": False,
        "data": {},
    }
    pull = PullResponse.model_validate(
        _pad({"changes": [row], "next_cursor": 1, "watermark": 1, "has_more": False, "server_time": now})
    )
    assert pull.changes[0].seq == 1 and "added_in_protocol_99" not in pull.model_dump()
    push = PushResponse.model_validate(
        _pad({"results": [{"mutation_id": str(uuid.uuid4()), "status": "applied"}], "server_time": now})
    )
    assert push.results[0].status == "applied"
    req = PushRequest.model_validate(_pad({"changes": [_person()]}))
    assert req.changes[0].fields["first_name"] == "ปลอม"
