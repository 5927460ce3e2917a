"""Deterministic ids for rows every installation creates on its own (provinces, the office)."""

from __future__ import annotations

import uuid

# Fixed namespace: every installation derives the same id for the same province or office, so rows made
# independently on two PCs of one office are the same row to the server.
NAMESPACE = uuid.UUID("6a1f3c2e-7d4b-5e8a-9c0f-4b6d2e8a1c37")


def reference_id(kind: str, code: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{kind}:{code}")
