"""argon2id password hashes and the throttle after wrong passwords (slower and slower, never locked for good).

Parameters: RFC 9106's second recommended option, time cost 3, 64 MiB, 4 lanes. A verify takes about 0.1 s on
the two-core build machine (tests/bench/bench_login.py prints it), well inside the 0.5 s a login may take.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

TIME_COST, MEMORY_KIB, LANES = 3, 65536, 4
_HASHER = PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_KIB, parallelism=LANES)

MIN_LENGTH = 8
FREE_ATTEMPTS = 5  # wrong passwords before the next attempt is made to wait
FIRST_DELAY_S = 2.0
MAX_DELAY_S = 60.0  # the wait grows to at most a minute: the right password always works again


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_problem(password: str, *, user_name: str = "") -> str | None:
    """A Thai reason why a new password is refused, or None."""
    if len(password) < MIN_LENGTH:
        return f"รหัสผ่านต้องยาวอย่างน้อย {MIN_LENGTH} ตัวอักษร"
    if user_name and password.strip().lower() == user_name.strip().lower():
        return "รหัสผ่านต้องไม่เหมือนชื่อผู้ใช้"
    return None


def throttle_wait(count: int, *, last_failure: float, now: float) -> float:
    """Seconds left before the next attempt after `count` wrong passwords in a row (0: at once).

    The first FREE_ATTEMPTS cost nothing; then each wrong one doubles the wait, up to MAX_DELAY_S.
    """
    if count < FREE_ATTEMPTS:
        return 0.0
    delay = min(FIRST_DELAY_S * 2 ** (count - FREE_ATTEMPTS), MAX_DELAY_S)
    return max(0.0, last_failure + delay - now)
