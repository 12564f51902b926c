"""Knowledge about dates: known sessions of recurring meeting series, and anniversaries of relations.

Two validated tables of the knowledge base: ``sessions`` (a series' session
number, dates and place, with alias templates such as
``大湄公河次区域合作第{n}次领导人会议`` for finding mentions in text) and
``anniversaries`` (when diplomatic relations were established, for reading
``中越建交75周年`` as the year 2025). :mod:`huitan.dates` uses both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from .kb import KnowledgeBase, Schema, check_country, check_date
from .model import DateValue, Event
from .textutil import fold
from .timeexpr import cn_int, lexicon


def _check_session(entry: dict[str, Any]) -> str | None:
    if entry["session"] < 1:
        return "session must be a positive number"
    if entry.get("end") and entry["end"] < entry["start"]:
        return "end is before start"
    for a in entry.get("aliases") or []:
        if not isinstance(a, str) or not a.strip():
            return "aliases must be non-empty strings"
        if "{n}" in a and "第{n}" not in a and "{n}大" not in a:
            return f"a template numbers its session as 第{{n}} (or {{n}}大, a party congress): {a!r}"
    return None


SESSION_SCHEMA = Schema(
    name="sessions",
    required={"series": str, "session": int, "start": str},
    optional={"aliases": list, "end": str, "place": str, "country": str},
    checks={"start": check_date, "end": check_date, "country": check_country},
    key=("series", "session"),
    entry_check=_check_session,
)


@dataclass(frozen=True)
class SessionIndex:
    """Known sessions by series, alias lookup, and text patterns for ``第N次`` mentions."""

    by_key: dict[tuple[str, int], dict[str, Any]]
    series_of: dict[str, str]  # folded name or alias -> series
    template_series: tuple[str, ...]  # series of alternative i
    pieces: tuple[tuple[str, str], ...] = ()  # the literal text before and after the number, of alternative i
    alternatives: tuple[str, ...] = ()  # the regex of alternative i (group ``t<i>``), one per alias template
    # each piece after the number, with the alternatives it ends
    by_after: tuple[tuple[str, tuple[int, ...]], ...] = ()

    @property
    def pattern(self) -> re.Pattern[str] | None:
        """Every alias template as one pattern (scans use :meth:`pattern_for`, far cheaper)."""
        return _subset_pattern(self.alternatives, tuple(range(len(self.alternatives)))) if self.alternatives else None

    def pattern_for(self, window: str) -> re.Pattern[str] | None:
        """The alternatives whose literal pieces both occur in ``window``, as one pattern (None: none can
        match). Trying only these is what makes a scan cheap: the full pattern has hundreds of alternatives."""
        cands = tuple(sorted(i for after, alts in self.by_after if after in window
                             for i in alts if self.pieces[i][0] in window))
        return _subset_pattern(self.alternatives, cands) if cands else None


@lru_cache(maxsize=256)
def _subset_pattern(alternatives: tuple[str, ...], cands: tuple[int, ...]) -> re.Pattern[str]:
    return re.compile("|".join(alternatives[i] for i in cands))


NUMERAL = r"[0-9０-９一二三四五六七八九十百]+"


def _build_sessions(kb: KnowledgeBase) -> SessionIndex:
    by_key: dict[tuple[str, int], dict[str, Any]] = {}
    series_of: dict[str, str] = {}
    templates: dict[str, str] = {}
    for e in kb.table(SESSION_SCHEMA):
        by_key[(e["series"], e["session"])] = e
        series_of[fold(e["series"])] = e["series"]
        for a in e.get("aliases") or []:
            if "{n}" in a:
                templates[a] = e["series"]
                series_of.setdefault(fold(_unnumbered(a)), e["series"])
            else:
                series_of[fold(a)] = e["series"]
    ordered = sorted(templates, key=len, reverse=True)
    alternatives = tuple(f"(?P<t{i}>{_template(t, i)})" for i, t in enumerate(ordered))
    pieces = tuple(_pieces(t) for t in ordered)
    by_after: dict[str, list[int]] = {}
    for i, (_, after) in enumerate(pieces):
        by_after.setdefault(after, []).append(i)
    return SessionIndex(by_key, series_of, tuple(templates[t] for t in ordered), pieces, alternatives,
                        tuple((after, tuple(alts)) for after, alts in by_after.items()))


def _pieces(alias: str) -> tuple[str, str]:
    """The literal text before and after the number of a template (``第`` and ``次`` belong to the number)."""
    before, _, after = re.sub(r"第\{n\}[次届]?", "{n}", alias).partition("{n}")
    return before, after


def _unnumbered(alias: str) -> str:
    """A template as a mechanism name reads once its session number is cut out
    (``越中国防部第{n}次防务战略对话`` → ``越中国防部防务战略对话``)."""
    return re.sub(r"第\{n\}[次届]?|\{n\}(?=大)", "", alias)


def _template(alias: str, i: int) -> str:
    """The regex of an alias template: ``{n}`` is the session number; ``第{n}`` also reads ``首`` (the first)."""
    pat = re.escape(alias)
    if "第{n}" in alias:
        return pat.replace(re.escape("第{n}"), f"(?:第(?P<n{i}>{NUMERAL})|(?P<first{i}>首))")
    return pat.replace(re.escape("{n}"), f"(?P<n{i}>{NUMERAL})")


def sessions(kb: KnowledgeBase) -> SessionIndex:
    """The session index of ``kb`` (built once)."""
    return kb.derived("dates.sessions", _build_sessions)


def series_name(kb: KnowledgeBase, name: str) -> str:
    """The canonical series name for a mechanism name or alias (the name itself when unknown)."""
    return sessions(kb).series_of.get(fold(name), name)


def session_mentions(kb: KnowledgeBase, text: str) -> list[tuple[str, int]]:
    """Series and session numbers named in ``text`` (``大湄公河次区域合作第六次领导人会议`` → GMS, 6)."""
    idx = sessions(kb)
    found: list[tuple[str, int]] = []
    if not idx.alternatives or not any(c in text for c in ORDINAL_MARKS):
        return found
    for hit in ORDINAL.finditer(text):  # every template numbers its session: scan only around 第N次/首届/N大
        lo, hi = max(0, hit.start() - SESSION_REACH), min(len(text), hit.end() + SESSION_REACH)
        found += [x for x in _mentions_in(idx, text, lo, hi) if x not in found]
    return found


ORDINAL = re.compile(rf"(?:第{NUMERAL}|首)[次届]|{NUMERAL}大")
ORDINAL_MARKS = "第首大"  # every ordinal holds one of these
SESSION_REACH = 30  # characters around an ordinal that a series name can span


def _mentions_in(idx: SessionIndex, text: str, lo: int, hi: int) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    if not idx.alternatives:
        return found
    pattern = idx.pattern_for(text[lo:hi])
    if pattern is None:
        return found
    for m in pattern.finditer(text, lo, hi):
        i = int((m.lastgroup or "t0")[1:])
        groups = m.groupdict()
        try:
            n = 1 if groups.get(f"first{i}") else cn_int(groups[f"n{i}"])
        except (KeyError, TypeError, ValueError):
            continue
        found.append((idx.template_series[i], n))
    return found


# ---------------------------------------------------------------- anniversaries


def _check_anniversary(entry: dict[str, Any]) -> str | None:
    if len(entry["pair"]) != 2 or any(check_country(c) for c in entry["pair"]):
        return "pair must be two country codes"
    if not entry["forms"] or not all(isinstance(f, str) and f for f in entry["forms"]):
        return "forms must be non-empty strings"
    return None


ANNIVERSARY_SCHEMA = Schema(
    name="anniversaries",
    required={"pair": list, "forms": list, "event": str, "date": str},
    checks={"date": check_date},
    entry_check=_check_anniversary,
)


def _build_anniversaries(kb: KnowledgeBase) -> tuple[re.Pattern[str] | None, dict[tuple[str, str], int]]:
    years: dict[tuple[str, str], int] = {}
    for e in kb.table(ANNIVERSARY_SCHEMA):
        for form in e["forms"]:
            years[(form, e["event"])] = int(e["date"][:4])
    if not years:
        return None, years
    forms = sorted({f for f, _ in years}, key=len, reverse=True)
    events = sorted({ev for _, ev in years}, key=len, reverse=True)
    pat = re.compile(rf"(?P<form>{'|'.join(map(re.escape, forms))})(?:两国)?(?P<event>{'|'.join(map(re.escape, events))})"
                     rf"(?P<n>{NUMERAL})周年")
    return pat, years


def anniversary_years(kb: KnowledgeBase, text: str) -> list[tuple[int, bool]]:
    """Years of the anniversaries ``text`` names (``中越建交75周年`` → 2025), each with whether the text
    says it is the current occasion (``值此…之际``, ``今年是…``, or a tag opening the text: ``越柬建交50周年:…``)."""
    pat, years = kb.derived("dates.anniversaries", _build_anniversaries)
    if pat is None or "周" not in text:  # every mention ends in 周年
        return []
    flat = text.replace(" ", "").replace("\u3000", "")
    cues = lexicon(kb).of("occasion")
    out = []
    for m in pat.finditer(flat):
        try:
            y = years[(m.group("form"), m.group("event"))] + cn_int(m.group("n"))
        except (KeyError, ValueError):
            continue
        near = flat[max(0, m.start() - OCCASION_REACH):m.start()] + flat[m.end():m.end() + OCCASION_REACH]
        label = m.start() == 0 and flat[m.end():m.end() + 1] in LABEL_MARKS  # a headline's tag: 越柬建交50周年:…
        out.append((y, label or any(c in near for c in cues)))
    return out


LABEL_MARKS = ":：|｜"  # after an anniversary that opens a text, these make it the text's occasion
OCCASION_REACH = 8  # characters around an anniversary in which 值此/之际/今年是 mark it as the present occasion


# ---------------------------------------------------------------- neighbouring sessions


def _session_bounds(series: list[tuple[int, date, date]], n: int) -> tuple[int | None, int | None]:
    before = [lo.year for m, lo, _ in series if m < n]
    after = [hi.year for m, _, hi in series if m > n]
    return (max(before) if before else None), (min(after) if after else None)


def bounded_year(series: list[tuple[int, date, date]], n: int, cands: list[int]) -> int | None:
    """The one year of session ``n`` that its neighbours in the series (``(n, first day, last day)``) leave."""
    lo, hi = _session_bounds(series, n)
    left = [y for y in cands if (lo is None or y >= lo) and (hi is None or y <= hi)]
    if cands and len(left) == 1:
        return left[0]
    if not cands and lo is not None and lo == hi:
        return lo
    return None


def narrowed_by_sessions(dv: DateValue, series: list[tuple[int, date, date]], n: int) -> DateValue:
    """``dv`` with its year candidates bounded by the neighbouring sessions of session ``n``."""
    lo, hi = _session_bounds(series, n)
    if not dv.year_candidates:
        if lo is not None and hi is not None and hi - lo <= 5:
            dv.year_candidates = list(range(lo, hi + 1))
            dv.year_source = "knowledge"
        return dv
    left = [y for y in dv.year_candidates if (lo is None or y >= lo) and (hi is None or y <= hi)]
    if left:
        dv.year_candidates = left
    return dv


def year_of(start: str | None) -> int | None:
    """The year of an ISO date, None for ``--MM-DD`` or nothing."""
    if not start or start.startswith("--") or not start[:4].isdigit():
        return None
    return int(start[:4])


def session_key(event: Event) -> tuple[str, int] | None:
    """(mechanism name, session) of an event that names a numbered session."""
    m = event.mechanism or {}
    if m.get("name") and isinstance(m.get("session"), int):
        return m["name"], m["session"]
    return None
