"""Who is at the keyboard: the signed-in account an AppContext carries (None before accounts exist)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class SignedIn:
    account_id: uuid.UUID
    user_name: str
    full_name: str
    position: str
    national_id: str
    roles: frozenset[str]
    must_change_password: bool = False

    @property
    def label(self) -> str:
        """How the account is named to people: "นายสมชาย ใจดี (somchai)"."""
        return f"{self.full_name} ({self.user_name})"
