"""Signing in at this PC: the password checked locally against the synced argon2id hash, offline.

Wrong passwords are counted per user name in this PC's local settings (not synced), so that a script cannot
guess faster by starting the program again; after five in a row each next attempt waits longer (never for good).
"""

from __future__ import annotations

import json
import time

from sqlalchemy.orm import Session

from desktop.core.accounts.passwords import throttle_wait, verify_password
from desktop.core.accounts.roles import parse_roles
from desktop.core.accounts.session import SignedIn
from desktop.core.accounts.store import candidates
from desktop.core.context import AppContext, get_setting, set_setting
from desktop.core.errors import NotAllowedError

FAILURES_KEY = "login.failures"


class SignInRefused(NotAllowedError):
    """A wrong user name or password, a disabled account, or an attempt made too soon after wrong ones."""

    def __init__(self, message: str, *, wait_s: float = 0.0) -> None:
        super().__init__(message)
        self.wait_s = wait_s


def _failures(session: Session) -> dict[str, list[float]]:
    try:
        data = json.loads(get_setting(session, FAILURES_KEY) or "{}")
        return data if isinstance(data, dict) else {}
    except ValueError:
        return {}


def wait_left(ctx: AppContext, user_name: str, *, now: float | None = None) -> float:
    with ctx.reading() as session:
        count, last = _failures(session).get(user_name.strip().lower(), [0, 0.0])
    return throttle_wait(int(count), last_failure=float(last), now=time.time() if now is None else now)


def _note(ctx: AppContext, user_name: str, *, failed: bool, now: float) -> None:
    key = user_name.strip().lower()
    with ctx.transaction() as session:
        data = _failures(session)
        if failed:
            count = int(data.get(key, [0, 0.0])[0]) + 1
            data[key] = [count, now]
        elif key in data:
            del data[key]
        else:
            return
        set_setting(session, FAILURES_KEY, json.dumps(data))


def authenticate(ctx: AppContext, user_name: str, *, password: str, now: float | None = None) -> SignedIn:
    """The account if the password is right and the account active; SignInRefused (Thai) otherwise."""
    now = time.time() if now is None else now
    wait = wait_left(ctx, user_name, now=now)
    if wait > 0:
        raise SignInRefused(f"ใส่รหัสผ่านผิดหลายครั้ง กรุณารอ {int(wait + 0.999)} วินาทีแล้วลองใหม่", wait_s=wait)
    with ctx.reading() as session:
        # Verify even for an unknown name, so the time taken does not tell which names exist. Two accounts of
        # one name (made on two PCs offline, the second waiting to be renamed): the password tells which.
        found = candidates(session, user_name)
        account = None
        for each in found or [None]:
            stored = each.password_hash if each is not None else _DUMMY
            if verify_password(stored, password) and each is not None:
                account = each
                break
        if account is not None and not account.active:
            raise SignInRefused(f"บัญชี {account.full_name} ({account.user_name}) ถูกระงับการใช้งานแล้ว")
        who = (
            SignedIn(
                account.id,
                account.user_name,
                account.full_name,
                account.position,
                account.national_id,
                parse_roles(account.roles),
                account.must_change_password,
            )
            if account is not None
            else None
        )
    _note(ctx, user_name, failed=who is None, now=now)
    if who is None:
        raise SignInRefused("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง")
    return who


def sign_in(ctx: AppContext, user_name: str, *, password: str) -> SignedIn:
    """authenticate() and make that account the one at the keyboard of ctx."""
    who = authenticate(ctx, user_name, password=password)
    ctx.account = who
    ctx.user_name = who.user_name
    return who


def sign_out(ctx: AppContext) -> None:
    from desktop.core.context import _os_user

    ctx.account = None
    ctx.user_name = _os_user()


_DUMMY = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$SAeb2X3MCZGtqLmSvhY6A6hSZGVi2F70Oxf9ywGOYvs"
