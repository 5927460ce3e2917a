"""Sanity checks of the bundled reference data (provinces and the demo-province generator data)."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "resources" / "reference"
PROVINCES_CSV = REFERENCE_DIR / "provinces.csv"
DEMO_JSON = REFERENCE_DIR / "demo_province.json"

ALLOWED_REGIONS = {"กลาง", "ตะวันออก", "ตะวันออกเฉียงเหนือ", "เหนือ", "ตะวันตก", "ใต้"}

MIN_LENGTHS = {
    "subdistrict_names": 150,
    "village_names": 300,
    "first_names_male": 120,
    "first_names_female": 120,
    "last_names": 300,
}


@pytest.fixture(scope="module")
def provinces() -> list[dict[str, str]]:
    raw = PROVINCES_CSV.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "provinces.csv must not have a BOM"
    assert b"\r" not in raw, "provinces.csv must use LF line endings"
    with PROVINCES_CSV.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == ["code", "name_th", "name_en", "region"]
        return list(reader)


@pytest.fixture(scope="module")
def demo() -> dict:
    raw = DEMO_JSON.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "demo_province.json must not have a BOM"
    assert b"\r" not in raw, "demo_province.json must use LF line endings"
    return json.loads(raw.decode("utf-8"))


def _all_strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _all_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _all_strings(v)]
    return []


# --- provinces.csv ---------------------------------------------------------------------------------


def test_province_count(provinces):
    assert len(provinces) == 77


def test_province_codes_unique_two_digits_and_sorted(provinces):
    codes = [p["code"] for p in provinces]
    assert all(re.fullmatch(r"\d{2}", c) for c in codes), codes
    assert len(set(codes)) == len(codes)
    assert codes == sorted(codes)


def test_province_code_ranges(provinces):
    blocks = [(10, 19), (20, 27), (30, 49), (50, 58), (60, 67), (70, 77), (80, 86), (90, 96)]
    expected = [code for first, last in blocks for code in range(first, last + 1)]
    assert [int(p["code"]) for p in provinces] == expected


@pytest.mark.parametrize(
    ("code", "name"),
    [("10", "กรุงเทพมหานคร"), ("38", "บึงกาฬ"), ("40", "ขอนแก่น"), ("96", "นราธิวาส")],
)
def test_known_provinces(provinces, code, name):
    assert (code, name) in {(p["code"], p["name_th"]) for p in provinces}


def test_province_names_unique(provinces):
    for column in ("name_th", "name_en"):
        names = [p[column] for p in provinces]
        assert all(names), column
        assert len(set(names)) == len(names), column
    assert not any(p["name_th"].startswith("จังหวัด") for p in provinces)


def test_province_regions(provinces):
    assert {p["region"] for p in provinces} <= ALLOWED_REGIONS
    assert {p["region"] for p in provinces} == ALLOWED_REGIONS


def test_province_fields_have_no_surrounding_whitespace(provinces):
    for p in provinces:
        for value in p.values():
            assert value == value.strip(), p


# --- demo_province.json ----------------------------------------------------------------------------


def test_demo_province_code(demo):
    assert demo["province_code"] == "40"


def test_demo_districts(demo):
    districts = demo["districts"]
    codes = [d["code"] for d in districts]
    names = [d["name"] for d in districts]
    assert districts
    assert all(re.fullmatch(r"40\d{2}", c) for c in codes), codes
    assert len(set(codes)) == len(codes)
    assert all(names) and len(set(names)) == len(names)
    assert not any(n.startswith("อำเภอ") for n in names)
    assert {"code": "4001", "name": "เมืองขอนแก่น"} in districts


@pytest.mark.parametrize(("key", "minimum"), sorted(MIN_LENGTHS.items()))
def test_demo_name_lists(demo, key, minimum):
    names = demo[key]
    assert len(names) >= minimum
    assert all(isinstance(n, str) and n for n in names)
    assert len(set(names)) == len(names), [n for n in names if names.count(n) > 1]


def test_demo_name_prefixes(demo):
    assert all(n.startswith("บ้าน") and not n.startswith("บ้านบ้าน") for n in demo["village_names"])
    assert not any(n.startswith("ตำบล") for n in demo["subdistrict_names"])


def test_demo_venues(demo):
    venues = demo["venues"]
    assert len(venues) >= 10
    assert all(v["name"] and v["type"] in {"government", "private"} for v in venues)
    assert len({v["name"] for v in venues}) == len(venues)


def test_demo_office(demo):
    office = demo["office"]
    assert office["name"] == "สำนักงานแรงงานจังหวัดขอนแก่น"
    assert office["address"]
    assert office["phone"]


def test_demo_lecturers(demo):
    lecturers = demo["lecturers"]
    assert len(lecturers) >= 8
    for lecturer in lecturers:
        assert lecturer["prefix"] in {"นาย", "นาง", "นางสาว", "ดร."}
        for field in ("first_name", "last_name", "position", "organisation"):
            assert lecturer[field], (field, lecturer)
        assert isinstance(lecturer["is_state"], bool)
    assert {lecturer["is_state"] for lecturer in lecturers} == {True, False}


def test_demo_strings_have_no_surrounding_whitespace(demo):
    bad = [s for s in _all_strings(demo) if s != s.strip()]
    assert not bad
