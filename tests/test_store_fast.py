"""The fast paths of the store's writer agree with their plain definitions."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from huitan.store import spaced

# str.translate putting spaces around each CJK character: the definition of the full-text spacing
_AROUND_CJK = {c: f" {chr(c)} " for lo, hi in ((0x3400, 0x9FFF), (0xF900, 0xFAFF)) for c in range(lo, hi + 1)}


def _spaced_reference(text: str) -> str:
    return " ".join(text.translate(_AROUND_CJK).split())


# CJK characters and their neighbours at the range edges, Latin, digits, CJK punctuation and every kind of
# whitespace str.split knows (the ASCII ones, the separators \x1c-\x1f, NEL, no-break, ideographic space …)
_CHARS = st.one_of(
    st.sampled_from("董军国防部长，。、“”《》（）：；0123456789 abcXYZ-·.'\"<>"),
    st.sampled_from(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2009\u200b\u2028\u2029\u202f\u3000\ufeff"),
    st.sampled_from("\u33ff\u3400\u9fff\ua000\uf8ff\uf900\ufaff\ufb00\u3001\u30a2\uac00\U00020000"),
    st.characters(),
)


@settings(max_examples=3000, deadline=None)
@given(st.text(_CHARS, max_size=40))
def test_spaced_matches_translate_definition(text: str) -> None:
    assert spaced(text) == _spaced_reference(text)


def test_spaced_examples() -> None:
    for text in ["", " ", "董军", "2025年4月", "NATO 峰会 in  Vilnius", "“董军”，", "a\u3000b 董\n\n军 c"]:
        assert spaced(text) == _spaced_reference(text)
    assert spaced("国防部长董军,2025年4月 NATO") == "国 防 部 长 董 军 ,2025 年 4 月 NATO"
