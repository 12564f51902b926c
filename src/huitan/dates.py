"""Dates: give every event its date, and its year only with evidence.

Per document, :func:`date_events` picks the date expression that governs each
event (its sentence, else the nearest preceding narrative date, else the lead's
date) and resolves the year in this order, recording ``year_source``:

1. ``text`` — a year in the expression or the sentence (``2026年第一次会议``);
2. ``document`` — a dated anchor elsewhere in the same document, close in time;
3. ``page`` — for teasers, a dated anchor in a sibling teaser of the same page;
4. ``published`` — the document's publication date;
5. ``knowledge`` — the tenures of the titled persons, intersected, and the known
   dates of mechanism sessions (``sessions`` table).

Years from sources 2–4 must agree with the knowledge constraint when there is
one. ``year_candidates`` lists what stays possible; ``start`` carries a year only
when one is left. Nothing here reads the clock.

At corpus level, :func:`date_across_documents` lets a session's known date date
every other event naming that session, and bounds session N by N−1 and N+1.
The knowledge tables (sessions, anniversaries of relations) live in
:mod:`huitan.datekb`, the expressions in :mod:`huitan.timeexpr`;
:func:`timeline` (:mod:`huitan.timeline`) filters and orders exported events.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from operator import itemgetter
from typing import Literal

from . import officeholders
from .datekb import (  # noqa: F401  (re-exported: the knowledge tables dates are read against)
    ANNIVERSARY_SCHEMA,
    SESSION_SCHEMA,
    anniversary_years,
    bounded_year,
    narrowed_by_sessions,
    series_name,
    session_key,
    session_mentions,
    sessions,
    year_of,
)
from .kb import KnowledgeBase
from .model import DateValue, DocActors, Document, Event, Evidence, Person
from .textutil import any_of, sentences
from .timeexpr import DateExpr, lexicon, parse_dates
from .timeline import timeline  # noqa: F401  (re-exported for the CLI)

ANCHOR_DAYS = 60  # how close in time an anchor date must be to lend its year
PUBLISHED_DAYS = 120  # an event is reported within this many days of publication
SESSION_DAYS = 60  # an event within this many days of a known session takes its year
OPEN_TENURE_AHEAD = PUBLISHED_DAYS  # days past today an office still held may date a planned event
OPEN_TENURE_YEARS = 3  # at most this many years from an office still held make a candidate list
LEAP = 2000  # month-day arithmetic when the year is unknown (allows 29 February)


# ---------------------------------------------------------------- calendar helpers


def _day(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _month_span(y: int, m: int, part: str | None = None) -> tuple[date, date]:
    last = calendar.monthrange(y, m)[1]
    lo, hi = {"early": (1, 10), "mid": (11, 20), "late": (21, last)}.get(part or "", (1, last))
    return date(y, m, lo), date(y, m, hi)


MONTH_PART_START = {"early": 1, "mid": 11, "late": 21}  # first day of a month part (:func:`_month_span`)


def _iso_bound(s: str, upper: bool) -> date:
    parts = [int(p) for p in s.split("-")]
    y = parts[0]
    if len(parts) == 1:
        return date(y, 12, 31) if upper else date(y, 1, 1)
    if len(parts) == 2:
        return _month_span(y, parts[1])[1 if upper else 0]
    return date(y, parts[1], parts[2])


def _gap(lo: date, hi: date, alo: date, ahi: date, direction: str | None) -> int | None:
    """Days between the event span [lo, hi] and an anchor span; None if the direction forbids it."""
    if direction == "past" and hi < alo:
        return None
    if direction == "future" and lo > ahi:
        return None
    if hi < alo:
        return (alo - hi).days
    if lo > ahi:
        return (lo - ahi).days
    return 0


# ---------------------------------------------------------------- resolved dates


@dataclass(slots=True)
class When:
    """A date expression resolved to month/day (and year when written)."""

    month: int | None
    day: int | None = None
    end_month: int | None = None
    end_day: int | None = None
    year: int | None = None
    end_year: int | None = None
    month_part: str | None = None
    part_of_day: str | None = None
    text: str | None = None
    in_sentence: bool = True
    rel_year: int | None = None  # 今年/去年/明年
    weekday: int | None = None
    year_origin: str | None = None  # where a year not written in the expression came from (``published``)

    def fits_weekday(self, y: int) -> bool:
        """False when the text names a weekday that the date does not fall on in year ``y``."""
        if self.weekday is None or self.day is None or self.month is None:
            return True
        d = _day(y, self.month, self.day)
        return d is not None and d.weekday() == self.weekday

    def first_day(self, y: int) -> date | None:
        """The first day of :meth:`span` (without working out the last)."""
        if self.month is None:
            return None
        if self.day is None:
            return date(y, self.month, MONTH_PART_START.get(self.month_part or "", 1))
        return _day(y, self.month, self.day)

    def span(self, y: int) -> tuple[date, date] | None:
        """The event's days if it happened in year ``y``."""
        if self.month is None:
            return None
        if self.day is None:
            return _month_span(y, self.month, self.month_part)
        lo = _day(y, self.month, self.day)
        if lo is None:
            return None
        hi = lo
        if self.end_month and self.end_day:
            hi = _day(y + (self.end_month < self.month), self.end_month, self.end_day) or lo
        return lo, hi


@dataclass(slots=True)
class Anchor:
    """A dated point elsewhere that can lend its year: [lo, hi] plus a direction."""

    lo: date
    hi: date
    direction: str | None = None  # past: anchor is before the event; future: after
    start: int = -1
    section: str = ""
    bound_only: bool = False  # a year said to be before/after the event, not a point near it
    year_only: bool = False  # a bare year (``2026年第一次会议``): weaker than a dated point


@dataclass
class DocDates:
    """Date expressions of one document, by section, with sentence spans."""

    doc: Document
    texts: dict[str, str] = field(default_factory=dict)
    exprs: dict[str, list[DateExpr]] = field(default_factory=dict)
    starts: dict[str, list[int]] = field(default_factory=dict)  # of each section, where its expressions start
    spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # of each section, split when first asked
    anchors: DocAnchors | None = None  # memo of :func:`_anchors`
    contexts: dict[tuple[str, int], tuple[bool, str | None]] = field(default_factory=dict)  # memo of :func:`_context`
    anniversaries: list[tuple[int, bool]] | None = None  # memo of the anniversaries the document names
    sessions_named: dict[tuple[str, int, int], list[tuple[str, int]]] = field(default_factory=dict)  # memo of :func:`_sessions_in`

    def text(self, section: str) -> str:
        return self.texts[section] if section in self.texts else self.doc.section_text(section)

    def within(self, section: str, s: int, e: int) -> list[DateExpr]:
        """The expressions of ``section`` that start in [s, e), in order."""
        starts = self.starts.get(section)
        if not starts:
            return []
        return self.exprs[section][bisect_left(starts, s):bisect_left(starts, e)]

    def sentence_of(self, section: str, pos: int) -> tuple[int, int]:
        spans = self.spans.get(section)
        if spans is None:
            text = self.texts.get(section)
            spans = self.spans[section] = sentences(text) if text else []
        i = bisect_right(spans, pos, key=itemgetter(0)) - 1
        if i >= 0 and spans[i][0] <= pos < spans[i][1]:
            return spans[i]
        return pos, pos


def _doc_dates(doc: Document, kb: KnowledgeBase) -> DocDates:
    dd = DocDates(doc)
    for section in ("title", doc.body_section, "caption"):
        text = dd.texts[section] = doc.section_text(section)
        dd.exprs[section] = exprs = parse_dates(text, kb) if text else []
        dd.starts[section] = [x.start for x in exprs]
    return dd


def _cached_doc_dates(doc: Document, kb: KnowledgeBase) -> DocDates:
    cache: dict[str, DocDates] = kb.derived("dates.doc_cache", lambda _kb: {})
    hit = cache.get(doc.doc_id)
    if hit is not None and hit.doc is doc:
        return hit
    if len(cache) > 512:
        cache.clear()
    cache[doc.doc_id] = dd = _doc_dates(doc, kb)
    return dd


def _context(dd: DocDates, section: str, e: DateExpr, kb: KnowledgeBase) -> tuple[bool, str | None]:
    """(in reported speech, direction) of an expression from the words of its sentence."""
    key = (section, e.start)
    if key not in dd.contexts:
        dd.contexts[key] = _find_context(dd, section, e, kb)
    return dd.contexts[key]


@dataclass(frozen=True)
class Cues:
    """The cue words read around a date, as patterns: reported speech, the words that put the event after
    (``future``) or before (``past``) its date, the words naming a time after another event, and those
    making a date the start of a span up to now."""

    speech: re.Pattern[str]
    direction: re.Pattern[str]  # any future or past word
    backwards: re.Pattern[str]  # any future or past word written backwards (to find the last one in a text)
    ordered: tuple[tuple[str, str, str], ...]  # (word, backwards, kind): future words first, lexicon order
    after_event: re.Pattern[str]
    since: re.Pattern[str]


def _build_cues(kb: KnowledgeBase) -> Cues:
    lex = lexicon(kb)
    ordered = tuple((w, w[::-1], kind) for kind in ("future", "past") for w in lex.of(kind))
    return Cues(any_of(lex.of("speech")), any_of([w for w, _, _ in ordered]), any_of([b for _, b, _ in ordered]),
                ordered, any_of(lex.of("after_event")), any_of(lex.of("since")))


def cues(kb: KnowledgeBase) -> Cues:
    """The cue-word patterns of ``kb`` (built once)."""
    return kb.derived("dates.cues", _build_cues)


def _find_context(dd: DocDates, section: str, e: DateExpr, kb: KnowledgeBase) -> tuple[bool, str | None]:
    text = dd.text(section)
    s, end = dd.sentence_of(section, e.start)
    c = cues(kb)
    speech = c.speech.search(text, s, e.start) is not None
    before, after = _clause(text, s, end, e)
    return speech, _direction(c, before, after)


def _direction(c: Cues, before: str, after: str) -> str | None:
    """The kind of the future or past word nearest the date: the first in the words after it, or the last in
    those before it, by the characters between; at equal distance the first in lexicon order, future first."""
    ahead = c.direction.search(after)
    back = before[::-1]
    behind = c.backwards.search(back)
    if ahead is None and behind is None:
        return None
    best = min(m.start() for m in (ahead, behind) if m is not None)
    for word, drow, kind in c.ordered:
        if ((ahead is not None and ahead.start() == best and after.startswith(word, best))
                or (behind is not None and behind.start() == best and back.startswith(drow, best))):
            return kind
    return None  # pragma: no cover - the nearest match is one of the words


CLAUSE_MARKS = ",，;；:："
CLAUSE_BREAK = re.compile(f"[{CLAUSE_MARKS}]")


def _clause(text: str, s: int, end: int, e: DateExpr) -> tuple[str, str]:
    """The words before and after ``e`` within its clause; a clause-initial date (``2025年4月初,``) reads into the next."""
    seg_start = max(s, *(text.rfind(c, s, e.start) + 1 for c in CLAUSE_MARKS))  # after the last break
    m = CLAUSE_BREAK.search(text, e.end, end)
    seg_end = m.start() if m else end
    if m and not text[e.end:seg_end].strip() and seg_start >= e.start - 2:
        m2 = CLAUSE_BREAK.search(text, m.end(), end)
        seg_end = m2.start() if m2 else end
    return text[seg_start:e.start], text[e.end:seg_end]


def _strong_year(e: DateExpr) -> bool:
    return e.kind == "year" and e.year_role in ("ordinal", "attached")


@dataclass(slots=True)
class DocAnchors:
    """The anchors of a document, sorted out once for all its events."""

    dated: list[Anchor]  # all but the strong bare years said neither before nor after the event
    points: list[Anchor]  # the dated points (no bare years)
    bounds: tuple[date | None, date | None]  # :func:`_anchor_bounds`
    bare: set[int]  # the bare years that are not bounds


def _anchors(dd: DocDates, kb: KnowledgeBase) -> DocAnchors:
    """Dated anchors of a document: written full dates, anniversary days, dates whose sentence names the year,
    and strong bare years."""
    if dd.anchors is None:
        found = _find_anchors(dd, kb)
        dd.anchors = DocAnchors([a for a in found if not (a.year_only and a.direction is None)],
                                [a for a in found if not a.year_only], _anchor_bounds(found),
                                {a.lo.year for a in found if a.year_only and not a.bound_only})
    return dd.anchors


def _find_anchors(dd: DocDates, kb: KnowledgeBase) -> list[Anchor]:
    out: list[Anchor] = []
    for section, exprs in dd.exprs.items():
        for e in exprs:
            if e.kind == "stamp" and e.year and e.month and e.day and e.end_month and e.end_day:
                lo, hi = _day(e.year, e.month, e.day), _day(e.year, e.end_month, e.end_day)
                if lo and hi:
                    out.append(Anchor(lo, hi, None, e.start, section))
                continue
            if e.kind == "anniversary" and e.end_year and e.end_month and e.end_day:
                d = _day(e.end_year, e.end_month, e.end_day)
                if d:
                    out.append(Anchor(d, d, None, e.start, section))
                continue
            y = e.year
            if e.is_event_date and y is None and e.month is not None:
                strong = [x for x in dd.within(section, *dd.sentence_of(section, e.start)) if _strong_year(x)]
                y = strong[0].year if len({x.year for x in strong}) == 1 else None
            if y is not None and e.is_event_date and e.month is not None:
                w = When(e.month, e.day, e.end_month, e.end_day, y, e.end_year, e.month_part)
                span = w.span(y)
                if span:
                    out.append(Anchor(span[0], span[1], _context(dd, section, e, kb)[1], e.start, section))
            elif _strong_year(e) and e.year is not None:
                direction = _context(dd, section, e, kb)[1]
                out.append(Anchor(date(e.year, 1, 1), date(e.year, 12, 31), direction, e.start, section,
                                  bound_only=direction is not None, year_only=True))
    return out


def _anchor_bounds(anchors: list[Anchor]) -> tuple[date | None, date | None]:
    """Earliest and latest day the event can fall on, from anchors said to be before or after it."""
    lower = max((a.lo for a in anchors if a.direction == "past"), default=None)
    upper = min((a.hi for a in anchors if a.direction == "future"), default=None)
    if lower and upper and lower > upper:
        return None, None
    return lower, upper


def _year_from_anchors(w: When, anchors: list[Anchor], limit: int, allowed: Knowledge) -> int | None:
    """The year that puts the event closest to an anchor (within ``limit`` days), if unambiguous."""
    scored: list[tuple[int, int]] = []
    for a in anchors:
        if a.bound_only:
            continue
        best: tuple[int, int] | None = None
        for y in (a.lo.year - 1, a.lo.year, a.lo.year + 1):
            span = w.span(y)
            if span is None or not allowed.admits(y):
                continue
            g = _gap(span[0], span[1], a.lo, a.hi, a.direction)
            if g is not None and g <= limit and (best is None or g < best[0]):
                best = (g, y)
        if best:
            scored.append(best)
    if not scored:
        return None
    top = min(g for g, _ in scored)
    years = {y for g, y in scored if g == top}
    return years.pop() if len(years) == 1 else None


# ---------------------------------------------------------------- knowledge


@dataclass(slots=True)
class Knowledge:
    """What tenures allow: a finite set of years, or only a lower/upper bound, or nothing."""

    years: set[int] | None = None
    lower: int | None = None
    upper: int | None = None

    def admits(self, y: int) -> bool:
        if self.years is not None:
            return y in self.years
        return (self.lower is None or y >= self.lower) and (self.upper is None or y <= self.upper)

    def narrowed(self, w: When, lower: date | None, upper: date | None) -> Knowledge:
        """This constraint with the document's bounds and the written weekday applied (unchanged if nothing is left)."""
        def ok(y: int) -> bool:
            span = w.span(y)
            return (span is not None and w.fits_weekday(y) and (lower is None or span[1] >= lower)
                    and (upper is None or span[0] <= upper))
        if self.years is not None:
            left = {y for y in self.years if ok(y)}
            return Knowledge(years=left) if left else self
        lo = max(x for x in (self.lower, lower.year if lower else None) if x is not None) if (
            self.lower is not None or lower is not None) else None
        hi = min(x for x in (self.upper, upper.year if upper else None) if x is not None) if (
            self.upper is not None or upper is not None) else None
        if lo is not None and hi is not None:
            left = {y for y in range(lo, hi + 1) if ok(y)}
            return Knowledge(years=left) if left else self
        return Knowledge(lower=lo, upper=hi)


Interval = tuple[date, date | None]


def _intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    out: list[Interval] = []
    for alo, ahi in a:
        for blo, bhi in b:
            lo = max(alo, blo)
            his = [h for h in (ahi, bhi) if h is not None]
            hi = min(his) if his else None
            if hi is None or lo <= hi:
                out.append((lo, hi))
    return out


def _person_intervals(kb: KnowledgeBase, p: Person) -> list[Interval] | None:
    """When this person held every written position (None when nothing is known)."""
    if not p.positions:
        return None
    linked = officeholders.by_id(kb, p.kb_id) if p.kb_id else None  # linked by actors (perhaps by an alias)
    entries = [linked] if linked else officeholders.lookup(kb, p.name, p.country)
    if not entries:
        return None
    terms: dict[str, list[tuple[str, Interval]]] = kb.derived("dates.terms", _terms)
    held = [t for ent in entries for t in terms[ent["id"]]]
    result: list[Interval] | None = None
    former = lexicon(kb).of("former")  # 前/原…国防部长: a position once held, not one that dates the event
    for pos in p.positions:
        if pos.startswith(former):
            continue
        roles = officeholders.roles_of(kb, pos)
        spans = [iv for role, iv in held if role in roles]
        if not spans:
            continue
        merged = spans if result is None else _intersect(result, spans)
        if merged:
            result = merged
    return result


def _terms(kb: KnowledgeBase) -> dict[str, list[tuple[str, Interval]]]:
    """Of every officeholder (by id), the roles held with a known start and their days (an open end: None)."""
    return {ent["id"]: [(held["role"], (_iso_bound(held["start"], False),
                                        _iso_bound(held["end"], True) if held.get("end") else None))
                        for held in ent["positions"] if held.get("start")]
            for ent in officeholders.persons(kb)}


def _tenures(kb: KnowledgeBase, persons: list[Person]) -> list[Interval] | None:
    """When every titled person of the document held their written positions at once (None if unknown)."""
    total: list[Interval] | None = None
    for p in persons:
        iv = _person_intervals(kb, p)
        if iv is None:
            continue
        merged = iv if total is None else _intersect(total, iv)
        if merged:
            total = merged
    return total


def _knowledge(total: list[Interval] | None, w: When, *, to_today: bool = True) -> Knowledge:
    """Years in which the tenures ``total`` cover the event's day."""
    if not total or w.month is None:
        return Knowledge()
    lower = min(lo.year for lo, _ in total)
    his = [hi for _, hi in total]
    if any(h is None for h in his):
        # still in office: the tenure runs to today (with room for plans reported ahead); a short run of years
        # is a candidate list, a long one only a lower bound
        horizon = _today() + timedelta(days=OPEN_TENURE_AHEAD)
        closed = [(lo, hi or horizon) for lo, hi in total]
        years = _inside(w, range(lower, horizon.year + 1), closed)
        if to_today and 0 < len(years) <= OPEN_TENURE_YEARS:
            return Knowledge(years=years)
        ok = sorted(_inside(w, range(lower, lower + 3), total))
        return Knowledge(lower=ok[0] if ok else lower)
    upper = max(h.year for h in his if h is not None)
    return Knowledge(years=_inside(w, range(lower, upper + 1), total))


# the clock (it only ends the tenure of an office still held): a variable, looked up at each call, so that a
# test can set it in the compiled module too
_today: Callable[[], date] = date.today


def _inside(w: When, years: range, total: Sequence[Interval]) -> set[int]:
    """The years in which the event's first day falls within one of the intervals ``total``."""
    out = set()
    for a, b in total:  # the first day falls in [a, b] only in the years from a's to b's
        for y in range(max(years.start, a.year), min(years.stop, b.year + 1) if b is not None else years.stop):
            lo = w.first_day(y)
            if lo is not None and a <= lo and (b is None or lo <= b):
                out.add(y)
    return out


def _session_year(kb: KnowledgeBase, w: When, named: list[tuple[str, int]], allowed: Knowledge) -> int | None:
    idx = sessions(kb)
    years = set()
    for key in named:
        s = idx.by_key.get(key)
        if not s:
            continue
        a = Anchor(_iso_bound(s["start"], False), _iso_bound(s.get("end") or s["start"], True))
        y = _year_from_anchors(w, [a], SESSION_DAYS, allowed)
        if y is not None:
            years.add(y)
    return years.pop() if len(years) == 1 else None


# ---------------------------------------------------------------- choosing the expression


def _resolve(dd: DocDates, section: str, e: DateExpr, kb: KnowledgeBase, depth: int = 0) -> When | None:
    """Month/day (and written year) of an event-date expression, using context for relative forms."""
    if e.kind in ("day", "range", "month"):
        return When(e.month, e.day, e.end_month if e.kind == "range" else None,
                    e.end_day if e.kind == "range" else None, e.year, e.end_year, e.month_part, e.part_of_day, e.text,
                    rel_year=e.rel_year, weekday=e.weekday)
    if depth > 3:
        return None
    if e.kind in ("day_only", "day_range"):
        base = _preceding(dd, section, e.start, kb, depth + 1, need_month=True)
        month, year = (base.month if base else None), (base.year if base and base.year_origin == "published" else None)
        ref = _doc_date(dd)
        if month is None and ref and e.day is not None:  # the closest such day up to the writing day
            month = ref[1] if e.day <= ref[2] else (ref[1] - 2) % 12 + 1
            year = None if ref[0] is None else ref[0] - (month > ref[1])
        if month is None:
            return None
        end_day = e.end_day if e.kind == "day_range" else None
        return When(month, e.day, month if end_day else None, end_day, year, year if end_day else None, None,
                    e.part_of_day, e.text, year_origin="published" if year else None)
    if e.kind == "relative":
        shift = {"same": 0, "next": 1, "prev": -1, "today": 0, "yesterday": -1, "tomorrow": 1}.get(e.relative or "")
        if shift is None:
            return None
        if e.relative in ("today", "yesterday", "tomorrow"):
            ref = _doc_date(dd)
            if ref is None:
                return None
            d = date(ref[0] or LEAP, ref[1], ref[2]) + timedelta(days=shift)
            return When(d.month, d.day, None, None, d.year if ref[0] else None, None, None, e.part_of_day, e.text,
                        year_origin="published")
        base = _preceding(dd, section, e.start, kb, depth + 1, need_month=True)
        if base is None or base.day is None or base.month is None:
            return None
        d = date(base.year or LEAP, base.month, base.day) + timedelta(days=shift)
        year = d.year if base.year else None
        weekday = (base.weekday + shift) % 7 if base.weekday is not None else None
        return When(d.month, d.day, None, None, year, None, None, e.part_of_day, e.text, weekday=weekday)
    return None


def _narrative(dd: DocDates, section: str, e: DateExpr, kb: KnowledgeBase) -> bool:
    if not e.is_event_date:
        return False
    speech, _ = _context(dd, section, e, kb)
    return not speech


def _preceding(dd: DocDates, section: str, pos: int, kb: KnowledgeBase, depth: int = 0,
               need_month: bool = False) -> When | None:
    """The nearest narrative date before ``pos`` in the section, else the lead's first date."""
    for e in reversed(dd.within(section, 0, pos)):
        w = _resolve(dd, section, e, kb, depth) if _narrative(dd, section, e, kb) else None
        if w is not None and (not need_month or w.month is not None):
            w.in_sentence = False
            return w
    return _lead_date(dd, kb, depth) if section != dd.doc.body_section or pos > 0 else None


def _lead_date(dd: DocDates, kb: KnowledgeBase, depth: int = 0) -> When | None:
    section = dd.doc.body_section
    lead_end = len(dd.doc.body[0]) if dd.doc.body else 0
    for e in dd.exprs.get(section, []):
        if e.start >= lead_end:
            break
        if _narrative(dd, section, e, kb) and (w := _resolve(dd, section, e, kb, depth + 1)):
            w.in_sentence = False
            return w
    return None


def _doc_date(dd: DocDates) -> tuple[int | None, int, int] | None:
    """(year or None, month, day) the document was written: its publication date, else its dateline (``河内21日电``)."""
    pub = _published(dd.doc)
    if pub is not None:
        return pub.year, pub.month, pub.day
    for section in ("title", dd.doc.body_section):
        for e in dd.exprs.get(section, []):
            if e.kind == "dateline" and e.month and e.day:
                return None, e.month, e.day
    return None


def _published(doc: Document) -> date | None:
    if not doc.published:
        return None
    try:
        return date.fromisoformat(doc.published[:10])
    except ValueError:
        return None


def _trigger_pos(event: Event) -> int | None:
    de = event.date_expr or {}
    for v in (de.get("trigger_start"), de.get("trigger")):
        v = v[0] if isinstance(v, list | tuple) and v else v
        if isinstance(v, int):
            return v
    return None


def _since(dd: DocDates, section: str, x: DateExpr, kb: KnowledgeBase) -> bool:
    """Whether ``x`` starts a span up to now (``从今年3月开港以来``): not the date of the clause's event."""
    text = dd.text(section)
    clause = CLAUSE_BREAK.search(text, x.end, x.end + SINCE_REACH)
    return cues(kb).since.search(text, x.end, clause.start() if clause else x.end + SINCE_REACH) is not None


SINCE_REACH = 10  # characters after a date in which 以来/至今 turns it into a span up to now


def _span(dd: DocDates, src: Evidence) -> tuple[str, int, int]:
    return (src.section if src.section in dd.exprs else dd.doc.body_section), src.start, max(src.end, src.start)


def _own_date(dd: DocDates, event: Event, src: Evidence, trig: int | None, kb: KnowledgeBase) -> When | None:
    """The date an event-date expression of the source's own sentence gives (the last before the trigger)."""
    section, s, e = _span(dd, src)
    cands = [x for x in dd.within(section, s, e) if x.is_event_date and not _since(dd, section, x, kb)]
    if not cands:
        return None
    if trig is not None:
        chosen = ([x for x in cands if x.start < trig] or cands[:1])[-1]
    else:
        ranges = [x for x in cands if x.kind in ("range", "day_range")]
        days = [x for x in cands if x.kind not in ("range", "day_range")]
        chosen = (ranges or cands)[0] if event.type == "VISIT" else (days or cands)[0]
    w = _resolve(dd, section, chosen, kb)
    if w is None and chosen.kind in ("day_only", "day_range"):
        w = _session_month(kb, event, _sessions_in(dd, section, s, e, kb), chosen)
    return w


def _governing(dd: DocDates, event: Event, prior: list[tuple[int, str, When]], kb: KnowledgeBase) -> When | None:
    """The date expression that governs the event's clause, else context (会谈后, 期间, preceding, lead).

    ``prior`` holds the events already dated in this document: (offset, type, date).
    """
    src = event.sources[0]
    section, s, e = _span(dd, src)
    trig = _trigger_pos(event)
    w = _own_date(dd, event, src, trig, kb)
    # an event merged from several sentences of the document, the first dateless: another may give its date
    here = dd.within(section, s, e)
    dateless = not any(x.is_event_date or x.kind == "year" for x in here)
    for other in event.sources[1:] if w is None and dateless else []:
        if other.doc_id == src.doc_id and other.section in dd.exprs:
            w = w or _own_date(dd, event, other, None, kb)
    if w is not None:
        return w
    own = [x for x in here if x.kind == "year" and x.year_role == "background"]
    if len({x.year for x in own}) == 1:  # a fact dated only by its year, set off by a comma (2019年,两国签署…)
        return When(None, year=own[0].year, text=own[0].text)
    rel = [x for x in here if x.kind == "year" and x.rel_year is not None]
    if trig is not None:
        rel = [x for x in rel if x.start < trig][-1:]
    if len({x.rel_year for x in rel}) == 1 and rel[0].rel_year:  # 去年…访问, 明年…举行: not the narrative's year
        return When(None, rel_year=rel[0].rel_year, text=rel[0].text)
    sentence = dd.text(section)[s:e]
    lex = lexicon(kb)
    for word in lex.of("after_event") if cues(kb).after_event.search(sentence) else ():
        typ = lex.values[("after_event", word)]
        if word in sentence and typ != event.type:
            earlier = [w for pos, t, w in prior if t == typ and pos <= s]
            if earlier:
                return _copy(earlier[-1])
    visits = [(pos, w) for pos, t, w in prior if t == "VISIT" and w.end_day]
    if event.type != "VISIT" and any(x in sentence for x in lex.of("during")) and visits:
        spans = [w for pos, w in visits if pos <= s] or [w for _, w in visits]
        return _copy(spans[-1])
    if section in ("title", "caption"):
        return _lead_date(dd, kb)
    return _preceding(dd, section, s, kb)


def _sessions_in(dd: DocDates, section: str, s: int, e: int, kb: KnowledgeBase) -> list[tuple[str, int]]:
    """The sessions the sentence [s, e) of ``section`` names (:func:`session_mentions`), found once per document
    (events of one sentence share them)."""
    key = (section, s, e)
    if key not in dd.sessions_named:
        dd.sessions_named[key] = session_mentions(kb, dd.text(section)[s:e])
    return dd.sessions_named[key]


def _named_sessions(kb: KnowledgeBase, event: Event, mentioned: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Series and session numbers the event names: its mechanism, and the sessions ``mentioned`` in its sentence."""
    mech = event.mechanism or {}
    named = [(series_name(kb, mech["name"]), int(mech["session"]))] if (
        mech.get("name") and isinstance(mech.get("session"), int)) else []
    return named + [x for x in mentioned if x not in named]


def _session_month(kb: KnowledgeBase, event: Event, mentioned: list[tuple[str, int]], x: DateExpr) -> When | None:
    """Month of a bare day (``27日``) from the known dates of the session the sentence names: the day must
    fall within that session's days, and only one month may fit."""
    idx = sessions(kb)
    fits: set[int] = set()
    for key in _named_sessions(kb, event, mentioned):
        entry = idx.by_key.get(key)
        if not entry or len(entry["start"]) < 10:
            continue
        lo = _iso_bound(entry["start"], False)
        hi = _iso_bound(entry.get("end") or entry["start"], True)
        d = lo
        while d <= hi:
            if d.day == x.day:
                fits.add(d.month)
            d += timedelta(days=1)
    if len(fits) != 1:
        return None
    month = fits.pop()
    end_day = x.end_day if x.kind == "day_range" else None
    return When(month, x.day, month if end_day else None, end_day, None, None, None, x.part_of_day, x.text)


def _copy(w: When) -> When:
    return replace(w, in_sentence=False)


# ---------------------------------------------------------------- years


def _iso(y: int | None, m: int | None, d: int | None) -> str | None:
    if m is None:
        return f"{y:04d}" if y else None
    head = f"{y:04d}-" if y else "--"
    return f"{head}{m:02d}" + (f"-{d:02d}" if d else "")


def _value(w: When, year: int | None, source: str, cands: list[int]) -> DateValue:
    end_year = None
    if year is not None:
        end_year = year + (1 if w.end_month and w.month and w.end_month < w.month else 0)
    start = _iso(year, w.month, w.day)
    end = _iso(end_year, w.end_month, w.end_day) if w.end_day else start
    precision: Literal["day", "month", "year"] = "day" if w.day else "month" if w.month else "year"
    return DateValue(start=start, end=end, precision=precision, part_of_day=w.part_of_day,
                     text=w.text, year_source=source if year is not None or cands else "none",
                     year_candidates=sorted(cands))


@dataclass
class Tenures:
    """The document's :func:`_tenures`, found when first asked for (most events are dated before)."""

    persons: list[Person]
    kb: KnowledgeBase
    found: list[Interval] | None = None
    done: bool = False

    def get(self) -> list[Interval] | None:
        if not self.done:
            self.found, self.done = _tenures(self.kb, [p for p in self.persons if p.positions]), True
        return self.found


@dataclass
class PageAnchors:
    """The anchors of a teaser's sibling teasers, found when first asked for (most years come before them)."""

    doc: Document
    page_docs: list[Document]
    kb: KnowledgeBase
    found: list[Anchor] | None = None

    def get(self) -> list[Anchor]:
        if self.found is None:
            self.found = _page_anchors(self.doc, self.page_docs, self.kb)
        return self.found


def _page_anchors(doc: Document, page_docs: list[Document], kb: KnowledgeBase) -> list[Anchor]:
    if doc.kind != "teaser":
        return []
    out: list[Anchor] = []
    for other in page_docs:
        if other is doc or other.doc_id == doc.doc_id or other.kind != "teaser":
            continue
        out.extend(_anchors(_cached_doc_dates(other, kb), kb).dated)
    return out


def _sentence_year(dd: DocDates, section: str, s: int, e: int, w: When, kb: KnowledgeBase) -> int | None:
    """A year the event's own sentence gives: a strong bare year, or another dated expression close in time."""
    exprs = dd.within(section, s, e)
    strong = {x.year for x in exprs if _strong_year(x) and x.year is not None
              and _context(dd, section, x, kb)[1] != "future"}
    if len(strong) == 1:
        return strong.pop()
    local = [a for a in _anchors(dd, kb).dated if a.section == section and s <= a.start < e]
    return _year_from_anchors(w, local, ANCHOR_DAYS, Knowledge()) if local else None


def _date_one(dd: DocDates, event: Event, w: When, tenures: Tenures,
              page: PageAnchors, kb: KnowledgeBase) -> tuple[DateValue, bool]:
    """Resolve the year of one event's date, trying the sources in order (module docstring).

    The flag says whether the year came from a known session (such a year may date the document's other events).
    """
    section, s, e = _span(dd, event.sources[0])
    if w.year is not None:
        source = w.year_origin or ("text" if w.in_sentence else "document")
        return _value(w, w.year, source, [w.year]), False
    pub = _published(dd.doc)
    if w.rel_year is not None:  # 今年/去年: the writing year (the publication's, else the lead's written year)
        lead = _lead_date(dd, kb) if pub is None else None
        now, origin = (pub.year, "published") if pub else ((lead.year, "document") if lead else (None, ""))
        if now is not None:
            return _value(w, now + w.rel_year, origin, [now + w.rel_year]), False
    if w.month is None:
        return _value(w, None, "none", []), False
    if w.rel_year is not None:
        cands = sorted(_knowledge(tenures.get(), w, to_today=False).years or [])
        return _value(w, cands[0] if len(cands) == 1 else None, "knowledge" if cands else "none", cands), False
    y = _sentence_year(dd, section, s, e, w, kb)
    if y is not None:
        return _value(w, y, "text", [y]), False
    doc_anchors = _anchors(dd, kb)
    allowed = _knowledge(tenures.get(), w).narrowed(w, *doc_anchors.bounds)
    # a known session named with the event dates it before any nearby date of the document (often background)
    y = _session_year(kb, w, _named_sessions(kb, event, _sessions_in(dd, section, s, e, kb)), allowed)
    if y is not None:
        return _value(w, y, "knowledge", [y]), True
    # a year from a dated point must agree with the tenures: background dates are often close in time too
    for source in ("document", "page"):
        anchors = doc_anchors.points if source == "document" else page.get()
        y = _year_from_anchors(w, anchors, ANCHOR_DAYS, allowed)
        if y is not None and w.fits_weekday(y):
            return _value(w, y, source, [y]), False
    if pub is not None:
        a = Anchor(pub, pub + timedelta(days=PUBLISHED_DAYS), "future")
        y = _year_from_anchors(w, [a], PUBLISHED_DAYS, allowed)
        if y is None and allowed.years:
            # the page's own date against tenures known only to the year: a year's slack at either edge
            y = _year_from_anchors(w, [a], PUBLISHED_DAYS, Knowledge())
            y = y if y is not None and min(allowed.years) - 1 <= y <= max(allowed.years) + 1 else None
        if y is not None and w.fits_weekday(y):
            return _value(w, y, "published", [y]), False
    bare = doc_anchors.bare
    if len(bare) == 1 and allowed.admits(only := next(iter(bare))) and w.fits_weekday(only):
        return _value(w, only, "document", [only]), False
    allowed = _with_anniversaries(dd, kb, w, allowed)
    if allowed.years:
        cands = sorted(allowed.years)
        return _value(w, cands[0] if len(cands) == 1 else None, "knowledge", cands), False
    return _value(w, None, "none", []), False


def _with_anniversaries(dd: DocDates, kb: KnowledgeBase, w: When, allowed: Knowledge) -> Knowledge:
    """Knowledge narrowed by the anniversaries the document names: the present occasion's year exactly,
    any other within a year of it (celebrations run around the anniversary)."""
    if dd.anniversaries is None:
        dd.anniversaries = [x for section in dd.exprs for x in anniversary_years(kb, dd.text(section))]
    found = dd.anniversaries
    now = {y for y, occasion in found if occasion}
    if len(now) == 1:
        y = now.pop()
        if allowed.admits(y) and w.fits_weekday(y):
            return Knowledge(years={y})
    near = {y for y, _ in found}
    if len(near) == 1 and allowed.years:
        y = near.pop()
        left = {x for x in allowed.years if abs(x - y) <= 1}
        return Knowledge(years=left) if left else allowed
    return allowed


def date_events(doc: Document, actors: DocActors, events: list[Event], page_docs: list[Document],
                kb: KnowledgeBase) -> None:
    """Set ``event.date`` for every event of ``doc`` (events in document order)."""
    if not events:
        return
    dd = _cached_doc_dates(doc, kb)
    tenures = Tenures(actors.persons, kb)
    page = PageAnchors(doc, page_docs, kb)
    prior: list[tuple[int, str, When]] = []
    dated: list[tuple[Event, When, bool]] = []
    for ev in events:
        if not ev.sources:
            ev.date = ev.date or DateValue()
            continue
        w = _governing(dd, ev, prior, kb)
        if w is None:
            ev.date = DateValue()
            continue
        ev.date, by_session = _date_one(dd, ev, w, tenures, page, kb)
        dated.append((ev, w, by_session))
        prior.append((ev.sources[0].start, ev.type, w))
    _share_session_years(dated)


def _share_session_years(dated: list[tuple[Event, When, bool]]) -> None:
    """Events dated by a known session lend their year to undated events of the same document close in time."""
    anchors = []
    for ev, w, by_session in dated:
        if ev.date is not None and by_session:
            y = year_of(ev.date.start)
            span = w.span(y) if y is not None else None
            if span:
                anchors.append(Anchor(span[0], span[1]))
    if not anchors:
        return
    for ev, w, _ in dated:
        dv = ev.date
        if dv is None or w.month is None or year_of(dv.start) is not None:
            continue
        allowed = Knowledge(years=set(dv.year_candidates)) if dv.year_candidates else Knowledge()
        y = _year_from_anchors(w, anchors, ANCHOR_DAYS, allowed)
        if y is not None:
            ev.date = _value(w, y, "knowledge", [y])


# ---------------------------------------------------------------- corpus level


def _when_of(dv: DateValue) -> When | None:
    """Month/day back out of a DateValue (for re-dating at corpus level)."""
    if not dv.start:
        return None
    core = dv.start[2:] if dv.start.startswith("--") else dv.start[5:]
    parts = [int(p) for p in core.split("-") if p.isdigit()]
    if not parts:
        return None
    w = When(parts[0], parts[1] if len(parts) > 1 else None, text=dv.text, part_of_day=dv.part_of_day)
    if dv.end and dv.end != dv.start:
        ecore = dv.end[2:] if dv.end.startswith("--") else dv.end[5:]
        eparts = [int(p) for p in ecore.split("-") if p.isdigit()]
        if len(eparts) == 2:
            w.end_month, w.end_day = eparts
    return w


def date_across_documents(events: list[Event], kb: KnowledgeBase) -> None:
    """Date events by the sessions they name, across the corpus.

    A session's date known from the knowledge base, or with a single evidenced
    year from any document, dates every other event naming that session; the
    year of session N is bounded by sessions N−1 and N+1 of the same series.
    """
    idx = sessions(kb)
    known: dict[tuple[str, int], tuple[date, date]] = {
        k: (_iso_bound(s["start"], False), _iso_bound(s.get("end") or s["start"], True)) for k, s in idx.by_key.items()
    }
    for ev in events:
        key = session_key(ev)
        dv = ev.date
        if not key or not dv or dv.year_source in ("none", "knowledge") or dv.precision != "day":
            continue
        y = year_of(dv.start)
        w = _when_of(dv)
        k = (series_name(kb, key[0]), key[1])
        if y is not None and w is not None and k not in known and (span := w.span(y)):
            known[k] = span
    by_series: dict[str, list[tuple[int, date, date]]] = {}
    for (series, n), (lo, hi) in known.items():
        by_series.setdefault(series, []).append((n, lo, hi))
    for ev in events:
        key = session_key(ev)
        if not key:
            continue
        k = (series_name(kb, key[0]), key[1])
        dv = ev.date or DateValue()
        if year_of(dv.start) is not None:
            continue
        w = _when_of(dv)
        if w is None:
            if k in known:
                lo, hi = known[k]
                ev.date = DateValue(start=lo.isoformat(), end=hi.isoformat(), precision="day",
                                    year_source="knowledge", year_candidates=[lo.year])
            continue
        allowed = Knowledge(years=set(dv.year_candidates)) if dv.year_candidates else Knowledge()
        y = None
        if k in known:
            y = _year_from_anchors(w, [Anchor(*known[k])], SESSION_DAYS, allowed)
        if y is None:
            y = bounded_year(by_series.get(k[0], []), k[1], dv.year_candidates)
            if y is None:
                ev.date = narrowed_by_sessions(dv, by_series.get(k[0], []), k[1])
                continue
        ev.date = _value(w, y, "knowledge", [y])
