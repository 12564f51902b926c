"""The fast paths of dating agree with their plain definitions.

Each rule rewritten for speed is checked, on generated text made of the words it looks for, against a slow
reference written the obvious way.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from huitan import dates, timeexpr
from huitan.dates import DocDates, When, _direction, _doc_dates, cues
from huitan.model import Document
from huitan.textutil import sentences
from huitan.timeexpr import DateExpr, lexicon

FILLER = ["，", "。", "、", "：", " ", "\n", "两国", "会谈", "举行", "部长", "年", "月", "日", "3", "十二", "(", "）",
          "2025", "/", "-", "。”"]


def pieces(kb, *kinds: str) -> st.SearchStrategy[str]:
    words = [w for kind in kinds for w in lexicon(kb).of(kind)]
    return st.lists(st.sampled_from(words + FILLER), max_size=14).map("".join)


def direction_by_scan(kb, before: str, after: str) -> str | None:
    """The nearest future or past word, by trying every word on both sides (the plain rule)."""
    lex = lexicon(kb)
    direction = None
    best = len(before) + len(after) + 1
    for kind in ("future", "past"):
        for w in lex.of(kind):
            i = after.find(w)
            if 0 <= i < best:
                best, direction = i, kind
            j = before.rfind(w)
            if j >= 0 and len(before) - j - len(w) < best:
                best, direction = len(before) - j - len(w), kind
    return direction


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_direction_is_the_nearest_cue_word(kb, data):
    before = data.draw(pieces(kb, "future", "past"))
    after = data.draw(pieces(kb, "future", "past"))
    assert _direction(cues(kb), before, after) == direction_by_scan(kb, before, after)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_cue_patterns_find_what_a_word_scan_finds(kb, data):
    lex = lexicon(kb)
    c = cues(kb)
    for kind, pattern in (("speech", c.speech), ("after_event", c.after_event), ("since", c.since)):
        text = data.draw(pieces(kb, kind))
        assert (pattern.search(text) is not None) == any(w in text for w in lex.of(kind))


def class_led_trigger(kb) -> re.Pattern[str]:
    """The trigger written the plain way, each alternative led by a character class."""
    lex = lexicon(kb)
    sp = r"[ \u3000]*"
    alt = "|".join(re.escape(w) for w in lex.of("relative")) or "(?!)"
    years = "|".join(re.escape(w) for w in lex.of("relative_year")) or "(?!)"
    numerals, digits = timeexpr.NUMERALS, timeexpr.DIGITS
    return re.compile(rf"[{numerals}]{sp}[)）]?{sp}[月日号年]|[{digits}][/.\-][{digits}]|{alt}|{years}")


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_trigger_matches_where_the_class_led_pattern_does(kb, data):
    text = data.draw(pieces(kb, "relative", "relative_year"))
    plain = class_led_trigger(kb)
    assert [m.span() for m in lexicon(kb).trigger.finditer(text)] == [m.span() for m in plain.finditer(text)]


def doc_of(title: str, body: list[str]) -> Document:
    return Document(doc_id="d", kind="article", title=title, lead=body[0] if body else "", body=body)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_document_lookups_agree_with_scans(kb, data):
    text = data.draw(pieces(kb, "relative", "speech"))
    dd: DocDates = _doc_dates(doc_of("", [text]), kb)
    exprs: list[DateExpr] = dd.exprs["body"]
    spans = sentences(text)
    for pos in range(len(text) + 1):
        plain = next(((s, e) for s, e in spans if s <= pos < e), (pos, pos))
        assert dd.sentence_of("body", pos) == plain
        for end in (pos, pos + 3, len(text)):
            assert dd.within("body", pos, end) == [x for x in exprs if pos <= x.start < end]


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_since_reads_the_clause_after_the_date(kb, data):
    text = "2025年3月" + data.draw(pieces(kb, "since"))
    dd = _doc_dates(doc_of("", [text]), kb)
    for x in dd.exprs["body"]:
        after = dates.CLAUSE_BREAK.split(text[x.end:x.end + dates.SINCE_REACH], maxsplit=1)[0]
        assert dates._since(dd, "body", x, kb) == any(w in after for w in lexicon(kb).of("since"))


@given(month=st.integers(1, 12), day=st.none() | st.integers(1, 31),
       part=st.sampled_from([None, "early", "mid", "late"]), year=st.integers(1999, 2030))
def test_first_day_is_where_the_span_starts(month, day, part, year):
    w = When(month, day, month_part=part)
    span = w.span(year)
    assert w.first_day(year) == (span[0] if span else None)
