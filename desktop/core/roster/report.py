"""The outcome report as .xlsx: every source row with its outcome and reason, to send back for correction."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from desktop.core.context import AppContext
from desktop.core.exports.personal_data import record_export
from desktop.core.roster.normalise import clean_text
from desktop.core.roster.plan import ImportPlan

_FILLS = {
    "rejected": PatternFill("solid", fgColor="F8D7DA"),
    "updated": PatternFill("solid", fgColor="FFF3CD"),
    "new": PatternFill("solid", fgColor="D1E7DD"),
}


def write_outcome_report(ctx: AppContext, *, plan: ImportPlan, path: Path | str) -> Path:
    """Write one sheet: แถว | ผล | เหตุผล/สิ่งที่เปลี่ยน | the source row's own cells (header as in the file).

    The source rows carry national IDs, so the export is audited.
    """
    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = "ผลการนำเข้า"
    bold = Font(bold=True)
    head = ["แถวในไฟล์", "ผลการนำเข้า", "เหตุผล / สิ่งที่เปลี่ยน", *plan.layout.headers]
    ws.append(head)
    for cell in ws[1]:
        cell.font = bold
    cells_by_row = {r.number: r.cells for r in plan.source_rows}
    for outcome in plan.rows:
        detail = outcome.reason or "; ".join(f"{c.label}: {c.old} → {c.new}" for c in outcome.changes)
        source = [_cell(v) for v in cells_by_row.get(outcome.row, ())]
        ws.append([outcome.row, outcome.outcome_label, detail, *source])
        fill = _FILLS.get(outcome.outcome)
        if fill is not None:
            for cell in ws[ws.max_row][:3]:
                cell.fill = fill
    ws.column_dimensions["C"].width = 80
    ws.freeze_panes = "A2"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    record_export(ctx, what="roster_report", destination=str(path), people=len(plan.rows))
    return path


def _cell(value: object) -> object:
    """Text cleaned; long whole numbers (IDs stored as numbers) as text so Excel shows every digit."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and abs(value) >= 10**9:
        return str(value)
    return value
