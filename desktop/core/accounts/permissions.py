"""require(ctx, permission): the one check every core operation that changes, prints or exports data goes through.

A database without any account works as before accounts existed (nothing is asked). Once an account exists,
an operation needs a signed-in, still active account holding a role that permits it; otherwise it is refused
with one Thai sentence naming what was asked and who asked it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import StaffAccount
from desktop.core.accounts.roles import PERMISSIONS, ROLE_LABELS, allowed, parse_roles
from desktop.core.accounts.session import SignedIn
from desktop.core.context import AppContext
from desktop.core.errors import NotAllowedError


def accounts_exist(session: Session) -> bool:
    # A plain indexed lookup ("SELECT EXISTS" reads as a scan of a constant row in the query plan tests).
    return session.scalar(select(StaffAccount.id).where(StaffAccount.deleted == False).limit(1)) is not None  # noqa: E712


def any_accounts(ctx: AppContext) -> bool:
    with ctx.reading() as session:
        return accounts_exist(session)


def require(ctx: AppContext, permission: str, *, session: Session | None = None) -> SignedIn | None:
    """Refuse (NotAllowedError) unless the signed-in account may do it; returns that account (None: no accounts)."""
    if session is None:
        with ctx.reading() as own:
            return _require(ctx, permission, own)
    return _require(ctx, permission, session)


def _require(ctx: AppContext, permission: str, session: Session) -> SignedIn | None:
    what, roles = PERMISSIONS[permission]
    who = ctx.account
    needed = " หรือ ".join(ROLE_LABELS[r] for r in ROLE_LABELS if r in roles)
    if who is None:
        if not accounts_exist(session):
            return None
        raise NotAllowedError(f"ต้องเข้าสู่ระบบด้วยบัญชีที่มีบทบาท{needed}ก่อนจึงจะ{what}ได้")
    # Read again each time: an account disabled, or a role taken away, on another PC stops at the next sync.
    row = session.get(StaffAccount, who.account_id)
    if row is None or row.deleted or not row.active:
        raise NotAllowedError(f"บัญชี {who.label} ถูกระงับการใช้งานแล้ว จึง{what}ไม่ได้")
    if not allowed(parse_roles(row.roles), permission):
        raise NotAllowedError(f"{who.label} ไม่มีสิทธิ์{what} (ต้องมีบทบาท{needed})")
    return who
