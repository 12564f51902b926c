"""Small text helpers shared by the stages: sentences and normalisation."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

SENTENCE_END = re.compile(r"[^。！？!?\n]*(?:[。！？!?]+[”’」』\"]?|\n|$)")


def sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (split at 。！？ and newlines)."""
    return list(_sentences(text))


@lru_cache(maxsize=64)  # the stages of one document split the same sections in turn
def _sentences(text: str) -> tuple[tuple[int, int], ...]:
    spans = []
    for m in SENTENCE_END.finditer(text):
        s, e = m.span()
        seg = m.group()
        # trim surrounding whitespace/newline
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s and seg.strip():
            spans.append((s, e))
    return tuple(spans)


def fold(text: str) -> str:
    """NFKC: full-width letters, digits and punctuation (，：（） …) become their ASCII forms."""
    return unicodedata.normalize("NFKC", text)
