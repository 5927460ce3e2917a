"""The cell formats of the workbooks the program writes (province and national): Sarabun at its size on every cell."""

from __future__ import annotations

from typing import Any

from db.exchange.workbook_format import DATE_FORMAT
from db.exchange.xlsx_print import BODY_PT, FONT_NAME, HEAD_PT, TITLE_PT

BAHT = "#,##0.00"
COUNT = "#,##0"
PERCENT = "0.0%"
DATETIME_FORMAT = f"{DATE_FORMAT} hh:mm"


class Styles:
    """Every cell gets one of these: the Thai font and size are set on the cell, never left to the default."""

    def __init__(self, wb: Any) -> None:  # an xlsxwriter.Workbook
        def fmt(**extra: object) -> Any:
            return wb.add_format({"font_name": FONT_NAME, "font_size": BODY_PT, "valign": "vcenter", **extra})

        self.text = fmt()
        self.code = fmt(num_format="@")  # IDs, village and district codes: text, no digit lost
        self.year = fmt(num_format="0", align="center")  # 2569, never 2,569
        self.count = fmt(num_format=COUNT)
        self.baht = fmt(num_format=BAHT)
        self.share = fmt(num_format=PERCENT)
        self.date = fmt(num_format=DATE_FORMAT, align="left")
        self.when = fmt(num_format=DATETIME_FORMAT, align="left")
        self.b_text = fmt(bold=True)
        self.b_count = fmt(bold=True, num_format=COUNT)
        self.b_baht = fmt(bold=True, num_format=BAHT)
        self.b_share = fmt(bold=True, num_format=PERCENT)
        self.title = fmt(bold=True, font_size=TITLE_PT)
        self.head = fmt(
            bold=True,
            font_size=HEAD_PT,
            bg_color="#DDEBF7",
            top=1,
            bottom=1,
            border_color="#9BA7B4",
            text_wrap=True,
            align="center",
        )
        self.block_head = fmt(bold=True, bg_color="#DDEBF7", top=1, bottom=1, border_color="#9BA7B4")
