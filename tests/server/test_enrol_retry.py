"""Enrolment whose answer is lost: the PC retries the same code with its own key and gets the same device."""

from __future__ import annotations

import httpx
import pytest

from db.sync import versions
from desktop.core import office
from desktop.core.context import AppContext
from desktop.core.errors import CoreError
from desktop.core.sync import client as sync_client
from tests.fixtures.sync_harness import BASE, Flaky, Server, client_for

H = {versions.PROTOCOL_HEADER: "1", versions.SCHEMA_HEADER: "1"}


def test_a_lost_enrolment_answer_is_retried_safely(server: Server, tmp_path) -> None:
    ctx = AppContext.open(tmp_path / "pc.sqlite", user_name="pc")
    try:
        office.setup_office(ctx, province_code="40")
        code = server.code("40")
        flaky = Flaky(server.http._transport)
        flaky.lose_answer = lambda r: r.url.path.endswith("/enrol")
        with client_for(server, flaky) as http, pytest.raises((CoreError, httpx.HTTPError)):
            sync_client.enrol(ctx, server=BASE, code=code, device_name="pc", http=http)
        first = sync_client.enrol(ctx, server=BASE, code=code, device_name="pc", http=server.http)
        again = sync_client.enrol(ctx, server=BASE, code=code, device_name="pc", http=server.http)
        assert first.device_id == again.device_id
        assert sync_client.sync(ctx, http=server.http).failed == 0
    finally:
        ctx.close()


def test_the_same_code_with_the_same_key_revokes_the_old_token_and_another_key_is_refused(
    server: Server,
) -> None:
    code = server.code("40")
    body = {"code": code, "device_name": "pc", "device_key": "k" * 32}
    one = server.http.post("/api/v1/enrol", json=body, headers=H).json()
    two = server.http.post("/api/v1/enrol", json=body, headers=H).json()
    assert one["device_id"] == two["device_id"] and one["token"] != two["token"]
    pull = "/api/v1/sync/pull"
    assert server.http.get(pull, headers={**H, "Authorization": f"Bearer {one['token']}"}).status_code == 401
    assert server.http.get(pull, headers={**H, "Authorization": f"Bearer {two['token']}"}).status_code == 200
    other = server.http.post("/api/v1/enrol", json={**body, "device_key": "x" * 32}, headers=H)
    assert other.status_code == 403
    no_key = server.http.post("/api/v1/enrol", json={"code": code, "device_name": "pc"}, headers=H)
    assert no_key.status_code == 403
