"""Province workbook uploads and the national workbook: same figures as the desktops, refusals, totals, layout."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import delete, func, select, update

from db.base import utcnow
from db.exchange.national import STATUSES
from db.exchange.workbook_format import SHEET_SUMMARY as PROVINCE_SUMMARY
from db.exchange.workbook_format import TOTAL_LABEL
from db.exchange.workbook_reader import read_workbook
from db.models import BudgetAllocation, Enrolment, Person, TrainingRound, Village
from db.rules.thai_time import to_bangkok
from desktop.core.context import AppContext
from desktop.core.demo import province as demo
from desktop.core.exports.figures import province_figures
from desktop.core.sync import client as sync_client
from desktop.reports.workbook import collect, write_workbook
from server import admin, national
from server.models import ProvinceWorkbook
from tests.exports.conftest import add_results
from tests.fixtures.sync_harness import Server

FY = 2569
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _login(server: Server, username: str, role: str, province: str | None = None) -> dict[str, str]:
    admin.create_user(
        server.sessions, username=username, password="a good pass 1", role=role, province=province
    )
    token = server.http.post("/api/v1/auth/login", json={"username": username, "password": "a good pass 1"})
    return {"Authorization": f"Bearer {token.json()['token']}"}


def _demo(ctx: AppContext) -> AppContext:
    demo.generate_demo(ctx, people=60)
    add_results(ctx)
    # Allocations are the centre's (a desktop cannot push them): drop the demo's own, the server publishes one.
    with ctx.transaction() as s:
        s.execute(delete(BudgetAllocation))
    return ctx


def _workbook(
    ctx: AppContext, out: Path, *, province: str | None = None, at: datetime | None = None
) -> bytes:
    data = collect(ctx, fiscal_year=FY, generated_at=at)
    if province:
        data = dataclasses.replace(data, meta=dataclasses.replace(data.meta, province_code=province))
    write_workbook(data, out_path=out, office_name="สำนักงาน")
    return out.read_bytes()


def _upload(server: Server, auth: dict[str, str], content: bytes, name: str = "จังหวัด.xlsx"):
    return server.http.post(
        "/api/v1/central/workbooks",
        params={"filename": name},
        content=content,
        headers={**auth, "Content-Type": XLSX},
    )


def _national(server: Server, auth: dict[str, str], fy: int = FY):
    r = server.http.get("/api/v1/central/national-workbook", params={"fy": fy}, headers=auth)
    assert r.status_code == 200, r.text
    return r, load_workbook(io.BytesIO(r.content))


def _rows(wb) -> dict[str, tuple]:
    ws = wb[national.SHEET_SUMMARY]
    rows = list(ws.iter_rows(min_row=national.HEADER_ROW + 1, values_only=True))
    return {r[0]: r for r in rows}


def _expect(row: tuple) -> dict:
    c = {name: i for i, name in enumerate(national.COLUMNS)}
    return {
        "target": row[c["target"]],
        "trained_year": row[c["trained_year"]],
        "trained_to_date": row[c["trained_to_date"]],
        "villages_covered": row[c["villages_covered"]],
        "registrations": row[c["registrations"]],
        "registration_target": row[c["registration_target"]],
        "rounds": tuple(row[c[f"rounds_{s}"]] for s in STATUSES),
        "allocated": round(row[c["allocated"]] * 100),
        "spent": round(row[c["spent"]] * 100),
    }


def _stored(server: Server) -> int:
    with server.sessions() as s:
        return s.scalar(select(func.count()).select_from(ProvinceWorkbook)) or 0


def _edge_cases(ctx: AppContext) -> None:
    """What the definitions must get right: results in a later year, cancelled and deleted enrolments, a
    deleted person and a deleted village (changed through the ORM, so the changes sync like an officer's)."""
    with ctx.transaction() as s:
        held_2570 = s.scalars(
            select(TrainingRound.id).where(TrainingRound.fiscal_year == 2570, TrainingRound.status == "held")
        ).all()
        later = s.scalars(select(Enrolment).where(Enrolment.round_id.in_(held_2570))).all()
        for n, e in enumerate(later):
            e.completed = n % 3 != 0
        passed = s.scalars(
            select(Enrolment).where(Enrolment.completed.is_(True)).order_by(Enrolment.id)
        ).all()
        passed[0].status = "cancelled"
        passed[1].deleted = True
        s.get(Person, passed[2].person_id).deleted = True
        village = s.scalars(select(Village).order_by(Village.code)).first()
        village.deleted = True


@pytest.fixture
def synced(server: Server, desktops) -> AppContext:
    ctx = _demo(desktops("khonkaen"))
    _edge_cases(ctx)
    admin.allocate(server.sessions, province="40", fiscal_year=FY, amount="266063.16")
    sync_client.sync(ctx, http=server.http)
    sync_client.sync(ctx, http=server.http)
    return ctx


def test_synced_and_uploaded_provinces_have_their_desktops_figures(
    server: Server, synced: AppContext, tmp_path: Path
) -> None:
    central = _login(server, "central", "central_staff")
    admin.create_office(server.sessions, province="41")
    offline = AppContext.open(tmp_path / "offline.sqlite", user_name="offline")
    try:
        _demo(offline)
        content = _workbook(offline, tmp_path / "อุดร.xlsx", province="41")
        sent = read_workbook(tmp_path / "อุดร.xlsx")
    finally:
        offline.close()
    r = _upload(server, central, content, "อุดร ปีงบ 2569.xlsx")
    assert r.status_code == 200, r.text
    assert r.json()["province_code"] == "41" and r.json()["replaced"] is False
    with server.sessions() as s:
        stored = s.get(ProvinceWorkbook, ("41", FY))
        assert stored.content == content and stored.file_name == "อุดร ปีงบ 2569.xlsx"

    resp, wb = _national(server, central)
    rows = _rows(wb)
    fig = province_figures(synced, fiscal_year=FY)
    assert fig.total("trained_to_date") > 0 and fig.budget.spent_satang != 0
    assert _expect(rows["40"]) == {
        "target": fig.total("target"),
        "trained_year": fig.total("trained_year"),
        "trained_to_date": fig.total("trained_to_date"),
        "villages_covered": fig.total("villages_covered"),
        "registrations": fig.total("registrations"),
        "registration_target": fig.total("registration_target"),
        "rounds": tuple(fig.rounds_by_status[s] for s in STATUSES),
        "allocated": fig.budget.allocated_satang,
        "spent": fig.budget.spent_satang,
    }
    assert fig.budget.allocated_satang == 26606316
    # A year with rounds in every state and results that are not the year's only ones.
    fig = province_figures(synced, fiscal_year=2570)
    assert fig.total("trained_year") != fig.total("trained_to_date") and fig.rounds_by_status["open"]
    assert _expect(_rows(_national(server, central, 2570)[1])["40"]) == {
        "target": fig.total("target"),
        "trained_year": fig.total("trained_year"),
        "trained_to_date": fig.total("trained_to_date"),
        "villages_covered": fig.total("villages_covered"),
        "registrations": fig.total("registrations"),
        "registration_target": fig.total("registration_target"),
        "rounds": tuple(fig.rounds_by_status[s] for s in STATUSES),
        "allocated": fig.budget.allocated_satang,
        "spent": fig.budget.spent_satang,
    }
    assert _expect(rows["41"]) == {
        "target": sum(d.target for d in sent.districts),
        "trained_year": sum(d.trained_year for d in sent.districts),
        "trained_to_date": sum(d.trained_to_date for d in sent.districts),
        "villages_covered": sum(d.villages_covered for d in sent.districts),
        "registrations": sum(d.registrations for d in sent.districts),
        "registration_target": sum(d.registration_target for d in sent.districts),
        "rounds": tuple(sum(1 for x in sent.rounds if x.status == s) for s in STATUSES),
        "allocated": sent.budget.allocated_satang,
        "spent": sent.budget.spent_satang,
    }
    assert rows["40"][-1] == "ซิงก์" and rows["41"][-1] == "ไฟล์สมุดงาน"
    assert rows["41"][1] == "อุดรธานี" and rows["40"][1] == "ขอนแก่น"
    sources = {r[0]: r for r in wb[national.SHEET_SOURCES].iter_rows(min_row=2, values_only=True)}
    assert sources["41"][6] == "อุดร ปีงบ 2569.xlsx" and sources["41"][9] == "central"
    assert isinstance(sources["41"][8], datetime) and sources["41"][2] == FY
    # The last sync is an Excel date-time in Bangkok time (shown in BE by its format), not text.
    assert isinstance(sources["40"][4], datetime) and sources["40"][5] > 0 and not sources["40"][6]
    assert abs(sources["40"][4] - to_bangkok(utcnow()).replace(tzinfo=None)) < timedelta(minutes=10)

    disposition = resp.headers["content-disposition"]
    assert disposition.startswith("attachment;") and 'filename="krukhor-national-2569.xlsx"' in disposition
    thai = unquote(re.search(r"filename\*=UTF-8''(\S+)", disposition).group(1))
    assert thai == "สรุปครูข_ระดับประเทศ_ปีงบ2569.xlsx"


def test_layout_metadata_and_the_basic_sign_in_download(server: Server, synced: AppContext) -> None:
    import base64

    central = _login(server, "central", "central_staff")
    _resp, wb = _national(server, central)
    ws = wb[national.SHEET_SUMMARY]
    assert wb.sheetnames == [national.SHEET_SUMMARY, national.SHEET_SOURCES, national.SHEET_META]
    assert [c.value for c in ws[national.HEADER_ROW]] == list(national.HEADERS)
    assert ws.freeze_panes == f"C{national.HEADER_ROW + 1}"
    assert ws.auto_filter.ref.startswith(f"A{national.HEADER_ROW}:")
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    # A fixed print scale that keeps the 14 pt body at 9 pt or more (never fit-to-width, which depends on the
    # reader's default font); the province's code and name repeat on each page across.
    pr = ws.sheet_properties.pageSetUpPr
    assert not (pr is not None and pr.fitToPage)
    assert 14 * int(ws.page_setup.scale) / 100 >= 9 and ws.print_title_cols == "$A:$B"
    data_row = national.HEADER_ROW + 1
    letter = {name: get_column_letter(i + 1) for i, name in enumerate(national.COLUMNS)}
    assert ws[f"{letter['allocated']}{data_row}"].number_format == "#,##0.00"
    assert ws[f"{letter['remaining']}{data_row}"].value == (
        f"={letter['allocated']}{data_row}-{letter['spent']}{data_row}"
    )
    assert ws[f"C{data_row}"].value == FY  # every row says its fiscal year: 76 files stack with pd.concat
    fonts = {(c.font.name, c.font.sz) for row in ws.iter_rows() for c in row if c.value is not None}
    assert {name for name, _ in fonts} == {"Sarabun"} and {sz for _, sz in fonts} == {14, 16}
    meta = wb[national.SHEET_META]
    assert meta.sheet_state == "hidden"
    values = {r[0]: r[1] for r in meta.iter_rows(values_only=True)}
    assert values["format"] == national.FORMAT_ID and values["format_version"] == national.FORMAT_VERSION
    assert values["fiscal_year"] == FY
    made = datetime.fromisoformat(values["generated_at"])
    assert abs((datetime.now(UTC) - made).total_seconds()) < 120
    basic = {"Authorization": "Basic " + base64.b64encode(b"central:a good pass 1").decode()}
    # The browser's link (Basic sign-in) downloads the same file; without sign-in it asks for one.
    assert server.http.get("/central/national.xlsx", params={"fy": FY}, headers=basic).status_code == 200
    assert server.http.get("/central/national.xlsx").status_code == 401


def test_the_newer_of_sync_and_upload_is_used_and_named(
    server: Server, synced: AppContext, tmp_path: Path
) -> None:
    central = _login(server, "central", "central_staff")
    before = _rows(_national(server, central)[1])["40"]  # also fills the server's figures cache
    later = datetime.now(UTC) + timedelta(minutes=5)
    assert _upload(server, central, _workbook(synced, tmp_path / "kk.xlsx", at=later)).status_code == 200
    _r, wb = _national(server, central)
    assert _rows(wb)["40"][-1] == "ไฟล์สมุดงาน"
    note = {r[0]: r[10] for r in wb[national.SHEET_SOURCES].iter_rows(min_row=2, values_only=True)}["40"]
    assert "ใช้ไฟล์สมุดงานซึ่งใหม่กว่า" in note
    # An older file does not replace the stored one.
    older = _upload(server, central, _workbook(synced, tmp_path / "old.xlsx", at=later - timedelta(days=1)))
    assert older.status_code == 409 and "เก่ากว่า" in older.json()["message"]
    with server.sessions() as s:
        assert s.get(ProvinceWorkbook, ("40", FY)).generated_at == later.replace(microsecond=0)
    # The province changes something and syncs after the file's time: its synced rows are newer again, and
    # the cached figures are not reused.
    with synced.transaction() as s:
        s.scalars(select(TrainingRound).where(TrainingRound.fiscal_year == FY)).first().status = "held"
    sync_client.sync(synced, http=server.http)
    with server.sessions() as s:
        s.execute(update(ProvinceWorkbook).values(generated_at=later - timedelta(minutes=10)))
        s.commit()
    after = _rows(_national(server, central)[1])["40"]
    assert after[-1] == "ซิงก์" and before[-1] == "ซิงก์"
    c = {name: i for i, name in enumerate(national.COLUMNS)}
    held, closed = c["rounds_held"], c["rounds_closed"]
    assert after[held] == before[held] + 1 and after[closed] == before[closed] - 1  # one round closed → held


def test_province_users_upload_only_their_own_and_cannot_download(
    server: Server, synced: AppContext, tmp_path: Path
) -> None:
    admin.create_office(server.sessions, province="41")
    officer = _login(server, "kk1", "province_officer", "40")
    theirs = _workbook(synced, tmp_path / "udon.xlsx", province="41")
    r = _upload(server, officer, theirs)
    assert r.status_code == 403 and "เฉพาะจังหวัดของท่าน" in r.json()["message"]
    assert _stored(server) == 0
    denied = server.http.get("/api/v1/central/national-workbook", headers=officer)
    assert denied.status_code == 403
    device = {"Authorization": f"Bearer {sync_client.device_token(synced)}"}
    assert server.http.get("/api/v1/central/national-workbook", headers=device).status_code == 403
    assert _upload(server, device, _workbook(synced, tmp_path / "dev.xlsx")).status_code == 403
    assert _stored(server) == 0
    own = _upload(server, officer, _workbook(synced, tmp_path / "kk.xlsx"))
    assert own.status_code == 200 and _stored(server) == 1


def _edited(src: Path, out: Path, sheet: str, cell: str, value: object) -> bytes:
    wb = load_workbook(src)
    wb[sheet][cell] = value
    wb.save(out)
    return out.read_bytes()


def test_broken_or_foreign_files_are_refused_in_thai_and_nothing_is_stored(
    server: Server, synced: AppContext, tmp_path: Path
) -> None:
    central = _login(server, "central", "central_staff")
    good = tmp_path / "good.xlsx"
    _workbook(synced, good)
    foreign = Workbook()
    foreign.active["A1"] = "ชื่อ"
    foreign.save(tmp_path / "foreign.xlsx")
    cases = [
        (b"PK\x03\x04 not really a zip", "ไม่ใช่ไฟล์ Excel"),
        (b"", "ไฟล์ว่างเปล่า"),
        ((tmp_path / "foreign.xlsx").read_bytes(), "ไม่ใช่สมุดงานรายงานจังหวัด"),
        (_edited(good, tmp_path / "v.xlsx", "_krukhor", "B2", 99), "รูปแบบรุ่นที่ 99"),
        (_edited(good, tmp_path / "c.xlsx", PROVINCE_SUMMARY, "F4", "สิบ"), "แถว 4 คอลัมน์ F"),
        (_workbook(synced, tmp_path / "p.xlsx", province="42"), "รหัสจังหวัด 42"),
    ]
    for content, reason in cases:
        r = _upload(server, central, content, "ส่งมา.xlsx")
        assert 400 <= r.status_code < 500 and reason in r.json()["message"], (reason, r.text)
    assert _stored(server) == 0
    big = _upload(server, central, b"x" * (server.app.state.settings.max_body_bytes + 1))
    assert big.status_code == 413 and _stored(server) == 0


def _sum_range(ws, formula: str) -> float:
    m = re.fullmatch(r"=SUM\(([A-Z]+)(\d+):([A-Z]+)(\d+)\)", formula)
    assert m, formula
    col, lo, col2, hi = m.group(1), int(m.group(2)), m.group(3), int(m.group(4))
    assert col == col2
    return lo, hi, col


def test_total_row_formulas_sum_every_province_row(
    server: Server, synced: AppContext, tmp_path: Path
) -> None:
    for code in ("41", "10", "50"):
        admin.create_office(server.sessions, province=code)
    central = _login(server, "central", "central_staff")
    resp, wb = _national(server, central)
    ws = wb[national.SHEET_SUMMARY]
    first = national.HEADER_ROW + 1
    total = next(r for r in ws.iter_rows(min_row=first) if r[0].value == TOTAL_LABEL)
    last = total[0].row - 1
    assert last - first + 1 == 4
    summed = [c for c in total if isinstance(c.value, str) and c.value.startswith("=SUM(")]
    assert len(summed) == len(national.SUMMED) == 13
    for c in summed:
        lo, hi, col = _sum_range(ws, c.value)
        assert (lo, hi, col) == (first, last, c.column_letter)
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: formulas checked by their ranges only")
    book = tmp_path / "national.xlsx"
    book.write_bytes(resp.content)
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path / "calc"),
            str(book),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    calc = load_workbook(tmp_path / "calc" / book.name, data_only=True)[national.SHEET_SUMMARY]
    cached = load_workbook(book, data_only=True)[national.SHEET_SUMMARY]
    rows = [r for r in calc.iter_rows(min_row=first, max_row=last + 1, values_only=True)]
    kept = [r for r in cached.iter_rows(min_row=first, max_row=last + 1, values_only=True)]
    # Every formula's value as written equals LibreOffice's own recalculation.
    assert len(rows) == len(kept) and all(
        (a == pytest.approx(b)) if isinstance(a, (int, float)) else a == b
        for ra, rb in zip(rows, kept, strict=True)
        for a, b in zip(ra, rb, strict=True)
    )
    data, tot = rows[:-1], rows[-1]
    c = {name: i for i, name in enumerate(national.COLUMNS)}
    for name in national.SUMMED:
        assert tot[c[name]] == pytest.approx(sum(r[c[name]] or 0 for r in data)), name
    kk = next(r for r in data if r[0] == "40")
    assert kk[c["remaining"]] == pytest.approx(kk[c["allocated"]] - kk[c["spent"]])
    assert tot[c["remaining"]] == pytest.approx(tot[c["allocated"]] - tot[c["spent"]])
    assert tot[c["allocated"]] == pytest.approx(266063.16)


def test_server_models_match_its_migrations(server: Server) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from server.models import ServerBase

    with server.app.state.engine.connect() as conn:
        assert (
            compare_metadata(
                MigrationContext.configure(conn, opts={"version_table": "alembic_version_server"}),
                ServerBase.metadata,
            )
            == []
        )
