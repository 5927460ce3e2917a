"""Server settings from flags or the environment (KRUKHOR_SERVER_*)."""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_DATABASE_URL = "sqlite:///krukhor-server.sqlite"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    host: str = "127.0.0.1"
    port: int = 8700
    # Lifetime of a one-time enrolment code and of a user's login session.
    enrol_code_hours: int = 72
    session_hours: int = 12
    # Failed tries per user and address (enrolment codes: twice this per address) within the window before
    # each further try waits, doubling from failure_delay_seconds (server.limits); per address, all names.
    max_failures: int = 5
    address_max_failures: int = 30
    failure_window_minutes: int = 15
    failure_delay_seconds: float = 2.0
    # Reverse proxies (addresses or networks) whose X-Forwarded-For is believed; no one else's is.
    trusted_proxies: tuple[str, ...] = ()
    max_body_bytes: int = 8 * 1024 * 1024
    # Pushes one server process applies at once; the others wait their turn without a database connection.
    # A push is mostly Python (one core per process): more at once only share that core, hold more
    # connections and stretch every push (docs/national-scale.md).
    push_slots: int = 8

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        env = os.environ
        values: dict[str, object] = {
            "database_url": env.get("KRUKHOR_SERVER_DATABASE_URL", DEFAULT_DATABASE_URL),
            "host": env.get("KRUKHOR_SERVER_HOST", "127.0.0.1"),
            "port": int(env.get("KRUKHOR_SERVER_PORT", "8700")),
            "enrol_code_hours": int(env.get("KRUKHOR_SERVER_ENROL_CODE_HOURS", "72")),
            "session_hours": int(env.get("KRUKHOR_SERVER_SESSION_HOURS", "12")),
            "max_failures": int(env.get("KRUKHOR_SERVER_MAX_FAILURES", "5")),
            "push_slots": max(1, int(env.get("KRUKHOR_SERVER_PUSH_SLOTS", "8"))),
            "trusted_proxies": tuple(
                p.strip() for p in env.get("KRUKHOR_SERVER_TRUSTED_PROXIES", "").split(",") if p.strip()
            ),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]
