"""How many idle minutes lock the screen: a setting of this PC (default 15), changed by an admin."""

from __future__ import annotations

from desktop.core.accounts.permissions import require
from desktop.core.context import AppContext, get_setting, set_setting
from desktop.core.errors import ValidationError

SETTING = "accounts.idle_lock_minutes"
DEFAULT_MINUTES = 15


def lock_minutes(ctx: AppContext) -> int:
    with ctx.reading() as session:
        text = get_setting(session, SETTING)
    return int(text) if text.isdigit() and int(text) > 0 else DEFAULT_MINUTES


def set_lock_minutes(ctx: AppContext, minutes: int) -> None:
    if not 1 <= minutes <= 240:
        raise ValidationError({"idle_minutes": "ล็อกหน้าจอเมื่อไม่ได้ใช้งานได้ตั้งแต่ 1 ถึง 240 นาที"})
    with ctx.transaction() as session:
        require(ctx, "settings.edit", session=session)
        set_setting(session, SETTING, str(minutes))
