"""Small text helpers shared by the stages: sentences and normalisation."""

from __future__ import annotations

import re
import re._constants as sre  # the parsed form of a pattern, read by required_chars
import re._parser as sre_parse
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any

SENTENCE_END = re.compile(r"[^。！？!?\n]*(?:[。！？!?]+[”’」』\"]?|\n|$)")


def sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (split at 。！？ and newlines)."""
    return list(_sentences(text))


@lru_cache(maxsize=64)  # the stages of one document split the same sections in turn
def _sentences(text: str) -> tuple[tuple[int, int], ...]:
    spans = []
    for m in SENTENCE_END.finditer(text):
        seg = m.group()
        if seg.strip():  # trimmed of surrounding whitespace/newline
            s = m.start()
            spans.append((s + len(seg) - len(seg.lstrip()), s + len(seg.rstrip())))
    return tuple(spans)


def alternation(words: Iterable[str]) -> str:
    """A regex source matching any of ``words`` (the first listed where several match at one position);
    with no words, one that never matches."""
    return "|".join(map(re.escape, words)) or "(?!)"


def any_of(words: Iterable[str]) -> re.Pattern[str]:
    """:func:`alternation`, compiled."""
    return re.compile(alternation(words))


def fold(text: str) -> str:
    """NFKC: full-width letters, digits and punctuation (，：（） …) become their ASCII forms."""
    # NFKC is NFC of NFKD; CPython composes slowly even where nothing composes, so NFKD goes first
    # and NFC's quick check then passes most texts through as they are
    return unicodedata.normalize("NFC", unicodedata.normalize("NFKD", text))


# ---------------------------------------------------------------- gated patterns

_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_RANGE_MAX = 64  # a wider character range gives no useful gate


def required_chars(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Characters of which every match of ``pattern`` holds at least one; None when its syntax shows none
    (every part optional or a class by category, or case-blind).

    Any such set is correct; the one chosen prefers letters and ideographs (punctuation, digits and ASCII
    are common in any text) and the fewest characters."""
    if pattern.flags & re.IGNORECASE:
        return None
    return _required(sre_parse.parse(pattern.pattern, pattern.flags), frozenset())


def _required(items: Sequence[tuple[Any, Any]], have: frozenset[str]) -> frozenset[str] | None:
    """The best set one item of a sequence requires; ``have``: characters the gate holds already."""
    def cost(chars: frozenset[str]) -> tuple[bool, int, int]:
        return any(c.isascii() or not c.isalpha() for c in chars), len(chars - have), len(chars)

    options = [r for op, av in items if (r := _required_item(op, av, have)) is not None]
    return min(options, key=cost) if options else None


def _required_item(op: Any, av: Any, have: frozenset[str]) -> frozenset[str] | None:
    if op is sre.LITERAL:
        return frozenset(chr(av))
    if op is sre.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind is sre.LITERAL:
                chars.add(chr(value))
            elif kind is sre.RANGE and value[1] - value[0] < _RANGE_MAX:
                chars.update(map(chr, range(value[0], value[1] + 1)))
            else:  # a negated class, a category, a wide range
                return None
        return frozenset(chars)
    if op is sre.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        return None if add_flags & re.IGNORECASE else _required(sub, have)
    if op in _REPEATS:
        least, _most, sub = av
        return _required(sub, have) if least >= 1 else None
    if op is sre.ATOMIC_GROUP:
        return _required(av, have)
    if op is sre.BRANCH:
        union: frozenset[str] = frozenset()
        for alternative in av[1]:
            r = _required(alternative, have | union)
            if r is None:
                return None
            union |= r
        return union
    return None


def _any_char(chars: Iterable[str]) -> re.Pattern[str]:
    """A pattern finding any one of ``chars``; with none, the empty pattern, which every text passes."""
    one_of = "".join(map(re.escape, sorted(set(chars))))
    return re.compile(f"[{one_of}]" if one_of else "")


class Gate:
    """A cheap test that a text may match one of some patterns: does it hold one of the
    :func:`required_chars` of each? A text that fails cannot match any of them."""

    def __init__(self, patterns: Iterable[re.Pattern[str]]) -> None:
        chars: set[str] = set()
        for pattern in patterns:
            required = required_chars(pattern)
            if required is None:
                chars.clear()
                break
            chars |= required
        self.test = _any_char(chars)

    def passes(self, text: str) -> bool:
        return self.test.search(text) is not None


class Gated:
    """A compiled pattern behind a gate: a text (or a range of it) without any of the characters every match
    holds is answered without running the pattern, which, unanchored, tries every position.

    ``marks``: those characters, when chosen by hand (rarer ones than :func:`required_chars` would pick);
    by default they are worked out from the pattern."""

    def __init__(self, pattern: re.Pattern[str], marks: str | None = None) -> None:
        self.pattern = pattern
        self.gate = Gate([pattern]).test if marks is None else _any_char(marks)

    def search(self, text: str, lo: int = 0, hi: int = sys.maxsize) -> re.Match[str] | None:
        return self.pattern.search(text, lo, hi) if self.gate.search(text, lo, hi) else None

    def finditer(self, text: str, lo: int = 0, hi: int = sys.maxsize) -> Iterator[re.Match[str]]:
        return self.pattern.finditer(text, lo, hi) if self.gate.search(text, lo, hi) else iter(())

    def split(self, text: str) -> list[str]:
        return self.pattern.split(text) if self.gate.search(text) else [text]

    def sub(self, repl: str, text: str) -> str:
        return self.pattern.sub(repl, text) if self.gate.search(text) else text
