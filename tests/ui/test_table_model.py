"""The table model's search and sort: the same rows in the same order as a plain filter-then-sort would give."""

from __future__ import annotations

import random
from dataclasses import dataclass

from PySide6.QtCore import Qt

from db.rules.collation import person_sort_key
from desktop.ui.table_model import Column, RowTableModel


@dataclass(frozen=True)
class Row:
    first_name: str
    last_name: str
    village: str
    age: int | None


FIRST = ["นายสมชาย", "นางสาวแก้วตา", "นางเพ็ญศรี", "นายไพโรจน์", "ด.ต.ฤทธิ์", "นายโสภณ", "นางใจดี", "นายกมล"]
LAST = ["แสงทอง", "ใจงาม", "ศรีสุข", "โพธิ์ทอง", "ฤกษ์ดี", "กาญจนา"]
PLACES = ["บ้านหนองแวง", "บ้านโนนสูง", "บ้านเหล่า", "บ้านใหม่"]


def _rows(n: int) -> list[Row]:
    rnd = random.Random(7)
    return [
        Row(rnd.choice(FIRST), rnd.choice(LAST), rnd.choice(PLACES), rnd.choice([None, *range(20, 70)]))
        for _ in range(n)
    ]


def _model(rows: list[Row]) -> RowTableModel:
    model = RowTableModel(
        [
            Column("ชื่อ-สกุล", lambda r: f"{r.first_name} {r.last_name}", sort_key=person_sort_key),
            Column("หมู่บ้าน", lambda r: r.village),
            Column("อายุ", lambda r: r.age, align_right=True),
        ],
        search_text=lambda r: f"{r.first_name} {r.last_name} {r.village}",
    )
    model.set_rows(rows)
    return model


def _expected(rows: list[Row], query: str, key, descending: bool) -> list[int]:
    terms = query.casefold().split()
    hits = [
        i for i, r in enumerate(rows) if all(t in f"{r.first_name} {r.last_name} {r.village}" for t in terms)
    ]
    if key is None:
        return hits
    return sorted(hits, key=lambda i: key(rows[i]), reverse=descending)


def test_search_while_sorted_gives_the_rows_a_filter_then_sort_would(qapp) -> None:
    rows = _rows(600)
    model = _model(rows)
    name_key = person_sort_key
    age_key = lambda r: (1, 0) if r.age is None else (0, r.age)  # noqa: E731 - empty last, as the model does
    queries = ["", "บ้าน", "บ้านโ", "บ้านโนน", "", "นาง ทอง", "นาง", "ฤ", "", "ใจ ใหม่"]
    for column, key in ((0, name_key), (2, age_key)):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            model.sort(column, order)
            for q in queries:
                model.set_query(q)
                want = _expected(rows, q, key, order == Qt.SortOrder.DescendingOrder)
                assert model.visible == want, (column, order, q)
    # Sorting again while a search is on keeps only the matches, in the new order.
    model.set_query("นาง")
    model.sort(1, Qt.SortOrder.AscendingOrder)
    assert model.visible == _expected(rows, "นาง", lambda r: (0, r.village), False)
    # No sort column: the rows' own order.
    model.sort(-1)
    assert model.visible == _expected(rows, "นาง", None, False)
    # Thai order by name, prefix ignored: เ/แ/โ/ใ/ไ after their consonant.
    model.set_query("")
    model.sort(0, Qt.SortOrder.AscendingOrder)
    firsts = [rows[i].first_name for i in model.visible]
    assert firsts.index("นายกมล") < firsts.index("นางใจดี") < firsts.index("ด.ต.ฤทธิ์")
    assert firsts.index("นายกมล") < firsts.index("นางสาวแก้วตา")  # ก-ม before ก-ว (แ read after ก)


def test_new_rows_forget_the_old_order(qapp) -> None:
    rows = _rows(50)
    model = _model(rows)
    model.sort(0, Qt.SortOrder.AscendingOrder)
    fewer = rows[:10]
    model.set_rows(fewer)
    assert sorted(model.visible) == list(range(10))
    assert model.visible == _expected(fewer, "", person_sort_key, False)
