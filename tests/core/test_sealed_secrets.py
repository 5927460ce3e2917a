"""The device token in local_setting: sealed with the data key, never plain text, plain old values sealed at start."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import LocalSetting
from desktop.core.context import AppContext, set_setting
from desktop.core.errors import CoreError
from desktop.core.keys.secrets import PREFIX, get_secret_setting, set_secret_setting, unseal
from desktop.core.sync import client as sync_client

TOKEN = "dev-token-0123456789abcdef0123456789abcdef"


def _raw(ctx: AppContext) -> str:
    with ctx.reading() as s:
        return s.scalar(select(LocalSetting.value).where(LocalSetting.key == sync_client.K_TOKEN)) or ""


def test_the_device_token_is_sealed_and_read_back(ctx: AppContext) -> None:
    with ctx.transaction() as s:
        set_secret_setting(s, ctx.engine, sync_client.K_TOKEN, TOKEN)
    raw = _raw(ctx)
    assert raw.startswith(PREFIX) and TOKEN not in raw
    assert sync_client.device_token(ctx) == TOKEN
    with pytest.raises(CoreError, match="ถอดรหัสไม่ได้"):  # bound to its name: moved to another setting, refused
        unseal(bytes(32), raw, name=sync_client.K_TOKEN)


def test_a_plain_token_left_by_an_older_version_is_sealed_at_the_next_start(db_path: Path) -> None:
    ctx = AppContext.open(db_path)
    with ctx.transaction() as s:
        set_setting(s, sync_client.K_TOKEN, TOKEN)  # what the previous version wrote
    ctx.close()
    ctx = AppContext.open(db_path)
    try:
        assert TOKEN not in _raw(ctx) and _raw(ctx).startswith(PREFIX)
        with ctx.reading() as s:
            assert get_secret_setting(s, ctx.engine, sync_client.K_TOKEN) == TOKEN
    finally:
        ctx.close()
