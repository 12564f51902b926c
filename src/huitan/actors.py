"""Actors: persons with their positions, rank and country; organisations; places.

Chinese news wraps a name in a chain of positions and a rank:
``越共中央政治局委员、中央军委副书记、国防部部长潘文江大将``. The rules here
find the name boundary with the lexicon (:mod:`huitan.lexicon`): a name starts
where the last title word ends and stops at a rank, a title, a boundary word
(a verb, a preposition) or punctuation. Foreign names are runs of characters
joined by ``·``; a Latin name in parentheses after a name is an alias. Later
short forms (``冯光青部长``, ``张主席``, ``绍伊古``, ``两位部长``, ``双方``) are
linked back to the full mention (:mod:`huitan.coref`).

Public API: :func:`extract_actors`.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import rjieba

from huitan import coref
from huitan.kb import KnowledgeBase
from huitan.lexicon import (
    CJK,
    CJK_RE,
    COUNTRY,
    END,
    KIND,
    START,
    WORD,
    Lexicon,
    Token,
    TokenIndex,
    lexicon,
    tokens,
)
from huitan.model import DocActors, Document, Mention, Person
from huitan.persons import cached_name_parts, names_match

# Characters a position chain is written in (the enumeration comma 、 joins positions).
CHAIN_CHAR_RE = re.compile(rf"[{CJK}0-9、]")
CHAIN_MAX = 80  # longest position chain looked at, in characters
QUALIFIER_MAX = 20  # how far before a title its country is looked for, in characters (_qualified)
SECTION_CACHE = 256  # section texts whose tokens and person spans are remembered
# the run of chain characters before a name, matched in the reversed text (at most CHAIN_MAX)
CHAIN_RUN_RE = re.compile(rf"[{CJK}0-9、]{{0,{CHAIN_MAX}}}")
CHAIN_SEP_RE = re.compile("[、兼]")
# jieba tags of words that precede a position without being part of it: verbs, prepositions, adverbs
LEADING_TAGS = frozenset("vpdcur")
VERB_TAGS = frozenset("vl")  # jieba tags of a verb or set phrase that no transliterated name contains
CJK_RUN_RE = re.compile(rf"[{CJK}]+")
NAME_MAX = 8  # longest name after a title, in characters (all transliteration characters)
REGNAL_MARK = "世"  # every regnal number ends in it (费利佩六世)
REGNAL_RE = re.compile(rf"[一二三四五六七八九十]{{1,3}}{REGNAL_MARK}")
# a name dot between two characters; the name around it is found by scanning outwards (a regex that
# starts at every character of a long run would take quadratic time)
DOT_AFTER_RE = re.compile(rf"[·•‧・．]\s?(?=[{CJK}])")  # a name dot and a space, before a character
RUN_AFTER_RE = re.compile(rf"[{CJK}\-－‐]{{1,16}}")
RUN_BEFORE_RE = re.compile(rf"[{CJK}\-－‐]{{1,16}}$")
DOTS = "·•‧・．"
NAME_SEPS = DOTS + "-－‐"
DOTS_SET = frozenset(DOTS)
LATIN_ALIAS_RE = re.compile(r"\s?[（(]\s?([A-ZÀ-Ỹ][A-Za-zÀ-ỹ .'’\-–]{1,60}?)\s?[)）]")
# what may follow a name: rank, title, honorific, a boundary word, a plural back-reference
END_KINDS = frozenset({"boundary", "title", "rank", "honorific", "backref", "org_word"})
# what may not start inside a name
INNER_KINDS = frozenset({"boundary", "title", "rank", "honorific", "backref", "org_word"})
UNCLEAN_KINDS = INNER_KINDS | {"country", "modifier"}  # what may not start inside a name candidate
DOT_CUT_KINDS = INNER_KINDS | {"country", "modifier", "place", "org"}  # what splits a run of dot names
CHAIN_STOP_KINDS = frozenset({"boundary", "rank", "honorific", "person", "backref"})
INNER_CONJ = frozenset({"与", "和"})
BYLINE_RE = re.compile(rf"记者\s?([{CJK}]{{2,3}})\s?(?:摄|[）)])")
OUTLET_BEFORE_RE = re.compile(rf"[{CJK}]{{1,6}}$")
# a delegation led by a person: the lead cue, then the delegation's name within one clause
DELEGATION_RE = re.compile(rf"[{CJK}]{{2,40}}?代表团")


@dataclass(slots=True)
class _Found:
    """Names found in one section: their ends (as a set and sorted) and the reversed text, in which
    the run of chain characters before a name is one regex match."""

    ends: set[int]
    sorted_ends: list[int]
    rev: str


@lru_cache(maxsize=4096)
def _tag(text: str) -> tuple[tuple[str, str], ...]:
    """jieba's (word, tag) pairs of a short text (memoised: names and chain heads repeat)."""
    return tuple(rjieba.tag(text))


@lru_cache(maxsize=4096)
def _cut(text: str) -> tuple[str, ...]:
    """jieba's words of a short text (memoised)."""
    return tuple(rjieba.cut(text))


@dataclass(slots=True)
class Span:
    """A person mention found in one section, before grouping into persons."""

    start: int  # chain start
    name_start: int
    name_end: int
    end: int  # after rank / alias
    name: str
    positions: list[str]
    pos_countries: list[str | None]
    rank: str | None = None
    alias: str | None = None
    byline: bool = False
    post: list[str] = field(default_factory=list)  # titles after the name (``习近平总书记、国家主席``)


# ------------------------------------------------------------------ names


def _ends_name(text: str, ti: TokenIndex, i: int) -> bool:
    """Whether a name may end right before offset ``i``."""
    if i >= len(text) or not CJK_RE.match(text[i]):
        return True
    t = ti.by_start.get(i)
    return t is not None and t[KIND] in END_KINDS


def _unclean_from(ti: TokenIndex, a: int, limit: int) -> int:
    """Start of the first word in ``[a, limit)`` that may not start inside a name beginning at ``a`` (a title,
    boundary, rank or country word; a one-character boundary word may: ``再``, ``之`` also write names),
    else ``limit``: ``[a, b)`` is a clean candidate when ``b`` is at most this."""
    for t in ti.starting_in(a, limit):
        if t[KIND] in UNCLEAN_KINDS and (t[START] == a or len(t[WORD]) > 1 or t[KIND] != "boundary"):
            return t[START]
    return limit


def _clean_candidate(ti: TokenIndex, a: int, b: int) -> bool:
    """No title, boundary, rank or country word starts inside ``[a, b)`` (a one-character boundary word
    may: ``再``, ``之`` also write names)."""
    return _unclean_from(ti, a, b) >= b


def _plausible(lex: Lexicon, name: str) -> bool:
    """A Chinese or Vietnamese name starts with a surname; a transliterated one uses transliteration characters."""
    return name[0] in lex.surnames or lex.translit.issuperset(name)


def _name_after(text: str, lex: Lexicon, ti: TokenIndex, e: int, title_start: int,
                listed: bool = False) -> int | None:
    """End of a name starting at ``e`` (right after a title), or None.

    A name has 2–4 characters, up to 8 when all are transliteration characters, plus a regnal number
    (``费利佩六世``). After a title of a country that writes names in kanji, any run of 2–4 characters
    without a lexicon word will do. ``listed``: the name follows another after ``、`` and must start
    with a surname.
    """
    t = ti.by_start.get(e)
    if t is not None and t[KIND] == "person":
        return t[END]
    run = CJK_RUN_RE.match(text, e, e + NAME_MAX)
    if run is None:
        return None
    # candidates [e, b) must lie in the run of characters and end before the first word that may not start
    # inside a name
    last = min(run.end(), _unclean_from(ti, e, run.end()))
    i = bisect_left(ti.starts, e)
    first_word = ti.starts[i] if i < len(ti.starts) else len(text)  # no word starts in [e, b) for b <= this
    # a regnal number ends in its mark, one to three characters after a candidate end: without one, none is tried
    regnal = text.find(REGNAL_MARK, e + 3, last + 4) >= 0
    for b in range(e + 2, last + 1):
        if b - e > 4 and not lex.translit.issuperset(text[e:b]):
            return None
        if regnal and (m := REGNAL_RE.match(text, b)):
            return m.end() if _plausible(lex, text[e:b]) else None
        if _ends_name(text, ti, b):
            if listed:
                return b if b - e <= 3 and text[e] in lex.surnames else None
            if _plausible(lex, text[e:b]) or (first_word >= b and _qualified(text, lex, ti, title_start)):
                return b
            return None
    return None


def _qualified(text: str, lex: Lexicon, ti: TokenIndex, title_start: int) -> bool:
    """Whether the position ending with the title at ``title_start`` names a country whose names are
    written in kanji (Japanese names start with surnames no Chinese list holds: 加野幸司)."""
    near = [t for t in ti.within(title_start - QUALIFIER_MAX, title_start)
            if t[KIND] == "country" and t[COUNTRY] in lex.kanji_countries]
    if not near:  # the common case: no such country just before the title
        return False
    j = title_start
    while j > 0 and CHAIN_CHAR_RE.match(text[j - 1]) and title_start - j < QUALIFIER_MAX:
        j -= 1
    return any(t[START] >= j for t in near)


def _starts_name(text: str, ti: TokenIndex, i: int, taken: set[int]) -> bool:
    """Whether a name may start at offset ``i`` (after a boundary)."""
    if i == 0 or not CJK_RE.match(text[i - 1]) or i in taken:
        return True
    t = ti.by_end.get(i)
    return t is not None and t[KIND] in ("boundary", "title", "rank", "honorific")


def _name_before(text: str, lex: Lexicon, ti: TokenIndex, s: int, taken: set[int]) -> int | None:
    """Start of a 2–3 character name (4 with a Vietnamese middle name) ending at ``s`` (right before a
    short title or rank), or None."""
    t = ti.by_end.get(s)
    if t is not None and t[KIND] == "person":
        return t[START]
    for k in (3, 2, 4):
        a = s - k
        if a < 0 or not CJK_RUN_RE.fullmatch(text, a, s):
            continue
        if k == 4 and text[a + 1] != lex.name_marker[0][1:2]:  # four characters: 裴氏明怀
            continue
        if not _clean_candidate(ti, a, s) or ti.by_start.get(a) is not None and ti.by_start[a][END] > s:
            continue
        if _starts_name(text, ti, a, taken) and _plausible(lex, text[a:s]):
            return a
    return None


def _vi_names(text: str, lex: Lexicon) -> Iterator[re.Match[str]]:
    """The matches of ``lex.vi_name_re`` in ``text`` (as ``finditer`` gives them), tried only before a middle
    character (氏, 文): a pattern that starts with the surnames' set is tried at every offset."""
    middles = sorted(i for c in lex.vi_middles for i in _offsets(text, c) if i > 0)
    end = 0
    for i in middles:
        if i - 1 >= end and (m := lex.vi_name_re.match(text, i - 1)):
            end = m.end()
            yield m


def _offsets(text: str, c: str) -> Iterator[int]:
    """Offsets of the character ``c`` in ``text``."""
    i = text.find(c)
    while i >= 0:
        yield i
        i = text.find(c, i + 1)


def _dot_runs(text: str) -> list[tuple[int, int]]:
    """Spans of character runs joined by name dots (``穆罕默德·萨拉赫·埃尔丁``)."""
    runs: list[tuple[int, int]] = []
    if not any(map(text.__contains__, DOTS)):
        return runs
    for a, b in _name_dots(text):
        after = RUN_AFTER_RE.match(text, b)
        end = after.end() if after else b
        if runs and runs[-1][1] >= a:
            runs[-1] = (runs[-1][0], end)
            continue
        before = RUN_BEFORE_RE.search(text, max(0, a - 16), a)
        runs.append((before.start() if before else a, end))
    return runs


def _name_dots(text: str) -> Iterator[tuple[int, int]]:
    r"""Spans of name dots between two characters, a space on either side included: the matches of
    ``(?<=[CJK])\s?[·•‧・．]\s?(?=[CJK])``, searched from the dots (a pattern that starts with a
    look-behind is tried at every offset)."""
    for m in DOT_AFTER_RE.finditer(text):
        a = m.start()
        if a > 0 and CJK_RE.match(text, a - 1):
            yield a, m.end()
        elif a > 1 and text[a - 1].isspace() and CJK_RE.match(text, a - 2):
            yield a - 1, m.end()


def _dot_names(text: str, lex: Lexicon, ti: TokenIndex, a: int, b: int) -> list[tuple[int, int]]:
    """Foreign ``·`` names in the run ``[a, b)``: split at title, rank and boundary words."""
    cuts = [a]
    # a regnal number before a name dot belongs to the name (阿卜杜拉二世·伊本·侯赛因), not a numeral word
    regnal: list[tuple[int, int]] = []
    if text.find(REGNAL_MARK, a, b) >= 0:
        regnal = [(m.start(), m.end()) for m in REGNAL_RE.finditer(text, a, b) if text[m.end():m.end() + 1] in DOTS]
    for t in ti.within(a, b):
        if t[KIND] in DOT_CUT_KINDS and not (regnal and any(s <= t[START] < e for s, e in regnal)):
            cuts += [t[START], t[END]]
    cuts.append(b)
    out = []
    for x, y in zip(cuts[::2], cuts[1::2], strict=False):
        before = ti.by_end.get(x)
        if text[x:x + 1] in DOTS and before is not None and before[KIND] == "honorific":
            x += 1  # an honorific joined to the name by a dot (谢赫·哈立德·本·哈利法): the name starts after it
        piece = text[x:y]
        if DOTS_SET.isdisjoint(piece):
            continue
        dots = [i for i, c in enumerate(piece) if c in NAME_SEPS]
        if dots[0] == 0 or dots[-1] >= len(piece) - 1 or not CJK_RE.match(piece[-1]):
            continue
        first = piece[: dots[0]]
        regnal_m = REGNAL_RE.search(first)
        bare = first[: regnal_m.start()] if regnal_m and regnal_m.end() == len(first) else first  # 阿卜杜拉二世·…
        if dots[0] > 4 and not all(c in lex.translit for c in bare):
            # a long first part with words that are not transliterations: keep its last word
            words = _cut(first)
            keep = words[-1] if len(words[-1]) >= 2 else "".join(words[-2:])
            x += dots[0] - len(keep)
        last = piece[dots[-1] + 1:]
        if len(last) > 4:
            # a long last part running into the sentence (…勒德里昂检阅仪仗队): cut before its first verb
            k = 0
            for word, tag in _tag(last):
                if k >= 2 and len(word) >= 2 and tag[:1] in VERB_TAGS:
                    y -= len(last) - k
                    break
                k += len(word)
        out.append((x, y))
    return out


# ------------------------------------------------------------------ chains


def _chain_floor(rev: str, i: int) -> int:
    """Where a chain ending at ``i`` may start at the earliest: after the last character before ``i`` a chain
    cannot hold, at most CHAIN_MAX back (one match in the reversed text ``rev``)."""
    run = CHAIN_RUN_RE.match(rev, len(rev) - i)  # always matches, perhaps empty
    return i - (run.end() - run.start() if run else 0)


def _chain(text: str, ti: TokenIndex, name_start: int, found: _Found) -> tuple[int, list[tuple[int, int]]]:
    """Chain start and position spans of the title chain ending at ``name_start``.

    An honorific (``拿督``, ``谢赫·``) or a colon may stand between the last title and the name.
    """
    by_start, by_end = ti.by_start, ti.by_end
    end = name_start
    before_dot = by_end.get(end - 1) if end > 0 and text[end - 1] in DOTS else None
    if before_dot is not None and before_dot[KIND] == "honorific":
        end -= 1  # 谢赫·哈立德
    t = by_end.get(end)
    if t is not None and t[KIND] == "honorific":
        end = t[START]
        t = by_end.get(end)
    elif end > 0 and text[end - 1] in ":：":
        end -= 1
        t = by_end.get(end)
    if t is None or t[KIND] != "title":
        return name_start, []
    name_start = end
    j = _chain_floor(found.rev, name_start)
    k = bisect_right(found.sorted_ends, name_start) - 1  # and after the last name before it
    if k >= 0 and found.sorted_ends[k] > j:
        j = found.sorted_ends[k]
    name_ends = found.ends
    for tk in reversed(ti.within(j, name_start)):
        if tk[KIND] not in CHAIN_STOP_KINDS:
            continue
        if tk[WORD] in INNER_CONJ and by_end.get(tk[START]) is None and tk[START] not in name_ends \
                and tk[START] > j and ((after := by_start.get(tk[END])) is None or after[KIND] != "country"):
            continue  # 与/和 inside a body's name (中央宣教与民运部)
        j = tk[END]
        if tk[KIND] == "boundary" and name_start - j <= CHAIN_MAX:
            j = _body_start(text, ti, tk, j, name_start)
        break
    # split into elements at 、 and 兼
    elems: list[tuple[int, int]] = []
    s = j
    for m in CHAIN_SEP_RE.finditer(text, j, name_start):
        i = m.start()
        if text[i] == "、" or by_start.get(i) is None:
            elems.append((s, i))
            s = i + 1
    elems.append((s, name_start))
    # keep the trailing run of elements that end with a title word
    kept: list[tuple[int, int]] = []
    for a, b in reversed(elems):
        et = by_end.get(b)
        if b - a < 2 or et is None or et[KIND] != "title" or et[START] < a:
            break
        kept.append((a, b))
    kept.reverse()
    if kept:  # words before the first position that are not part of it (符合, 支持)
        a, b = kept[0]
        first = by_start.get(a)
        if first is None or first[KIND] not in ("country", "org", "place", "title", "org_word"):
            for word, tag in _tag(text[a:b]):
                if tag[:1] not in LEADING_TAGS or a + len(word) >= b:
                    break
                a += len(word)
            kept[0] = (a, b)
    # positions joined by nothing: a title word directly followed by a country or party prefix
    out: list[tuple[int, int]] = []
    for a, b in kept:
        cut = a
        for tk in ti.within(a, b):
            if tk[KIND] != "title" or tk[END] >= b:
                continue
            nxt = by_start.get(tk[END])
            if nxt is not None and nxt[KIND] == "country":
                out.append((cut, tk[END]))
                cut = tk[END]
        out.append((cut, b))
    return (out[0][0] if out else name_start), out


def _body_start(text: str, ti: TokenIndex, verb: Token, j: int, name_start: int) -> int:
    """Start of a chain whose body's name holds a verb (``中国海军远航访问编队指挥员``): the verb stands
    between a country-led run and the title with no other word on either side, at a clause start."""
    first = ti.starting_in(j, name_start)
    if not first or first[0][KIND] != "title" or ti.starting_in(verb[END], first[0][START]) or \
            not CJK_RUN_RE.fullmatch(text, verb[END], first[0][START]):
        return j
    head = ti.by_end.get(verb[START])
    k = verb[START]
    while head is None and k > 0 and CJK_RE.match(text[k - 1]) and verb[START] - k < 6:
        k -= 1
        head = ti.by_end.get(k)
    if head is None or head[KIND] != "country" or ti.starting_in(head[END], verb[START]):
        return j
    # at a clause start: after punctuation, a boundary word, or one lone character (当中国海军…)
    at = head[START]
    for _ in range(2):
        before = ti.by_end.get(at)
        if at == 0 or not CJK_RE.match(text[at - 1]) or (before is not None and before[KIND] == "boundary"):
            return head[START]
        if before is not None:
            return j
        at -= 1
    return j


def _position_text(text: str, ti: TokenIndex, a: int, b: int) -> str:
    """A position as written, without modifiers such as ``新任``."""
    if "modifier" not in ti.by_kind:
        return text[a:b]
    mods = [t for t in ti.within(a, b) if t[KIND] == "modifier"]
    if not mods:
        return text[a:b]
    out, i = [], a
    for t in mods:
        out.append(text[i:t[START]])
        i = t[END]
    out.append(text[i:b])
    return "".join(out)


def position_country(ti: TokenIndex, text: str, a: int, b: int) -> str | None:
    """Country of one written position: the first country, party, place or known body in it.

    A body after ``驻`` is the host, not the sender (``中国驻越南大使`` → CHN).
    """
    for t in ti.within(a, b):
        if t[KIND] in ("country", "place", "org") and t[COUNTRY]:
            if t[START] > a and text[t[START] - 1] == "驻":
                continue
            return t[COUNTRY]
    return None


# ------------------------------------------------------------------ spans


def _spans(text: str, lex: Lexicon, ti: TokenIndex) -> list[Span]:
    """Person mentions with their chains in one section text."""
    names: dict[int, int] = {}  # name start -> end
    claimed: list[tuple[int, int]] = []  # the same, sorted (names do not overlap)

    def claim(a: int, b: int) -> None:
        if b - a < 2:
            return
        k = bisect_left(claimed, (b,)) - 1  # the last name starting before b: only it can overlap
        if k >= 0 and claimed[k][1] > a:
            return
        names[a] = b
        insort(claimed, (a, b))

    for a, b in _dot_runs(text):
        for x, y in _dot_names(text, lex, ti, a, b):
            claim(x, y)
    for t in ti.of_kind("person"):
        claim(t[START], t[END])
    by_start, by_end = ti.by_start, ti.by_end
    for t in ti.of_kind("title"):
        before = by_end.get(t[START])
        nxt = by_start.get(t[END])
        if nxt is not None and nxt[KIND] in UNCLEAN_KINDS:
            continue  # a word no name starts with follows the title (another title, a verb)
        if t[END] not in names and (before is None or before[KIND] != "backref"):
            after = _name_after(text, lex, ti, t[END], t[START])
            if after is not None:
                claim(t[END], after)
    marker = lex.name_marker[0][:1]
    for m in _vi_names(text, lex):
        a = m.start()
        if text[a] != marker and not _starts_name(text, ti, a, set()):
            continue
        for b in sorted({m.end(), a + 3}, reverse=True):
            if b <= m.end() and _ends_name(text, ti, b) and _clean_candidate(ti, a, b):
                claim(a, b)
                break
    # a name listed after a found one (阮文戴、黎忠科两名嫌犯)
    for b in sorted(names.values()):
        while text[b:b + 1] == "、":
            nb = _name_after(text, lex, ti, b + 1, -1, listed=True)
            if nb is None or (b + 1) in names:
                break
            claim(b + 1, nb)
            b = nb
    taken = set(names.values())
    for t in ti.of_kind("rank", "title", "honorific"):
        if t[KIND] == "rank" or t[WORD] in lex.short_titles:
            if t[START] in taken or t[END] in names:
                continue
            begin = _name_before(text, lex, ti, t[START], taken)
            if begin is not None:
                claim(begin, t[START])
                taken.add(t[START])
    if not claimed:
        return _bylines(text, names)
    found = _Found(set(names.values()), sorted(names.values()), text[::-1])
    spans = []
    for a, b in claimed:
        start, pos = _chain(text, ti, a, found)
        end, rank, alias, post_titles = b, None, None, []
        post = ti.by_start.get(b)
        while post is not None and post[KIND] == "title":
            post_titles.append(post[WORD])
            end = post[END]
            post = ti.by_start.get(end + 1) if text[end:end + 1] == "、" else None
        for _ in range(2):
            rt = ti.by_start.get(end)
            if rank is None and rt is not None and rt[KIND] == "rank":
                rank, end = rt[WORD], rt[END]
                continue
            if alias is None and ("(" in text[end:end + 2] or "（" in text[end:end + 2]):  # cheap test first
                am = LATIN_ALIAS_RE.match(text, end)
                if am:
                    alias, end = am.group(1).strip(), am.end()
        spans.append(Span(start, a, b, end, text[a:b], [_position_text(text, ti, x, y) for x, y in pos],
                          [position_country(ti, text, x, y) for x, y in pos], rank, alias, post=post_titles))
    _envoy_chains(text, lex, ti, spans, found)
    spans.extend(_bylines(text, names))
    return spans


def _envoy_chains(text: str, lex: Lexicon, ti: TokenIndex, spans: list[Span], found: _Found) -> None:
    """An envoy's positions listed before the principal (``外交部长、苏林总书记特使黎怀忠``) are the envoy's."""
    by_name_end = {s.name_end: s for s in spans}
    for y in spans:
        x = by_name_end.get(y.start)
        if x is None or x.positions or not y.positions or x.name_start < 1 or text[x.name_start - 1] != "、":
            continue
        last = ti.by_end.get(y.name_start)
        if last is None or last[WORD] not in lex.envoy_titles:
            continue
        start, pos = _chain(text, ti, x.name_start - 1, found)
        if pos:
            y.start = start
            y.positions = [_position_text(text, ti, a, b) for a, b in pos] + [text[x.name_start:y.name_start]]
            y.pos_countries = [position_country(ti, text, a, b) for a, b in pos] + [None]


def _bylines(text: str, names: dict[int, int]) -> list[Span]:
    """Reporter bylines (``越通社记者 林庆 摄``): persons whose only position is the byline."""
    out = []
    for m in BYLINE_RE.finditer(text):
        a, b = m.span(1)
        if a in names:
            continue
        outlet = OUTLET_BEFORE_RE.search(text, max(0, m.start() - 6), m.start())
        start = outlet.start() if outlet else m.start()
        out.append(Span(start, a, b, b, m.group(1), [text[start:m.start()] + "记者"], [None], byline=True))
    return out


# ------------------------------------------------------------------ persons


def _merge_into(p: Person, s: Span, positions: bool = True) -> None:
    if positions:
        p.positions = list(dict.fromkeys(s.positions))
    if s.rank and not p.rank:
        p.rank = s.rank
    for alias in (s.name, s.alias):
        if alias and alias != p.name and alias not in p.aliases:
            p.aliases.append(alias)
    # the fuller ``·`` form names the person
    if DOTS[0] in s.name and s.name.count("·") > p.name.count("·") and p.name.count("·") == 0:
        p.aliases.append(p.name)
        p.name = s.name
        p.aliases.remove(s.name)


def _span_country(s: Span) -> str | None:
    return next(filter(None, s.pos_countries), None)


_names_match = lru_cache(maxsize=8192)(names_match)


def _group(spans: list[tuple[str, Span]]) -> tuple[list[Person], list[int]]:
    """Persons of a document from its spans (same key and compatible country); span → person index."""
    persons: list[Person] = []
    index: dict[str, list[int]] = {}
    owner = []
    for section, s in spans:
        parts = cached_name_parts(s.name)
        first, last = parts[0], parts[-1]
        c = _span_country(s)
        found = None
        # persons sharing the first or the last part (each listed once per part), in order of indexing
        cands = index.get(first, ()) if first == last else \
            dict.fromkeys(index.get(first, []) + index.get(last, []))
        for i in cands:
            q = persons[i]
            if (c is None or q.country is None or q.country == c) and (
                    _names_match(s.name, q.name) or any(_names_match(s.name, n) for n in q.aliases)):
                found = i
                break
        if found is None:
            persons.append(Person(name=s.name, country=c))
            found = len(persons) - 1
        for part in (first,) if first == last else (first, last):
            listed = index.setdefault(part, [])
            if found not in listed:
                listed.append(found)
        p = persons[found]
        if p.country is None:
            p.country = c
        # the fullest chain names the person's positions; a headline's shortened chain counts only
        # for a person the body gives none
        fuller = len(s.positions) > len(p.positions) and (section != "title" or not p.positions)
        _merge_into(p, s, positions=fuller)
        owner.append(found)
    # a person never named with a chain keeps the titles written after the name
    post: dict[int, list[str]] = {}
    for (_, s), o in zip(spans, owner, strict=True):
        if s.post and not persons[o].positions:
            post.setdefault(o, []).extend(s.post)
    for o, titles in post.items():
        persons[o].positions = list(dict.fromkeys(titles))
    return persons, owner


def _outlet_countries(kb: KnowledgeBase) -> dict[str, str]:
    """Outlet name or alias → the country of the first outlet listed with it that has one."""
    try:
        from huitan.page import OUTLET_SCHEMA
    except ImportError:  # pragma: no cover - page ships with the package
        return {}
    out: dict[str, str] = {}
    for o in kb.table(OUTLET_SCHEMA):
        if o.get("country"):
            for name in [o["name"], *(o.get("aliases") or [])]:
                out.setdefault(name, o["country"])
    return out


def _home_country(doc: Document, kb: KnowledgeBase, lex: Lexicon, toks: list[TokenIndex]) -> str | None:
    """The country a document is written from: its outlet's, else the first country of the title, else the
    most named country.

    ``toks`` starts with the title's tokens.
    """
    outlet = doc.outlet or (doc.dateline or {}).get("outlet")
    if outlet:
        country = kb.derived("actors.outlet_countries", _outlet_countries).get(outlet)
        if country:
            return country
    if doc.title:
        first = next((t for t in toks[0].of_kind("country") if t[COUNTRY]), None)
        if first is not None:
            return first[COUNTRY]
    counts: dict[str, int] = {}
    for ti in toks:
        for t in ti.of_kind("country"):
            if t[COUNTRY]:
                counts[t[COUNTRY]] = counts.get(t[COUNTRY], 0) + 1
    return max(counts, key=lambda c: counts[c]) if counts else None


def _led_country(ti: TokenIndex, text: str, a: int) -> str | None:
    """Country of the delegation a lead cue at ``a`` introduces (``为首的美国国防政策对话代表团``)."""
    m = DELEGATION_RE.match(text, a)
    if m is None:
        return None
    first = next((t for t in ti.within(a, m.end()) if t[KIND] == "country" and t[COUNTRY]), None)
    return first[COUNTRY] if first is not None else None


def _fill_countries(lex: Lexicon, persons: list[Person], spans: list[tuple[str, Span]], owner: list[int],
                    texts: dict[str, str], mentions: list[Mention], tis: dict[str, TokenIndex]) -> None:
    """Countries from led delegations and from a coordinated neighbour (``A国X和Y``)."""
    orgs_by_section: dict[str, list[Mention]] = {}
    for m in mentions:
        if m.kind == "organization" and m.country:
            orgs_by_section.setdefault(m.section, []).append(m)
    for (section, s), i in zip(spans, owner, strict=True):
        p = persons[i]
        if p.country:
            continue
        text = texts[section]
        end = s.end
        hon = tis[section].by_start.get(end)
        if hon is not None and hon[KIND] == "honorific":  # 茜怀特女士为首的…
            end = hon[END]
        tail = text[end:end + 4]
        if tail.startswith(lex.lead_cues):
            for o in orgs_by_section.get(section, []):
                if end < o.end <= end + 40 and o.name.endswith("代表团"):
                    p.country = o.country
                    break
            else:
                p.country = _led_country(tis[section], text, end)
    prev: tuple[str, Span, int] | None = None
    for (section, s), i in zip(spans, owner, strict=True):
        p = persons[i]
        if p.country is None and prev is not None and prev[0] == section and not s.byline:
            gap = texts[section][prev[1].end:s.start]
            if gap in ("和", "及", "、", "以及") and persons[prev[2]].country:
                p.country = persons[prev[2]].country
        prev = (section, s, i)


def _latin_country(lex: Lexicon, persons: list[Person]) -> None:
    """Country from a Latin-script alias whose family name is typical of one country (``Nguyen Minh Vu``),
    or from a name whose surname or middle name marks it (阮, 氏: Vietnamese)."""
    marks, marked = lex.name_marker
    for p in persons:
        if p.country is None and marks and 3 <= len(p.name) <= 4 and (
                p.name[0] == marks[0] or p.name[1] == marks[1:2]):
            p.country = marked
        if p.country is None:
            for alias in p.aliases:
                first = alias.split()[0] if alias.split() else ""
                if first in lex.latin_surnames:
                    p.country = lex.latin_surnames[first]
                    break


def _home_fallback(persons: list[Person], home: str | None, toks: list[TokenIndex]) -> None:
    """A Chinese-script name with no other clue belongs to the country the document is written from;
    a foreign ``·`` name to the foreign country the document names most."""
    foreign: list[str | None] = []  # counted when first needed

    def most_named() -> str | None:
        if not foreign:
            counts: dict[str, int] = {}
            for ti in toks:
                for t in ti.of_kind("country"):
                    if t[COUNTRY] and t[COUNTRY] != home:
                        counts[t[COUNTRY]] = counts.get(t[COUNTRY], 0) + 1
            foreign.append(max(counts, key=lambda c: counts[c]) if counts else None)
        return foreign[0]

    for p in persons:
        if p.country is not None:
            continue
        if not DOTS_SET.isdisjoint(p.name):
            p.country = most_named()
        elif home and len(p.name) <= 4:
            p.country = home


def _link_kb(kb: KnowledgeBase, persons: list[Person]) -> None:
    """Knowledge-base id and, when the text gives none, country of each person.

    The entry must carry the name (or an alias) and the country, and, when the written positions
    denote known offices, have held one of them: a namesake in another office stays unlinked.
    """
    for p in persons:
        if p.positions and all(pos.endswith("记者") for pos in p.positions):
            continue  # a reporter's byline
        found = _kb_entry(kb, p.name, tuple(p.aliases), p.country, tuple(p.positions))
        if found is not None:
            p.kb_id = found[0]
            p.country = p.country or found[1]


@lru_cache(maxsize=8192)
def _kb_entry(kb: KnowledgeBase, name: str, aliases: tuple[str, ...], country: str | None,
              positions: tuple[str, ...]) -> tuple[str, str | None] | None:
    """Id and country of the one knowledge-base entry a person's name, country and positions denote."""
    from huitan import officeholders

    cands: list[dict] = []
    for n in (name, *aliases):
        cands = officeholders.lookup(kb, n, country) or (officeholders.lookup(kb, n) if country is None else [])
        if cands:
            break
    roles = set().union(*(officeholders.roles_of(kb, pos) for pos in positions))
    if roles:
        cands = [c for c in cands if roles & {x["role"] for x in c.get("positions", [])}]
    if cands and len({c["id"] for c in cands}) == 1:
        return cands[0]["id"], cands[0].get("country")
    return None


def _set_names(kb: KnowledgeBase, persons: list[Person]) -> None:
    """``vi``/``en``/``pinyin`` names of each person (:mod:`huitan.names`)."""
    try:
        from huitan import names as names_mod
    except ImportError:  # pragma: no cover - names ships with the package
        return
    cache: dict[tuple[str, str | None, tuple[str, ...]], dict[str, str | None]] = kb.derived(
        "actors.names", lambda _kb: {})
    for p in persons:
        if not p.names:
            key = (p.name, p.country, tuple(p.aliases))
            if key not in cache:
                cache[key] = names_mod.names_for(kb, p.name, p.country, aliases=key[2])
            p.names = dict(cache[key])


# ------------------------------------------------------------------ entry point


def is_reporter(lex: Lexicon, p: Person) -> bool:
    """Whether every written position of ``p`` is a reporter's (ends in a press title: 记者, 通讯员)."""
    return bool(p.positions) and all(pos.endswith(lex.press_titles) for pos in p.positions)


def _without_principals(texts: dict[str, str], tis: dict[str, TokenIndex], lex: Lexicon,
                        mentions: list[Mention]) -> list[Mention]:
    """Person mentions without the principal of an envoy (``苏林总书记特使黎怀忠``, ``X的特使Y``).

    The envoy Y acts; X, named only to say whom Y represents, gets no person mention there.
    """
    drop: set[int] = set()
    for sec, ti in tis.items():
        envoys = [t for t in ti.of_kind("title") if t[WORD] in lex.envoy_titles]
        if not envoys:
            continue
        text = texts[sec]
        people = [m for m in mentions if m.section == sec and m.kind == "person" and m.entity is not None]
        for t in envoys:
            heads = [m for m in people if m.start <= t[START] and text.find(m.name, m.start) >= t[END]
                     or t[END] <= m.start <= t[END] + 1]
            if not heads:
                continue
            y = heads[0].entity
            drop.update(id(m) for m in people if m.entity != y and m.start < t[START]
                        and t[START] - 1 <= m.end and text[m.end:t[START]] in ("", "的"))
    return [m for m in mentions if id(m) not in drop]


def _sections(doc: Document) -> list[str]:
    out = ["title", doc.body_section]
    if doc.captions:
        out.append("caption")
    return out


def _section(kb: KnowledgeBase, lex: Lexicon, text: str) -> tuple[TokenIndex, list[Span]]:
    """Tokens and person spans of one section text (read only), remembered for the last SECTION_CACHE texts:
    a page's documents repeat its title and captions."""
    cache: OrderedDict[str, tuple[TokenIndex, list[Span]]] = kb.derived("actors.sections", lambda _kb: OrderedDict())
    hit = cache.get(text)
    if hit is not None:
        cache.move_to_end(text)
        return hit
    ti = tokens(lex, text)
    hit = cache[text] = (ti, _spans(text, lex, ti))
    if len(cache) > SECTION_CACHE:
        cache.popitem(last=False)
    return hit


def extract_actors(doc: Document, kb: KnowledgeBase) -> DocActors:
    """Persons, organisations, places and countries mentioned in ``doc``.

    Mentions carry offsets into :meth:`Document.section_text`; person mentions
    point at their person through ``entity``. Bylines (``越通社记者 林庆 摄``)
    are persons whose only position ends in ``记者``; reporters have no person mention (no actor).
    """
    lex = lexicon(kb)
    texts = {sec: doc.section_text(sec) for sec in _sections(doc)}
    found = {sec: _section(kb, lex, t) for sec, t in texts.items()}
    tis = {sec: ti for sec, (ti, _) in found.items()}
    spans: list[tuple[str, Span]] = []
    for sec in (doc.body_section, "title", "caption"):
        if sec in texts:
            spans.extend((sec, s) for s in found[sec][1])
    persons, owner = _group(spans)
    other: list[Mention] = []
    for sec, text in texts.items():
        other.extend(coref.orgs_and_places(text, sec, lex, tis[sec], {s.start: s.end for s in found[sec][1]}))
    home = _home_country(doc, kb, lex, [tis["title"], *(ti for sec, ti in tis.items() if sec != "title")])
    _fill_countries(lex, persons, spans, owner, texts, other, tis)
    _link_kb(kb, persons)
    _latin_country(lex, persons)
    _home_fallback(persons, home, list(tis.values()))
    _set_names(kb, persons)
    mentions = [
        Mention(kind="person", name=s.name, text=texts[sec][s.start:s.end], section=sec, start=s.start, end=s.end,
                positions=list(s.positions), rank=s.rank, country=persons[i].country,
                aliases=[s.alias] if s.alias else [], entity=i)
        for (sec, s), i in zip(spans, owner, strict=True)
    ]
    mentions.extend(coref.back_references(texts, tis, lex, persons, mentions))
    # a reporter (特约记者X报道, 越通社记者 X 摄) stays a person of the document but is no one's actor
    press = {i for i, p in enumerate(persons) if is_reporter(lex, p)}
    mentions = [m for m in mentions if m.entity not in press or m.kind != "person"]
    mentions = _without_principals(texts, tis, lex, mentions)
    mentions.extend(other)
    mentions.sort(key=lambda m: (m.section != "title", m.section, m.start, m.end))
    return DocActors(persons=persons, mentions=mentions)
