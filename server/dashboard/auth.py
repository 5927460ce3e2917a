"""Form sign-in for the dashboard: a session cookie (HttpOnly, SameSite=Strict) and CSRF tokens for its forms.

The session is the API's UserSession row (the cookie holds the token; the database keeps its hash). The login
form carries a random token that must equal its cookie (double submit); forms after sign-in carry a token
derived from the session, so another site can neither sign a user in nor out.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from db.base import utcnow
from server.config import Settings
from server.limits import Budget, forgive, take_try
from server.models import CENTRAL_ROLES, User, UserSession
from server.security import DUMMY_HASH, new_token, token_hash, verify_password

SESSION_COOKIE = "krukhor_session"
LOGIN_CSRF_COOKIE = "krukhor_login_csrf"


class SignInRefused(Exception):
    """Wrong name or password, not central staff, or too many attempts (Thai); ``status`` is the HTTP code."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def new_csrf() -> str:
    return secrets.token_urlsafe(24)


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


def session_csrf(token: str) -> str:
    return hashlib.sha256(("csrf|" + token).encode()).hexdigest()[:32]


def sign_in(
    sessions: sessionmaker[Session], settings: Settings, *, username: str, password: str, address: str
) -> str:
    """A new session token for a central account, or SignInRefused (the API's failure budgets apply, shared
    with /api/v1/auth/login: the same keys per user+address and per address, reserved before argon2 runs)."""
    user_key, address_key = f"login:{username.lower()[:80]}|{address}", f"ip:{address}"
    with sessions.begin() as s:
        wait = take_try(
            s,
            [Budget(user_key, settings.max_failures), Budget(address_key, settings.address_max_failures)],
            window=timedelta(minutes=settings.failure_window_minutes),
            base_seconds=settings.failure_delay_seconds,
        )
    if wait > 0:
        raise SignInRefused(429, f"เข้าสู่ระบบผิดหลายครั้งเกินไป กรุณารอ {max(1, round(wait)):,} วินาทีแล้วลองใหม่")
    with sessions.begin() as s:
        user = s.scalar(select(User).where(User.username == username))
        ok = verify_password(user.password_hash if user else DUMMY_HASH, password)
        if not ok or user is None or user.disabled:
            failed = True
        else:
            failed = False
            forgive(s, clear=[user_key], refund=[address_key])
            if user.role not in CENTRAL_ROLES:
                raise SignInRefused(403, "หน้านี้สำหรับเจ้าหน้าที่ส่วนกลางเท่านั้น บัญชีนี้เป็นบัญชีของจังหวัด")
            token = new_token()
            expires = utcnow() + timedelta(hours=settings.session_hours)
            s.add(UserSession(token_hash=token_hash(token), user_id=user.id, expires_at=expires))
    if failed:
        raise SignInRefused(401, "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง")
    return token


def central_user(sessions: sessionmaker[Session], token: str | None) -> str | None:
    """The user name behind a live central session token, else None."""
    if not token:
        return None
    with sessions() as s:
        sess = s.get(UserSession, token_hash(token))
        if sess is None or sess.expires_at <= utcnow():
            return None
        user = s.get(User, sess.user_id)
        if user is None or user.disabled or user.role not in CENTRAL_ROLES:
            return None
        return user.username


def sign_out(sessions: sessionmaker[Session], token: str) -> None:
    with sessions.begin() as s:
        s.execute(delete(UserSession).where(UserSession.token_hash == token_hash(token)))
