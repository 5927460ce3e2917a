"""The dashboard's HTML: Thai, BE dates, Bangkok time; a bar chart drawn as inline SVG (no scripts from anywhere).

The only script is a few lines, inline under the page's CSP nonce: click a column head to sort, change a filter
to reload. Every figure comes from server.national.collect (server/aggregates.py), the national workbook's.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from urllib.parse import urlencode

from db.exchange.national import STATUSES, ProvinceSummary
from db.exchange.workbook_format import STATUS_LABELS
from db.rules.money import format_baht
from db.rules.percent import percent, percent_text
from db.rules.thai_dates import format_be_date
from db.rules.thai_time import to_bangkok
from server.aggregates import DistrictFigures
from server.national import SOURCE_LABELS

e = html.escape


@dataclass(frozen=True)
class ProvinceLine:
    summary: ProvinceSummary
    region: str
    source: str  # sync / upload / none


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "num"  # num / text / baht / pct


PROVINCE_COLUMNS = (
    Column("code", "รหัส", "text"),
    Column("name", "จังหวัด", "text"),
    Column("region", "ภาค", "text"),
    Column("target", "เป้าหมายครู ข"),
    Column("trained_year", "อบรมผ่านปีงบนี้"),
    Column("trained_to_date", "อบรมผ่านสะสม"),
    Column("trained_pct", "ร้อยละของเป้าหมาย", "pct"),
    Column("villages_covered", "หมู่บ้านที่มีครู ข"),
    Column("registrations", "ยอดลงทะเบียนแรงงาน"),
    Column("registration_target", "เป้าหมายลงทะเบียน (1:120)"),
    Column("registration_pct", "ร้อยละของเป้าลงทะเบียน", "pct"),
    Column("allocated_satang", "งบจัดสรร (บาท)", "baht"),
    Column("spent_satang", "เบิกจ่ายแล้ว (บาท)", "baht"),
    Column("remaining_satang", "คงเหลือ (บาท)", "baht"),
    *(Column(f"rounds_{s}", f"รุ่น{STATUS_LABELS[s]}") for s in STATUSES),
    Column("source", "แหล่งข้อมูล", "text"),
)
DISTRICT_COLUMNS = (
    Column("code", "รหัสอำเภอ", "text"),
    Column("name", "อำเภอ", "text"),
    Column("target", "เป้าหมายครู ข"),
    Column("trained_year", "อบรมผ่านปีงบนี้"),
    Column("trained_to_date", "อบรมผ่านสะสม"),
    Column("trained_pct", "ร้อยละของเป้าหมาย", "pct"),
    Column("villages_covered", "หมู่บ้านที่มีครู ข"),
    Column("registrations", "ยอดลงทะเบียนแรงงาน"),
    Column("registration_target", "เป้าหมายลงทะเบียน (1:120)"),
    Column("registration_pct", "ร้อยละของเป้าลงทะเบียน", "pct"),
)


def pct(part: int, whole: int) -> Decimal | None:
    """The percentage as everywhere else (db/rules/percent.py: exact, half up to one decimal)."""
    return percent(part, whole)


def _values(s: ProvinceSummary | DistrictFigures) -> dict[str, object]:
    v: dict[str, object] = {
        "code": s.code,
        "name": s.name,
        "target": s.target,
        "trained_year": s.trained_year,
        "trained_to_date": s.trained_to_date,
        "trained_pct": pct(s.trained_to_date, s.target),
        "villages_covered": s.villages_covered,
        "registrations": s.registrations,
        "registration_target": s.registration_target,
        "registration_pct": pct(s.registrations, s.registration_target),
    }
    if isinstance(s, ProvinceSummary):
        v.update(
            allocated_satang=s.allocated_satang,
            spent_satang=s.spent_satang,
            remaining_satang=s.remaining_satang,
            **{f"rounds_{st}": n for st, n in zip(STATUSES, s.rounds_by_status, strict=True)},
        )
    return v


def _shown(kind: str, value: object) -> str:
    if value is None:
        return "–"
    if kind == "pct":
        return f"{value:,}%"  # already rounded by percent()
    if kind == "baht":
        return format_baht(int(value))  # type: ignore[arg-type]
    if kind == "num":
        return f"{int(value):,}"  # type: ignore[arg-type]
    return str(value)


def _cell(col: Column, value: object, *, link: str | None = None) -> str:
    sort = "" if value is None else str(value)
    if col.kind == "pct" and value is None:
        sort = "-1"
    text = e(_shown(col.kind, value))
    if link:
        text = f'<a href="{e(link)}">{text}</a>'
    cls = "n" if col.kind != "text" else "t"
    return f'<td class="{cls} c-{col.key}" data-v="{e(sort)}">{text}</td>'


def _head(cols: Sequence[Column]) -> str:
    return "".join(
        f'<th data-key="{c.key}" data-type="{"text" if c.kind == "text" else "num"}" scope="col">'
        f'<button type="button">{e(c.label)}</button></th>'
        for c in cols
    )


def bar_chart(bars: Sequence[tuple[str, str, int, int]], *, title: str, chart_id: str) -> str:
    """Horizontal bars (code, label, done, target) as inline SVG: the target as the track, done filled."""
    row, label_w, bar_w = 22, 150, 520
    height = row * len(bars) + 30
    parts = [
        f'<svg id="{chart_id}" class="chart" viewBox="0 0 {label_w + bar_w + 150} {height}" '
        f'width="100%" role="img" aria-label="{e(title)}"><title>{e(title)}</title>'
    ]
    for i, (code, label, done, target) in enumerate(bars):
        y = 20 + i * row
        share = min(done / target, 1.0) if target else 0.0
        shown = f"{done:,} / {target:,}" + (f" ({percent_text(done, target)})" if target else "")
        parts.append(
            f'<g class="bar" data-code="{e(code)}" data-done="{done}" data-target="{target}">'
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{e(label)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{bar_w}" height="14" fill="#e3e8ef"/>'
            f'<rect class="done" x="{label_w}" y="{y + 3}" width="{bar_w * share:.1f}" height="14" fill="#2f6db5"/>'
            f'<text x="{label_w + bar_w + 6}" y="{y + 14}">{e(shown)}</text></g>'
        )
    parts.append(
        f'<text x="{label_w}" y="12" class="legend">■ อบรมผ่านสะสม เทียบกับเป้าหมายครู ข (แถบเต็ม = 100%)</text></svg>'
    )
    return "".join(parts)


STYLE = """
@font-face{font-family:Sarabun;src:url(/dashboard/fonts/Sarabun-Regular.ttf) format("truetype");font-weight:400}
@font-face{font-family:Sarabun;src:url(/dashboard/fonts/Sarabun-Bold.ttf) format("truetype");font-weight:700}
body{font-family:Sarabun,'TH Sarabun New',Tahoma,sans-serif;margin:16px 20px;color:#1d2733;font-size:15px}
h1{font-size:22px;margin:0 0 4px} .muted{color:#5b6673} a{color:#1f5ea8}
header{display:flex;justify-content:space-between;align-items:flex-start;gap:12px;flex-wrap:wrap}
form.filters{display:flex;gap:12px;align-items:center;margin:10px 0} select,button,input{font:inherit}
.cards{display:flex;gap:10px;flex-wrap:wrap;margin:8px 0 12px}
.card{border:1px solid #cfd6df;border-radius:6px;padding:6px 12px;min-width:170px;background:#f8fafc}
.card b{display:block;font-size:20px}
.wrap{overflow-x:auto} table{border-collapse:collapse;font-size:14px}
th,td{border:1px solid #cfd6df;padding:3px 6px;white-space:nowrap}
th{background:#eaf0f7;vertical-align:bottom} th button{all:unset;cursor:pointer;white-space:normal;display:block}
th[aria-sort=ascending] button::after{content:" ▲"} th[aria-sort=descending] button::after{content:" ▼"}
td.n{text-align:right;font-variant-numeric:tabular-nums} tfoot td{font-weight:bold;background:#f3f5f8}
svg.chart{max-width:860px;font-size:12px;margin-top:12px} svg .legend{fill:#5b6673}
.error{color:#a11;font-weight:bold} .login{max-width:360px;margin:60px auto}
.login label{display:block;margin:10px 0 2px} .login input{width:100%;padding:4px}
.login button{margin-top:14px;padding:4px 16px}
"""

SCRIPT = """
document.querySelectorAll('table.sortable th[data-key]').forEach(function (th) {
  th.addEventListener('click', function () {
    var table = th.closest('table'), body = table.tBodies[0], i = th.cellIndex;
    var asc = th.getAttribute('aria-sort') !== 'ascending', num = th.dataset.type === 'num';
    table.querySelectorAll('th[aria-sort]').forEach(function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[i].dataset.v, y = b.cells[i].dataset.v;
      var c = num ? Number(x) - Number(y) : x.localeCompare(y, 'th');
      return asc ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
document.querySelectorAll('form.filters select').forEach(function (s) {
  s.addEventListener('change', function () { s.form.submit(); });
});
"""


def stamp(now: datetime) -> str:
    local = to_bangkok(now)
    return f"{format_be_date(local.date())} เวลา {local:%H:%M} น. (เวลาประเทศไทย)"


def _page(title: str, body: str, *, nonce: str) -> str:
    return (
        f'<!doctype html><html lang="th"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{e(title)}</title>'
        f'<style nonce="{nonce}">{STYLE}</style></head><body>{body}'
        f'<script nonce="{nonce}">{SCRIPT}</script></body></html>'
    )


def login_page(*, csrf: str, message: str = "", username: str = "", nonce: str) -> str:
    error = f'<p class="error" role="alert" id="login-error">{e(message)}</p>' if message else ""
    body = f"""<main class="login"><h1>เข้าสู่ระบบส่วนกลาง</h1>
<p class="muted">แดชบอร์ดความก้าวหน้าการอบรมครู ข ระดับประเทศ สำหรับเจ้าหน้าที่ส่วนกลาง</p>{error}
<form method="post" action="/dashboard/login" id="login">
<input type="hidden" name="csrf" value="{e(csrf)}">
<label for="username">ชื่อผู้ใช้</label><input id="username" name="username" value="{e(username)}"
 autocomplete="username" required maxlength="100">
<label for="password">รหัสผ่าน</label><input id="password" name="password" type="password"
 autocomplete="current-password" required maxlength="200">
<button type="submit">เข้าสู่ระบบ</button></form></main>"""
    return _page("เข้าสู่ระบบส่วนกลาง", body, nonce=nonce)


def message_page(message: str, *, nonce: str) -> str:
    body = f'<main class="login"><p class="error" role="alert">{e(message)}</p><a href="/dashboard">กลับไปหน้าระดับประเทศ</a></main>'
    return _page(message, body, nonce=nonce)


def _top(user: str, csrf: str, now: datetime) -> str:
    return f"""<header><div><h1>{{title}}</h1><p class="muted">ข้อมูล ณ {e(stamp(now))}</p></div>
<form method="post" action="/dashboard/logout"><span class="muted">ผู้ใช้: {e(user)}</span>
<input type="hidden" name="csrf" value="{e(csrf)}"> <button type="submit">ออกจากระบบ</button></form></header>"""


def _cards(s: ProvinceSummary) -> str:
    trained = pct(s.trained_to_date, s.target)
    regs = pct(s.registrations, s.registration_target)
    spent = pct(s.spent_satang, s.allocated_satang)
    items = (
        ("card-trained", "อบรมผ่านสะสม / เป้าหมาย", f"{s.trained_to_date:,} / {s.target:,}", trained),
        ("card-villages", "หมู่บ้านที่มีครู ข", f"{s.villages_covered:,}", None),
        (
            "card-registrations",
            "ลงทะเบียน / เป้า 1:120",
            f"{s.registrations:,} / {s.registration_target:,}",
            regs,
        ),
        (
            "card-spent",
            "เบิกจ่าย / จัดสรร (บาท)",
            f"{format_baht(s.spent_satang)} / {format_baht(s.allocated_satang)}",
            spent,
        ),
        ("card-remaining", "คงเหลือ (บาท)", format_baht(s.remaining_satang), None),
    )
    return (
        '<div class="cards">'
        + "".join(
            f'<div class="card" id="{i}"><span class="muted">{e(label)}</span><b>{e(value)}</b>'
            + (f'<span class="muted">{share:,}%</span>' if share is not None else "")
            + "</div>"
            for i, label, value, share in items
        )
        + "</div>"
    )


def total_of(lines: Sequence[ProvinceSummary], *, fiscal_year: int) -> ProvinceSummary:
    def add(name: str) -> int:
        return sum(getattr(s, name) for s in lines)

    return ProvinceSummary(
        code="",
        name="รวม",
        fiscal_year=fiscal_year,
        target=add("target"),
        trained_year=add("trained_year"),
        trained_to_date=add("trained_to_date"),
        villages_covered=add("villages_covered"),
        registrations=add("registrations"),
        registration_target=add("registration_target"),
        rounds_by_status=tuple(sum(s.rounds_by_status[i] for s in lines) for i in range(len(STATUSES))),
        allocated_satang=add("allocated_satang"),
        planned_satang=add("planned_satang"),
        actual_satang=add("actual_satang"),
        spent_satang=add("spent_satang"),
    )


def national_page(
    lines: Sequence[ProvinceLine],
    *,
    fiscal_year: int,
    years: Sequence[int],
    region: str,
    regions: Sequence[str],
    user: str,
    csrf: str,
    now: datetime,
    nonce: str,
) -> str:
    total = total_of([x.summary for x in lines], fiscal_year=fiscal_year)
    rows = []
    for x in lines:
        v = _values(x.summary)
        v["region"], v["source"] = x.region, SOURCE_LABELS[x.source]
        link = f"/dashboard/province/{x.summary.code}?{urlencode({'fy': fiscal_year})}"
        rows.append(
            f'<tr data-code="{e(x.summary.code)}">'
            + "".join(_cell(c, v[c.key], link=link if c.key == "name" else None) for c in PROVINCE_COLUMNS)
            + "</tr>"
        )
    tv = _values(total)
    tv.update(code="", name="รวม" + (f" ({region})" if region else "ทั้งประเทศ"), region="", source="")
    foot = "<tr>" + "".join(_cell(c, tv[c.key]) for c in PROVINCE_COLUMNS) + "</tr>"
    year_opts = "".join(
        f'<option value="{y}"{" selected" if y == fiscal_year else ""}>{y}</option>' for y in years
    )
    region_opts = '<option value="">ทุกภาค</option>' + "".join(
        f'<option value="{e(r)}"{" selected" if r == region else ""}>{e(r)}</option>' for r in regions
    )
    chart = bar_chart(
        [(x.summary.code, x.summary.name, x.summary.trained_to_date, x.summary.target) for x in lines],
        title=f"ครู ข อบรมผ่านสะสมเทียบเป้าหมาย รายจังหวัด ปีงบประมาณ {fiscal_year}",
        chart_id="chart",
    )
    download = f"/central/national.xlsx?{urlencode({'fy': fiscal_year})}"
    title = f"ความก้าวหน้าการอบรมครู ข ระดับประเทศ ปีงบประมาณ {fiscal_year}"
    body = (
        _top(user, csrf, now).replace("{title}", e(title))
        + f"""<form class="filters" method="get" action="/dashboard">
<label>ปีงบประมาณ <select name="fy" id="fy">{year_opts}</select></label>
<label>ภาค <select name="region" id="region">{region_opts}</select></label>
<noscript><button type="submit">แสดง</button></noscript>
<a id="download" href="{e(download)}">ดาวน์โหลดสมุดงานระดับประเทศ (Excel)</a></form>"""
        + _cards(total)
        + f'<div class="wrap"><table id="provinces" class="sortable"><thead><tr>{_head(PROVINCE_COLUMNS)}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody><tfoot>{foot}</tfoot></table></div>"
        + '<p class="muted">คลิกหัวคอลัมน์เพื่อเรียงลำดับ · คลิกชื่อจังหวัดเพื่อดูรายอำเภอ · เบิกจ่าย = ค่าใช้จ่ายจริง + จ่ายบุคคล '
        "(คืนเงินหักแล้ว) · เป้าหมายลงทะเบียน = ครู ข 1 คน ต่อ 120 คน</p>" + chart
    )
    return _page(title, body, nonce=nonce)


def province_page(
    line: ProvinceLine,
    districts: Sequence[DistrictFigures] | None,
    *,
    fiscal_year: int,
    user: str,
    csrf: str,
    now: datetime,
    nonce: str,
) -> str:
    s = line.summary
    title = f"จังหวัด{s.name} ({s.code}) รายอำเภอ ปีงบประมาณ {fiscal_year}"
    back = f"/dashboard?{urlencode({'fy': fiscal_year})}"
    rounds = " · ".join(
        f"{STATUS_LABELS[st]} {n:,}" for st, n in zip(STATUSES, s.rounds_by_status, strict=True)
    )
    if districts is None:
        table = (
            '<p id="no-districts">จังหวัดนี้ส่งข้อมูลเป็นไฟล์สมุดงาน จึงมีเฉพาะยอดรวมของจังหวัด (ไม่มีรายอำเภอ)</p>'
            if line.source == "upload"
            else '<p id="no-districts">จังหวัดนี้ยังไม่มีข้อมูล</p>'
        )
        chart = ""
    else:
        rows = []
        for d in districts:
            v = _values(d)
            rows.append(
                f'<tr data-code="{e(d.code)}">'
                + "".join(_cell(c, v[c.key]) for c in DISTRICT_COLUMNS)
                + "</tr>"
            )
        tv = _values(s)
        tv.update(code="", name="รวมทั้งจังหวัด")
        foot = "<tr>" + "".join(_cell(c, tv[c.key]) for c in DISTRICT_COLUMNS) + "</tr>"
        table = (
            f'<div class="wrap"><table id="districts" class="sortable"><thead><tr>{_head(DISTRICT_COLUMNS)}</tr>'
            f"</thead><tbody>{''.join(rows)}</tbody><tfoot>{foot}</tfoot></table></div>"
        )
        chart = bar_chart(
            [(d.code, d.name, d.trained_to_date, d.target) for d in districts],
            title=f"ครู ข อบรมผ่านสะสมเทียบเป้าหมาย รายอำเภอ จังหวัด{s.name}",
            chart_id="chart",
        )
    body = (
        _top(user, csrf, now).replace("{title}", e(title))
        + f'<p><a id="back" href="{e(back)}">← กลับไปหน้าระดับประเทศ</a> · ภาค{e(line.region)} · '
        f"แหล่งข้อมูล: {e(SOURCE_LABELS[line.source])}</p>"
        + _cards(s)
        + f'<p id="rounds">รุ่นในปีงบประมาณ: {e(rounds)}</p>'
        + table
        + chart
    )
    return _page(title, body, nonce=nonce)
