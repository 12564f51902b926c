"""The fast paths of event extraction agree with their plain definitions.

Each helper that was rewritten for speed is checked, on every section of the example pages (and of the
shared pages when present), against a slow reference written the obvious way; the pattern gates also on
generated text.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huitan import events
from huitan.actors import extract_actors
from huitan.events import (
    CLAUSE_SEP,
    HARD_SEP,
    _clause,
    _future,
    _future_before,
    _masked,
    _section_actors,
    _Span,
)
from huitan.kb import KnowledgeBase
from huitan.mechanisms import _index as mechanism_index
from huitan.model import DocActors, Mention
from huitan.textutil import Gated, sentences
from huitan.triggers import cues

CONJ_START = ("与", "同", "和", "并与", "并同", "及", "以及", "跟")
GATED = [events.BOOK, events.INVITE, events.FRAME, events.ELECTED, events.HEADED, events.BASIS]


@pytest.fixture(scope="module")
def spans(kb: KnowledgeBase, page_documents: list) -> list[tuple[_Span, list[Mention]]]:
    """Each section with its actors (as events reads them) and all its mentions."""
    out = []
    for d in page_documents:
        actors = extract_actors(d, kb)
        for section in ("title", d.body_section, "caption"):
            text = d.section_text(section)
            if text:
                ms = [m for m in actors.mentions if m.section == section]
                out.append((_Span(text, *_section_actors(actors, section)), ms))
    assert len(out) > 50
    return out


def _covering_reference(span: _Span, pos: int) -> events.Actor | None:
    """The actor starting last (the shortest of those) that holds ``pos`` within its first 121 characters."""
    best = None
    for a in span.actors:
        if a.start <= pos < a.end and pos - a.start <= 120:
            best = a
    return best


def _clause_reference(text: str, lo: int, hi: int, start: int, end: int) -> tuple[int, int]:
    """The comma-clause of [start, end), one character at a time."""
    cs = lo
    for i in range(start - 1, lo - 1, -1):
        if text[i] in CLAUSE_SEP:
            cs = i + 1
            break
    ce = hi
    for i in range(end, hi):
        if text[i] in CLAUSE_SEP:
            ce = i
            break
    while cs > lo and text[cs - 1] not in HARD_SEP and text[cs:].lstrip().startswith(CONJ_START):
        j = cs - 2
        while j >= lo and text[j] not in CLAUSE_SEP:
            j -= 1
        cs = j + 1
    return cs, ce


def _masked_reference(text: str, lo: int, hi: int, span: _Span) -> str:
    chars = list(text[lo:hi])
    for a in span.actors:
        if lo <= a.start and a.end <= hi:
            for i in range(a.start, a.end):
                chars[i - lo] = "□"
    return "".join(chars)


def _kept_reference(ms: list[Mention]) -> list[tuple[str, int, int]]:
    """Persons, and organisations and countries that no person overlaps and no longer organisation holds."""
    holders = [m for m in ms if m.kind in ("person", "organization")]

    def inside(m: Mention) -> bool:
        return any(o is not m and o.start < m.end and m.start < o.end and (
            o.kind == "person" or (o.start <= m.start and m.end <= o.end and o.end - o.start > m.end - m.start))
            for o in holders)

    kept = [(m.kind, m.start, m.end) for m in ms
            if m.kind == "person" or (m.kind in ("organization", "country") and not inside(m))]
    return sorted(kept, key=lambda k: (k[1], -k[2]))


def test_section_actors_keep_what_their_definition_keeps(spans: list[tuple[_Span, list[Mention]]]) -> None:
    for span, ms in spans:
        assert [(a.kind, a.start, a.end) for a in span.actors] == _kept_reference(ms)
        assert span.places == sorted((m for m in ms if m.kind in ("place", "country")), key=lambda m: m.start)


MENTIONS = st.lists(st.tuples(st.sampled_from(["person", "organization", "country", "place"]),
                              st.integers(0, 30), st.integers(1, 8)), max_size=12)


@given(MENTIONS)
def test_section_actors_drop_nested_mentions_as_defined(spec: list[tuple[str, int, int]]) -> None:
    ms = [Mention(kind, f"m{i}", "x", "body", start, start + n) for i, (kind, start, n) in enumerate(spec)]  # type: ignore[arg-type]
    actors, places = _section_actors(DocActors(mentions=ms), "body")
    assert [(a.kind, a.start, a.end) for a in actors] == _kept_reference(ms)
    span = _Span("甲" * 40, actors, places)
    for pos in range(-1, 42):
        assert span.covering(pos) is _covering_reference(span, pos)


def test_covering_and_within_match_their_definitions(spans: list[tuple[_Span, list[Mention]]]) -> None:
    covered = 0
    for span, _ in spans:
        for pos in range(-1, len(span.text) + 2):
            got = span.covering(pos)
            assert got is _covering_reference(span, pos), (span.text, pos)
            covered += got is not None
        for lo in range(0, len(span.text), 7):
            for hi in range(lo, min(len(span.text), lo + 60) + 1, 9):
                assert span.within(lo, hi) == [a for a in span.actors if lo <= a.start and a.end <= hi]
                exclude = [(lo + 2, lo + 9)]
                assert span.within(lo, hi, exclude) == [a for a in span.actors if lo <= a.start and a.end <= hi
                                                        and not lo + 2 <= a.start < lo + 9]
    assert covered > 1000


def test_clauses_and_blanking_match_their_definitions(spans: list[tuple[_Span, list[Mention]]]) -> None:
    checked = 0
    for span, _ in spans:
        text = span.text
        for lo, hi in sentences(text):
            for start in range(lo, hi, 3):
                end = min(hi, start + 2)
                assert _clause(span, lo, hi, start, end) == _clause_reference(text, lo, hi, start, end)
                assert _masked(text, lo, start, span) == _masked_reference(text, lo, start, span)
                checked += 1
    assert checked > 1000


@given(st.text(alphabet="与同和及以并跟，,；; 　\n甲乙", max_size=30), st.data())
def test_clause_matches_its_definition_on_separators(text: str, data: st.DataObject) -> None:
    span = _Span(text, [], [])
    lo = data.draw(st.integers(0, len(text)))
    hi = data.draw(st.integers(lo, len(text)))
    start = data.draw(st.integers(lo, hi))
    end = data.draw(st.integers(start, hi))
    assert _clause(span, lo, hi, start, end) == _clause_reference(text, lo, hi, start, end)


def _pattern_alphabet(pattern: re.Pattern[str]) -> str:
    return "".join(sorted({c for c in pattern.pattern if ord(c) > 0x2000})) + "甲乙1，。"


@pytest.mark.parametrize("gated", GATED, ids=lambda g: g.pattern.pattern[:12])
def test_gated_patterns_find_what_their_patterns_find(gated: Gated,
                                                      spans: list[tuple[_Span, list[Mention]]]) -> None:
    for span, _ in spans:
        for lo, hi in sentences(span.text):
            assert [m.span() for m in gated.finditer(span.text, lo, hi)] == \
                [m.span() for m in gated.pattern.finditer(span.text, lo, hi)]

    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet=_pattern_alphabet(gated.pattern), max_size=40))
    def generated(text: str) -> None:
        assert [m.span() for m in gated.finditer(text)] == [m.span() for m in gated.pattern.finditer(text)]
        found = gated.search(text)
        assert (found and found.span()) == ((m := gated.pattern.search(text)) and m.span())

    generated()


def test_future_before_matches_blanking_first(kb: KnowledgeBase, spans: list[tuple[_Span, list[Mention]]]) -> None:
    idx = events._build_index(kb)
    will = ("将", "将要", "将会", "要", "拟")
    told = 0
    for span, _ in spans:
        text = span.text
        for lo, hi in sentences(text):
            for start in range(lo, hi, 2):
                for cut in (None, (lo + (start - lo) // 3, lo + (start - lo) // 2)):
                    seg = _masked(text, lo, cut[0], span) + _masked(text, cut[1], start, span) if cut \
                        else _masked(text, lo, start, span)
                    for invite in ("", "应邀"):
                        plain = _future(seg, idx, invite)
                        assert _future_before(text, lo, start, cut, span, idx, invite) == plain
                        assert _future_before(text, lo, start, cut, span, idx, invite, will=True) == \
                            (plain or seg.rstrip("□").endswith(will))
                        told += plain
    assert told > 100


def test_back_references_match_the_word_table(kb: KnowledgeBase) -> None:
    idx = events._build_index(kb)
    table: dict[str, set[str | None]] = {}
    for r in cues(kb):
        if r["kind"] == "backref":
            table.setdefault(r["word"], set()).add(r.get("type"))
    probe = "".join(table) + "会议召开举行期间以来的框架"
    for typ in idx.backref:
        for k in range(len(probe) + 1):
            expected = any((types := table.get(probe[k:k + n])) and (None in types or typ in types) for n in (1, 2, 3))
            assert bool(idx.backref[typ].match(probe, k)) == expected, (typ, probe[k:k + 3])


def test_series_stop_words_inside_a_suffix_match_startswith(kb: KnowledgeBase) -> None:
    idx = mechanism_index(kb)
    probe = "".join(idx["suffixes"]) + "联合举行的会议期间框架"
    for i in range(len(probe) + 1):
        assert bool(idx["suffix_re"].match(probe, i)) == any(probe.startswith(s, i) for s in idx["suffixes"])


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_visit_place_is_the_first_listed_word_found(kb: KnowledgeBase, data: st.DataObject) -> None:
    idx = events._build_index(kb)
    rows = [r for r in cues(kb) if r["kind"] in ("event", "conference", "role") and r.get("place")]
    listed = {r["word"]: (r["place"], r.get("country")) for r in rows}
    assert len(listed) >= 2
    pieces = st.sampled_from(sorted(listed) + [w[:1] for w in listed] + [w[1:] for w in listed] + ["，", "问", "中"])
    text = "".join(data.draw(st.lists(pieces, max_size=8)))
    expected = next((place for w, place in listed.items() if w in text), None)
    assert events._visit_place(idx, text) == expected
