"""Name prefixes: every form of resources/reference/name_prefixes.csv splits off, glued or spaced, and stacks.

Sources: the rank lists of the พระราชบัญญัติยศทหาร พ.ศ. 2479 (army, navy, air-force ranks and their official
abbreviations) and the พระราชบัญญัติตำรวจแห่งชาติ พ.ศ. 2547 / 2565 (police ranks), with the หญิง forms used for
women officers; the Royal Institute's list of abbreviations (ราชบัณฑิตยสถาน, หลักเกณฑ์การใช้เครื่องหมายวรรคตอน
และอักษรย่อ) for ด.ช., ด.ญ., น.ส., นพ., พญ., ทพ., ทพญ., ภก., ภญ., ศ., รศ., ผศ., ดร.; the royal-title forms
ม.จ., ม.ร.ว., ม.ล. and the monk forms พระ, พระครู, พระมหา as they appear on DOPA village-headman lists.
"""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from db.rules.prefixes import PREFIX_CANONICAL, canonical_prefix, name_sort_key, split_prefix
from desktop.core.roster.normalise import split_name

_FORMS = sorted(PREFIX_CANONICAL.items())
_RANKS_WITH_WOMEN = [(t, c) for t, c in _FORMS if t.endswith("หญิง") and not t.startswith("ว่าที่")]


@pytest.mark.parametrize(("typed", "canonical"), _FORMS)
def test_every_form_splits_glued(typed: str, canonical: str) -> None:
    assert split_name(f"{typed}สมศรี ใจดี") == (canonical, "สมศรี", "ใจดี")


@pytest.mark.parametrize(("typed", "canonical"), _FORMS)
def test_every_form_splits_spaced(typed: str, canonical: str) -> None:
    assert split_name(f"{typed} สมศรี ใจดี") == (canonical, "สมศรี", "ใจดี")
    assert canonical_prefix(typed) == canonical


STACKED = [
    ("ผศ.ดร.สมชาย ใจดี", "ผศ.ดร."),
    ("รศ.ดร.สมชาย ใจดี", "รศ.ดร."),
    ("ศ.ดร.สมชาย ใจดี", "ศ.ดร."),
    ("ผศ.นพ.สมชาย ใจดี", "ผศ.นพ."),
    ("รศ.พญ.สมศรี ใจดี", "รศ.พญ."),
    ("ผศ. ดร. สมชาย ใจดี", "ผศ.ดร."),
    ("ศ.นพ.สมชาย ใจดี", "ศ.นพ."),
    ("ผศ.ทพ.สมชาย ใจดี", "ผศ.ทพ."),
    ("พล.ต.ต.นพ.สมชาย ใจดี", "พลตำรวจตรีนพ."),
    ("ร.ต.อ.หญิง ดร.สมศรี ใจดี", "ร้อยตำรวจเอกหญิงดร."),
]


@pytest.mark.parametrize(("text", "prefix"), STACKED)
def test_stacked_titles_all_go_to_the_prefix(text: str, prefix: str) -> None:
    assert split_prefix(text)[0] == prefix
    assert split_name(text)[1] in ("สมชาย", "สมศรี")


@pytest.mark.parametrize(
    "text",
    ["นายก สมชาย", "นางนวล ใจดี", "อาทิตย์ ใจดี", "อาจ ใจดี", "พระราม ใจดี", "สมชาย ใจดี", "นาย", "ร.ต.อ."],
)
def test_a_name_that_merely_starts_like_a_prefix_is_not_split(text: str) -> None:
    assert split_prefix(text)[0] == ""


def test_the_table_covers_the_issue() -> None:
    for typed in (
        "ร.ต.อ.หญิง",
        "พล.อ.",
        "พล.ท.",
        "พล.ต.",
        "พล.ต.อ.",
        "พล.ต.ท.",
        "พล.ต.ต.",
        "พล.ร.อ.",
        "พล.อ.อ.",
        "พันตำรวจโท",
        "ร้อยเอก",
        "จ่าสิบเอก",
        "ด.ช.",
        "ด.ญ.",
        "ทพ.",
        "ทพญ.",
        "อ.",
        "อาจารย์",
        "ศาสตราจารย์",
        "ภก.",
        "ภญ.",
        "พระ",
        "พระครู",
        "หม่อมราชวงศ์",
        "ม.ร.ว.",
        "หม่อมหลวง",
        "ม.ล.",
        "ว่าที่ร.ต.",
        "ว่าที่ร้อยตรีหญิง",
    ):
        assert typed in PREFIX_CANONICAL, typed
    assert len(_RANKS_WITH_WOMEN) >= 60
    assert len(_FORMS) * 2 + len(STACKED) >= 150


_NAME = st.text(alphabet="กขคงจฉชซญดตถทธนบปผพภมยรลวศสหอฮะาิีึืุูเแโใไ่้๊๋์", min_size=2, max_size=12)


@given(st.sampled_from(_FORMS), _NAME, _NAME, st.booleans())
def test_any_prefix_and_a_name_split_back(form: tuple[str, str], first: str, last: str, spaced: bool) -> None:
    typed, canonical = form
    assume(first[0] not in "ะัาำิีึืุู็่้๊๋์" and split_prefix(first + " x")[0] == "")
    assert split_name(f"{typed}{' ' if spaced else ''}{first} {last}") == (canonical, first, last)


def test_sorting_by_name_ignores_the_prefix() -> None:
    people = [("นายสมชาย", "ใจดี"), ("กมล", "ดี"), ("ร.ต.อ.หญิง ขวัญ", "ดี")]
    ordered = sorted(people, key=lambda p: name_sort_key(first_name=p[0], last_name=p[1]))
    assert [p[0] for p in ordered] == ["กมล", "ร.ต.อ.หญิง ขวัญ", "นายสมชาย"]
