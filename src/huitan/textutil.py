"""Small text helpers shared by the stages: sentences and normalisation."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

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
    return unicodedata.normalize("NFKC", text)
