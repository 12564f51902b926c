"""Date expressions in Chinese news prose: find them, with spans, and say what they are.

``parse_dates(text)`` returns :class:`DateExpr` objects in text order. Kinds:

- ``day`` (``2025年12月4日``, ``4月17日上午``, ``12 月 3 日``, ``十二月三日``, ``2025/4/30``),
  ``range`` (``12月1日至4日``, ``12月30日至1月2日``), ``month`` (``2025年4月初``, ``4月下旬``),
  ``day_only`` (``21日``) and ``day_range`` (``24至26日``), whose month comes from context,
  ``relative`` (``当天``, ``次日``, ``昨日``, ``今天``, ``日前``): these can date an event;
- ``stamp`` (``2024-05-27 16:09``, ``03/05/2025``): a numeric date as page metadata writes it,
  never an event's date but a good anchor for the year;
- ``period`` (``2016-2021年阶段``, ``到2025年``, ``2020年以来``), ``anniversary``
  (``(1918年12月1日—2025年12月1日)``, ``75周年(2025年)``) and ``year`` (a bare ``2025年``,
  with ``year_role`` saying how it is used): these never date an event by themselves.

The words (part of day, relative days, month parts, cue words) come from the
``date_words`` table of the knowledge base. Years are never invented here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .kb import KnowledgeBase, Schema
from .textutil import alternation

WORD_KINDS = {
    "part_of_day", "relative", "month_part", "until", "since", "period_noun", "speech",
    "future", "past", "during", "themed_year", "event_noun", "relative_year", "weekday", "dateline", "after_event", "occasion",
    "former",  # a position so marked (前国防部长) was held before: not a tenure that dates the event
}
EVENT_TYPES = {"MEET", "TALKS", "VISIT", "CONFERENCE", "SIGN", "MESSAGE", "CALL", "CREDENTIALS", "EXERCISE", "AID"}
RELATIVE_VALUES = {"same", "next", "prev", "today", "yesterday", "tomorrow", "recent"}
PART_OF_DAY_VALUES = {"morning", "noon", "afternoon", "evening", "night"}
MONTH_PART_VALUES = {"early", "mid", "late"}


def _check_word_entry(entry: dict[str, Any]) -> str | None:
    kind, value = entry["kind"], entry.get("value")
    if kind not in WORD_KINDS:
        return f"unknown kind {kind!r}"
    allowed = {"relative": RELATIVE_VALUES, "part_of_day": PART_OF_DAY_VALUES, "month_part": MONTH_PART_VALUES,
               "relative_year": {"-1", "0", "1"}, "weekday": {str(i) for i in range(7)}, "after_event": EVENT_TYPES}
    if kind in allowed and value not in allowed[kind]:
        return f"value {value!r} not allowed for kind {kind!r}"
    pod = entry.get("part_of_day")
    if pod is not None and pod not in PART_OF_DAY_VALUES:
        return f"unknown part_of_day {pod!r}"
    return None


DATE_WORD_SCHEMA = Schema(
    name="date_words",
    required={"word": str, "kind": str},
    optional={"value": str, "part_of_day": str},
    key=("word", "kind"),
    entry_check=_check_word_entry,
)

EVENT_KINDS = frozenset({"day", "range", "month", "day_only", "day_range", "relative"})
WEEKDAY_WINDOW = 6  # characters after a date in which a weekday (``（星期四）``) may follow


@dataclass(slots=True)
class DateExpr:
    """One date expression found in a text (offsets into that text)."""

    start: int
    end: int
    text: str
    kind: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    end_year: int | None = None
    end_month: int | None = None
    end_day: int | None = None
    month_part: str | None = None  # early | mid | late
    part_of_day: str | None = None
    relative: str | None = None  # same | next | prev | today | yesterday | tomorrow | recent
    year_role: str | None = None  # for kind "year": ordinal | attached | themed | title | background | other
    rel_year: int | None = None  # 今年 0, 去年 -1, 明年 +1: relative to the document's date
    weekday: int | None = None  # 0 = Monday, when the text gives one

    @property
    def is_event_date(self) -> bool:
        """Whether this expression can be the date of an event."""
        return self.kind in EVENT_KINDS


@dataclass(frozen=True)
class Lexicon:
    """The date words, grouped by kind (longest first), and the compiled patterns."""

    words: dict[str, tuple[str, ...]]
    values: dict[tuple[str, str], str]
    relative_pod: dict[str, str]
    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    trigger: re.Pattern[str]  # characters every date expression contains; patterns run only near them
    # the pre-filter of the patterns: pattern i needs characters of some sets (every match holds one
    # character of each); bit j of ``needs[i]`` stands for such a set, ``need_bits`` gives each character's
    # sets. A window whose characters do not cover every bit of a pattern is not searched with it.
    needs: tuple[int, ...] = ()
    need_bits: dict[str, int] = field(default_factory=dict)
    need_chars: re.Pattern[str] = re.compile("(?!)")  # any character of ``need_bits``
    weekday: re.Pattern[str] = re.compile("(?!)")  # any weekday word

    def of(self, kind: str) -> tuple[str, ...]:
        return self.words.get(kind, ())


CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def cn_int(s: str) -> int:
    """An integer written in Arabic (half or full width) or Chinese digits (``二〇二五``, ``二十一``)."""
    if s.isascii() and s.isdigit():
        return int(s)
    s = unicodedata.normalize("NFKC", s).strip()
    if s.isdigit():
        return int(s)
    if "十" not in s:
        n = 0
        for ch in s:
            n = n * 10 + (int(ch) if ch.isdigit() else CN_DIGITS[ch])
        return n
    tens, _, units = s.partition("十")
    return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[units] if units else 0)


def _build(kb: KnowledgeBase) -> Lexicon:
    groups: dict[str, list[str]] = {}
    values: dict[tuple[str, str], str] = {}
    relative_pod: dict[str, str] = {}
    for e in kb.table(DATE_WORD_SCHEMA):
        groups.setdefault(e["kind"], []).append(e["word"])
        if e.get("value"):
            values[(e["kind"], e["word"])] = e["value"]
        if e.get("part_of_day"):
            relative_pod[e["word"]] = e["part_of_day"]
    words = {k: tuple(sorted(v, key=len, reverse=True)) for k, v in groups.items()}

    sp = r"[ \u3000]*"
    dig = rf"[{DIGITS}]"
    y = rf"(?:{dig}{{4}}|[0-9０-９〇○零一二三四五六七八九]{{4}})"
    mo = rf"(?:{dig}{{1,2}}|十[一二]?|[一二三四五六七八九])"
    dn = rf"(?:{dig}{{1,2}}|[二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
    sep = rf"{sp}(?:至|到|[-—–~～－]+){sp}"
    pod = rf"(?P<pod>{alternation(words.get('part_of_day', ()))})?"
    part = alternation(words.get("month_part", ()))
    rel_year = alternation(words.get("relative_year", ()))
    dateline = alternation(words.get("dateline", ()))
    full = rf"{y}{sp}年{sp}{mo}{sp}月{sp}{dn}{sp}[日号]|{dig}{{4}}/{dig}{{1,2}}/{dig}{{1,2}}"
    nb = r"(?<![0-9０-９])"

    def marks(kind: str) -> str:
        """A character of each word of ``kind``: its first that windows do not all hold (no numeral, 年月日号)."""
        return "".join(next((c for c in w if c not in NUMERALS + "年月日号"), w[0]) for w in words.get(kind, ()))

    # of each pattern: its kind, its regex, and the characters it needs (every match holds one character of
    # each string: a window without them is not searched)
    patterns = [
        ("anniversary", rf"[(（]{sp}(?P<a1>{full}){sep}(?P<a2>{full}){sp}[)）]", ("(（", ")）", SEPARATORS)),
        ("anniversary", rf"(?<=周年){sp}[(（]{sp}(?P<a1>{y}){sp}年?(?:{sep}(?P<a2>{y}){sp}年?)?{sp}[)）]",
         ("(（", ")）")),
        ("period", rf"{nb}(?P<y>{y}){sp}年?{sep}(?P<y2>{y}){sp}年(?:{alternation(words.get('period_noun', ()))})?",
         ("年", SEPARATORS)),
        ("period", rf"(?:{alternation(words.get('until', ()))}){sp}(?P<y>{y}){sp}年(?!{sp}{mo}{sp}月)",
         ("年", marks("until"))),
        ("period", rf"{nb}(?P<y>{y}){sp}年(?:底前|末前|内|(?:{alternation(words.get('since', ()))}))",
         ("年", "底末内" + marks("since"))),
        ("range", rf"{nb}(?:(?P<y>{y}){sp}年{sp})?(?P<m>{mo}){sp}月{sp}(?P<d>{dn}){sp}[日号]?{sep}"
                  rf"(?:(?:(?P<y2>{y}){sp}年{sp})?(?P<m2>{mo}){sp}月{sp})?(?P<d2>{dn}){sp}[日号]{pod}",
         ("月", "日号", SEPARATORS)),
        ("dateline", rf"{nb}(?:(?P<m>{mo}){sp}月{sp})?(?P<d>{dn}){sp}日(?:{dateline})",
         ("日", marks("dateline"))),
        ("day", rf"(?P<ry>{rel_year}){sp}(?P<m>{mo}){sp}月{sp}(?P<d>{dn}){sp}[日号]{pod}",
         ("月", "日号", marks("relative_year"))),
        ("day", rf"{nb}(?:(?P<y>{y}){sp}年{sp})?(?P<m>{mo}){sp}月{sp}(?P<d>{dn}){sp}[日号]{pod}", ("月", "日号")),
        ("stamp", rf"{nb}(?P<y>{dig}{{4}})(?P<s>[/.\-])(?P<m>{dig}{{1,2}})(?P=s)(?P<d>{dig}{{1,2}})"
                  r"(?![0-9０-９])",
         ("/.-",)),
        ("stamp", rf"{nb}(?P<d>{dig}{{1,2}})(?P<s>[/.])(?P<m>{dig}{{1,2}})(?P=s)(?P<y>{dig}{{4}})"
                  r"(?![0-9０-９])",
         ("/.",)),
        ("month", rf"(?P<ry>{rel_year}){sp}(?:(?P<m>{mo}){sp}月(?:份)?(?P<part>{part})?|年?(?P<yp>底|末|初))",
         (marks("relative_year"), "月底末初")),
        ("month", rf"{nb}(?P<y>{y}){sp}年{sp}(?P<m>{mo}){sp}月(?:份)?(?P<part>{part})?", ("年", "月")),
        ("month", rf"{nb}(?P<m>{mo}){sp}月(?:份(?P<part>{part})?|(?P<part2>{part}))",
         ("月", "份" + marks("month_part"))),
        ("day_range", rf"(?<![0-9０-９月年第/.])(?P<d>{dig}{{1,2}}){sp}[日号]?{sep}(?P<d2>{dig}{{1,2}}){sp}日{pod}",
         ("日", SEPARATORS)),
        ("day_only", rf"(?<![0-9０-９月年第/.两一二三四五六七八九十])(?P<d>{dig}{{1,2}}|[二三]?十[一二三四五六七八九]?){sp}日(?![元本报])"
                     rf"{pod}", ("日",)),
        ("day_only", rf"(?<![0-9０-９月年第/.两一二三四五六七八九十])(?P<d>[二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
                     rf"{sp}日(?=(?:[零一二三四五六七八九十两]{{1,3}}|{dig}{{1,2}})[时点])", ("日", "时点")),
        # the day in brackets after a relative word, as Taiwanese and Hong Kong papers write it: 昨(27)日下午
        ("day_only", rf"[(（]{sp}(?P<d>{dig}{{1,2}}){sp}[)）]{sp}日{pod}", ("(（", ")）", "日")),
        ("relative", rf"(?P<rel>{alternation(words.get('relative', ()))}){pod}", (marks("relative"),)),
        ("year", rf"{nb}(?P<y>{y}){sp}年(?!{sp}{mo}{sp}月)(?![代间度])", ("年",)),
        # a bare 去年, 明年
        ("year", rf"(?P<ry>{rel_year})(?!{sp}(?:{mo}{sp}月|年?[底末初]))", (marks("relative_year"),)),
    ]
    # every alternative starts with a literal character, so the scan skips in C to the next one that may start
    # a trigger (a leading character class would make it try every position)
    trigger = re.compile("|".join(
        [re.escape(c) + rf"{sp}[)）]?{sp}[月日号年]" for c in NUMERALS]
        + [re.escape(c) + rf"[/.\-]{dig}" for c in DIGITS]
        + [alternation(words.get("relative", ())), rel_year]))
    needs, need_bits = _need_masks([needs for _, _, needs in patterns])
    return Lexicon(words, values, relative_pod, tuple((k, re.compile(p)) for k, p, _ in patterns), trigger,
                   needs, need_bits, _any_of(need_bits),
                   re.compile(alternation(words.get("weekday", ()))))


def _any_of(chars: dict[str, int]) -> re.Pattern[str]:
    """A pattern matching any one of the keys of ``chars``."""
    return re.compile(f"[{re.escape(''.join(chars))}]" if chars else "(?!)")


def _need_masks(needs: list[tuple[str, ...]]) -> tuple[tuple[int, ...], dict[str, int]]:
    """Of each pattern, the bit mask of the character sets it needs; of each character, the sets it is in."""
    masks: list[int] = []
    bits: dict[str, int] = {}
    bit = 1
    for sets in needs:
        mask = 0
        for chars in sets:
            mask |= bit
            for c in chars:
                bits[c] = bits.get(c, 0) | bit
            bit <<= 1
        masks.append(mask)
    return tuple(masks), bits


DIGITS = "0123456789０１２３４５６７８９"
NUMERALS = DIGITS + "〇○零一二三四五六七八九十两"  # characters a number before 年/月/日 may end with
SEPARATORS = "至到-—–~～－"  # characters a range's separator holds


def lexicon(kb: KnowledgeBase) -> Lexicon:
    """The date lexicon of ``kb`` (built once per knowledge base)."""
    return kb.derived("timeexpr.lexicon", _build)


@lru_cache(maxsize=1)
def _default_kb() -> KnowledgeBase:
    return KnowledgeBase()


def _full_date(s: str) -> tuple[int, int, int]:
    s = unicodedata.normalize("NFKC", s)
    nums = re.findall(r"[0-9]+|[〇零一二两三四五六七八九十]+", s)
    y, m, d = (cn_int(n) for n in nums[:3])
    return y, m, d


CLAUSE_END = re.compile(r"[，,。；;！？!?\n、]")
ORDINAL = re.compile(r"第[ \u3000]*[0-9０-９一二三四五六七八九十百]+[ \u3000]*[次届]")


def _year_role(text: str, end: int, lex: Lexicon) -> str:
    after = CLAUSE_END.split(text[end:end + 40], maxsplit=1)[0].lstrip(" \u3000")
    if not after:
        return "background"
    if ORDINAL.match(after):
        return "ordinal"
    if after.startswith("《"):
        return "title"
    if any(w in after for w in lex.of("themed_year")):
        return "themed"
    if any(w in after for w in lex.of("event_noun")):
        return "attached"
    return "other"


def _valid(e: DateExpr) -> bool:
    for y, m, d in ((e.year, e.month, e.day), (e.end_year, e.end_month, e.end_day)):
        if y is not None and not 1900 <= y <= 2100:
            return False
        if m is not None and not 1 <= m <= 12:
            return False
        if d is not None and not 1 <= d <= 31:
            return False
    return True


NUMBER_GROUPS = ("y", "m", "d", "y2", "m2", "d2")  # the groups of the patterns that hold a number


def _make(kind: str, m: re.Match[str], text: str, lex: Lexicon) -> DateExpr:
    g = m.groupdict()
    e = DateExpr(m.start(), m.end(), m.group(), kind)
    num = {k: cn_int(v) for k in NUMBER_GROUPS if (v := g.get(k))}
    e.part_of_day = lex.values.get(("part_of_day", g["pod"])) if g.get("pod") else None
    if kind == "anniversary":
        a1, a2 = g["a1"], g.get("a2")
        if re.search(r"[/月]", a1):
            e.year, e.month, e.day = _full_date(a1)
            e.end_year, e.end_month, e.end_day = _full_date(a2) if a2 else (None, None, None)
        else:
            e.year = cn_int(a1)
            e.end_year = cn_int(a2) if a2 else e.year
        e.start += len(m.group()) - len(m.group().lstrip(" \u3000"))
        return e
    if kind == "period":
        e.year, e.end_year = num.get("y"), num.get("y2")
        return e
    if kind == "year":
        if g.get("ry"):
            e.rel_year, e.year_role = int(lex.values.get(("relative_year", g["ry"]), "0")), "relative"
            return e
        e.year = num["y"]
        e.year_role = _year_role(text, m.end(), lex)
        return e
    if kind == "relative":
        e.relative = lex.values.get(("relative", g["rel"]))
        e.part_of_day = e.part_of_day or lex.relative_pod.get(g["rel"])
        return e
    e.year, e.month, e.day = num.get("y"), num.get("m"), num.get("d")
    if g.get("ry"):
        e.rel_year = int(lex.values.get(("relative_year", g["ry"]), "0"))
    if kind == "month":
        p = g.get("part") or g.get("part2")
        e.month_part = lex.values.get(("month_part", p)) if p else None
        if g.get("yp"):
            e.month, e.month_part = (1, "early") if g["yp"] == "初" else (12, "late")
    if kind in ("range", "day_range"):
        e.end_year, e.end_month, e.end_day = num.get("y2"), num.get("m2"), num.get("d2")
        if e.end_month is None:
            e.end_month = e.month
        wraps = e.end_month is not None and e.month is not None and e.end_month < e.month
        if e.end_year is None and e.year is not None:
            e.end_year = e.year + wraps
        elif e.year is None and e.end_year is not None:
            e.year = e.end_year - wraps
    if kind == "stamp":
        _stamp_span(e, m.group())
    if kind in ("day", "range", "dateline"):
        e.weekday = _weekday(text, m.start(), m.end(), lex)
    return e


def _stamp_span(e: DateExpr, written: str) -> None:
    """A numeric date: when it starts with the day or month (``03/05/2025``) both readings are kept as a span."""
    e.end_year = e.year
    e.end_month, e.end_day = e.month, e.day
    first = re.split(r"[/.]", written)[0]
    if len(first) <= 2 and e.day is not None and e.month is not None and e.day <= 12:
        (e.month, e.day), (e.end_month, e.end_day) = sorted([(e.month, e.day), (e.day, e.month)])


def _weekday(text: str, start: int, end: int, lex: Lexicon) -> int | None:
    """The weekday written right after the date (``7月22日（星期二）``) or right before a bracketed date
    (``星期二（7月22日）``)."""
    bracketed = start > 0 and text[start - 1] in "(（" and text[end:end + 1] in ")）"
    if not bracketed and lex.weekday.search(text, end, end + WEEKDAY_WINDOW) is None:
        return None
    after = text[end:end + WEEKDAY_WINDOW]
    before = text[max(0, start - WEEKDAY_WINDOW):start - 1].rstrip() if bracketed else ""
    for w in lex.of("weekday"):
        i = after.find(w)
        if 0 <= i <= 1 or (before and before.endswith(w)):
            return int(lex.values[("weekday", w)])
    return None


def parse_dates(text: str, kb: KnowledgeBase | None = None) -> list[DateExpr]:
    """All date expressions of ``text`` in order, event dates and non-event periods alike.

    Patterns are tried in priority order; a span claimed by an earlier pattern is
    not matched again, so ``2016-2021年`` is one period, not two years. A pattern
    runs only where the characters not yet claimed hold what it needs.
    """
    lex = lexicon(kb or _default_kb())
    found: list[DateExpr] = []
    for lo, hi in _windows(text, lex):
        window = text[lo:hi]
        claimed = bytearray(hi - lo)  # 1 where an expression was found
        have = _needs_met(lex, window)
        stale = False  # ``have`` may count claimed characters (it is then too large, never too small)
        for (kind, pat), needs in zip(lex.patterns, lex.needs, strict=True):
            if have & needs != needs:
                continue
            if stale:
                unclaimed = "".join(window[m.start():m.end()] for m in UNCLAIMED.finditer(claimed))
                have, stale = _needs_met(lex, unclaimed), False
                if have & needs != needs:
                    continue
            count = len(found)
            for m in pat.finditer(text, lo, hi):
                a, b = m.start() - lo, m.end() - lo
                if claimed.find(1, a, b) >= 0:
                    continue
                e = _make(kind, m, text, lex)
                if not _valid(e):
                    continue
                claimed[a:b] = b"\x01" * (b - a)
                found.append(e)
            stale = stale or len(found) > count
    found.sort(key=lambda e: e.start)
    return found


UNCLAIMED = re.compile(b"\x00+")


def _needs_met(lex: Lexicon, text: str) -> int:
    """The bits of :attr:`Lexicon.needs` that the characters of ``text`` cover."""
    have = 0
    for c in set(lex.need_chars.findall(text)):
        have |= lex.need_bits[c]
    return have


WINDOW = 12  # characters kept on each side of a trigger: more than any expression reaches beyond one
MERGE_GAP = 20  # windows closer than this are scanned as one (fewer regex calls)


def _windows(text: str, lex: Lexicon) -> list[tuple[int, int]]:
    """Disjoint stretches of ``text`` around the characters dates are written with (a fast pre-filter)."""
    spans: list[tuple[int, int]] = []
    for m in lex.trigger.finditer(text):
        lo, hi = max(0, m.start() - WINDOW), min(len(text), m.end() + WINDOW)
        if spans and lo <= spans[-1][1] + MERGE_GAP:
            spans[-1] = (spans[-1][0], hi)
        else:
            spans.append((lo, hi))
    return spans
