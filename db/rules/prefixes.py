"""Name prefixes (คำนำหน้าชื่อ): the table in resources/reference/name_prefixes.csv, a longest-match splitter, sort keys."""

from __future__ import annotations

import csv
import functools

from db.resources import resource_path

__all__ = ["PREFIXES", "PREFIX_CANONICAL", "canonical_prefix", "name_sort_key", "split_prefix"]

_TABLE = resource_path("reference", "name_prefixes.csv")  # also found inside the bundled app


def _load() -> dict[str, str]:
    with _TABLE.open(encoding="utf-8", newline="") as f:
        return {row["typed"]: row["canonical"] for row in csv.DictReader(f)}


# Prefixes as they are typed → the form stored. Matched ignoring spaces ("ว่าที่ ร.ต." is "ว่าที่ร.ต.").
PREFIX_CANONICAL: dict[str, str] = _load()
# The stored forms, for the person form's list: the everyday ones first, then the table's order.
PREFIXES: tuple[str, ...] = tuple(dict.fromkeys(PREFIX_CANONICAL.values()))

# A trie of the typed forms without spaces; the value at a node's None key is the canonical form.
_TRIE: dict = {}
for _typed, _canonical in PREFIX_CANONICAL.items():
    _node = _TRIE
    for _ch in _typed.replace(" ", ""):
        _node = _node.setdefault(_ch, {})
    _node[None] = _canonical

# A glued prefix cannot be followed by a vowel or mark that only follows a consonant ("นางิ", "พระะ").
_DEPENDENT = frozenset("ะัาำิีึืุู็่้๊๋์ฯๆ")


@functools.cache
def _dictionary() -> frozenset[str]:
    from pythainlp.corpus import thai_words

    return frozenset(thai_words())


def _longest(text: str, start: int) -> tuple[str, int] | None:
    """The longest prefix of the table at text[start:], spaces allowed inside, and where the rest begins."""
    node, best, i = _TRIE, None, start
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == " ":
            i += 1
            continue
        node = node.get(ch)
        if node is None:
            break
        i += 1
        if None in node:
            best = (node[None], i)
    if best is None:
        return None
    # the longest form must leave a name after it: "ร.ต.อ." alone is not ร.ต. + a first name "อ."
    canonical, i = best
    j = i + 1 if i < n and text[i] == " " else i
    if j < n and text[j] != " " and (j > i or text[i] not in _DEPENDENT):
        return canonical, j
    return None


def split_prefix(text: str) -> tuple[str, str]:
    """ "ผศ.ดร.สมชาย ใจดี" → ("ผศ.ดร.", "สมชาย ใจดี"); stacked titles all go to the prefix; unknown → ("", text)."""
    parts: list[str] = []
    pos = 0
    while (found := _longest(text, pos)) is not None:
        canonical, rest = found
        glued = rest > 0 and text[rest - 1] != " "
        if glued and not canonical.endswith((".", "ฯ")) and not text[pos:rest].endswith((".", "ฯ")):
            word = text[pos:].split(" ", 1)[0]
            if word in _dictionary():  # นายก, นางนวล, พระราม: a word, not a prefix glued to a name
                break
        parts.append(canonical)
        pos = rest
    if not parts:
        return "", text
    return "".join(parts), text[pos:].strip()


def canonical_prefix(text: str) -> str:
    """ "น.ส." → "นางสาว", "ว่าที่ ร.ต." → "ว่าที่ร้อยตรี", "ผศ. ดร." → "ผศ.ดร."; unknown → as typed (trimmed)."""
    text = " ".join(text.split())
    known = PREFIX_CANONICAL.get(text) or PREFIX_CANONICAL.get(text.replace(" ", ""))
    if known:
        return known
    prefix, rest = split_prefix(text + " ก")
    return prefix if prefix and rest == "ก" else text


def name_sort_key(*, first_name: str, last_name: str = "") -> tuple:
    """A key that sorts people by name in Thai dictionary order, ignoring the prefix (shared with issue 18)."""
    from pythainlp.util.collate import _thkey

    first = split_prefix(first_name)[1] if first_name else ""
    return (_thkey(first), _thkey(last_name))
