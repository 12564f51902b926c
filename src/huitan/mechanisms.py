"""Recurring meeting series named with a session number (spec §5).

``第三次越中国防安全副部长级战略对话会`` → ``越中国防安全副部长级战略对话``, 3;
``越中第九次边境国防友好交流活动`` → ``越中边境国防友好交流``, 9;
``大湄公河次区域合作第六次领导人会议`` → ``大湄公河次区域合作领导人会议``, 6.

The series suffixes (with their normalised forms) and the words that end a
name are data (``triggers.jsonl``, kinds ``mech_suffix`` and ``mech_stop``).
cn2an reads the numeral span only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .kb import KnowledgeBase
from .timeexpr import cn_int
from .triggers import cues

UP_TO_99 = re.compile(r"^(?:\d+|[〇零]|[一二三四五六七八九]?十[一二三四五六七八九]?|[一二三四五六七八九])$")
ORDINAL = re.compile(r"第\s*([零〇一二两三四五六七八九十百\d]{1,6})\s*[次届]|(首)[次届]")
NAME_CHARS = r"[\u4e00-\u9fffA-Za-z0-9+＋—–\-·“”\"「」]"
LEFT_NAME = re.compile(NAME_CHARS + r"{0,24}$")
RIGHT_NAME = re.compile(NAME_CHARS + r"{1,30}")
PAREN = re.compile(r"[(（][^()（）]{0,40}[)）]")
LEFT_CUT = re.compile(r"——|--|\d+\s*[年月日号]|对(?![话外])")
LEADING_DATE = re.compile(r"^[\d年月日号]+")
DATE_END = re.compile(r"(?:\d+\s*[年月日号]|[上下中]午|晚|早)$")


@dataclass(frozen=True)
class Mechanism:
    """A mechanism mention: normalised name, session, and its span in the sentence."""

    name: str
    session: int
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "session": self.session}


def _index(kb: KnowledgeBase) -> dict[str, Any]:
    rows = cues(kb)
    suffixes = {r["word"]: r.get("replace") for r in rows if r["kind"] == "mech_suffix"}
    stops = sorted((r["word"] for r in rows if r["kind"] == "mech_stop"), key=len, reverse=True)
    return {
        "variants": [(r["word"], r.get("replace", "")) for r in rows if r["kind"] == "mech_variant"],
        "suffixes": suffixes,
        "suffix_re": re.compile("|".join(re.escape(s) for s in suffixes)),
        "stop_re": re.compile("|".join(re.escape(s) for s in stops)),
    }


def _blank_parens(text: str) -> str:
    """Replace parenthesised glosses (``(SETP)``, ``（NGO）``) by nothing-marks, keeping offsets."""
    if "(" not in text and "（" not in text:
        return text
    return PAREN.sub(lambda m: "\0" * len(m.group()), text)


def may_name_session(text: str) -> bool:
    """Whether ``text`` holds the 第 or 首 that every session ordinal starts with."""
    return "第" in text or "首" in text


def numeral(span: str) -> int | None:
    """The value of a numeral span: digits or a Chinese numeral up to 99 read directly (as cn2an reads them;
    a test checks all 99), longer ones by cn2an (imported only then: it takes half a second)."""
    span = span.strip()
    if UP_TO_99.match(span):
        return cn_int(span)
    import cn2an

    try:
        return int(cn2an.cn2an(span, "smart"))
    except (ValueError, KeyError):
        return None


def _occurrences(text: str, word: str) -> list[int]:
    """Where ``word`` occurs in ``text``, left to right, not overlapping (as ``re.finditer`` finds a literal)."""
    out = []
    i = text.find(word)
    while i >= 0:
        out.append(i)
        i = text.find(word, i + len(word))
    return out


def find_mechanisms(text: str, kb: KnowledgeBase, persons: Sequence[tuple[int, int]] = ()) -> list[Mechanism]:
    """Every numbered series session named in ``text`` (usually one sentence).

    ``persons`` are the spans of person mentions in ``text``: a name never
    reaches back over one (``张主席对第三次…`` names no ``张主席对…``).
    """
    if not may_name_session(text):
        return []
    idx = kb.derived("mechanisms.index", _index)
    work = _blank_parens(text)
    found: list[Mechanism] = []
    for m in ORDINAL.finditer(work):
        session: int | None
        if m.group(2):
            session = 1  # 首次, 首届: the first session
        else:
            session = numeral(m.group(1))
            if session is None:
                continue
        left_from = max([0, m.start() - 40] + [e for _, e in persons if e <= m.start()])
        left_raw = work[left_from:m.start()]
        left_txt = left_raw.rstrip("\0").split("\0")[-1]
        lm = LEFT_NAME.search(left_txt)
        left = lm.group() if lm else ""
        # cut at the last word that ends a name (a verb, a date, a preposition)
        cut = 0
        for sm in idx["stop_re"].finditer(left):
            cut = sm.end()
        left = LEFT_CUT.split(left[cut:])[-1]
        if DATE_END.search(left) or left.endswith(("和", "与", "及", "、")):
            left = ""  # 会议和第六届…: the name starts after the conjunction
        left = LEADING_DATE.sub("", left)
        right_txt = work[m.end():m.end() + 60]
        rm = RIGHT_NAME.match(right_txt.replace("\0", ""))
        if not rm:
            continue
        right = rm.group()
        stop = next((sm for sm in idx["stop_re"].finditer(right) if not idx["suffix_re"].match(right, sm.start())), None)
        if stop is not None:
            right = right[:stop.start()]  # 首次在…框架开展的 names no series; 联合巡逻 is a name's end
        best: tuple[int, int] | None = None
        matches = [(i, i + len(suf)) for suf in idx["suffixes"] if suf in right for i in _occurrences(right, suf)]
        for sm in matches:
            if best is None or sm[1] < best[1] or (sm[1] == best[1] and sm[0] < best[0]):
                best = sm
        for sm in matches:  # 扩大会议: 会议 overlaps 大会 and completes the name
            if best is not None and sm[0] < best[1] < sm[1]:
                best = sm
        if best is None:
            continue
        suffix = right[best[0]:best[1]]
        head = right[:best[0]]
        if ORDINAL.search(head) or ORDINAL.search(left):
            continue  # 第十四届国会第六次会议: a term and a sitting, no series of its own
        rep = idx["suffixes"].get(suffix)
        name = left + head + (rep if rep is not None else suffix)
        name = name.strip("“”\"「」")
        for word, rep in idx["variants"]:
            name = name.replace(word, rep)  # 国防部部长会议 = 国防部长会议
        if name.count("「") != name.count("」"):
            name = name.replace("「", "").replace("」", "")
        if len(name) <= len(rep or suffix) or len(left + head) < 2:
            continue  # a bare "第一次会议" names no series
        found.append(Mechanism(name, session, max(0, m.start() - len(left)), min(m.end() + best[1], len(text))))
    return found
