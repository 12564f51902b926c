"""Gated rules of actor extraction agree with the rules run without their gates.

``_qualified`` first looks for a kanji-writing country just before the title, and ``_name_after`` tries
a regnal number only where a ``世`` follows; on texts made of the words those rules turn on, both give
what the plain rules give.
"""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from huitan.actors import CHAIN_CHAR_RE, _name_after, _qualified
from huitan.kb import KnowledgeBase
from huitan.lexicon import COUNTRY, KIND, START, Lexicon, TokenIndex, lexicon, tokens
from tests.test_actors_fast import _name_after_reference

PIECES = ["日本", "阿卜杜勒", "阿齐兹", "卡", "二", "防卫省", "国防部", "部长", "大使", "、", "加野", "幸司", "费利佩", "六世", "二世", "世", "十",
          "阮", "氏", "文", "江", "·", "，", "说", "1", " ", "越南", "会见"]


def _qualified_reference(text: str, lex: Lexicon, ti: TokenIndex, title_start: int) -> bool:
    """The chain characters before the title (at most 20) name a kanji-writing country (the definition)."""
    j = title_start
    while j > 0 and CHAIN_CHAR_RE.match(text[j - 1]) and title_start - j < 20:
        j -= 1
    return any(t[KIND] == "country" and t[COUNTRY] in lex.kanji_countries for t in ti.within(j, title_start))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=24))
@example(["部长", "阿卜杜勒", "阿齐兹", "卡", "十", "二", "世"])  # a regnal number after the longest name looked at
def test_gated_rules_match_the_plain_ones(kb: KnowledgeBase, pieces: list[str]) -> None:
    lex = lexicon(kb)
    text = "".join(pieces)
    ti = tokens(lex, text)
    for i in range(len(text) + 1):
        assert _qualified(text, lex, ti, i) == _qualified_reference(text, lex, ti, i), (text, i)
    for t in ti.of_kind("title"):
        for listed in (False, True):
            got = _name_after(text, lex, ti, t[1], t[START], listed=listed)
            assert got == _name_after_reference(text, lex, ti, t[1], t[START], listed=listed), (text, t)
