"""The central dashboard in a real browser (Debian's headless Chromium via Selenium) against the real server:
sign-in by form, figures on the page equal to the figures module's and the desktop's, sort, filter, drill-down,
download and sign-out."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import delete

from db.base import utcnow
from db.exchange.national import STATUSES
from db.models import BudgetAllocation
from db.rules.thai_time import BANGKOK
from desktop.core import office
from desktop.core.context import AppContext
from desktop.core.demo import province as demo
from desktop.core.exports.figures import province_figures
from desktop.core.sync import client as sync_client
from server import admin, national
from tests.exports.conftest import add_results
from tests.fixtures.sync_harness import LiveServer, start_live_server

FY = 2569
CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
selenium = pytest.importorskip("selenium", reason="selenium is not installed (the dev extra)")
if not (CHROMIUM and DRIVER):
    pytest.skip(
        "chromium and chromium-driver are not installed (apt install chromium chromium-driver)",
        allow_module_level=True,
    )

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402


@dataclass
class Site:
    live: LiveServer
    province: AppContext


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("dashboard")
    live = start_live_server(f"sqlite:///{tmp / 'server.sqlite'}")
    ctx = AppContext.open(tmp / "khonkaen.sqlite", user_name="khonkaen")
    try:
        office.setup_office(ctx, province_code="40")
        with httpx.Client(base_url=live.base) as http:
            sync_client.enrol(ctx, server=live.base, code=live.code("40"), device_name="khonkaen", http=http)
            demo.generate_demo(ctx, people=80)
            add_results(ctx)
            with ctx.transaction() as s:
                s.execute(delete(BudgetAllocation))  # the centre's, published below
            admin.allocate(live.sessions, province="40", fiscal_year=FY, amount="266063.16")
            sync_client.sync(ctx, http=http)
            sync_client.sync(ctx, http=http)
        for code in ("10", "50"):
            admin.create_office(live.sessions, province=code, target=300 if code == "10" else None)
        admin.allocate(live.sessions, province="50", fiscal_year=FY, amount="1000.50")
        admin.create_user(
            live.sessions, username="central", password="a good pass 1", role="central_staff", province=None
        )
        admin.create_user(
            live.sessions, username="kk", password="a good pass 1", role="province_officer", province="40"
        )
        yield Site(live, ctx)
    finally:
        ctx.close()
        live.stop()


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1366,768", "--lang=th"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    driver.implicitly_wait(5)
    try:
        yield driver
    finally:
        driver.quit()


def _sign_in(b: webdriver.Chrome, site: Site, user: str = "central", password: str = "a good pass 1") -> None:
    b.get(site.live.base + "/dashboard")
    assert b.current_url.endswith("/dashboard/login")
    b.find_element(By.ID, "username").send_keys(user)
    b.find_element(By.ID, "password").send_keys(password)
    old = b.find_element(By.ID, "login")
    b.find_element(By.CSS_SELECTOR, "#login button").click()
    WebDriverWait(b, 10).until(_gone(old))  # the answer to the form has loaded


def _gone(element):
    """Selenium's staleness_of, but Chromium may report a node of the page being replaced as a plain
    WebDriverException ("Node with given id does not belong to the document"), not as a stale element."""

    def check(_b: webdriver.Chrome) -> bool:
        try:
            element.is_enabled()
        except WebDriverException:
            return True
        return False

    return check


def _rows(b: webdriver.Chrome, table: str = "provinces") -> list[dict[str, str]]:
    out = []
    for tr in b.find_elements(By.CSS_SELECTOR, f"#{table} tbody tr"):
        cells = tr.find_elements(By.TAG_NAME, "td")
        out.append({c.get_attribute("class").split()[1][2:]: c.get_attribute("data-v") for c in cells})
    return out


def _summaries(site: Site, fy: int = FY) -> dict[str, national.ProvinceSummary]:
    with site.live.sessions() as s:
        return {r.summary.code: r.summary for r in national.collect(s, fiscal_year=fy)}


def test_sign_in_by_form_only_for_central_staff(site: Site, browser: webdriver.Chrome) -> None:
    _sign_in(browser, site, password="wrong password")
    assert browser.find_element(By.ID, "login-error").text == "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"
    browser.find_element(By.ID, "username").clear()
    _sign_in(browser, site, user="kk")
    assert "สำหรับเจ้าหน้าที่ส่วนกลางเท่านั้น" in browser.find_element(By.ID, "login-error").text
    browser.find_element(By.ID, "username").clear()
    _sign_in(browser, site)
    WebDriverWait(browser, 10).until(lambda b: b.current_url.endswith("/dashboard"))
    assert "ความก้าวหน้าการอบรมครู ข ระดับประเทศ ปีงบประมาณ" in browser.find_element(By.TAG_NAME, "h1").text
    cookie = browser.get_cookie("krukhor_session")
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict"
    assert browser.execute_script("return document.cookie").find("krukhor_session") == -1
    # A form posted from elsewhere (no CSRF cookie of ours) signs nobody in.
    r = httpx.post(
        site.live.base + "/dashboard/login",
        data={"username": "central", "password": "a good pass 1", "csrf": "x"},
        follow_redirects=False,
    )
    assert r.status_code == 403 and "krukhor_session" not in r.cookies
    # Signing out ends the session: the page asks for sign-in again.
    browser.find_element(By.CSS_SELECTOR, "header form button").click()
    WebDriverWait(browser, 10).until(lambda b: b.current_url.endswith("/dashboard/login"))
    browser.get(site.live.base + "/dashboard")
    assert browser.current_url.endswith("/dashboard/login")


def test_the_figures_on_the_page_are_the_figures_modules(site: Site, browser: webdriver.Chrome) -> None:
    _sign_in(browser, site)
    browser.get(site.live.base + f"/dashboard?fy={FY}")
    rows = {r["code"]: r for r in _rows(browser)}
    want = _summaries(site)
    assert set(rows) == {"10", "40", "50"}
    for code, s in want.items():
        r = rows[code]
        assert int(r["target"]) == s.target and int(r["trained_to_date"]) == s.trained_to_date
        assert int(r["trained_year"]) == s.trained_year and int(r["villages_covered"]) == s.villages_covered
        assert int(r["registrations"]) == s.registrations
        assert int(r["registration_target"]) == s.registration_target
        assert int(r["allocated_satang"]) == s.allocated_satang and int(r["spent_satang"]) == s.spent_satang
        assert int(r["remaining_satang"]) == s.remaining_satang
        assert [int(r[f"rounds_{st}"]) for st in STATUSES] == list(s.rounds_by_status)
    # ... which are the desktop's own figures for the synced province.
    fig = province_figures(site.province, fiscal_year=FY)
    kk = rows["40"]
    assert fig.total("trained_to_date") > 0 and fig.budget.spent_satang > 0
    assert (int(kk["trained_to_date"]), int(kk["registrations"]), int(kk["spent_satang"])) == (
        fig.total("trained_to_date"),
        fig.total("registrations"),
        fig.budget.spent_satang,
    )
    assert rows["10"]["target"] == "300" and rows["50"]["allocated_satang"] == "100050"
    # Shown as a Thai reader expects it: thousands separators, baht with satang, BE date in Bangkok time.
    shown = browser.find_element(By.CSS_SELECTOR, 'tr[data-code="50"] td.c-allocated_satang').text
    assert shown == "1,000.50"
    assert "ข้อมูล ณ" in browser.page_source and "น. (เวลาประเทศไทย)" in browser.page_source
    today_be = str(utcnow().astimezone(BANGKOK).year + 543)
    assert today_be in browser.find_element(By.CSS_SELECTOR, "header .muted").text
    bar = browser.find_element(By.CSS_SELECTOR, '#chart g.bar[data-code="40"]')
    assert (int(bar.get_attribute("data-done")), int(bar.get_attribute("data-target"))) == (
        want["40"].trained_to_date,
        want["40"].target,
    )
    foot = browser.find_element(By.CSS_SELECTOR, "#provinces tfoot td.c-trained_to_date")
    assert int(foot.get_attribute("data-v")) == sum(s.trained_to_date for s in want.values())
    # Thai is drawn with the Sarabun the server bundles (no font from the internet, none needed on the PC).
    browser.execute_async_script("document.fonts.ready.then(arguments[0])")
    assert browser.execute_script("return document.fonts.check('16px Sarabun', 'ครู')") is True
    browser.save_screenshot("/tmp/national_dashboard.png")


def test_sort_filter_and_fiscal_year(site: Site, browser: webdriver.Chrome) -> None:
    _sign_in(browser, site)
    browser.get(site.live.base + f"/dashboard?fy={FY}")
    head = browser.find_element(By.CSS_SELECTOR, '#provinces th[data-key="target"]')
    head.click()
    values = [int(r["target"]) for r in _rows(browser)]
    assert values == sorted(values) and head.get_attribute("aria-sort") == "ascending"
    head.click()
    assert [int(r["target"]) for r in _rows(browser)] == sorted(values, reverse=True)
    browser.find_element(By.CSS_SELECTOR, '#provinces th[data-key="name"]').click()
    names = [r["name"] for r in _rows(browser)]
    thai_order = browser.execute_script(
        "return arguments[0].slice().sort((a, b) => a.localeCompare(b, 'th'))", names
    )
    assert names == thai_order and len(names) == 3

    Select(browser.find_element(By.ID, "region")).select_by_visible_text("ตะวันออกเฉียงเหนือ")
    WebDriverWait(browser, 10).until(lambda b: "region=" in b.current_url)
    assert [r["code"] for r in _rows(browser)] == ["40"]
    foot = browser.find_element(By.CSS_SELECTOR, "#provinces tfoot td.c-name").text
    assert foot == "รวม (ตะวันออกเฉียงเหนือ)"

    Select(browser.find_element(By.ID, "fy")).select_by_visible_text(str(FY + 1))
    WebDriverWait(browser, 10).until(lambda b: f"fy={FY + 1}" in b.current_url)
    assert "region=" in browser.current_url  # the region stays chosen
    want = _summaries(site, FY + 1)["40"]
    (row,) = _rows(browser)
    assert (
        int(row["trained_year"]) == want.trained_year
        and int(row["allocated_satang"]) == want.allocated_satang
    )
    assert [int(row[f"rounds_{st}"]) for st in STATUSES] == list(want.rounds_by_status)


def test_province_drill_down_by_district_and_download(site: Site, browser: webdriver.Chrome) -> None:
    _sign_in(browser, site)
    browser.get(site.live.base + f"/dashboard?fy={FY}")
    browser.find_element(By.CSS_SELECTOR, 'tr[data-code="40"] td.c-name a').click()
    # The address changes before the new page's document is in: wait for its heading, not only the URL.
    WebDriverWait(browser, 10, ignored_exceptions=[WebDriverException]).until(
        lambda b: "จังหวัดขอนแก่น (40) รายอำเภอ" in b.find_element(By.TAG_NAME, "h1").text
    )
    rows = {r["code"]: r for r in _rows(browser, "districts")}
    fig = province_figures(site.province, fiscal_year=FY)
    assert set(rows) == {d.code for d in fig.districts}
    for d in fig.districts:
        r = rows[d.code]
        assert (
            int(r["target"]),
            int(r["trained_year"]),
            int(r["trained_to_date"]),
            int(r["villages_covered"]),
            int(r["registrations"]),
        ) == (d.target, d.trained_year, d.trained_to_date, d.villages_covered, d.registrations), d.code
    browser.find_element(By.CSS_SELECTOR, '#districts th[data-key="trained_to_date"]').click()
    order = [int(r["trained_to_date"]) for r in _rows(browser, "districts")]
    assert order == sorted(order)
    browser.execute_async_script("document.fonts.ready.then(arguments[0])")
    browser.save_screenshot("/tmp/national_dashboard_province.png")
    browser.find_element(By.ID, "back").click()
    WebDriverWait(browser, 10).until(lambda b: b.current_url.endswith(f"/dashboard?fy={FY}"))
    href = WebDriverWait(browser, 10, ignored_exceptions=[WebDriverException]).until(
        lambda b: b.find_element(By.ID, "download").get_attribute("href")
    )
    cookie = browser.get_cookie("krukhor_session")["value"]
    r = httpx.get(href, cookies={"krukhor_session": cookie})
    assert r.status_code == 200
    book = load_workbook(io.BytesIO(r.content))
    sheet = book[national.SHEET_SUMMARY]
    kk = next(
        row for row in sheet.iter_rows(min_row=national.HEADER_ROW + 1, values_only=True) if row[0] == "40"
    )
    assert kk[national.COLUMNS.index("trained_to_date")] == fig.total("trained_to_date")
    assert httpx.get(href).status_code == 401  # not signed in


def test_pages_answer_signed_out_visitors_with_the_sign_in_form(site: Site, tmp_path: Path) -> None:
    for path in ("/dashboard", "/dashboard/province/40", "/dashboard?fy=2569&region=x"):
        r = httpx.get(site.live.base + path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/dashboard/login"
    page = httpx.get(site.live.base + "/dashboard/login")
    assert "script-src 'nonce-" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
