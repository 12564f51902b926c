"""The fast paths of actor extraction agree with their plain definitions.

Each helper that was rewritten for speed is checked, on every section of the example pages (and of the
shared pages when present), against a slow reference written the obvious way.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huitan import actors, coref
from huitan.actors import (
    CHAIN_MAX,
    CJK_RUN_RE,
    REGNAL_RE,
    _chain_floor,
    _clean_candidate,
    _ends_name,
    _name_after,
    _plausible,
    _qualified,
    extract_actors,
)
from huitan.kb import KnowledgeBase
from huitan.lexicon import CJK, CJK_RE, END, KIND, START, WORD, Lexicon, TokenIndex, lexicon, tokens

NON_CHAIN_RE = re.compile(rf"[^{CJK}0-9、]")


@pytest.fixture(scope="module")
def docs(page_documents: list) -> list:
    return page_documents


@pytest.fixture(scope="module")
def sections(kb: KnowledgeBase, docs: list) -> list[tuple[str, TokenIndex]]:
    lex = lexicon(kb)
    texts = {d.section_text(s) for d in docs for s in ("title", d.body_section, "caption")}
    return [(t, tokens(lex, t)) for t in sorted(texts) if t]


def _name_after_reference(text: str, lex: Lexicon, ti: TokenIndex, e: int, title_start: int,
                          listed: bool = False) -> int | None:
    """The name after a title, one candidate length at a time (the definition)."""
    t = ti.by_start.get(e)
    if t is not None and t[KIND] == "person":
        return t[END]
    for k in range(2, 9):
        b = e + k
        if b > len(text) or not CJK_RUN_RE.fullmatch(text, e, b) or not _clean_candidate(ti, e, b):
            return None
        if k > 4 and not all(c in lex.translit for c in text[e:b]):
            return None
        m = REGNAL_RE.match(text, b)
        if m:
            return m.end() if _plausible(lex, text[e:b]) else None
        if _ends_name(text, ti, b):
            if listed:
                return b if k <= 3 and text[e] in lex.surnames else None
            if _plausible(lex, text[e:b]) or (not ti.starting_in(e, b) and _qualified(text, lex, ti, title_start)):
                return b
            return None
    return None


def test_within_is_a_slice_of_the_tokens_inside(sections: list[tuple[str, TokenIndex]]) -> None:
    checked = 0
    for text, ti in sections:
        for a in range(0, len(text), 3):
            for b in range(a, min(len(text), a + 40) + 1, 5):
                assert ti.within(a, b) == [t for t in ti.tokens if a <= t[START] and t[END] <= b]
                checked += 1
    assert checked > 1000


def test_name_after_matches_its_definition(kb: KnowledgeBase, sections: list[tuple[str, TokenIndex]]) -> None:
    lex = lexicon(kb)
    checked = found = 0
    for text, ti in sections:
        starts = {t[END]: t[START] for t in ti.of_kind("title")} | \
            {i: -1 for i in range(len(text)) if text[i] == "、"}
        for e, title_start in starts.items():
            for listed in (False, True):
                got = _name_after(text, lex, ti, e, title_start, listed=listed)
                assert got == _name_after_reference(text, lex, ti, e, title_start, listed=listed), (text, e)
                checked += 1
                found += got is not None
    assert checked > 100 and found > 10


def test_chain_floor_is_after_the_last_break(sections: list[tuple[str, TokenIndex]]) -> None:
    for text, _ in sections:
        rev = text[::-1]
        last = -1  # the last character before i a chain cannot hold
        for i in range(len(text) + 1):
            if i > 0 and NON_CHAIN_RE.match(text[i - 1]):
                last = i - 1
            assert _chain_floor(rev, i) == max(last + 1, i - CHAIN_MAX)


def _org_end_reference(text: str, ti: TokenIndex, lex: Lexicon, start: int, first_end: int,
                       names: dict[int, int]) -> int:
    """The end of an organisation's name, one character at a time (the definition)."""
    pos = best = first_end
    while pos < len(text) and CJK_RE.match(text[pos]) and pos not in names:
        tk = ti.by_start.get(pos)
        if tk is not None:
            if tk[KIND] in coref.ORG_STOP_KINDS:
                break
            if tk[KIND] == "boundary":
                nxt = ti.by_start.get(tk[END])
                if not (tk[WORD] in coref.INNER_CONJ and best > first_end
                        and (nxt is None or nxt[KIND] not in ("country", "place", "org"))):
                    break
            elif tk[KIND] in ("country", "place") and text[pos - 1] != "驻":
                break
            pos = tk[END]
        else:
            pos += 1
        if any(text.endswith(sf, start, pos) for sf in lex.suffixes.get(text[pos - 1], ())):
            best = pos
    return best


def test_org_end_matches_its_definition(kb: KnowledgeBase, sections: list[tuple[str, TokenIndex]]) -> None:
    lex = lexicon(kb)
    longer = 0
    for text, ti in sections:
        names = {s.start: s.end for s in actors._spans(text, lex, ti)}
        for t in ti.of_kind("place", "country", "org"):
            end = coref._org_end(text, ti, lex, t[START], t[END], names)
            assert end == _org_end_reference(text, ti, lex, t[START], t[END], names), (text, t)
            longer += end > t[END]
    assert longer > 5


def test_results_do_not_depend_on_what_was_seen_before(kb: KnowledgeBase, docs: list) -> None:
    """Remembered sections and names give the same actors as a fresh knowledge base."""
    for d in docs:
        extract_actors(d, kb)
    fresh = KnowledgeBase()
    for d in docs[:40]:
        assert extract_actors(d, kb) == extract_actors(d, fresh)


def test_org_name_runs_through_a_country_written_with_brackets(kb: KnowledgeBase) -> None:
    """A country word holding other characters (刚果（布）) after 驻 does not end the organisation's name."""
    lex = lexicon(kb)
    text = "中国驻刚果（布）大使馆举行招待会。"
    ti = tokens(lex, text)
    assert coref._org_end(text, ti, lex, 0, 2, {}) == _org_end_reference(text, ti, lex, 0, 2, {}) == 11
    orgs = coref.orgs_and_places(text, "body", lex, ti, {})
    assert [(m.kind, m.name) for m in orgs] == [("organization", "中国驻刚果（布）大使馆")]


DOT_RE = re.compile(rf"(?<=[{CJK}])\s?[·•‧・．]\s?(?=[{CJK}])")  # the definition of a name dot's span


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="甲乙·•．・ \u3000\naB-", max_size=30))
def test_name_dots_are_the_matches_of_their_definition(text: str) -> None:
    assert list(actors._name_dots(text)) == [m.span() for m in DOT_RE.finditer(text)]


def test_name_dots_on_the_pages(sections: list[tuple[str, TokenIndex]]) -> None:
    for text, _ in sections:
        assert list(actors._name_dots(text)) == [m.span() for m in DOT_RE.finditer(text)]


def test_tokens_and_their_kinds_are_the_automatons_matches(kb: KnowledgeBase,
                                                           sections: list[tuple[str, TokenIndex]]) -> None:
    lex = lexicon(kb)
    for text, ti in sections:
        raw = lex.automaton.find_matches_as_indexes(text)
        assert ti.tokens == [(s, e, lex.kinds[i], lex.words[i], lex.countries[i]) for i, s, e in raw]
        assert ti.by_start == {t[START]: t for t in ti.tokens} and ti.by_end == {t[END]: t for t in ti.tokens}
        for kinds in (("person",), ("rank", "title", "honorific"), ("place", "country", "org"), ("boundary",)):
            listed = [t for t in ti.tokens if t[KIND] in kinds and t[KIND] != "boundary"]
            assert ti.of_kind(*kinds) == listed, (text, kinds)
