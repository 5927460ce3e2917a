"""Sync with the central server: enrol this PC, push the outbox, pull what changed; conflicts and failures.

Push first, then pull: a pushed change comes back from the server with its sequence number, and rows the
server merged are written back. Each pulled page and the cursor after it commit in one local transaction,
so a first sync cut off half-way resumes where it stopped, and nothing is applied twice.
"""

from __future__ import annotations

import json
import secrets
import socket
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from db.models import LocalSetting, SyncConflict
from db.sync import local, quarantine, versions
from db.sync.messages import EnrolResponse, PullResponse, PushRequest, PushResponse
from db.sync.registry import get
from desktop.core import numbering
from desktop.core.accounts.permissions import require
from desktop.core.context import AppContext, get_setting, set_setting
from desktop.core.errors import CoreError, NotFoundError, ValidationError
from desktop.core.keys.secrets import get_secret_setting, set_secret_setting
from desktop.version import app_version

if TYPE_CHECKING:  # imported when a sync starts: a tenth of the program's start otherwise
    import httpx

PUSH_BATCH = 500
PULL_PAGE = 2000
TIMEOUT_SECONDS, CONNECT_SECONDS = 60.0, 10.0
ProgressFn = Callable[[int, int], None]

K_SERVER, K_TOKEN, K_DEVICE = "sync.server", "sync.token", "sync.device_id"
K_CURSOR, K_LAST_OK, K_LAST_ERROR, K_LAST_TRY = (
    "sync.cursor",
    "sync.last_ok",
    "sync.last_error",
    "sync.last_attempt",
)
K_RESOLVED = "sync.resolved_unsent"
# This PC's own enrolment key, kept before the code is sent: a retry after a lost answer gets the same device.
K_ENROL_KEY = "sync.enrol_key"


class SyncError(CoreError):
    """The server could not be reached or refused the request; nothing was lost, the outbox keeps it all."""

    def __init__(self, message: str, *, code: str = "", detail: str = "") -> None:
        super().__init__(message, detail=detail)
        self.code = code


@dataclass(frozen=True)
class EnrolResult:
    device_id: str
    office_code: str
    server: str
    lane: int | None = None  # this PC's document-number lane in the office (desktop.core.numbering)
    # Numbers this PC printed before enrolling in a lane another PC holds: the office voids them (docs/money.md).
    to_void: tuple[str, ...] = ()

    def void_line(self) -> str:
        """The Thai warning about the numbers to void, or "" when there are none."""
        if not self.to_void:
            return ""
        return (
            f"เลขที่เอกสาร {len(self.to_void):,} เลขที่ออกในเครื่องนี้ก่อนลงทะเบียนอาจซ้ำกับเครื่องอื่นของสำนักงาน "
            f"กรุณายกเลิกเอกสารเหล่านี้ (บันทึกรายการกลับ แล้วออกใหม่ จะได้เลขที่ใหม่): {', '.join(self.to_void)}"
        )


@dataclass
class SyncReport:
    pushed: int = 0
    pulled: int = 0
    conflicts: int = 0
    failed: int = 0
    problems: list[str] = field(default_factory=list)
    warning: str = ""
    aside: int = 0  # pulled rows this PC could not store, kept aside (all of them, not only this sync's)
    resynced: bool = False  # the server asked for a resync (offline longer than it keeps mutation ids)
    resent: int = 0  # unanswered changes rebuilt and sent again under new mutation ids in that resync

    def line(self) -> str:
        return (
            f"ส่งแล้ว {self.pushed:,} รับแล้ว {self.pulled:,} ข้อขัดแย้ง {self.conflicts:,} "
            f"ส่งไม่สำเร็จ {self.failed:,} (pushed, pulled, conflicts, failed)"
        )

    def resync_line(self) -> str:
        """The Thai note that this sync was a resync, or "" when it was not."""
        if not self.resynced:
            return ""
        return (
            "เครื่องนี้ไม่ได้ติดต่อเซิร์ฟเวอร์นานเกินกำหนด จึงซิงก์ใหม่ทั้งหมดแล้ว: "
            f"ตรวจและส่งข้อมูลที่ค้างอยู่ {self.resent:,} รายการอีกครั้งโดยไม่บันทึกซ้ำ ข้อมูลในเครื่องครบถ้วน"
        )

    def aside_line(self) -> str:
        """The Thai warning about pulled rows kept aside, or "" when there are none."""
        if not self.aside:
            return ""
        return (
            f"คำเตือน: ข้อมูลจากเซิร์ฟเวอร์ {self.aside:,} รายการบันทึกในเครื่องนี้ไม่ได้ จึงพักไว้ "
            "(ดูเหตุผลที่หน้าซิงก์ข้อมูล หรือ krukhor-cli sync-aside) ส่วนอื่นซิงก์ครบแล้ว"
        )


@dataclass(frozen=True)
class SyncStatus:
    enrolled: bool
    server: str
    pending: int
    failed: int
    conflicts: int
    aside: int
    last_ok: datetime | None
    last_attempt: datetime | None
    last_error: str


@dataclass(frozen=True)
class FailedChange:
    id: int
    table: str
    row_id: str
    label: str
    error: str
    attempts: int
    at: str


@dataclass(frozen=True)
class AsideRow:
    table: str
    row_id: str
    label: str
    reason: str
    attempts: int
    at: datetime


@dataclass(frozen=True)
class ConflictRow:
    id: uuid.UUID
    table: str
    row_id: uuid.UUID
    label: str
    field: str
    local_value: Any
    server_value: Any
    local_by: str
    local_at: str
    server_by: str
    server_at: str


def _headers(token: str | None = None) -> dict[str, str]:
    h = {
        versions.PROTOCOL_HEADER: str(versions.PROTOCOL_VERSION),
        versions.SCHEMA_HEADER: str(versions.SCHEMA_VERSION),
        versions.CLIENT_TIME_HEADER: datetime.now(UTC).isoformat(),
    }
    if token:
        h["Authorization"] = f"Bearer {token}"
    return h


@contextmanager
def _http(server: str, http: httpx.Client | None) -> Iterator[httpx.Client]:
    if http is not None:
        yield http
        return
    import httpx

    with httpx.Client(
        base_url=server, timeout=httpx.Timeout(TIMEOUT_SECONDS, connect=CONNECT_SECONDS)
    ) as client:
        yield client


def _call(client: httpx.Client, method: str, url: str, **kw: Any) -> dict[str, Any]:
    import httpx

    try:
        resp = client.request(method, url, **kw)
    except httpx.TimeoutException as exc:
        raise SyncError(
            "เซิร์ฟเวอร์ไม่ตอบภายในเวลาที่กำหนด กรุณาลองใหม่", code="timeout", detail=f"{type(exc).__name__}: {exc}"
        ) from exc
    except (OSError, httpx.TransportError) as exc:
        raise SyncError(
            "เชื่อมต่อเซิร์ฟเวอร์ไม่ได้ (ทำงานแบบออฟไลน์ต่อได้ ข้อมูลยังอยู่ครบ)",
            code="offline",
            detail=f"{type(exc).__name__}: {exc}",
        ) from exc
    if resp.status_code >= 400:
        try:
            problem = resp.json()
            message, code = problem.get("message") or resp.text, problem.get("code", "")
        except ValueError:
            message, code = resp.text[:300], ""
        raise SyncError(
            f"เซิร์ฟเวอร์ปฏิเสธ ({resp.status_code}): {message}", code=code or f"http_{resp.status_code}"
        )
    return resp.json()


def enrol(
    ctx: AppContext,
    *,
    server: str,
    code: str,
    device_name: str = "",
    http: httpx.Client | None = None,
    joining: bool = False,
) -> EnrolResult:
    """Exchange a one-time code for this PC's device token and document-number lane; the office must match the
    server's (joining: a PC without an office yet, which takes the code's; see desktop.core.sync.join)."""
    require(ctx, "sync.enrol")
    office = ctx.office_code() if joining else ctx.require_office_code()
    server = server.rstrip("/")
    if not server.startswith(("http://", "https://")):
        raise ValidationError({"server": "ที่อยู่เซิร์ฟเวอร์ต้องขึ้นต้นด้วย http:// หรือ https://"})
    name = device_name or f"{socket.gethostname()} ({ctx.user_name})"
    with ctx.transaction() as s:  # sealed like the token: with the code, it proves to be this PC
        key = get_secret_setting(s, ctx.engine, K_ENROL_KEY)
        if not key:
            key = secrets.token_urlsafe(32)
            set_secret_setting(s, ctx.engine, K_ENROL_KEY, key)
        # A PC set up as a new office claims lane 1 (the founding PC's) even before its first number; a PC
        # joining an office claims none (server/lanes.py).
        claim = numbering.granted_lane(s) or (
            (numbering.own_lane(s, office_code=office, device_id=ctx.device_id) or 1) if not joining else None
        )
    with _http(server, http) as client:
        answer = EnrolResponse.model_validate(
            _call(
                client,
                "POST",
                "/api/v1/enrol",
                json={
                    "code": code.strip(),
                    "device_name": name[:100],
                    "device_key": key,
                    "lane_claim": claim,
                    "pc_id": ctx.device_id,
                },
                headers=_headers(),
            )
        )
    if office and answer.office_code != office:
        raise ValidationError(
            {"code": f"รหัสนี้ออกให้จังหวัดรหัส {answer.office_code} แต่เครื่องนี้ตั้งค่าไว้เป็นจังหวัดรหัส {office}"}
        )
    to_void: list[str] = []
    with ctx.transaction() as s:
        set_setting(s, K_SERVER, server)
        set_secret_setting(s, ctx.engine, K_TOKEN, answer.token)
        set_setting(s, K_DEVICE, str(answer.device_id))
        if answer.lane is not None:
            set_setting(s, numbering.K_LANE, str(answer.lane))
            if claim is not None and claim != answer.lane:
                to_void = numbering.issued_in_lane(
                    s, office_code=answer.office_code, device_id=ctx.device_id, lane=claim
                )
    return EnrolResult(str(answer.device_id), answer.office_code, server, answer.lane, tuple(to_void))


def device_token(ctx: AppContext) -> str:
    """This PC's device token for the server (sealed in local_setting with the data key)."""
    with ctx.reading() as s:
        return get_secret_setting(s, ctx.engine, K_TOKEN)


def _setting(ctx: AppContext, key: str) -> str:
    with ctx.reading() as s:
        return get_setting(s, key)


def _save(ctx: AppContext, **values: str) -> None:
    with ctx.transaction() as s:
        for key, value in values.items():
            set_setting(s, key, value)


def sync(
    ctx: AppContext,
    *,
    http: httpx.Client | None = None,
    progress: ProgressFn | None = None,
    cancelled: Callable[[], bool] | None = None,
    push_batch: int = PUSH_BATCH,
    pull_page: int = PULL_PAGE,
) -> SyncReport:
    """Push every pending change, then pull everything new; raises SyncError when the server fails us."""
    server, token = _setting(ctx, K_SERVER), device_token(ctx)
    if not server or not token:
        raise SyncError(
            "เครื่องนี้ยังไม่ได้ลงทะเบียนกับเซิร์ฟเวอร์ (krukhor-cli enrol) / this PC is not enrolled",
            code="not_enrolled",
        )
    report = SyncReport()
    _save(ctx, **{K_LAST_TRY: datetime.now(UTC).isoformat()})
    try:
        _retry_aside(ctx, only_after_upgrade=True)
        with _http(server, http) as client:
            try:
                _push_all(ctx, client, token, report, push_batch, cancelled)
            except SyncError as exc:
                if exc.code != "resync_required":
                    raise
                _resync(ctx, client, token, report, pull_page, progress, cancelled)
                _push_all(ctx, client, token, report, push_batch, cancelled)
            _pull_all(ctx, client, token, report, pull_page, progress, cancelled)
    except SyncError as exc:
        _save(ctx, **{K_LAST_ERROR: exc.message})
        raise
    if cancelled is not None and cancelled():
        raise SyncError("ยกเลิกการซิงก์แล้ว ส่วนที่ส่งหรือรับแล้วถูกบันทึกไว้ / sync cancelled", code="cancelled")
    _save(ctx, **{K_LAST_OK: datetime.now(UTC).isoformat(), K_LAST_ERROR: ""})
    with ctx.engine.connect() as conn:
        report.aside = quarantine.count(conn)
    return report


def _resync(
    ctx: AppContext,
    client: httpx.Client,
    token: str,
    report: SyncReport,
    page: int,
    progress: ProgressFn | None,
    cancelled: Callable[[], bool] | None,
) -> None:
    """Offline past the server's memory of mutation ids: send every unanswered change again under new ids.

    The server can no longer tell whether a change this PC sent long ago was applied, so replaying its old
    mutation id is refused. The unanswered changes are thawed (rebuilt from the rows as they are here now),
    the office is pulled so that they are rebuilt against the server's newest rows, and the server is told
    that no old id will come again. A change the server did apply then finds its values already there and
    changes nothing; a row changed meanwhile on another PC is merged or becomes a normal conflict
    (docs/national-scale.md). Nothing typed here is dropped: only the frozen copies of changes are.
    """
    with ctx.engine.begin() as conn:
        report.resynced, report.resent = True, local.thaw_unanswered(conn)
    _pull_all(ctx, client, token, report, page, progress, cancelled)
    _call(client, "POST", "/api/v1/sync/resync", headers=_headers(token))


def _retry_aside(ctx: AppContext, *, only_after_upgrade: bool) -> int:
    """Try again to store the rows kept aside; returns how many are still aside."""
    version = app_version()
    with _without_foreign_keys(ctx) as conn, conn.begin():
        rows = quarantine.rows(conn, older_than=version if only_after_upgrade else None)
        if rows:
            local.apply_pulled(conn, rows, app_version=version)
        return quarantine.count(conn)


def retry_aside(ctx: AppContext) -> int:
    """The officer's retry of the rows kept aside (e.g. after fixing a duplicate here); returns those left."""
    return _retry_aside(ctx, only_after_upgrade=False)


def list_aside(ctx: AppContext) -> list[AsideRow]:
    with ctx.engine.connect() as conn:
        return [
            AsideRow(
                r["table_name"],
                r["row_id"],
                _label_of(r["table_name"], r["data"]),
                r["reason"],
                r["attempts"],
                r["tried_at"],
            )
            for r in quarantine.listing(conn)
        ]


def _push_all(
    ctx: AppContext,
    client: httpx.Client,
    token: str,
    report: SyncReport,
    batch: int,
    cancelled: Callable[[], bool] | None,
) -> None:
    resolved = json.loads(_setting(ctx, K_RESOLVED) or "[]")
    for _ in range(100_000):
        if cancelled is not None and cancelled():
            return
        with ctx.engine.begin() as conn:
            changes = local.build_batch(conn, limit=batch, user_name=ctx.user_name)
        if not changes and not resolved:
            return
        req = PushRequest(changes=changes, resolved_conflicts=[uuid.UUID(x) for x in resolved[:500]])
        answer = PushResponse.model_validate(
            _call(
                client,
                "POST",
                "/api/v1/sync/push",
                content=req.model_dump_json(),
                headers={**_headers(token), "Content-Type": "application/json"},
            )
        )
        with _without_foreign_keys(ctx) as conn, conn.begin():  # a merged row's references may come later
            counts = local.record_results(conn, answer.results)
        report.pushed += counts.applied
        report.conflicts += counts.conflicts
        report.failed += counts.failed
        report.warning = answer.warning or report.warning
        if resolved:
            resolved = resolved[500:]
            _save(ctx, **{K_RESOLVED: json.dumps(resolved)})
        if not changes:
            return


@contextmanager
def _without_foreign_keys(ctx: AppContext) -> Iterator[Connection]:
    """Pulled rows arrive in server order, not parent-first; they are checked as a whole, not row by row."""
    with ctx.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        conn.commit()
        try:
            yield conn
        finally:
            conn.rollback()
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            conn.commit()


def _pull_all(
    ctx: AppContext,
    client: httpx.Client,
    token: str,
    report: SyncReport,
    page: int,
    progress: ProgressFn | None,
    cancelled: Callable[[], bool] | None,
) -> None:
    cursor = int(_setting(ctx, K_CURSOR) or 0)
    total: int | None = None
    done = 0
    while True:
        if cancelled is not None and cancelled():
            return
        params = {"cursor": cursor, "limit": page, "count": total is None}
        answer = PullResponse.model_validate(
            _call(client, "GET", "/api/v1/sync/pull", params=params, headers=_headers(token))
        )
        if total is None:
            total = answer.remaining or 0
        with _without_foreign_keys(ctx) as conn, conn.begin():
            problems = local.apply_pulled(conn, answer.changes, app_version=app_version())
            _save_cursor(conn, answer.next_cursor)  # with the page: a cut-off sync resumes here
        report.pulled += len(answer.changes)
        report.problems += [f"{p.table} {p.row_id}: {p.reason}" for p in problems]
        report.warning = answer.warning or report.warning
        done += len(answer.changes)
        cursor = answer.next_cursor
        if progress is not None:
            progress(min(done, total), total)
        if not answer.has_more:
            return


def _save_cursor(conn: Connection, cursor: int) -> None:
    stmt = sqlite_insert(LocalSetting.__table__).values(key=K_CURSOR, value=str(cursor))
    conn.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": str(cursor)}))


def status(ctx: AppContext) -> SyncStatus:
    with ctx.engine.connect() as conn:
        pending = local.pending_count(conn)
        failed = local.failed_count(conn)
        conflicts = conn.scalar(
            select(func.count()).select_from(SyncConflict).where(SyncConflict.resolved_at.is_(None))
        )
        aside = quarantine.count(conn)
    with ctx.reading() as s:
        server, token = get_setting(s, K_SERVER), get_secret_setting(s, ctx.engine, K_TOKEN)
        last_ok, last_try, last_error = (
            get_setting(s, K_LAST_OK),
            get_setting(s, K_LAST_TRY),
            get_setting(s, K_LAST_ERROR),
        )
    return SyncStatus(
        enrolled=bool(server and token),
        server=server,
        pending=pending,
        failed=failed,
        conflicts=conflicts or 0,
        aside=aside,
        last_ok=datetime.fromisoformat(last_ok) if last_ok else None,
        last_attempt=datetime.fromisoformat(last_try) if last_try else None,
        last_error=last_error,
    )


_KIND_NAMES = {
    "person": "บุคคล",
    "lecturer": "วิทยากร",
    "training_round": "รุ่นการอบรม",
    "enrolment": "การลงทะเบียน",
    "office": "สำนักงาน",
    "village": "หมู่บ้าน",
    "expense_line": "รายการค่าใช้จ่าย",
    "payment_line": "รายการจ่ายเงิน",
    "attendance_mark": "การลงเวลา",
    "audit_entry": "ประวัติการแก้ไข",
    "staff_account": "บัญชีผู้ใช้",
}


def _label_of(table: str, m: Any) -> str:
    """A human name for a row's values: a person's or lecturer's name, a round's number, else the table."""
    kind = _KIND_NAMES.get(table, table)
    if not m:
        return kind
    if "first_name" in m:
        return f"{kind} {m.get('prefix') or ''}{m['first_name']} {m.get('last_name') or ''}".strip()
    if "number" in m and "fiscal_year" in m:
        return f"{kind} รุ่นที่ {m['number']}/{m['fiscal_year']}"
    if "name_th" in m:
        return f"{kind} {m['name_th']}"
    if "user_name" in m and "full_name" in m:
        return f"{kind} {m['full_name']} ({m['user_name']})"
    return kind


def _label(conn: Connection, table: str, row_id: uuid.UUID) -> str:
    """A human name for a stored row (see _label_of)."""
    st = get(table)
    if st is None:
        return _label_of(table, None)
    row = conn.execute(select(st.table).where(st.table.c.id == row_id)).first()
    return _label_of(table, row._mapping if row is not None else None)


def list_failed(ctx: AppContext) -> list[FailedChange]:
    with ctx.engine.connect() as conn:
        rows = local.list_failed(conn)
        return [
            FailedChange(
                r["id"],
                r["table_name"],
                r["row_id"],
                _label(conn, r["table_name"], uuid.UUID(r["row_id"])),
                r["error"],
                r["attempts"],
                r["created_at"],
            )
            for r in rows
        ]


def retry_failed(ctx: AppContext, ids: list[int]) -> int:
    with ctx.engine.begin() as conn:
        return local.retry_failed(conn, ids)


def discard_failed(ctx: AppContext, ids: list[int]) -> int:
    with ctx.engine.begin() as conn:
        return local.discard_failed(conn, ids)


def list_conflicts(ctx: AppContext, *, include_resolved: bool = False) -> list[ConflictRow]:
    with ctx.engine.connect() as conn:
        q = select(SyncConflict).order_by(SyncConflict.created_at)
        if not include_resolved:
            q = q.where(SyncConflict.resolved_at.is_(None))
        return [
            ConflictRow(
                c.id,
                c.table_name,
                c.row_id,
                _label(conn, c.table_name, c.row_id),
                c.field,
                c.local_value,
                c.server_value,
                c.local_by,
                c.local_at,
                c.server_by,
                c.server_at,
            )
            for c in conn.execute(q)
        ]


def resolve_conflict(ctx: AppContext, conflict_id: uuid.UUID, *, keep: str) -> None:
    """keep="theirs": the server's value stays. keep="mine": this PC's value is written again and sent."""
    if keep not in ("mine", "theirs"):
        raise ValidationError({"keep": 'ต้องเลือก "mine" (ค่าของเครื่องนี้) หรือ "theirs" (ค่าที่เซิร์ฟเวอร์)'})
    from db.base import utcnow
    from db.sync.codec import decode_row
    from desktop.core import audit

    with ctx.transaction() as s:
        c = s.get(SyncConflict, conflict_id)
        if c is None or c.resolved_at is not None:
            raise NotFoundError("ไม่พบข้อขัดแย้งนี้ หรือได้ตัดสินไปแล้ว")
        st = get(c.table_name)
        if keep == "mine" and st is not None:
            value = decode_row(st.table, {c.field: c.local_value}, partial=True)[c.field]
            row = s.execute(
                select(st.table.c.version, st.table.c.office_code).where(st.table.c.id == c.row_id)
            ).first()
            if row is not None:
                s.execute(
                    update(st.table)
                    .where(st.table.c.id == c.row_id)
                    .values({c.field: value, "version": row.version + 1, "updated_at": utcnow()})
                )
                audit.record(
                    s,
                    ctx,
                    office_code=row.office_code,
                    action="update",
                    entity=c.table_name,
                    entity_id=c.row_id,
                    changes={c.field: [c.server_value, c.local_value]},
                    summary=f"ตัดสินข้อขัดแย้ง: ใช้ค่าของเครื่องนี้ ({c.field})",
                )
        c.resolved_at = utcnow()
        c.resolution = keep
        pending = json.loads(get_setting(s, K_RESOLVED) or "[]")
        set_setting(s, K_RESOLVED, json.dumps([*pending, str(c.id)]))
