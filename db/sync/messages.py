"""The messages client and server exchange (pydantic), with the limits the server enforces."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_CHANGES_PER_PUSH = 500
MAX_PULL_PAGE = 2000
DEFAULT_PULL_PAGE = 1000
MAX_BODY_BYTES = 8 * 1024 * 1024


class _Msg(BaseModel):
    # Unknown fields are ignored, not refused: a field added to the protocol must not break the older clients (or
    # server) that read it. Row contents (Change.fields, RowState.data) are checked column by column elsewhere
    # (db/sync/validate.py on the server), and stay strict.
    model_config = ConfigDict(extra="ignore")


class Change(_Msg):
    """One row changed on a client: only the fields that changed, with the values they changed from."""

    mutation_id: uuid.UUID
    table: str = Field(min_length=1, max_length=64)
    row_id: uuid.UUID
    op: Literal["upsert", "delete"] = "upsert"
    # the server version the client last saw; None for a new row
    base_version: int | None = Field(default=None, ge=0, le=2**63 - 1)
    base: dict[str, Any] = Field(default_factory=dict)
    fields: dict[str, Any]
    changed_at: datetime | None = None
    user_name: str = Field(default="", max_length=100)


class PushRequest(_Msg):
    changes: list[Change] = Field(max_length=MAX_CHANGES_PER_PUSH)
    resolved_conflicts: list[uuid.UUID] = Field(default_factory=list, max_length=MAX_CHANGES_PER_PUSH)


class ConflictInfo(_Msg):
    id: uuid.UUID
    table: str
    row_id: uuid.UUID
    field: str
    base_value: Any = None
    server_value: Any = None
    client_value: Any = None
    server_by: str = ""
    server_at: str = ""
    client_by: str = ""
    client_at: str = ""


class ChangeResult(_Msg):
    mutation_id: uuid.UUID
    status: Literal["applied", "conflict", "rejected"]
    seq: int | None = None
    version: int | None = None
    data: dict[str, Any] | None = None  # the row as the server now holds it
    conflicts: list[ConflictInfo] = Field(default_factory=list)
    error: str = ""
    replayed: bool = False


class PushResponse(_Msg):
    results: list[ChangeResult]
    server_time: datetime
    clock_skew_seconds: float | None = None
    warning: str = ""


class RowState(_Msg):
    table: str
    row_id: uuid.UUID
    seq: int
    version: int
    deleted: bool
    data: dict[str, Any]


class PullResponse(_Msg):
    changes: list[RowState]
    next_cursor: int
    watermark: int
    has_more: bool
    remaining: int | None = None
    server_time: datetime
    clock_skew_seconds: float | None = None
    warning: str = ""


class EnrolRequest(_Msg):
    code: str = Field(min_length=4, max_length=64)
    device_name: str = Field(default="", max_length=100)
    # The PC's own secret: the same code with the same key again returns the same device (a lost answer retried).
    device_key: str | None = Field(default=None, min_length=16, max_length=128)
    # The document-number lane this PC already printed numbers in before enrolling (None: it has printed none),
    # and its own local id (the device_id on those numbers): the lane is granted when no other PC holds it.
    lane_claim: int | None = Field(default=None, ge=1, le=999)
    pc_id: str | None = Field(default=None, max_length=64)


class EnrolResponse(_Msg):
    device_id: uuid.UUID
    token: str
    office_code: str
    server_time: datetime
    # This device's document-number lane in the office (None from a server older than s0006).
    lane: int | None = None


class LoginRequest(_Msg):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=200)


class LoginResponse(_Msg):
    token: str
    role: str
    office_code: str | None
    expires_at: datetime


class Problem(_Msg):
    """Every refusal: a stable code and a message an officer can read (Thai, then English)."""

    code: str
    message: str
    detail: Any = None
