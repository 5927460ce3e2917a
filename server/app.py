"""The FastAPI application: health, enrolment, login, push, pull, conflicts and the national progress page."""

import base64
import os
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import select, text, update
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from db.base import utcnow
from db.rules.thai_dates import fiscal_year as fiscal_year_of
from db.sync import versions
from db.sync.messages import (
    DEFAULT_PULL_PAGE,
    MAX_PULL_PAGE,
    ConflictInfo,
    EnrolRequest,
    EnrolResponse,
    LoginRequest,
    LoginResponse,
    Problem,
    PullResponse,
    PushRequest,
    PushResponse,
)
from server import national, pruning, store
from server.config import Settings
from server.dashboard import auth as dashboard_auth
from server.dashboard import routes as dashboard_routes
from server.database import make_server_engine, make_sessions, migrate
from server.limits import Budget, client_address, forgive, take_try
from server.models import CENTRAL_ROLES, Conflict, Device, EnrolCode, User, UserSession
from server.security import DUMMY_HASH, code_hash, new_token, token_hash, verify_password
from server.store import Forbidden, Principal


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, detail: Any = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.detail = status, code, message, detail


class BodyLimit:
    """Refuse request bodies larger than the limit (413) before they are read into memory."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _send_problem(send, 413, "too_large", self._message())
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    # An HTTPException passes through FastAPI's body reading (anything else becomes a 400).
                    raise StarletteHTTPException(413, self._message())
            return message

        await self.app(scope, limited, send)

    def _message(self) -> str:
        return f"ข้อมูลที่ส่งมีขนาดเกิน {self.limit // (1024 * 1024)} MB กรุณาส่งเป็นชุดเล็กลง / request body too large"


async def _send_problem(send: Send, status: int, code: str, message: str) -> None:
    body = Problem(code=code, message=message).model_dump_json().encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def create_app(settings: Settings | None = None, *, run_migrations: bool = True) -> FastAPI:
    settings = settings or Settings.from_env()
    engine = make_server_engine(settings.database_url)
    if run_migrations:
        migrate(engine)
    sessions = make_sessions(engine)
    app = FastAPI(
        title="krukhor central server",
        version=f"protocol {versions.PROTOCOL_VERSION}",
        description=(
            "Central sync server of the ครู ข training programme. Desktops enrol once with a one-time code, then "
            "push their changes (each with a unique mutation id, applied exactly once) and pull what changed "
            "since their cursor, up to a watermark. Every refusal is a JSON problem with a Thai and English message."
        ),
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.national_cache = {}  # office figures from synced rows, reused until the office's rows change
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    dashboard_routes.install(app, sessions, settings)

    @app.exception_handler(ApiError)
    async def _api_error(_req: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(
            Problem(code=exc.code, message=exc.message, detail=exc.detail).model_dump(mode="json"),
            status_code=exc.status,
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_req: Request, exc: RequestValidationError) -> JSONResponse:
        where = [
            {"where": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg", "")}
            for e in exc.errors()[:20]
        ]
        message = "ข้อมูลที่ส่งมาไม่ถูกต้องตามรูปแบบ / the request is malformed"
        return JSONResponse(
            Problem(code="malformed", message=message, detail=where).model_dump(mode="json"), status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_req: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            Problem(
                code="too_large" if exc.status_code == 413 else f"http_{exc.status_code}",
                message=str(exc.detail),
            ).model_dump(mode="json"),
            status_code=exc.status_code,
        )

    def protocol(
        x_krukhor_protocol: Annotated[int | None, Header()] = None,
        x_krukhor_schema: Annotated[int | None, Header()] = None,
    ) -> None:
        if x_krukhor_protocol is None or x_krukhor_protocol < versions.MIN_CLIENT_PROTOCOL:
            raise ApiError(
                426,
                "client_too_old",
                "โปรแกรมในเครื่องนี้เก่าเกินกว่าจะซิงก์กับเซิร์ฟเวอร์ได้ กรุณาติดตั้งโปรแกรมรุ่นล่าสุด "
                "/ this program is too old to sync with the server; please install the latest version",
                {
                    "server_protocol": versions.PROTOCOL_VERSION,
                    "min_client_protocol": versions.MIN_CLIENT_PROTOCOL,
                },
            )
        if x_krukhor_schema is not None and x_krukhor_schema > versions.SCHEMA_VERSION:
            raise ApiError(
                409,
                "server_too_old",
                "เซิร์ฟเวอร์ยังเป็นรุ่นเก่ากว่าโปรแกรมในเครื่องนี้ กรุณาแจ้งผู้ดูแลระบบส่วนกลาง "
                "/ the server is older than this program; please tell the central administrator",
                {"server_schema": versions.SCHEMA_VERSION},
            )

    def principal(request: Request, authorization: Annotated[str | None, Header()] = None) -> Principal:
        if not authorization or not authorization.lower().startswith("bearer "):
            raise ApiError(401, "unauthenticated", "ต้องเข้าสู่ระบบหรือลงทะเบียนเครื่องก่อน / authentication required")
        digest = token_hash(authorization[7:].strip())
        now = utcnow()
        with sessions.begin() as s:
            device = s.scalar(select(Device).where(Device.token_hash == digest))
            if device is not None:
                if device.revoked_at is not None:
                    raise ApiError(
                        401,
                        "device_revoked",
                        "เครื่องนี้ถูกเพิกถอนสิทธิ์การซิงก์แล้ว กรุณาติดต่อผู้ดูแลระบบเพื่อลงทะเบียนใหม่ "
                        "/ this device has been revoked",
                    )
                return Principal(
                    "device", "device", device.office_code, device.id, device.name or str(device.id)[:8]
                )
            sess = s.get(UserSession, digest)
            if sess is not None and sess.expires_at > now:
                user = s.get(User, sess.user_id)
                if user is not None and not user.disabled:
                    return Principal("user", user.role, user.office_code, None, user.username)
        raise ApiError(401, "unauthenticated", "รหัสเข้าใช้ไม่ถูกต้องหรือหมดอายุ / invalid or expired token")

    def skew(client_time: str | None) -> tuple[float | None, str]:
        if not client_time:
            return None, ""
        try:
            sent = datetime.fromisoformat(client_time)
        except ValueError:
            return None, ""
        if sent.tzinfo is None:
            sent = sent.replace(tzinfo=UTC)
        seconds = (sent - utcnow()).total_seconds()
        if abs(seconds) > versions.CLOCK_SKEW_WARN_SECONDS:
            minutes = round(abs(seconds) / 60)
            side = "เร็ว" if seconds > 0 else "ช้า"
            return seconds, (
                f"นาฬิกาของเครื่องนี้{side}กว่าเซิร์ฟเวอร์ประมาณ {minutes} นาที กรุณาตั้งวันเวลาให้ถูกต้อง "
                f"/ this computer's clock is about {minutes} minutes {'ahead of' if seconds > 0 else 'behind'} the server"
            )
        return seconds, ""

    @app.get("/health", tags=["ops"])
    def health() -> dict[str, Any]:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {
            "status": "ok",
            "protocol": versions.PROTOCOL_VERSION,
            "schema": versions.SCHEMA_VERSION,
            "time": utcnow(),
        }

    @app.post(
        "/api/v1/enrol", response_model=EnrolResponse, tags=["devices"], dependencies=[Depends(protocol)]
    )
    def enrol(body: EnrolRequest, request: Request) -> EnrolResponse:
        """Exchange a one-time enrolment code for this desktop's device token (shown once, stored hashed)."""
        key = f"enrol:{address(request)}"
        now = utcnow()
        _reserve([Budget(key, settings.max_failures * 2)], "ลองรหัสผิดหลายครั้งเกินไป")
        with sessions.begin() as s:
            code = s.get(EnrolCode, code_hash(body.code))
            again = s.get(Device, code.device_id) if code is not None and code.device_id is not None else None
            if (
                again is not None
                and body.device_key
                and again.key_hash == token_hash(body.device_key)
                and again.revoked_at is None
            ):
                # The same PC again (its answer was lost): the same device, a new token, the old one void.
                bad = False
                token = new_token()
                again.token_hash = token_hash(token)
                answer = EnrolResponse(
                    device_id=again.id, token=token, office_code=again.office_code, server_time=now
                )
            elif code is None or code.used_at is not None or code.expires_at <= now:
                bad = True
            else:
                bad = False
                token = new_token()
                device = Device(
                    office_code=code.office_code,
                    name=body.device_name[:100],
                    token_hash=token_hash(token),
                    key_hash=token_hash(body.device_key) if body.device_key else None,
                )
                s.add(device)
                s.flush()
                code.used_at, code.device_id = now, device.id
                answer = EnrolResponse(
                    device_id=device.id, token=token, office_code=code.office_code, server_time=now
                )
            if not bad:
                forgive(s, clear=[], refund=[key])
        if bad:
            raise ApiError(
                403,
                "bad_code",
                "รหัสลงทะเบียนไม่ถูกต้อง ใช้ไปแล้ว หรือหมดอายุ / the enrolment code is wrong, used or expired",
            )
        return answer

    @app.post("/api/v1/auth/login", response_model=LoginResponse, tags=["users"])
    def login(body: LoginRequest, request: Request) -> LoginResponse:
        user_key, address_key = _login_keys(body.username, request)
        _reserve(
            [Budget(user_key, settings.max_failures), Budget(address_key, settings.address_max_failures)],
            "เข้าสู่ระบบผิดหลายครั้งเกินไป",
        )
        with sessions.begin() as s:
            user = s.scalar(select(User).where(User.username == body.username))
            ok = verify_password(user.password_hash if user else DUMMY_HASH, body.password)
            if not ok or user is None or user.disabled:
                failed = True
            else:
                failed = False
                forgive(s, clear=[user_key], refund=[address_key])
                token = new_token()
                expires = utcnow() + timedelta(hours=settings.session_hours)
                s.add(UserSession(token_hash=token_hash(token), user_id=user.id, expires_at=expires))
                answer = LoginResponse(
                    token=token, role=user.role, office_code=user.office_code, expires_at=expires
                )
        if failed:
            raise ApiError(401, "bad_login", "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง / wrong user name or password")
        return answer

    def address(request: Request) -> str:
        peer = request.client.host if request.client else None
        return client_address(peer, request.headers.get("x-forwarded-for"), settings.trusted_proxies)

    def _login_keys(username: str, request: Request) -> tuple[str, str]:
        where = address(request)
        return f"login:{username.lower()[:80]}|{where}", f"ip:{where}"

    def _wait(budgets: list[Budget]) -> float:
        """Reserve a try (committed before any password or code is checked); the seconds to wait, or 0."""
        with sessions.begin() as s:
            return take_try(
                s,
                budgets,
                window=timedelta(minutes=settings.failure_window_minutes),
                base_seconds=settings.failure_delay_seconds,
            )

    def _reserve(budgets: list[Budget], what: str) -> None:
        wait = _wait(budgets)
        if wait > 0:
            seconds = max(1, round(wait))
            raise ApiError(
                429,
                "too_many_attempts",
                f"{what} กรุณารอ {seconds:,} วินาทีแล้วลองใหม่ / too many attempts, wait {seconds} s",
                detail={"retry_after_seconds": seconds},
            )

    @app.post(
        "/api/v1/sync/push", response_model=PushResponse, tags=["sync"], dependencies=[Depends(protocol)]
    )
    def push(
        body: PushRequest,
        who: Annotated[Principal, Depends(principal)],
        x_krukhor_client_time: Annotated[str | None, Header()] = None,
    ) -> PushResponse:
        """Apply a batch of changes exactly once (a replayed mutation id gets its first answer back)."""
        if who.device_id is not None:
            with sessions() as s:
                if pruning.must_resync(s, who.device_id):
                    raise ApiError(
                        409,
                        "resync_required",
                        pruning.RESYNC_MESSAGE.format(days=pruning.MAX_OFFLINE_DAYS),
                    )
        try:
            results = store.push(sessions, who, body)
        except Forbidden as exc:
            raise ApiError(403, "forbidden", str(exc)) from exc
        seconds, warning = skew(x_krukhor_client_time)
        return PushResponse(
            results=results, server_time=utcnow(), clock_skew_seconds=seconds, warning=warning
        )

    @app.post("/api/v1/sync/resync", tags=["sync"], dependencies=[Depends(protocol)])
    def resync(who: Annotated[Principal, Depends(principal)]) -> dict[str, Any]:
        """A PC told ``resync_required`` has thawed its unanswered changes (new mutation ids): it may push again.

        Its old ids can no longer come (docs/national-scale.md), so from now on it is judged like a PC seen today.
        """
        if who.device_id is None:
            raise ApiError(403, "forbidden", "เฉพาะเครื่องที่ลงทะเบียนแล้ว / enrolled devices only")
        with sessions.begin() as s:
            was = pruning.must_resync(s, who.device_id)
            s.execute(update(Device).where(Device.id == who.device_id).values(last_seen_at=utcnow()))
        return {"resynced": was, "server_time": utcnow().isoformat()}

    @app.get(
        "/api/v1/sync/pull", response_model=PullResponse, tags=["sync"], dependencies=[Depends(protocol)]
    )
    def pull(
        who: Annotated[Principal, Depends(principal)],
        cursor: Annotated[int, Query(ge=0, le=2**63 - 1)] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_PULL_PAGE)] = DEFAULT_PULL_PAGE,
        office: Annotated[str | None, Query(pattern=r"^\d{2}$")] = None,
        count: bool = False,
        x_krukhor_client_time: Annotated[str | None, Header()] = None,
    ) -> Response:
        """Rows changed after the cursor, oldest first, never past the watermark (see server.store)."""
        with sessions() as s:
            try:
                answer = store.pull(
                    s, who, office=office, cursor=cursor, limit=limit, count=count, now=utcnow()
                )
            except Forbidden as exc:
                raise ApiError(403, "forbidden", str(exc)) from exc
        answer.clock_skew_seconds, answer.warning = skew(x_krukhor_client_time)
        return Response(answer.model_dump_json(), media_type="application/json")  # no second validation

    @app.get("/api/v1/sync/conflicts", response_model=list[ConflictInfo], tags=["sync"])
    def conflicts(
        who: Annotated[Principal, Depends(principal)],
        office: Annotated[str | None, Query(pattern=r"^\d{2}$")] = None,
    ) -> list[ConflictInfo]:
        try:
            scope = store.pull_scope(who, office) if not who.central or office else None
        except Forbidden as exc:
            raise ApiError(403, "forbidden", str(exc)) from exc
        with sessions() as s:
            q = select(Conflict).where(Conflict.resolved_at.is_(None)).order_by(Conflict.created_at)
            if scope is not None:
                q = q.where(Conflict.office_code.in_(scope))
            return [store._conflict_info(c) for c in s.scalars(q.limit(1000))]

    @app.get("/api/v1/central/progress", tags=["central"])
    def progress_json(
        who: Annotated[Principal, Depends(principal)],
        fy: Annotated[int | None, Query(ge=2500, le=2700)] = None,
    ) -> list[dict[str, Any]]:
        """Per province, the national figures of a fiscal year (default: the current one): the dashboard's."""
        if not who.central:
            raise ApiError(403, "forbidden", "เฉพาะเจ้าหน้าที่ส่วนกลาง / central staff only")
        year = fy or fiscal_year_of(utcnow().date())
        with sessions() as s:
            rows = national.collect(s, fiscal_year=year, cache=app.state.national_cache)
        return [
            {**r.summary.to_json(), "remaining_satang": r.summary.remaining_satang, "source": r.source}
            for r in rows
        ]

    @app.get("/", include_in_schema=False)
    @app.get("/central", include_in_schema=False)
    def central_page() -> RedirectResponse:
        """The old national page: the dashboard replaces it (same figures, a form sign-in)."""
        return RedirectResponse("/dashboard", status_code=303)

    @app.post("/api/v1/central/workbooks", tags=["central"])
    async def upload_workbook(
        request: Request,
        who: Annotated[Principal, Depends(principal)],
        filename: Annotated[str, Query(max_length=255)] = "workbook.xlsx",
    ) -> dict[str, Any]:
        """Store a province workbook (.xlsx as the raw body) for a province that sends files instead of syncing.

        Central staff upload for any province, a province's users for their own; the latest file per
        province and fiscal year is kept. Refusals say in Thai what is wrong and where (sheet, row, column).
        """
        content = await request.body()
        try:
            result = await run_in_threadpool(
                national.store_upload, sessions, who, file_name=filename, content=content
            )
        except national.UploadRefused as exc:
            raise ApiError(exc.status, exc.code, exc.message) from exc
        return result.__dict__

    def national_workbook(
        request: Request,
        authorization: Annotated[str | None, Header()] = None,
        fy: Annotated[int | None, Query(ge=2500, le=2700)] = None,
    ) -> Response:
        """The consolidated national workbook of a fiscal year (default: the current one), central staff only."""
        if dashboard_auth.central_user(sessions, request.cookies.get(dashboard_auth.SESSION_COOKIE)):
            pass  # signed in on the dashboard
        elif not authorization or authorization.lower().startswith("basic "):
            if not _basic_ok(authorization, request):
                return _basic_challenge()
        elif not principal(request, authorization).central:
            raise ApiError(403, "forbidden", "เฉพาะเจ้าหน้าที่ส่วนกลาง / central staff only")
        year = fy or fiscal_year_of(utcnow().date())
        fd, tmp = tempfile.mkstemp(prefix="krukhor-national-", suffix=".xlsx")
        os.close(fd)
        try:
            with sessions() as s:
                national.build_national(
                    s, fiscal_year=year, out_path=Path(tmp), cache=app.state.national_cache
                )
        except BaseException:
            os.unlink(tmp)
            raise
        thai, ascii_name = national.download_names(year)
        return FileResponse(
            tmp,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={
                "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(thai)}"
            },
            background=BackgroundTask(os.unlink, tmp),
        )

    app.add_api_route("/central/national.xlsx", national_workbook, methods=["GET"], tags=["central"])
    app.add_api_route(
        "/api/v1/central/national-workbook", national_workbook, methods=["GET"], tags=["central"]
    )

    def _basic_challenge() -> HTMLResponse:
        return HTMLResponse(
            "<!doctype html><meta charset=utf-8><p>กรุณาเข้าสู่ระบบด้วยบัญชีเจ้าหน้าที่ส่วนกลาง / central staff sign-in required</p>",
            status_code=401,
            headers={"WWW-Authenticate": 'Basic realm="krukhor central", charset="UTF-8"'},
        )

    def _basic_ok(authorization: str | None, request: Request) -> bool:
        if not authorization or not authorization.lower().startswith("basic "):
            return False
        try:
            username, _, password = base64.b64decode(authorization[6:].strip()).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        user_key, address_key = _login_keys(username, request)
        budgets = [
            Budget(user_key, settings.max_failures),
            Budget(address_key, settings.address_max_failures),
        ]
        if _wait(budgets) > 0:
            return False
        with sessions.begin() as s:
            user = s.scalar(select(User).where(User.username == username))
            ok = verify_password(user.password_hash if user else DUMMY_HASH, password)
            if ok and user is not None and not user.disabled and user.role in CENTRAL_ROLES:
                forgive(s, clear=[user_key], refund=[address_key])
                return True
            return False

    return app
