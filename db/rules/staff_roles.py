"""The roles of an office's staff accounts (codes stored in staff_account.roles, comma-separated) and the shape
of a stored password hash; shared by the desktop, the sync validation and the server's create-user."""

from __future__ import annotations

import re

OFFICER, FINANCE, APPROVER, ADMIN = "officer", "finance", "approver", "admin"

ROLE_LABELS: dict[str, str] = {
    OFFICER: "เจ้าหน้าที่",
    FINANCE: "การเงิน",
    APPROVER: "ผู้อนุมัติ",
    ADMIN: "ผู้ดูแลระบบ",
}
ROLES = tuple(ROLE_LABELS)

# argon2id in its PHC string form, as argon2-cffi writes it: never a password, never another scheme.
ARGON2ID_HASH = re.compile(
    r"^\$argon2id\$v=19\$m=\d{1,7},t=\d{1,3},p=\d{1,3}\$[A-Za-z0-9+/]{11,64}\$[A-Za-z0-9+/]{16,128}$"
)
USER_NAME = re.compile(r"^[a-z0-9._-]{1,50}$")


def roles_problem(text: str) -> str | None:
    """Why a stored roles value is wrong (Thai), or None."""
    parts = [p for p in text.split(",") if p]
    unknown = [p for p in parts if p not in ROLE_LABELS]
    if unknown:
        return f"บทบาท {', '.join(unknown)} ไม่มีในระบบ (มี {', '.join(ROLES)})"
    return None
