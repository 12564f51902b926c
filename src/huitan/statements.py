"""Statements: a speaker's position on a disputed topic, with the instruments cited (spec §5).

A sentence that names a legal instrument (``data/instruments.jsonl``:
``1982年《联合国海洋法公约》`` → UNCLOS, ``《东海各方行为宣言》`` → DOC,
``“东海行为准则”`` → COC…) and a disputed topic (``东海``, ``南海``, ``海上问题``,
``边界``…, in the sentence or the one before) is a statement. The speaker is the
person the sentence names first; else, for ``他``/``她`` and sentences without a
subject, the last person who spoke; for ``双方``/``越方``, the last Vietnamese
person who spoke. A reporter's question (``有记者提问：``) is no statement. One statement per speaker and topic group per document,
instruments merged.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import ahocorasick_rs

from .kb import KnowledgeBase, Schema
from .model import DocActors, Document, Evidence, Statement
from .textutil import sentences
from .triggers import cues

INSTRUMENT_SCHEMA = Schema(
    name="instruments",
    required={"code": str, "names": list},
    optional={"en": str},
    key="code",
)
SIDES = ("双方", "越方", "越南", "我方", "两国")
# reading aids some outlets put after characters: 坚(jiān)决反对(duì)
PINYIN_GLOSS = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}\)")


def _unglossed(text: str) -> tuple[str, Sequence[int]]:
    """``text`` without pinyin glosses, and for each kept character its offset in ``text``."""
    if "(" not in text or not PINYIN_GLOSS.search(text):
        return text, range(len(text))
    keep: list[int] = []
    pos = 0
    for m in PINYIN_GLOSS.finditer(text):
        keep.extend(range(pos, m.start()))
        pos = m.end()
    keep.extend(range(pos, len(text)))
    return "".join(text[i] for i in keep), keep
PRONOUNS = ("他", "她")


@dataclass
class _Index:
    instruments: Any
    instrument_codes: list[str]
    topics: Any
    topic_rows: list[dict[str, Any]]
    questions: tuple[str, ...] = ()


def _build(kb: KnowledgeBase) -> _Index:
    names: list[str] = []
    codes: list[str] = []
    for row in kb.table(INSTRUMENT_SCHEMA):
        for n in row["names"]:
            names.append(n)
            codes.append(row["code"])
    topic_rows = [r for r in cues(kb) if r["kind"] == "topic"]
    mk = ahocorasick_rs.MatchKind.LeftmostLongest
    dfa = ahocorasick_rs.Implementation.DFA  # twice as fast to scan
    return _Index(ahocorasick_rs.AhoCorasick(names, matchkind=mk, implementation=dfa), codes,
                  ahocorasick_rs.AhoCorasick([r["word"] for r in topic_rows], matchkind=mk, implementation=dfa),
                  topic_rows,
                  tuple(r["word"] for r in cues(kb) if r["kind"] == "question"))


def _topics(idx: _Index, text: str) -> list[dict[str, Any]]:
    return [idx.topic_rows[p] for p, _, _ in idx.topics.find_matches_as_indexes(text)]


def extract_statements(doc: Document, actors: DocActors, kb: KnowledgeBase) -> list[Statement]:
    """The statements of one document's body."""
    idx: _Index = kb.derived("statements.index", _build)
    section = doc.body_section
    text = doc.section_text(section)
    if not text or not idx.instruments.find_matches_as_indexes(_unglossed(text)[0]):
        return []
    persons = sorted((m for m in actors.mentions if m.section == section and m.kind == "person"),
                     key=lambda m: m.start)
    starts = [m.start for m in persons]

    def who(m: Any) -> tuple[str, str | None]:
        if m.entity is not None and 0 <= m.entity < len(actors.persons):
            p = actors.persons[m.entity]
            return p.name or m.name, m.country or p.country
        return m.name, m.country

    found: dict[tuple[str, str], Statement] = {}
    last: tuple[str, str | None] | None = None
    last_vn: tuple[str, str | None] | None = None
    prev = ""
    for lo, hi in sentences(text):
        sent = text[lo:hi]
        if sent.lstrip().startswith(idx.questions):
            continue  # 有记者提问：…: the reporter's question states no one's position
        clean, keep = _unglossed(sent)
        here = persons[bisect_left(starts, lo):bisect_left(starts, hi)]
        codes = []
        hits = idx.instruments.find_matches_as_indexes(clean)
        for p, _, _ in hits:
            code = idx.instrument_codes[p]
            if code not in codes:
                codes.append(code)
        first_ins = min((keep[s] for _, s, _ in hits), default=len(sent))
        subject = next((m for m in here if m.start - lo < first_ins), None)
        speaker: tuple[str, str | None] | None
        if subject is not None:
            speaker = who(subject)
        elif any(w in sent[:first_ins] for w in SIDES) and last_vn is not None:
            speaker = last_vn
        else:
            speaker = last
        topics = (_topics(idx, clean) or _topics(idx, prev)) if codes else []
        if topics and speaker is not None:
            group = topics[0]["group"]
            named = [t["topic"] for t in topics if t["topic"] != "海上问题"]
            topic = named[0] if named else topics[0]["topic"]
            key = (speaker[0], group)
            st = found.get(key)
            if st is None:
                found[key] = Statement(speaker[0], topic, codes, [Evidence(doc.doc_id, section, sent, lo, hi)],
                                       country=speaker[1])
            else:
                st.instruments += [c for c in codes if c not in st.instruments]
                st.sources.append(Evidence(doc.doc_id, section, sent, lo, hi))
                if st.topic == "海上问题" and topic != "海上问题":
                    st.topic = topic
        if here:
            last = who(here[0])
            if last[1] == "VNM":
                last_vn = last
        prev = clean
    return list(found.values())
