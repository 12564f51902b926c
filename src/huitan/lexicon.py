"""The actor lexicon: countries, titles, ranks, organisations and places as one automaton.

Tables (``data/*.jsonl``, each entry with a ``source``):

* ``countries`` — ISO alpha-3 code, Chinese names, short forms (``越``, ``中方``),
  party/army/state prefixes (``越共``, ``解放军``) and the capital;
* ``titles`` — position title words (``部长``, ``国家主席``), words that contain a
  title but are not one (``委员会``, ``主席府``), honorifics, name boundaries
  (verbs, prepositions) and plural back-reference words (``两位``, ``双方``);
* ``ranks`` — military and police ranks (``大将``, ``少将``);
* ``organizations`` — known organisations with their country, and generic
  organisation suffixes (``部``, ``委员会``, ``代表团``);
* ``places`` — provinces, cities and venues with their country.

:func:`lexicon` builds, once per knowledge base, one leftmost-longest
Aho-Corasick automaton over all of these words plus the knowledge base's
person names, and :func:`tokens` runs it over a text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain, compress
from operator import itemgetter
from typing import Any, Final

import ahocorasick_rs

from huitan.kb import KnowledgeBase, Schema, check_country

TITLE_KINDS = ("title", "org_word", "honorific", "boundary", "backref", "modifier", "lead")


def _one_of(values: tuple[str, ...]):
    def check(value: Any) -> str | None:
        return None if value in values else f"must be one of {', '.join(values)}: {value!r}"

    return check


def _str_list(value: Any) -> str | None:
    if value is not None and not all(isinstance(v, str) and v for v in value):
        return "must be a list of non-empty strings"
    return None


COUNTRY_SCHEMA = Schema(
    name="countries",
    required={"code": str, "names": list},
    optional={"short": list, "prefixes": list, "capital": str, "kanji_names": bool},
    checks={"code": check_country, "names": _str_list, "short": _str_list, "prefixes": _str_list},
    key="code",
)
TITLE_SCHEMA = Schema(
    name="titles",
    required={"word": str, "kind": str},
    optional={"short": bool, "press": bool, "envoy": bool},
    checks={"kind": _one_of(TITLE_KINDS)},
    key="word",
)
RANK_SCHEMA = Schema(name="ranks", required={"word": str}, optional={"en": str, "vi": str}, key="word")
ORG_SCHEMA = Schema(
    name="organizations",
    required={"name": str, "kind": str},
    optional={"country": str, "aliases": list},
    checks={"kind": _one_of(("org", "suffix")), "country": check_country, "aliases": _str_list},
    key="name",
)
NAME_CHARS_SCHEMA = Schema(
    name="name_chars",
    required={"kind": str, "chars": str},
    optional={"country": str},
    checks={"kind": _one_of(("surname", "surname_vi", "transliteration", "latin_surname", "country_marker",
                                       "vi_middle")),
            "country": check_country},
    key="kind",
)
PLACE_SCHEMA = Schema(
    name="places",
    required={"name": str, "country": str, "kind": str},
    optional={"aliases": list},
    checks={"kind": _one_of(("province", "city", "venue", "region")), "country": check_country,
            "aliases": _str_list},
    key="name",
)

# Token kinds, in the order a word's kind is chosen when several tables list it.
PRIORITY = ("rank", "title", "place", "org_word", "honorific", "backref", "modifier", "country", "org",
            "person", "boundary")
CJK = "\u3400-\u9fff\uf900-\ufaff"
CJK_RE = re.compile(f"[{CJK}]")


# A token is a plain tuple (start, end, kind, word, country), read with the index names below: tokens()
# makes them in C, and as they hold only strings and numbers the garbage collector soon stops tracking them.
Token = tuple[int, int, str, str, str | None]
START: Final = 0
END: Final = 1
KIND: Final = 2
WORD: Final = 3
COUNTRY: Final = 4


@dataclass
class Lexicon:
    """Everything the actor rules look up, built once per knowledge base."""

    automaton: Any
    words: list[str]
    kinds: list[str]
    countries: list[str | None]
    short_titles: frozenset[str]
    lead_cues: tuple[str, ...]  # words after a delegation's leader (率领的, 为首的)
    surnames: frozenset[str]  # characters that start Chinese and Vietnamese names
    translit: frozenset[str]  # characters of transliterated foreign names
    latin_surnames: dict[str, str]  # family names in Latin script → country (Nguyen → VNM)
    name_marker: tuple[str, str | None]  # (surname, middle-name character) marking one country's names
    kanji_countries: frozenset[str]  # countries whose names are written in kanji, not Chinese surnames
    vi_name_re: re.Pattern[str]  # Vietnamese names with a middle 氏 or 文 (裴氏明怀, 阮文年)
    vi_middles: str  # the middle characters those names have second (氏, 文)
    country_names: dict[str, str]  # every written country form → code
    pair_shorts: dict[str, str]  # one-character short forms (越, 中) → code
    suffixes: dict[str, tuple[str, ...]]  # organisation suffixes (部, 委员会) by their last character
    prefixes: frozenset[str] = frozenset()  # party, army and state-body prefixes (越共, 解放军)
    rank_en: dict[str, str] = field(default_factory=dict)
    press_titles: tuple[str, ...] = ()  # a position ending in one is a reporter's (记者, 通讯员)
    envoy_titles: frozenset[str] = frozenset()  # X特使Y: Y acts for X (特使)
    listed: list[bool] = field(default_factory=list)  # per word: whether its tokens are listed by kind


def _build(kb: KnowledgeBase) -> Lexicon:
    entries: dict[str, tuple[str, str | None]] = {}

    def add(word: str, kind: str, country: str | None = None) -> None:
        old = entries.get(word)
        if old is None or PRIORITY.index(kind) < PRIORITY.index(old[0]):
            entries[word] = (kind, country)

    country_names: dict[str, str] = {}
    pair_shorts: dict[str, str] = {}
    prefixes: set[str] = set()
    kanji: set[str] = set()
    for c in kb.table(COUNTRY_SCHEMA):
        if c.get("kanji_names"):
            kanji.add(c["code"])
        prefixes.update(c.get("prefixes") or [])
        for w in [*c["names"], *(c.get("prefixes") or [])]:
            add(w, "country", c["code"])
            country_names[w] = c["code"]
        for w in c.get("short") or []:
            if len(w) == 1:
                pair_shorts[w] = c["code"]
            else:
                add(w, "country", c["code"])
                country_names[w] = c["code"]
        if c.get("capital") and c["capital"] not in c["names"]:  # a city-state's name is its country's
            add(c["capital"], "place", c["code"])
    short_titles, leads, press, envoy = set(), set(), set(), set()
    for t in kb.table(TITLE_SCHEMA):
        if t["kind"] == "lead":  # leading a delegation (率领的): a boundary that names the leader
            leads.add(t["word"])
            add(t["word"], "boundary")
            continue
        add(t["word"], t["kind"])
        if t.get("short"):
            short_titles.add(t["word"])
        if t.get("press"):
            press.add(t["word"])
        if t.get("envoy"):
            envoy.add(t["word"])
    rank_en = {}
    for r in kb.table(RANK_SCHEMA):
        add(r["word"], "rank")
        rank_en[r["word"]] = r.get("en") or ""
    suffixes = []
    for o in kb.table(ORG_SCHEMA):
        if o["kind"] == "suffix":
            suffixes.append(o["name"])
            continue
        for w in [o["name"], *(o.get("aliases") or [])]:
            add(w, "org", o.get("country"))
    for p in kb.table(PLACE_SCHEMA):
        for w in [p["name"], *(p.get("aliases") or [])]:
            add(w, "place", p["country"])
    for name, country in _kb_person_names(kb):
        add(name, "person", country)
    chars = {"surname": "", "surname_vi": "", "transliteration": "", "vi_middle": ""}
    latin: dict[str, str] = {}
    marker: tuple[str, str | None] = ("", None)
    for row in kb.table(NAME_CHARS_SCHEMA):
        if row["kind"] == "latin_surname":
            latin.update(dict.fromkeys(row["chars"].split(), row.get("country")))
        elif row["kind"] == "country_marker":
            marker = (row["chars"], row.get("country"))
        else:
            chars[row["kind"]] += row["chars"]
    words = sorted(entries)
    automaton = ahocorasick_rs.AhoCorasick(words, matchkind=ahocorasick_rs.MATCHKIND_LEFTMOST_LONGEST)
    by_last: dict[str, list[str]] = {}
    for sf in suffixes:
        by_last.setdefault(sf[-1], []).append(sf)
    return Lexicon(
        automaton=automaton,
        words=words,
        kinds=[entries[w][0] for w in words],
        countries=[entries[w][1] for w in words],
        short_titles=frozenset(short_titles),
        lead_cues=tuple(sorted(leads, key=len, reverse=True)),
        surnames=frozenset(chars["surname"] + chars["surname_vi"]),
        translit=frozenset(chars["transliteration"]),
        kanji_countries=frozenset(kanji),
        latin_surnames=latin,
        name_marker=marker,
        vi_name_re=_vi_name_re(chars["surname_vi"], marker[0][1:2], chars["vi_middle"]),
        vi_middles=marker[0][1:2] + chars["vi_middle"],
        country_names=country_names,
        pair_shorts=pair_shorts,
        suffixes={c: tuple(sfs) for c, sfs in by_last.items()},
        prefixes=frozenset(prefixes),
        rank_en=rank_en,
        press_titles=tuple(sorted(press)),
        envoy_titles=frozenset(envoy),
        listed=[entries[w][0] != "boundary" for w in words],
    )


def _vi_name_re(surnames: str, female: str, middle: str) -> re.Pattern[str]:
    """Vietnamese names by their middle name: 氏 (female) before one or two characters, 文 before one."""
    alts = []
    if female:
        alts.append(f"{re.escape(female)}[{CJK}]{{1,2}}")
    if middle:
        alts.append(f"[{re.escape(middle)}][{CJK}]")
    if not surnames or not alts:
        return re.compile(r"(?!)")
    return re.compile(f"[{re.escape(surnames)}](?:{'|'.join(alts)})")


def _kb_person_names(kb: KnowledgeBase) -> list[tuple[str, str | None]]:
    """Names and aliases of the knowledge base's persons (empty without the officeholders table)."""
    try:
        from huitan import officeholders
    except ImportError:  # pragma: no cover - the officeholders module ships with the package
        return []
    out = []
    for p in officeholders.persons(kb):
        for n in [p["name"], *(p.get("aliases") or [])]:
            if len(n) >= 2 and CJK_RE.match(n):
                out.append((n, p.get("country")))
    return out


def lexicon(kb: KnowledgeBase) -> Lexicon:
    """The actor lexicon of ``kb`` (built once)."""
    return kb.derived("actors.lexicon", _build)


@dataclass
class TokenIndex:
    """Tokens of one text, indexed by start and end offset.

    Tokens do not overlap, so both ``starts`` and ``ends`` are sorted.
    """

    tokens: list[Token]
    by_start: dict[int, Token]
    by_end: dict[int, Token]
    starts: tuple[int, ...]
    by_kind: dict[str, list[Token]]
    ends: tuple[int, ...] = ()

    def of_kind(self, *kinds: str) -> list[Token]:
        """Tokens of the given kinds, in text order."""
        if len(kinds) == 1:
            return self.by_kind.get(kinds[0], [])
        lists = [self.by_kind[k] for k in kinds if k in self.by_kind]
        if len(lists) <= 1:
            return lists[0] if lists else []
        # tokens start at distinct offsets, so tuples sort by their start
        return sorted(chain.from_iterable(lists))

    def starting_in(self, a: int, b: int) -> list[Token]:
        """Tokens starting in ``[a, b)``."""
        i = bisect_left(self.starts, a)
        j = bisect_left(self.starts, b)
        return self.tokens[i:j]

    def within(self, a: int, b: int) -> list[Token]:
        """Tokens lying entirely in ``[a, b)`` (a slice: tokens do not overlap)."""
        return self.tokens[bisect_left(self.starts, a):bisect_right(self.ends, b)]


def _picker(ids: tuple[int, ...]) -> Callable[[list[Any]], tuple[Any, ...]]:
    """A function picking the items at ``ids`` of a list, as a tuple (one C call)."""
    if len(ids) == 1:
        return lambda items: (items[ids[0]],)
    return itemgetter(*ids)


def tokens(lex: Lexicon, text: str) -> TokenIndex:
    """Run the automaton over ``text``: non-overlapping leftmost-longest tokens."""
    raw = lex.automaton.find_matches_as_indexes(text)
    if not raw:
        return TokenIndex([], {}, {}, (), {}, ())
    # (the zipped sequences all come from ``raw``: they have its length)
    ids, starts, ends = zip(*raw, strict=False)
    pick = _picker(ids)
    toks: list[Token] = list(zip(starts, ends, pick(lex.kinds), pick(lex.words), pick(lex.countries),
                                 strict=False))
    by_kind: dict[str, list[Token]] = {}
    for t in compress(toks, pick(lex.listed)):  # boundary words are looked up, never listed
        listed = by_kind.get(t[KIND])
        if listed is None:
            by_kind[t[KIND]] = [t]
        else:
            listed.append(t)
    return TokenIndex(toks, dict(zip(starts, toks, strict=False)), dict(zip(ends, toks, strict=False)),
                      starts, by_kind, ends)
