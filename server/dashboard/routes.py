"""The dashboard's routes: /dashboard (national), /dashboard/province/{code} (districts), sign-in and sign-out."""

from __future__ import annotations

import csv
import secrets
from functools import cache
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import FastAPI, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from db.base import utcnow
from db.resources import resource_path
from db.rules.thai_dates import fiscal_year as fiscal_year_of
from db.rules.thai_time import to_bangkok
from server import national
from server.config import Settings
from server.dashboard import auth, render
from server.limits import client_address

FONTS = ("Sarabun-Regular.ttf", "Sarabun-Bold.ttf")
YEAR = Annotated[int | None, Query(ge=2500, le=2700)]


@cache
def regions() -> dict[str, str]:
    """Province code → region (resources/reference/provinces.csv)."""
    with resource_path("reference", "provinces.csv").open(encoding="utf-8", newline="") as fh:
        return {r["code"]: r["region"] for r in csv.DictReader(fh)}


def _headers(nonce: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": (
            f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; img-src 'self'; font-src 'self'; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        ),
        "X-Frame-Options": "DENY",
        "Cache-Control": "no-store",
        "Referrer-Policy": "same-origin",
    }


def _html(text: str, nonce: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status_code=status, headers=_headers(nonce))


async def _form(request: Request) -> dict[str, str]:
    """A urlencoded form (the two small forms of these pages); a body that is not one reads as empty."""
    try:
        fields = parse_qs((await request.body()).decode("utf-8"), max_num_fields=10)
    except (UnicodeDecodeError, ValueError):
        return {}
    return {k: v[0] for k, v in fields.items()}


def install(app: FastAPI, sessions: sessionmaker[Session], settings: Settings) -> None:
    def lines(s: Session, year: int) -> list[tuple[render.ProvinceLine, national.NationalRow]]:
        reg = regions()
        return [
            (render.ProvinceLine(r.summary, reg.get(r.summary.code, ""), r.source), r)
            for r in national.collect(s, fiscal_year=year, cache=app.state.national_cache)
        ]

    def login_form(message: str = "", username: str = "", status: int = 200) -> HTMLResponse:
        token, nonce = auth.new_csrf(), secrets.token_urlsafe(16)
        resp = _html(
            render.login_page(csrf=token, message=message, username=username, nonce=nonce), nonce, status
        )
        resp.set_cookie(auth.LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/dashboard")
        return resp

    def to_login() -> RedirectResponse:
        return RedirectResponse("/dashboard/login", status_code=303)

    @app.get("/dashboard/fonts/{name}", tags=["dashboard"])
    def dashboard_font(name: str) -> Response:
        """The bundled Sarabun (OFL), so the page shows Thai on a PC without Thai fonts and with no internet."""
        if name not in FONTS:
            return Response(status_code=404)
        return FileResponse(
            resource_path("fonts", name),
            media_type="font/ttf",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    @app.get("/dashboard/login", response_class=HTMLResponse, tags=["dashboard"])
    def dashboard_login_form(request: Request) -> Response:
        if auth.central_user(sessions, request.cookies.get(auth.SESSION_COOKIE)):
            return RedirectResponse("/dashboard", status_code=303)
        return login_form()

    @app.post("/dashboard/login", tags=["dashboard"])
    async def dashboard_login(request: Request) -> Response:
        form = await _form(request)
        username, password, csrf = (
            form.get("username", "")[:100],
            form.get("password", "")[:200],
            form.get("csrf", ""),
        )
        if not auth.same(csrf, request.cookies.get(auth.LOGIN_CSRF_COOKIE)):
            return login_form("แบบฟอร์มหมดอายุหรือไม่ได้มาจากหน้านี้ กรุณาเข้าสู่ระบบอีกครั้ง", username, 403)
        try:
            token = await run_in_threadpool(
                auth.sign_in,
                sessions,
                settings,
                username=username.strip(),
                password=password,
                address=client_address(
                    request.client.host if request.client else None,
                    request.headers.get("x-forwarded-for"),
                    settings.trusted_proxies,
                ),
            )
        except auth.SignInRefused as exc:
            return login_form(exc.message, username, exc.status)
        resp = RedirectResponse("/dashboard", status_code=303)
        resp.set_cookie(
            auth.SESSION_COOKIE,
            token,
            max_age=settings.session_hours * 3600,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/",
        )
        resp.delete_cookie(auth.LOGIN_CSRF_COOKIE, path="/dashboard")
        return resp

    @app.post("/dashboard/logout", tags=["dashboard"])
    async def dashboard_logout(request: Request) -> Response:
        csrf = (await _form(request)).get("csrf", "")
        token = request.cookies.get(auth.SESSION_COOKIE)
        if token and auth.same(csrf, auth.session_csrf(token)):
            await run_in_threadpool(auth.sign_out, sessions, token)
            resp = to_login()
            resp.delete_cookie(auth.SESSION_COOKIE, path="/")
            return resp
        return RedirectResponse("/dashboard", status_code=303)

    @app.get("/dashboard", response_class=HTMLResponse, tags=["dashboard"])
    def dashboard(
        request: Request, fy: YEAR = None, region: Annotated[str, Query(max_length=50)] = ""
    ) -> Response:
        token = request.cookies.get(auth.SESSION_COOKIE)
        user = auth.central_user(sessions, token)
        if user is None or token is None:
            return to_login()
        now = utcnow()
        current = fiscal_year_of(to_bangkok(now).date())
        year = fy or current
        with sessions() as s:
            found = lines(s, year)
        known = sorted({line.region for line, _ in found if line.region})
        region = region if region in known else ""
        shown = [line for line, _ in found if not region or line.region == region]
        nonce = secrets.token_urlsafe(16)
        page = render.national_page(
            shown,
            fiscal_year=year,
            years=sorted({current - 2, current - 1, current, current + 1, year}),
            region=region,
            regions=known,
            user=user,
            csrf=auth.session_csrf(token),
            now=now,
            nonce=nonce,
        )
        return _html(page, nonce)

    @app.get("/dashboard/province/{code}", response_class=HTMLResponse, tags=["dashboard"])
    def dashboard_province(request: Request, code: str, fy: YEAR = None) -> Response:
        token = request.cookies.get(auth.SESSION_COOKIE)
        user = auth.central_user(sessions, token)
        if user is None or token is None:
            return to_login()
        now = utcnow()
        year = fy or fiscal_year_of(to_bangkok(now).date())
        with sessions() as s:
            found = {line.summary.code: (line, row) for line, row in lines(s, year)}
        nonce = secrets.token_urlsafe(16)
        if code not in found:
            return _html(render.message_page(f"ไม่พบจังหวัดรหัส {code[:10]}", nonce=nonce), nonce, 404)
        line, row = found[code]
        districts = row.figures.districts if row.figures is not None and line.source == "sync" else None
        page = render.province_page(
            line, districts, fiscal_year=year, user=user, csrf=auth.session_csrf(token), now=now, nonce=nonce
        )
        return _html(page, nonce)
