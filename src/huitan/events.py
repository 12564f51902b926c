"""Stage 4: events with roles, place, mechanism and evidence (spec §3).

Reads a cleaned :class:`~huitan.model.Document` and its
:class:`~huitan.model.DocActors`; writes a list of :class:`~huitan.model.Event`
(in document order, one per real occurrence within the document) and the
document's :class:`~huitan.model.Statement` list (see :mod:`huitan.statements`).

How a sentence is read: a trigger word from ``data/triggers.jsonl`` (``会见``,
``举行会谈``, ``正式访问``, ``致贺电``, ``递交国书``…) names the event type and
the roles of its subject and object; the actors (person, organisation or
country mentions from ``actors``) on either side of the trigger, within its
clause, fill those roles. Common constructions are handled as patterns:
``应A的邀请`` (the inviter hosts a visit), ``由B率领的…代表团`` (counts as B),
``A向B致…`` (sender, recipient), ``A接受B递交国书``, ``…的C`` relative clauses
(``来越访问…的王毅``), plural back-references (``两位部长``, ``双方``), future
and background uses (``将于``, ``所签署的``, ``会谈时``). Conference nouns
(``对话会``, ``会议``, ``论坛``) become events only with a verb of holding or
attending (``举行``, ``共同主持``, ``出席``).
"""

from __future__ import annotations

import bisect
import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from operator import attrgetter
from typing import Any, Literal

import ahocorasick_rs

from .kb import KnowledgeBase, Schema
from .mechanisms import Mechanism, find_mechanisms, may_name_session
from .merge import ROLE_RANK, DocEvent, delegation_attends, merge_in_document, visitors_are_guests
from .model import DocActors, Document, Event, Evidence, Mention, Participant, Statement
from .statements import extract_statements
from .textutil import Gated, any_of, sentences
from .triggers import TYPES, cues, words

CLAUSE_SEP = "，,；;"
HARD_SEP = "；;"
# a clause opening with a conjunction continues the one before (after any white space, as str.lstrip strips)
CONJ_START_RE = re.compile(r"\s*(?:与|同|和|并与|并同|及|以及|跟)")


BOOK = Gated(re.compile(r"《[^《》]{1,120}》"), "《")
INVITE = Gated(re.compile(r"(应|受)([^，,。；;]{1,80}?)(?:的)?(?:邀请|之邀|邀)"), "邀")
AMOUNT = re.compile(r"(?:近|约|超过|逾)?[\d.,，]+\s*(?:多)?(?:万|亿|千)?\s*(?:美元|元|人民币|越南盾|欧元|日元|卢布|英镑|澳元)")
# 值此X当选…之际 / 就X当选…: the occasion names the honoree, not the actors
FRAME = Gated(re.compile(r"值此[^，,。；;]{0,50}?之际|获悉[^，,。；;]{0,60}|"
                         r"就[^，,。；;]{0,40}?(?:当选|就任|连任|荣任)[^，,。；;]{0,20}?(?=向|致|发|，|,)"), "值悉就")
# 就/对/值此/祝贺 X 当选…: X is the honoree of a congratulation
ELECTED = Gated(re.compile(r"(?:值此|就|对|祝贺)([^，,。；;]{1,60}?)(?:当选|被选为|被选举为|选举任命为|被任命为|就任|连任|荣任)"),
                "选任")
# 由X为首的代表团 / 以X为团长的代表团 / 代表团由X为团长: the head of a delegation
HEADED = Gated(re.compile(r"(?:由|以)([^，,。；;]{1,60}?)为(?:首|团长)"), "为")
AT_PLACE = re.compile("[在于]")
BASIS = Gated(re.compile(r"在[^，,。；;]{0,60}?的基础上"), "础")
ADVERBIAL_END = ("期间", "之际", "时", "之时", "前夕", "过程中")
COUNTRY_OK = {"TALKS", "EXERCISE", "AID", "CALL", "SIGN"}
ASYMMETRIC = {"MEET", "VISIT", "MESSAGE", "CREDENTIALS", "AID"}

CODE_SCHEMA = Schema(
    name="codes",
    required={"type": str, "plover": str, "cameo": str},
    optional={"subtype": str, "mode": str},
    key=("type", "subtype"),
)


START = attrgetter("start")
END = attrgetter("end")


@dataclass(slots=True)
class Actor:
    """An actor mention usable as a participant."""

    kind: str
    name: str
    country: str | None
    entity: int | None
    start: int
    end: int


@dataclass
class _Index:
    automaton: Any
    entries: list[dict[str, Any]]
    holding: re.Pattern[str]  # the longest verb of holding (a role word without a role) at a position
    backref: dict[str, re.Pattern[str]]  # per event type: a back-reference word of at most 3 characters at a position
    before: tuple[str, ...]
    future: list[str]
    plural: re.Pattern[str]
    delegation: list[str]
    via: list[str]
    visit_words_at: Any  # an automaton of the visit words that name a destination (``访华``)
    visit_places: list[tuple[str, str | None]]  # (place, country) of each of those words, in the automaton's order
    speech: list[str]
    event_word: re.Pattern[str]  # an event word at a position
    welcome: list[str]
    naval: list[str]
    sentence_future: re.Pattern[str]
    codes: dict[tuple[str, str | None], dict[str, Any]]
    visit_words: list[str]
    future_re: re.Pattern[str]  # the future words but 邀请 (an invitation may be told as done)


def _build_index(kb: KnowledgeBase) -> _Index:
    rows = cues(kb)
    entries = [r for r in rows if r["kind"] in ("event", "conference", "role")]
    automaton = ahocorasick_rs.AhoCorasick([r["word"] for r in entries],
                                           matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
                                           implementation=ahocorasick_rs.Implementation.DFA)  # twice as fast to scan
    visit_places = {r["word"]: (r["place"], r.get("country")) for r in entries if r.get("place")}
    backref = {typ: any_of(sorted({r["word"] for r in rows if r["kind"] == "backref" and len(r["word"]) <= 3
                                         and r.get("type") in (None, typ)}))
               for typ in TYPES}
    holding = sorted({r["word"] for r in rows if r["kind"] == "role" and r.get("role") is None}, key=len, reverse=True)
    return _Index(
        automaton=automaton, entries=entries, holding=any_of(holding), backref=backref,
        before=tuple(words(kb, "before")), future=words(kb, "future"), plural=any_of(words(kb, "plural")),
        delegation=words(kb, "delegation"), via=words(kb, "via"),
        visit_words_at=ahocorasick_rs.AhoCorasick(list(visit_places)), visit_places=list(visit_places.values()),
        speech=words(kb, "speech"),
        event_word=any_of(sorted({r["word"] for r in entries if r["kind"] == "event"})),
        welcome=words(kb, "welcome"), naval=words(kb, "naval"),
        sentence_future=any_of([r["word"] for r in rows if r["kind"] == "future" and r.get("group") == "sentence"]),
        codes={(c["type"], c.get("subtype")): c for c in kb.table(CODE_SCHEMA)},
        visit_words=sorted({r["word"] for r in entries if r["kind"] == "event" and r["type"] == "VISIT"}, key=len),
        future_re=any_of([w for w in words(kb, "future") if w != INVITE_WORD]))




# ---------------------------------------------------------------- actors of a section


def _section_actors(actors: DocActors, section: str) -> tuple[list[Actor], list[Mention]]:
    """Person, organisation and country mentions of one section (nested ones dropped), and places."""
    ms = [m for m in actors.mentions if m.section == section]
    holders = sorted((m for m in ms if m.kind in ("person", "organization")), key=START)
    holder_starts = list(map(START, holders))
    reach = list(accumulate(map(END, holders), max))  # the furthest end of holders[:i + 1]
    out: list[Actor] = []

    def inside(m: Mention) -> bool:
        """Whether a person overlaps ``m`` or a longer organisation holds it."""
        i = bisect.bisect_left(holder_starts, m.end) - 1
        while i >= 0 and reach[i] > m.start:
            o = holders[i]
            if o is not m and o.end > m.start and (
                    o.kind == "person" or (o.start <= m.start and m.end <= o.end and o.end - o.start > m.end - m.start)):
                return True
            i -= 1
        return False

    for m in ms:
        if m.kind == "person":
            name = m.name
            country = m.country
            if m.entity is not None and 0 <= m.entity < len(actors.persons):
                p = actors.persons[m.entity]
                name = p.name or name
                country = country or p.country
            out.append(Actor("person", name, country, m.entity, m.start, m.end))
        elif m.kind in ("organization", "country") and not inside(m):
            out.append(Actor(m.kind, m.name, m.country, None, m.start, m.end))
    out.sort(key=END, reverse=True)
    out.sort(key=START)  # by start, the longer first (sorts keep the order of equals)
    places = sorted((m for m in ms if m.kind in ("place", "country")), key=START)
    return out, places


def _section_span(text: str, actors: DocActors, section: str, cache: dict[str, _Span]) -> _Span:
    """The section's :class:`_Span`, made once per document."""
    if section not in cache:
        cache[section] = _Span(text, *_section_actors(actors, section))
    return cache[section]


class _Span:
    """One section's text, actors, places and clause separators, with fast range lookups."""

    def __init__(self, text: str, actors: list[Actor], places: list[Mention]) -> None:
        self.text = text
        self.actors = actors
        self.starts = list(map(START, actors))
        self.reach = list(accumulate(map(END, actors), max))  # the furthest end of actors[:i + 1]
        self.seps = [c for c in CLAUSE_SEP if c in text]
        self.places = places
        self.place_starts = list(map(START, places))

    def within(self, lo: int, hi: int, exclude: Sequence[tuple[int, int]] = ()) -> list[Actor]:
        """The actors that start at or after ``lo`` and end by ``hi``, but those starting in an ``exclude`` span."""
        i = bisect.bisect_left(self.starts, lo)
        j = bisect.bisect_left(self.starts, hi, i)
        out = [a for a in self.actors[i:j] if a.end <= hi]
        if exclude:
            out = [a for a in out if not any(s <= a.start < e for s, e in exclude)]
        return out

    def covering(self, pos: int) -> Actor | None:
        """The actor mention that contains offset ``pos``, if any."""
        i = bisect.bisect_right(self.starts, pos) - 1
        if i < 0 or self.reach[i] <= pos:
            return None  # no mention starting by ``pos`` reaches past it
        while i >= 0 and pos - self.actors[i].start <= 120:
            a = self.actors[i]
            if a.start <= pos < a.end:
                return a
            i -= 1
        return None

    def clause_start(self, lo: int, pos: int) -> int:
        """Where the comma-clause holding ``pos`` starts: after the last separator in [lo, pos), else ``lo``."""
        cs = lo
        for c in self.seps:
            cs = max(cs, self.text.rfind(c, cs, pos) + 1)
        return cs

    def clause_end(self, pos: int, hi: int) -> int:
        """The first separator in [pos, hi), else ``hi``."""
        ce = hi
        for c in self.seps:
            k = self.text.find(c, pos, ce)
            if k >= 0:
                ce = k
        return ce


def _pick(actors: list[Actor], allow_country: bool) -> list[Actor]:
    """Persons if any, else organisations, else (where allowed) countries; no repeats."""
    if not actors:
        return []
    kinds = {a.kind for a in actors}
    kind = "person" if "person" in kinds else "organization" if "organization" in kinds else "country"
    if kind == "country" and not allow_country:
        return []
    seen: set[str] = set()
    out = []
    for a in actors:
        if a.kind == kind and a.name not in seen:
            seen.add(a.name)
            out.append(a)
    return out


# ---------------------------------------------------------------- clauses and cues


def _clause(span: _Span, lo: int, hi: int, start: int, end: int) -> tuple[int, int]:
    """The comma-clause of [start, end) inside the sentence [lo, hi), joined to a clause it continues."""
    text = span.text
    cs = span.clause_start(lo, start)
    while cs > lo and text[cs - 1] not in HARD_SEP and CONJ_START_RE.match(text, cs):
        cs = span.clause_start(lo, cs - 1)
    return cs, span.clause_end(end, hi)


def _has_any(text: str, ws: list[str]) -> bool:
    return any(w in text for w in ws)


def _is_backref(text: str, start: int, end: int, typ: str, idx: _Index, span: _Span | None = None) -> bool:
    """The trigger refers back to an event already told (``会谈中``, ``此次访问``), not to a new one.

    A back-reference word that starts an actor mention (``拜访中国国防部长``) is none.
    """
    after = [end]
    if typ == "CONFERENCE":
        # 第五次对话召开以来, 会议举行期间: a verb of holding between the noun and the back-reference
        held = idx.holding.match(text, end)
        if held:
            after.append(held.end())
    backref = idx.backref[typ]
    for k in after:
        if backref.match(text, k) and (span is None or span.covering(k) is None):
            return True
    return text.endswith(idx.before, max(0, start - 2), start)


def _masked(text: str, lo: int, hi: int, span: _Span) -> str:
    """``text[lo:hi]`` with actor mentions blanked out (``潘文江大将与`` holds no ``将与``)."""
    out = []
    at = lo
    for a in span.within(lo, hi):
        if a.start > at:
            out.append(text[at:a.start])
        if a.end > at:
            out.append("□" * (a.end - max(a.start, at)))
            at = a.end
    out.append(text[at:hi])
    return "".join(out)


INVITE_WORD = "邀请"


def _future(segment: str, idx: _Index, invite_spans_text: str) -> bool:
    """A future word in the segment (邀请 only when no invitation span is told)."""
    if idx.future_re.search(segment):
        return True
    return not invite_spans_text and INVITE_WORD in segment and INVITE_WORD in idx.future


WILL = ("将", "将要", "将会", "要", "拟")
WILL_RE = any_of(WILL)


def _future_before(text: str, cs: int, start: int, cut: tuple[int, int] | None, span: _Span, idx: _Index,
                   invite_text: str = "", will: bool = False) -> bool:
    """Whether the clause before a trigger, ``text[cs:start]`` without the invitation span ``cut`` and with
    actor mentions blanked, holds a future word (see :func:`_future`) or, with ``will``, ends in 将/要/拟."""
    raw = text[cs:cut[0]] + text[cut[1]:start] if cut else text[cs:start]
    if not _future(raw, idx, invite_text) and not (will and WILL_RE.search(raw)):
        return False  # blanking mentions only takes words away
    seg = _masked(text, cs, cut[0], span) + _masked(text, cut[1], start, span) if cut else _masked(text, cs, start, span)
    return _future(seg, idx, invite_text) or (will and seg.rstrip("□").endswith(WILL))


def _relative_head(text: str, end: int, ce: int, span: _Span, idx: _Index) -> list[Actor] | None:
    """``…访问并出席…的王毅``: the actors a relative clause ending in 的 modifies, or None."""
    seg = text[end:ce]
    q = seg.find("的")
    while q >= 0:
        qa = end + q
        if [a for a in span.within(end, qa) if a.kind != "country"]:
            return None
        head = _head_group(text, span.within(qa + 1, ce), ce, span, idx)
        tail = text[qa + 1:ce]
        picked = _pick(head, False)
        if picked or any(tail.startswith(w) or w in tail[:12] for w in idx.delegation):
            return picked
        q = seg.find("的", q + 1)
    return None


def _head_group(text: str, head: list[Actor], ce: int, span: _Span, idx: _Index) -> list[Actor]:
    """The actors a relative clause modifies, of those after its 的: up to where the main clause's predicate
    begins after the first (``访问的美国战争部长海格塞特在会见苏林时表示``: 在, a speech word or an event word)."""
    if len(head) < 2:
        return head
    cut = ce
    for pos in range(head[0].end, ce):
        if span.covering(pos) is None and (AT_PLACE.match(text, pos) or idx.event_word.match(text, pos)
                                           or any(text.startswith(w, pos) for w in idx.speech)):
            cut = pos
            break
    return [a for a in head if a.start < cut]


def _visited_in_frame(text: str, lo: int, head: int, span: _Span, idx: _Index) -> set[str]:
    """The countries of ``在马来西亚期间`` / ``在X对越南进行正式访问期间`` before ``head``, or none.

    The frame must end in 期间 and either hold a visit word or nothing but places.
    """
    seg = text[lo:head]
    k = seg.rfind("期间")
    if k < 0:
        return set()
    zai = seg.rfind("在", 0, k)
    if zai < 0 or span.covering(lo + zai) is not None:
        return set()
    a, b = lo + zai + 1, lo + k
    places = [p for p in span.places if a <= p.start and p.end <= b]
    countries = {x.country for x in span.within(a, b) if x.kind == "country" and x.country}
    countries |= {p.country for p in places if p.country}
    inner = text[a:b]
    for p in places:
        inner = inner.replace(p.text, "")
    if not countries or not (any(w in inner for w in idx.visit_words) or not inner.strip()):
        return set()
    return countries


def _visiting_head(text: str, lo: int, head: int, span: _Span, idx: _Index) -> bool:
    """``在河内访问的…陈振声`` / ``到访中国的…黄永宏``: a visit verb and 的 modify the actor at ``head``."""
    seg = text[lo:head]
    q = seg.rfind("的")
    if q < 0 or [a for a in span.within(lo + q, head) if a.kind == "person"]:
        return False
    before = seg[:q]
    return any(w in before[-14:] for w in idx.visit_words)


def _conjunction(text: str, lo: int, hi: int, span: _Span) -> int | None:
    """Offset of the first 与/同/和 outside actor mentions in [lo, hi), if any."""
    for k in range(lo, hi):
        if text[k] in "与同和跟" and span.covering(k) is None:
            return k
    return None


# ---------------------------------------------------------------- place


def _visit_place(idx: _Index, text: str) -> tuple[str, str | None] | None:
    """The (place, country) of the first listed visit word in ``text`` (``访华``), if any."""
    got = idx.visit_words_at.find_matches_as_indexes(text, overlapping=True)
    return idx.visit_places[min(p for p, _, _ in got)] if got else None


def _location(text: str, lo: int, hi: int, pos: int, span: _Span, typ: str, entry: dict[str, Any] | None,
              cs: int, idx: _Index) -> dict[str, str | None] | None:
    """``在河内``, ``在俄罗斯首都莫斯科``; a visit's destination (``对俄罗斯进行``, ``赴X``, ``来越``)."""
    def chain(k: int) -> Mention | None:
        last = None
        i = bisect.bisect_left(span.place_starts, k)
        while i < len(span.places) and span.places[i].start - k <= (4 if last else 1):
            gap = text[k:span.places[i].start]
            if last is not None and gap.strip("首都省市县州区的") != "":
                break
            last = span.places[i]
            k = last.end
            i += 1
        return last

    if typ == "VISIT":
        i = bisect.bisect_left(span.place_starts, cs)
        for m in span.places[i:bisect.bisect_left(span.place_starts, pos, i)]:
            if text[max(lo, m.start - 1):m.start] in ("对", "赴", "访", "抵"):
                return {"name": m.name, "country": m.country}
        if entry and entry.get("place"):
            return {"name": entry["place"], "country": entry.get("country")}
        named = _visit_place(idx, text[cs:pos + 2])
        if named is not None:
            return {"name": named[0], "country": named[1]}
    i = bisect.bisect_left(span.place_starts, lo + 1)
    if i == len(span.places) or span.place_starts[i] > hi:
        return None  # no place starts where one could follow a 在 or 于 of the sentence
    best: Mention | None = None
    for at in AT_PLACE.finditer(text, lo, hi - 1):
        k = at.start()
        if best is not None and k >= pos:
            break  # the first place named after the trigger only counts when none is named before
        got = chain(k + 1)
        if got is not None:
            best = got
    if best is not None:
        return {"name": best.name, "country": best.country}
    return None


# ---------------------------------------------------------------- one sentence


def _participants(pairs: list[tuple[Actor, str]]) -> list[Participant]:
    out: list[Participant] = []
    seen: dict[str, Participant] = {}
    for a, role in pairs:
        if a.name in seen:
            continue
        kind: Literal["person", "organization", "country"] = (
            "person" if a.kind == "person" else "organization" if a.kind == "organization" else "country")
        p = Participant(a.name, role, kind, a.country, None, a.entity)
        seen[a.name] = p
        out.append(p)
    return out


@dataclass
class _State:
    last_pair: list[Actor] = field(default_factory=list)
    last_conf: tuple[Event, str, int] | None = None
    honoree: list[Actor] = field(default_factory=list)
    heads: list[Actor] = field(default_factory=list)


def _plural_actors(text: str, lo: int, hi: int, idx: _Index, state: _State) -> list[Actor]:
    """The two persons of the last event when ``text[lo:hi]`` names them as a pair (``两位部长``, ``双方``)."""
    if state.last_pair and idx.plural.search(text, lo, hi):
        return list(state.last_pair)
    return []


def _side(text: str, lo: int, hi: int, span: _Span, idx: _Index, state: _State, allow_country: bool,
          exclude: list[tuple[int, int]]) -> list[Actor]:
    got = _pick(span.within(lo, hi, exclude), allow_country)
    if not got and lo > 0 and text[lo - 1] in "，,":
        # 王毅表示，此次到越南出席…: the speaker of the clause before is the subject
        prev = text[max(0, lo - 12):lo - 1]
        if any(prev.endswith(w) for w in idx.speech):
            j = lo - 2
            while j > 0 and text[j - 1] not in CLAUSE_SEP + "。！？\n":
                j -= 1
            got = _pick(span.within(j, lo - 1), False)[:1]
    if not [a for a in got if a.kind == "person"]:
        plural = _plural_actors(text, lo, hi, idx, state)
        if plural:
            return plural
    return got


def _via_spans(text: str, lo: int, hi: int, idx: _Index) -> list[tuple[int, int]]:
    spans = []
    for w in idx.via:
        k = text.find(w, lo, hi)
        if k >= 0:
            e = text.find("向", k, hi)
            spans.append((k, e if e >= 0 else k + len(w) + 20))
    return spans


def _event_from_trigger(text: str, lo: int, hi: int, start: int, end: int, entry: dict[str, Any], span: _Span,
                        idx: _Index, state: _State) -> list[tuple[Event, int]]:
    """The events one trigger states (several for ``分别`` or several senders), or none."""
    if entry.get("weak"):
        return []
    cs, ce = _clause(span, lo, hi, start, end)
    got = _one_trigger(text, lo, hi, start, end, (cs, ce), entry, span, idx, state)
    if got is None:
        return []
    ev, pos = got
    sep = text.find("分别", cs, start)
    if ev.type in ("TALKS", "CALL") and sep >= 0:
        # A分别与B、C举行会谈: one talk per partner
        heads = [p for p in ev.participants if p.entity is not None and any(
            a.start < sep and a.name == p.name for a in span.within(cs, sep))]
        others = [p for p in ev.participants if p not in heads]
        if heads and len(others) >= 2:
            out_t = []
            for p in others:
                one = copy.copy(ev)
                one.participants = heads + [p]
                out_t.append((one, pos))
            return out_t
    split_role = {"MEET": "guest", "MESSAGE": "sender"}.get(ev.type)
    if split_role is None:
        return [got]
    people = [p for p in ev.participants if p.role == split_role and p.kind == "person"]
    if ev.type == "MEET" and len(people) < 2:
        split_role = "host"  # 到访的X分别同A和B会面: X is the guest of each
        people = [p for p in ev.participants if p.role == split_role and p.kind == "person"]
    if len(people) < 2 or (ev.type == "MEET" and "分别" not in text[cs:ce]):
        return [got]
    out = []
    for p in people:
        one = copy.copy(ev)
        one.participants = [q for q in ev.participants if q.role != split_role or q is p]
        out.append((one, pos))
    return out


def _one_trigger(text: str, lo: int, hi: int, start: int, end: int, clause: tuple[int, int], entry: dict[str, Any],
                 span: _Span, idx: _Index, state: _State) -> tuple[Event, int] | None:
    """The event of the trigger [start, end) in the sentence [lo, hi), whose comma-clause is ``clause``, or None."""
    typ = entry["type"]
    if _is_backref(text, start, end, typ, idx, span):
        return _message_by_content(text, lo, hi, start, end, entry, span, idx, state) if typ == "MESSAGE" else None
    cs, ce = clause
    inv = INVITE.search(text, lo, start)
    inv_span = [(inv.start(), inv.end())] if inv and inv.end() <= start else []
    if _future_before(text, cs, start, inv_span[0] if inv_span and inv_span[0][0] >= cs else None, span, idx,
                      text[inv_span[0][0]:inv_span[0][1]] if inv_span else "", will=True):
        return None  # 魏凤和将会见…
    if cs > lo and idx.sentence_future.search(text, lo, cs) and idx.sentence_future.search(_masked(text, lo, cs, span)):
        return None
    allow_country = typ in COUNTRY_OK
    if typ in ("MEET", "TALKS", "CALL") and cs > lo and text[cs - 1] in "，,":
        first = span.within(cs, start)[:1]
        if first and text[cs:first[0].start].rstrip().endswith(("同", "与", "跟")):
            # X，星期二分别同A和B会面: the subject stands before the comma
            cs = span.clause_start(lo, cs - 1)
    subj_role, obj_role = entry["subject_role"], entry.get("object_role")
    frames = [(m.start(), m.end()) for m in FRAME.finditer(text, lo, hi)]
    if any(a <= start < b for a, b in frames) or BASIS.search(text, cs, ce):
        return None  # 在…签署的协议的基础上: a background frame, not an event
    inv_any = [(m.start(), m.end()) for m in INVITE.finditer(text, lo, hi)]
    exclude = inv_span + _via_spans(text, cs, start, idx) + frames
    subj_lo, subj_hi, obj_lo, obj_hi = cs, start, end, ce
    xiang = text.rfind("向", cs, start)
    if xiang >= 0 and span.covering(xiang) is None and typ in ("MESSAGE", "AID", "CREDENTIALS"):
        subj_hi, obj_lo, obj_hi = xiang, xiang + 1, start
    if typ == "CREDENTIALS":
        k = text.rfind("接受", cs, start)
        if k >= 0:
            subj_role, obj_role = "receiver", "envoy"
            subj_hi, obj_lo, obj_hi = k, k + 2, start
    if typ == "AID" and not AMOUNT.search(text, cs, ce):
        return None
    if typ == "MESSAGE" and text[start - 1:start] == "的" and not entry["word"].startswith("致"):
        first = _pick(span.within(lo, start), False)[:1]
        if not first:
            return None
        ev = Event(type=typ, participants=_participants([(first[0], subj_role)]), subtype=entry.get("subtype"))
        ev.location = _location(text, lo, hi, start, span, typ, entry, cs, idx)
        return ev, start
    relative = _relative_head(text, end, ce, span, idx) if typ == "VISIT" else None
    subj: list[Actor]
    if relative:
        subj = relative
    else:
        subj = _side(text, subj_lo, subj_hi, span, idx, state, allow_country, exclude)
        if typ == "AID" and subj:
            near = [a for a in span.within(subj_lo, subj_hi, exclude) if a.kind in ("person", "organization", "country")]
            subj = near[-1:] if near else subj[-1:]
        if not subj and text[cs:ce].rstrip().endswith(ADVERBIAL_END) and ce < hi:
            subj = _pick(span.within(ce + 1, span.clause_end(ce + 1, hi)), allow_country)[:1]
    if (typ == "MESSAGE" or subj_role == "party") and subj and subj_lo == cs:
        # A、B，C和D等也发来贺电 / A，B主持会谈: persons listed in the comma-clauses before
        subj = _listed_before(text, lo, cs, span) + subj
    pairs: list[tuple[Actor, str]] = [(a, subj_role) for a in subj]
    if typ == "VISIT" and not relative:
        for w in idx.welcome:
            k = text.rfind(w, cs, start)
            if k >= 0 and span.covering(k) is None:
                hosts = _pick(span.within(cs, k, exclude), False) or _pick(span.within(lo, cs, exclude), False)[:1]
                pairs = [(a, "host") for a in hosts]
                pairs += [(a, "visitor") for a in _side(text, k + len(w), start, span, idx, state, False, exclude)]
                break
            dui = text.find("对", cs, start)
            if text.find(w, end, ce) >= 0 and dui >= 0 and span.covering(dui) is None:
                # A对B访越表示欢迎: A welcomes, B visits
                pairs = [(a, "host") for a in _pick(span.within(cs, dui, exclude), False)]
                pairs += [(a, "visitor") for a in _pick(span.within(dui + 1, start, exclude), False)]
                break
    if typ == "MEET" and subj_role == "host" and len(subj) >= 2:
        conj = _conjunction(text, subj[0].end, subj_hi, span)
        if conj is not None:
            pairs = [(a, "host" if a.start < conj else "guest") for a in subj]
    if typ == "MEET" and subj_role == "host" and subj and pairs:
        visited = _visited_in_frame(text, lo, subj[0].start, span, idx)
        others = _pick(span.within(end, ce, inv_any + frames), False)
        if visited and all(a.country and a.country not in visited for a in subj) and others \
                and all(a.country in visited for a in others):
            # 在马来西亚期间，黄春战会见了马来西亚…: the subject is abroad, the guest of the one it meets
            subj_role, obj_role = "guest", "host"
            pairs = [(a, "guest") for a, _ in pairs]
    if typ == "MEET" and subj_role == "host" and subj and _visiting_head(text, cs, subj[0].start, span, idx):
        # 到访中国的新加坡国防部长黄永宏…会见…: the subject is the visiting side, so the guest
        subj_role, obj_role = "guest", "host"
        pairs = [(a, "host" if r == "guest" else "guest") for a, r in pairs]
    if typ == "SIGN":
        k = text.rfind("见证", cs, start)
        if k >= 0:
            pairs = [(a, "witness") for a in _side(text, cs, k, span, idx, state, True, exclude)]
    if typ == "VISIT":
        inviters = _pick(span.within(*inv_span[0]), False) if inv_span else []
        pairs += [(a, "host") for a in inviters]
    elif obj_role and not relative:
        obj = _side(text, obj_lo, obj_hi, span, idx, state, allow_country and typ != "TALKS", inv_any + frames)
        if typ == "MESSAGE":
            obj = [a for a in obj if not _kin(text, a.end)]
        pairs += [(a, obj_role) for a in obj if a.name not in {s.name for s in subj}]
    elif subj_role == "party" and not relative:
        bing = max(text.rfind(w, cs, start) for w in ("并与", "并同", "还与", "还同", "也与", "也同"))
        if bing >= 0 and span.covering(bing) is None:
            # A会见B，并与C举行会谈: A (the sentence's subject) and C
            first = _pick(span.within(lo, bing), allow_country)[:1]
            pairs = [(a, "party") for a in first + _pick(span.within(bing + 2, start, exclude), allow_country)]
        # 与B举行会谈 written after the trigger: 会谈 with B
        k = text.find("与", end, ce)
        if k >= 0 and k - end <= 2:
            pairs += [(a, "party") for a in _pick(span.within(k + 1, ce), allow_country)]
    if (typ == "MESSAGE" and subj_role == "sender" and pairs and not any(r == obj_role for _, r in pairs)) or \
            (typ == "CALL" and len(pairs) == 1):
        # 就X当选…发来贺电 / 向他致贺电并通电话: the honoree receives the message, takes the call
        senders = {a.name for a, _ in pairs}
        role = "recipient" if typ == "MESSAGE" else "party"
        pairs += [(a, role) for a in _honorees(text, lo, hi, span) if a.name not in senders]
    parts = _participants(pairs)
    if typ == "VISIT" and parts and not any(p.kind == "person" and p.role == "visitor" for p in parts) \
            and (_has_any(text[cs:ce], idx.naval) or any(_has_any(p.name, idx.naval) for p in parts)):
        typ = "EXERCISE"
        for p in parts:
            p.role = "party"
    ev = Event(type=typ, participants=parts, subtype=entry.get("subtype"))
    if typ == "MESSAGE" and ev.subtype == "other" and "祝贺" in text[cs:ce]:
        ev.subtype = "congratulation"
    if typ == "SIGN":
        book = BOOK.search(text, cs, ce)
        if book:
            ev.document = book.group()[1:-1]
        else:
            tail = text[end:ce].lstrip("了署订")
            tail = tail.rstrip("。.！!等")
            if 3 <= len(tail) <= 60:
                ev.document = tail
    if typ == "AID":
        am = AMOUNT.search(text, cs, ce)
        ev.amount = am.group().strip() if am else None
    ev.location = _location(text, lo, hi, start, span, typ, entry, cs, idx)
    return ev, start


def _listed_before(text: str, lo: int, cs: int, span: _Span) -> list[Actor]:
    """``A、B，C，D和E等也发来贺电``: earlier comma-clauses holding nothing but listed persons."""
    out: list[Actor] = []
    while cs > lo and text[cs - 1] in "，,":
        prev = span.clause_start(lo, cs - 1)
        people = [a for a in span.within(prev, cs - 1) if a.kind == "person"]
        if not people or re.sub(r"[□、和及与\s]", "", _masked(text, prev, cs - 1, span)):
            break
        out = people + out
        cs = prev
    return out


def _honorees(text: str, lo: int, hi: int, span: _Span) -> list[Actor]:
    """The persons a congratulation of the sentence [lo, hi) is about (``就X当选…``, ``对X被选为…表示祝贺``)."""
    out: list[Actor] = []
    for m in ELECTED.finditer(text, lo, hi):
        out += [a for a in span.within(m.start(1), m.end(1)) if a.kind == "person" and not _kin(text, a.end)]
    return out


def _kin(text: str, end: int) -> bool:
    """``黎德英同志家属``: the person's family is meant, not the person."""
    tail = text[end:end + 6].lstrip("同志先生女士")
    return tail.startswith(("家属", "亲属", "家人", "遗属", "遗孀"))


def _message_by_content(text: str, lo: int, hi: int, start: int, end: int, entry: dict[str, Any], span: _Span,
                        idx: _Index, state: _State) -> tuple[Event, int] | None:
    """``X在贺电中表示…`` / ``X在致给Y的贺电中强调…``: a message known by its content, or None.

    The sender is the clause's subject before 在; the recipient is named after 致
    (``致给Y的``), else the honoree of the congratulation the document is about.
    """
    if text[end:end + 1] != "中":
        return None
    cs, _ = _clause(span, lo, hi, start, end)
    k = text.rfind("在", cs, start)
    if k < 0 or span.covering(k) is not None:
        return None
    senders = [a for a in span.within(cs, k) if a.kind == "person"][-1:]
    if not senders:
        return None
    zhi = text.find("致", k, start)
    recipients = [a for a in span.within(zhi, start) if a.kind == "person"] if zhi >= 0 else []
    if not recipients and entry.get("subtype") == "congratulation":
        recipients = [a for a in state.honoree if a.name != senders[0].name]
    ev = Event(type="MESSAGE", participants=_participants([(senders[0], "sender")] + [(a, "recipient") for a in recipients]),
               subtype=entry.get("subtype"))
    return ev, start


def _delegation_heads(text: str, lo: int, hi: int, span: _Span) -> list[Actor]:
    """The heads of two delegations of different countries (``由X为首的越南代表团与由Y为首的…``), or none.

    Two delegations meeting for a dialogue are led by its co-chairs.
    """
    return _two_sides(_heads(text, lo, hi, span))


def _heads(text: str, lo: int, hi: int, span: _Span) -> list[Actor]:
    heads: list[Actor] = []
    for m in HEADED.finditer(text, lo, hi):
        heads += [a for a in span.within(m.start(1), m.end(1)) if a.kind == "person"][-1:]
    return heads


def _two_sides(heads: list[Actor]) -> list[Actor]:
    if len(heads) == 2 and heads[0].country and heads[1].country and heads[0].country != heads[1].country:
        return heads
    return []


def _conference(text: str, lo: int, hi: int, nouns: list[tuple[int, int]], roles: list[tuple[int, int, str | None]],
                span: _Span, idx: _Index, state: _State, anywhere: bool = False) -> Event | None:
    """One CONFERENCE event for the sentence from its verbs of holding or attending, or None.

    ``roles`` are the role-verb hits of the sentence (start, end, role). A verb in
    a relative clause (``赴越出席…对话会的代表团``) names only the occasion of
    another event and makes no conference of its own.
    """
    parts: list[tuple[Actor, str]] = []
    held = False
    for a, b, role in roles:
        if idx.event_word.match(text, b):
            continue  # 主持会谈: the verb belongs to another event
        cs, ce = _clause(span, lo, hi, a, b)
        inv = INVITE.search(text, cs, a)
        if _future_before(text, cs, a, inv.span() if inv else None, span, idx):
            continue
        if not anywhere and not any(cs <= n < ce + 40 or abs(n - a) < 60 for n, _ in nouns):
            continue
        if _relative_head(text, b, ce, span, idx) is not None:
            continue
        held = True
        if role:
            you = text.rfind("由", cs, a)
            got = _side(text, you + 1 if you >= 0 else cs, a, span, idx, state, False, [])
            parts += [(x, role) for x in got]
    if not held:
        return None
    if not parts:
        parts = [(a, "chair") for a in _delegation_heads(text, lo, hi, span)]
    parts.sort(key=lambda t: ROLE_RANK.get(t[1], 3))
    ev = Event(type="CONFERENCE", participants=_participants(parts))
    ev.location = _location(text, lo, hi, nouns[0][0], span, "CONFERENCE", None, lo, idx)
    return ev


def _scan(doc: Document, section: str, actors: DocActors, kb: KnowledgeBase, idx: _Index,
          state: _State, cache: dict[str, _Span]) -> list[DocEvent]:
    text = doc.section_text(section)
    if not text:
        return []
    hits = idx.automaton.find_matches_as_indexes(text)
    if not hits:
        return []
    span = _section_span(text, actors, section, cache)
    books = [(m.start(), m.end()) for m in BOOK.finditer(text)]
    found: list[DocEvent] = []
    sents = sentences(text)
    sent_starts = [s for s, _ in sents]
    by_sent: dict[int, list[tuple[int, int, dict[str, Any]]]] = {}
    for pat, s, e in hits:
        if books and any(a <= s < b for a, b in books):
            continue
        cover = span.covering(s)
        if cover is not None and cover.kind != "country":
            continue
        si = bisect.bisect_right(sent_starts, s) - 1
        if si >= 0:
            by_sent.setdefault(si, []).append((s, e, idx.entries[pat]))
    if by_sent and HEADED.search(text):
        for si, (a, b) in enumerate(sents):
            if si not in by_sent and HEADED.search(text, a, b):
                by_sent[si] = []  # 代表团由X为团长: may name the co-chairs of the dialogue before
    for si in sorted(by_sent):
        lo, hi = sents[si]
        sentence = text[lo:hi]
        state.honoree = _honorees(text, lo, hi, span) or state.honoree
        evs: list[tuple[Event, int]] = []
        nouns: list[tuple[int, int]] = []
        roles: list[tuple[int, int, str | None]] = []
        for s, e, entry in by_sent[si]:
            if entry["kind"] == "conference":
                if not _is_backref(text, s, e, "CONFERENCE", idx, span):
                    nouns.append((s, e))
                continue
            if entry["kind"] == "role":
                if span.covering(s) is None:
                    roles.append((s, e, entry.get("role")))
                continue
            for got in _event_from_trigger(text, lo, hi, s, e, entry, span, idx, state):
                evs.append(got)
                people = [p for p in got[0].participants if p.kind == "person"]
                if len(people) >= 2:
                    state.last_pair = [Actor("person", p.name, p.country, p.entity, 0, 0) for p in people]
        told = any(entry["kind"] == "event" for _, _, entry in by_sent[si])
        mechs: list[Mechanism] = []
        if (nouns or told) and may_name_session(sentence):  # the sessions named serve only events and meetings
            mechs = find_mechanisms(sentence, kb, [(a.start - lo, a.end - lo) for a in span.within(lo, hi)
                                                   if a.kind == "person"])
        conf_mech: Mechanism | None = None
        if not nouns and state.last_conf is not None and state.last_conf[1] == section \
                and si - state.last_conf[2] <= 2 and not state.last_conf[0].participants:
            # 越南代表团由X为团长，老挝代表团由Y为团长 after the dialogue's sentence (or in two): its co-chairs
            state.heads += _heads(text, lo, hi, span)
            state.last_conf[0].participants = _participants([(a, "chair") for a in _two_sides(state.heads)])
        if roles and not nouns and state.last_conf is not None and state.last_conf[1] == section \
                and si - state.last_conf[2] <= 3:
            more = _conference(text, lo, hi, [(lo, lo)], roles, span, idx, state, anywhere=True)
            if more is not None:
                target = state.last_conf[0]
                have = {p.name for p in target.participants}
                target.participants += [p for p in more.participants if p.name not in have]
        if nouns:
            conf = _conference(text, lo, hi, nouns, roles, span, idx, state)
            if conf is not None:
                near = [m for m in mechs if any(lo + m.start <= n < lo + m.end + 2 for n, _ in nouns)]
                lone = mechs[0] if len(mechs) == 1 and not evs else None
                if lone is not None and _is_backref(text, lo + lone.start, lo + lone.end, "CONFERENCE", idx):
                    lone = None  # 自第五次对话召开以来…交流活动: the series is a past reference, not this meeting
                conf_mech = near[0] if near else lone
                if conf_mech:
                    conf.mechanism = conf_mech.to_dict()
                evs.append((conf, nouns[0][0]))
                state.last_conf = (conf, section, si)
                state.heads = []
        if not evs and told:
            # 将率团出席首届…扩大会并访问: a session named where only a planned event is told is still a session
            for m in mechs:
                if not _is_backref(text, lo + m.start, lo + m.end, "CONFERENCE", idx, span):
                    evs.append((Event(type="CONFERENCE", mechanism=m.to_dict()), lo + m.start))
        occasion = [m for m in mechs if m is not conf_mech]
        for ev, pos in evs:
            if ev.mechanism is None and ev.type != "CONFERENCE" and occasion:
                ev.mechanism = occasion[0].to_dict()
            ev.sources = [Evidence(doc.doc_id, section, sentence, lo, hi)]
            ev.date_expr = {"trigger_start": pos}  # lets ``dates`` take the date before this trigger
            found.append(DocEvent(ev, section, si, pos, frozenset(p.name for p in ev.participants)))
    found.sort(key=lambda f: f.pos)
    return found


# ---------------------------------------------------------------- within-document merge and finish


def _scope(ev: Event, span: _Span, lo: int, hi: int) -> Literal["international", "domestic"]:
    """International when the event's sentence [lo, hi) and participants name two countries or more."""
    if ev.type == "CREDENTIALS" and ev.participants:
        return "international"
    if not ev.participants:
        return "domestic"
    countries = {p.country for p in ev.participants if p.country}
    i = bisect.bisect_left(span.starts, lo)
    countries |= {a.country for a in span.actors[i:bisect.bisect_left(span.starts, hi, i)]
                  if a.kind == "country" and a.country}
    loc = (ev.location or {}).get("country")
    if loc:
        countries.add(loc)
    return "international" if len(countries) >= 2 else "domestic"


def extract_events(doc: Document, actors: DocActors, kb: KnowledgeBase) -> tuple[list[Event], list[Statement]]:
    """The events and statements of one document, in document order."""
    idx: _Index = kb.derived("events.index", _build_index)
    state = _State()
    cache: dict[str, _Span] = {}
    found = _scan(doc, doc.body_section, actors, kb, idx, state, cache) + _scan(doc, "caption", actors, kb, idx, state, cache)
    if not any(f.event.participants or f.event.mechanism or f.event.type == "EXERCISE" for f in found):
        # only bare meeting nouns in the text (在对话会上…): the headline may name the meeting
        found += _scan(doc, "title", actors, kb, idx, state, cache)
    kept = merge_in_document(found)
    visitors_are_guests([f.event for f in kept])
    delegation_attends([f.event for f in kept])
    events: list[Event] = []
    for f in kept:
        ev = f.event
        people = {(p.role, p.country) for p in ev.participants if p.kind == "person" and p.country}
        ev.participants = [p for p in ev.participants if p.kind == "person" or (p.role, p.country) not in people]
        if not ev.participants and not ev.mechanism and ev.type not in ("EXERCISE",):
            continue
        if ev.type in ("MEET", "TALKS", "CALL") and len(ev.participants) == 1 and ev.participants[0].kind != "person":
            continue  # …国防部会晤做好准备: an institution meeting no one names no meeting
        src = ev.sources[0]
        ev.scope = _scope(ev, cache[src.section], src.start, src.end)  # every event comes from a scanned section
        if ev.location is None and doc.dateline and doc.dateline.get("place") and src.section == "body":
            ev.location = {"name": doc.dateline["place"], "country": None}
        code = idx.codes.get((ev.type, ev.subtype)) or idx.codes.get((ev.type, None))
        if code:
            ev.plover, ev.cameo = code["plover"], code["cameo"]
        events.append(ev)
    return events, extract_statements(doc, actors, kb)
