"""The prefilter that spares OpenCC a page it would leave as it is agrees with OpenCC."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huitan.ingest import read_inputs
from huitan.page import (
    SAMPLE,
    _t2s,
    convert_page,
    convertible_chars,
    dictionary_entries,
    may_convert,
    script_of,
    to_simplified,
)

ENTRIES = list(dictionary_entries(Path(_t2s().config)))
CONVERTIBLE = convertible_chars(ENTRIES)
# the characters of dictionary keys the prefilter lets through (phrases are where a miss would hide), and others
KEPT = sorted({c for key, _ in ENTRIES for c in key if not may_convert(c)})
OTHERS = "越南国防部长潘文江与中国董军举行会谈，。！？、：:；（）()「」『』“”|｜—- \n\t\u3000abcVNA0123456789ảìệ"
TEXT = st.text(st.sampled_from(KEPT) | st.sampled_from(OTHERS) | st.characters(codec="utf-8"), max_size=40)
TRADITIONAL = ["越南國防部長潘文江與中國國防部長董軍舉行會談", "兩國同意深化合作 | 中央社", "藉口瞭解 後來 乾隆",
               "發言人表示，雙方將加強聯繫。", "著名的鐘錶", "乾燥"]


def reference_convert_page(text: str) -> tuple[str, str]:
    """:func:`convert_page` with OpenCC asked about every page."""
    sample = text[:SAMPLE]
    conv = to_simplified(sample)
    if script_of(sample, conv) == "simplified":
        return "simplified", text
    return "traditional", conv if len(sample) == len(text) else to_simplified(text)


def test_the_dictionaries_are_read():
    assert len(ENTRIES) > 4000 and len(KEPT) > 100
    assert {"國", "乾", "瞭"} <= CONVERTIBLE  # 乾 changes alone (乾 → 干), 瞭 only in phrases (瞭解 → 了解)
    assert not CONVERTIBLE & set("国中越南的了")


def test_every_character_let_through_converts_to_itself():
    chars = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF and not may_convert(chr(c))]
    text = "\n".join(chars)
    assert to_simplified(text) == text


def test_every_dictionary_key_let_through_converts_to_itself():
    keys = [key for key, _ in ENTRIES if not may_convert(key)]
    assert keys
    assert [to_simplified(k) for k in keys] == keys


def test_surrogates_are_left_to_opencc():
    with pytest.raises(UnicodeEncodeError):
        convert_page("中文\ud800")


@settings(max_examples=500, deadline=None)
@given(text=TEXT)
def test_a_text_let_through_converts_to_itself(text: str):
    if not may_convert(text):
        assert to_simplified(text) == text


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(st.sampled_from(TRADITIONAL) | TEXT, min_size=1, max_size=8))
def test_converting_a_page_is_as_with_opencc_asked(lines: list[str]):
    text = "\n".join(lines)
    assert convert_page(text) == reference_convert_page(text)


def test_converting_the_pages_at_hand_is_as_with_opencc_asked(samples_dir: Path, corpus_dir: Path):
    texts = [p.text for p in read_inputs([str(samples_dir), str(corpus_dir)]) if getattr(p, "text", None)]
    assert texts
    assert [convert_page(t) for t in texts] == [reference_convert_page(t) for t in texts]
