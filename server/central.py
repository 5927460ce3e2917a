"""National progress per province for the central office: people trained vs target, rounds, budget spent."""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.rules.money import format_baht
from db.rules.percent import percent_text
from db.rules.thai_dates import format_be_date
from server.models import OfficeAccount, SyncRow

DONE_STATUSES = ("held", "closed")


@dataclass
class ProvinceProgress:
    code: str
    name_th: str
    target: int
    people: int
    trained: int
    rounds: int
    rounds_done: int
    allocated_satang: int
    spent_satang: int


def _counts(session: Session, table: str) -> dict[str, int]:
    q = (
        select(SyncRow.office_code, func.count())
        .where(SyncRow.table_name == table, SyncRow.deleted.is_(False))
        .group_by(SyncRow.office_code)
    )
    return dict(session.execute(q).all())


def _rows(session: Session, table: str):
    return session.execute(
        select(SyncRow.office_code, SyncRow.data).where(
            SyncRow.table_name == table, SyncRow.deleted.is_(False)
        )
    )


def progress(session: Session) -> list[ProvinceProgress]:
    people = _counts(session, "person")
    villages = _counts(session, "village")
    rounds = _counts(session, "training_round")
    rounds_done: dict[str, int] = defaultdict(int)
    for office, data in _rows(session, "training_round"):
        if data.get("status") in DONE_STATUSES:
            rounds_done[office] += 1
    trained: dict[str, set[str]] = defaultdict(set)
    for office, data in _rows(session, "enrolment"):
        if data.get("completed") is True and data.get("status", "enrolled") == "enrolled":
            trained[office].add(str(data.get("person_id")))
    allocated: dict[str, int] = defaultdict(int)
    for office, data in _rows(session, "budget_allocation"):
        allocated[office] += int(data.get("amount_satang") or 0)
    spent: dict[str, int] = defaultdict(int)
    for office, data in _rows(session, "payment_line"):
        spent[office] += int(data.get("amount_satang") or 0)  # reversals are negative lines
    out = []
    for o in session.scalars(select(OfficeAccount).order_by(OfficeAccount.code)):
        out.append(
            ProvinceProgress(
                code=o.code,
                name_th=o.name_th,
                target=o.target if o.target is not None else villages.get(o.code, 0),
                people=people.get(o.code, 0),
                trained=len(trained.get(o.code, ())),
                rounds=rounds.get(o.code, 0),
                rounds_done=rounds_done.get(o.code, 0),
                allocated_satang=allocated.get(o.code, 0),
                spent_satang=spent.get(o.code, 0),
            )
        )
    return out


def render(rows: list[ProvinceProgress], *, now: datetime, fiscal_year: int | None = None) -> str:
    """A plain HTML page (no scripts, no front-end toolchain), printable on A4."""
    e = html.escape
    body = []
    for r in rows:
        pct = percent_text(r.trained, r.target)
        body.append(
            f"<tr><td>{e(r.code)}</td><td>{e(r.name_th)}</td><td class=n>{r.trained:,}</td><td class=n>{r.target:,}</td>"
            f"<td class=n>{pct}</td><td class=n>{r.people:,}</td><td class=n>{r.rounds_done:,} / {r.rounds:,}</td>"
            f"<td class=n>{e(format_baht(r.spent_satang))}</td><td class=n>{e(format_baht(r.allocated_satang))}</td></tr>"
        )
    total = ProvinceProgress(
        "",
        "รวมทั้งประเทศ",
        *(
            sum(getattr(r, f) for r in rows)
            for f in (
                "target",
                "people",
                "trained",
                "rounds",
                "rounds_done",
                "allocated_satang",
                "spent_satang",
            )
        ),
    )
    pct = percent_text(total.trained, total.target)
    download = (
        f'<p><a href="/central/national.xlsx?fy={fiscal_year}">ดาวน์โหลดสมุดงานระดับประเทศ (Excel) '
        f"ปีงบประมาณ {fiscal_year}</a> · "
        f'<a href="/central/national.xlsx?fy={fiscal_year - 1}">ปีงบประมาณ {fiscal_year - 1}</a></p>'
        if fiscal_year
        else ""
    )
    local = now.astimezone()
    stamp = f"{format_be_date(local.date())} {local:%H:%M}"
    return f"""<!doctype html>
<html lang="th"><head><meta charset="utf-8"><title>ความก้าวหน้าการอบรมครู ข รายจังหวัด</title>
<style>
body{{font-family:Sarabun,'TH Sarabun New',Tahoma,sans-serif;margin:2em;color:#222}}
table{{border-collapse:collapse;width:100%}} th,td{{border:1px solid #bbb;padding:4px 8px}}
th{{background:#eef2f7}} td.n{{text-align:right;font-variant-numeric:tabular-nums}}
tfoot td{{font-weight:bold;background:#f7f7f7}} .muted{{color:#666}}
</style></head><body>
<h1>ความก้าวหน้าการอบรมครู ข รายจังหวัด</h1>
<p class=muted>ข้อมูลที่สำนักงานแรงงานจังหวัดซิงก์เข้ามาแล้ว ณ {e(stamp)} น. (อ่านอย่างเดียว)</p>
{download}
<table><thead><tr><th>รหัส</th><th>จังหวัด</th><th>อบรมแล้ว (คน)</th><th>เป้าหมาย (คน)</th><th>ร้อยละ</th>
<th>รายชื่อผู้เข้ารับการอบรม</th><th>รุ่นที่จัดแล้ว / ทั้งหมด</th><th>จ่ายแล้ว (บาท)</th><th>งบที่ได้รับจัดสรร (บาท)</th></tr></thead>
<tbody>{"".join(body)}</tbody>
<tfoot><tr><td></td><td>{e(total.name_th)}</td><td class=n>{total.trained:,}</td><td class=n>{total.target:,}</td>
<td class=n>{pct}</td><td class=n>{total.people:,}</td><td class=n>{total.rounds_done:,} / {total.rounds:,}</td>
<td class=n>{e(format_baht(total.spent_satang))}</td><td class=n>{e(format_baht(total.allocated_satang))}</td></tr></tfoot>
</table>
<p class=muted>เป้าหมาย: ครู ข หนึ่งคนต่อหนึ่งหมู่บ้าน (จำนวนหมู่บ้านที่จังหวัดซิงก์เข้ามา) เว้นแต่ส่วนกลางกำหนดไว้</p>
</body></html>"""
