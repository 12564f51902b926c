"""Stage 2: clean a page into its article and its related-news teasers.

Input: a :class:`~huitan.model.RawPage`. Output: a :class:`~huitan.model.PageResult`
holding the article :class:`~huitan.model.Document` and one teaser document per
item of a ``更多`` (related news) block. The rules (spec §1): the headline is the
title; the first paragraph after it is the lead; exact repeats are collapsed;
photo captions, ``ảnh N`` image markers, site furniture and the bare outlet
signature leave the body; the dateline gives outlet and place. Traditional
Chinese is converted to Simplified for extraction and the original is kept.

The patterns are data (``data/page_markers.jsonl``, ``data/outlets.jsonl``).
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .kb import KnowledgeBase, Schema
from .model import Document, PageResult, RawPage
from .textutil import Gate, Gated, fold

MARKER_SCHEMA = Schema(
    name="page_markers",
    required={"kind": str, "pattern": str},
    checks={"kind": lambda v: None if v in {
        "teasers", "end", "caption", "image", "signature", "boilerplate", "published", "dateline", "gloss"}
        else f"unknown marker kind {v!r}"},
)
OUTLET_SCHEMA = Schema(
    name="outlets",
    required={"name": str},
    optional={"aliases": list, "en": str, "country": str},
    key="name",
)

SENTENCE_END = "。！？!?；;…"
QUOTE_END = "”’」』\"'）)"
CJK_FIRST, CJK_LAST = 0x4E00, 0x9FFF  # the CJK Unified Ideographs block
CJK = re.compile(f"[{chr(CJK_FIRST)}-{chr(CJK_LAST)}]")
CJK_RUN = re.compile(f"[{chr(CJK_FIRST)}-{chr(CJK_LAST)}]+")
WS = re.compile(r"\s+")
MD_LINK = Gated(re.compile(r"\]\([^)]*\)\s*$"))
TITLE_TAIL = Gated(re.compile(r"\s+[|｜–—-]\s+[^|｜]{1,12}$"))
COMMA = re.compile(r"[,，、]")
HEADLINE_MAX = 50  # a line longer than this, or ending a sentence, is a paragraph, not a headline
LEAD_MIN = 30


@dataclass
class Markers:
    """Compiled page patterns, built once per knowledge base (those searched through whole lines gated)."""

    teasers: re.Pattern[str]
    end: re.Pattern[str]
    caption: Gated
    image: Gated
    gloss: Gated  # pinyin glosses inside words: 联(lián)合
    signature: re.Pattern[str]
    boilerplate: re.Pattern[str]
    published: list[re.Pattern[str]]
    published_gate: Gate
    datelines: list[re.Pattern[str]]
    closing: re.Pattern[str]  # "(越通社)" or "(越通社-VNA)" closing the last paragraph
    outlet_names: dict[str, str]  # alias -> canonical name


def build_markers(kb: KnowledgeBase) -> Markers:
    outlets = kb.table(OUTLET_SCHEMA)
    names: dict[str, str] = {}
    for o in outlets:
        for alias in [o["name"], *o.get("aliases", [])]:
            names[alias] = o["name"]
    alternation = "|".join(re.escape(a) for a in sorted(names, key=len, reverse=True))
    by_kind: dict[str, list[str]] = {}
    for m in kb.table(MARKER_SCHEMA):
        by_kind.setdefault(m["kind"], []).append(m["pattern"].replace("{outlets}", f"(?:{alternation})"))

    def one(kind: str) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{p})" for p in by_kind.get(kind, ["(?!)"])))

    published = [re.compile(p) for p in by_kind.get("published", [])]
    return Markers(
        teasers=one("teasers"),
        end=one("end"),
        caption=Gated(one("caption")),
        image=Gated(one("image")),
        gloss=Gated(one("gloss")),
        signature=one("signature"),
        boilerplate=one("boilerplate"),
        published=published,
        published_gate=Gate(published),
        datelines=[re.compile(p) for p in by_kind.get("dateline", [])],
        closing=re.compile(rf"[（(][-—\s]*(?P<outlet>{alternation})[^()（）]{{0,12}}[)）]\s*$"),
        outlet_names=names,
    )


def markers(kb: KnowledgeBase) -> Markers:
    built: Markers = kb.derived("page.markers", build_markers)
    return built


# ---------------------------------------------------------------- script


def converter() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


_CONVERTER: list[Any] = []


def to_simplified(text: str) -> str:
    """Traditional → Simplified with OpenCC (the converter is created once per process)."""
    return str(_t2s().convert(text))


def _t2s() -> Any:
    if not _CONVERTER:
        _CONVERTER.append(converter())
    return _CONVERTER[0]


def dictionary_files(config: Any) -> Iterator[str]:
    """The file of every dictionary an OpenCC config (or part of one) names."""
    if isinstance(config, dict):
        if "file" in config:
            yield config["file"]
        for value in config.values():
            yield from dictionary_files(value)
    elif isinstance(config, list):
        for value in config:
            yield from dictionary_files(value)


def dictionary_entries(config: Path) -> Iterator[tuple[str, str]]:
    """The key and default value of each entry of each dictionary OpenCC config ``config`` uses, read with
    OpenCC's own ``opencc_dict`` (shipped beside them). Raises OSError or CalledProcessError when they cannot be."""
    tool = config.parent.parent.parent / "bin" / "opencc_dict"
    with tempfile.TemporaryDirectory() as tmp:
        text = Path(tmp, "dict.txt")
        for name in dict.fromkeys(dictionary_files(json.loads(config.read_text(encoding="utf-8")))):
            subprocess.run([tool, "-i", config.parent / name, "-o", text, "-f", "ocd2", "-t", "text"],
                           check=True, capture_output=True)
            for line in text.read_text(encoding="utf-8").splitlines():
                key, _, values = line.partition("\t")
                yield key, values.partition(" ")[0]


def convertible_chars(entries: Iterable[tuple[str, str]]) -> frozenset[str]:
    """Every character a conversion by dictionary ``entries`` can change: of each entry whose value differs
    from its key, the key's characters where they differ (all of them when the lengths differ). A text holding
    none of them converts to itself: each segment OpenCC looks up is either in no dictionary or an entry that
    maps it to itself (and so is each step's output, in a chain of steps)."""
    chars: set[str] = set()
    for key, value in entries:
        if key == value:
            continue
        if len(key) == 1 or len(key) != len(value):
            chars.update(key)
        else:
            chars.update(k for k, v in zip(key, value, strict=True) if k != v)
    return frozenset(chars)


_CONVERTIBLE: list[re.Pattern[str]] = []


def may_convert(text: str) -> bool:
    """False when t2s conversion certainly leaves ``text`` as it is, so OpenCC need not be asked
    (:func:`convertible_pattern`, made once per process)."""
    if not _CONVERTIBLE:
        _CONVERTIBLE.append(convertible_pattern(Path(_t2s().config)))
    return _CONVERTIBLE[0].search(text) is not None


def convertible_pattern(config: Path) -> re.Pattern[str]:
    """A pattern finding a character of :func:`convertible_chars`, or any character outside the Basic
    Multilingual Plane (few texts hold one, and a class of them is searched slowly) or surrogate (OpenCC
    refuses those: its error stays its own); when the dictionaries cannot be read, one finding every text."""
    try:
        chars = convertible_chars(dictionary_entries(config))
    except (OSError, subprocess.CalledProcessError):
        return re.compile("")
    bmp = re.escape("".join(sorted(c for c in chars if c <= "\uffff")))
    return re.compile(f"[{bmp}\\ud800-\\udfff\\U00010000-\\U0010ffff]")


def cjk_count(text: str) -> int:
    """The number of CJK characters in ``text`` (counted by runs: far fewer objects than one per character)."""
    return sum(map(len, CJK_RUN.findall(text)))


SAMPLE = 3000  # the opening decides the script; converting whole pages costs more than it tells


def code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def convert_page(text: str) -> tuple[str, str]:
    """The page's script (:func:`detect_script`) and its text in Simplified (``text`` itself when Simplified).
    OpenCC is asked only about an opening it may change (:func:`may_convert`)."""
    sample = text[:SAMPLE]
    if not may_convert(sample):
        return "simplified", text
    conv = to_simplified(sample)
    if script_of(sample, conv) == "simplified":
        return "simplified", text
    return "traditional", conv if len(sample) == len(text) else to_simplified(text)


def detect_script(text: str) -> str:
    """``traditional`` when enough characters change under t2s conversion, else ``simplified``."""
    sample = text[:SAMPLE]
    return script_of(sample, to_simplified(sample))


def script_of(sample: str, conv: str) -> str:
    """The script of ``sample`` given its t2s conversion ``conv``."""
    if conv == sample:
        return "simplified"
    codes = code_points(sample)
    cjk = int(np.count_nonzero((codes >= CJK_FIRST) & (codes <= CJK_LAST)))
    if not cjk:
        return "simplified"
    changed = int(np.count_nonzero(codes != code_points(conv))) if len(conv) == len(sample) else cjk
    return "traditional" if changed >= max(3, cjk * 0.03) else "simplified"


# ---------------------------------------------------------------- HTML


META_DATE = re.compile(
    r"""<meta[^>]+(?:property|name|itemprop)=["'](?:article:published_time|og:published_time|pubdate|publishdate|"""
    r"""date|datePublished|publish-date|dc\.date)["'][^>]*content=["'](\d{4}-\d{2}-\d{2})""",
    re.I,
)
TIME_TAG = re.compile(r"<time[^>]+datetime=[\"'](\d{4}-\d{2}-\d{2})", re.I)
H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.I | re.S)
TAG = re.compile(r"<[^>]+>")


def html_to_text(html: str, mk: Markers) -> tuple[str, str | None]:
    """Main text of an HTML page (resiliparse), keeping a marked related-news block; and its date."""
    from resiliparse.extract.html2text import extract_plain_text

    main = extract_plain_text(html, main_content=True, alt_texts=False, links=False, noscript=False)
    full = extract_plain_text(html, main_content=False, alt_texts=False, links=False, noscript=False)
    lines = [ln.strip() for ln in main.splitlines()]
    h1 = H1.search(html)
    if h1:
        head = WS.sub(" ", TAG.sub("", h1.group(1))).strip()
        if head and head not in lines[:5]:
            lines.insert(0, head)
    if not any(mk.teasers.match(ln) for ln in lines):
        full_lines = [ln.strip() for ln in full.splitlines()]
        for i, ln in enumerate(full_lines):
            if mk.teasers.match(ln):
                lines += ["", *full_lines[i:]]
                break
    date = META_DATE.search(html) or TIME_TAG.search(html)
    text = "\n".join(lines).strip()
    if not text:
        raise ValueError("no text found in the HTML")
    return text, (date.group(1) if date else None)


# ---------------------------------------------------------------- lines


@dataclass(slots=True)
class Line:
    text: str  # Simplified, stripped
    orig: str  # as written
    key: str | None = None  # norm_key(text), where computed


@dataclass
class Cleaned:
    """Working state for one page."""

    lines: list[Line]
    published: str | None = None
    outlet: str | None = None
    captions: list[Line] = field(default_factory=list)


def add_caption(cleaned: Cleaned, line: Line) -> None:
    """Keep a caption once (pages repeat them)."""
    if all(c.text != line.text for c in cleaned.captions):
        cleaned.captions.append(line)


def norm_key(text: str) -> str:
    """The key exact-repeat detection and doc ids use: NFKC, folded punctuation, no whitespace."""
    return "".join(fold(text).split())  # str.split's white space is the \s of patterns


def doc_id_for(title: str, body: list[str]) -> str:
    """Stable id: hash of the normalised title and text (spec §1)."""
    return doc_id_of(norm_key(title), map(norm_key, body))


def doc_id_of(title_key: str, body_keys: Iterable[str]) -> str:
    """:func:`doc_id_for` from the keys of the title and of each paragraph: the key of the text is theirs
    joined (NFKC changes nothing across a line break, and keys drop white space)."""
    return hashlib.sha1((title_key + "\n" + "".join(body_keys)).encode("utf-8")).hexdigest()[:16]


def is_caption(text: str, mk: Markers) -> bool:
    return mk.caption.search(text) is not None


def is_headline_list(text: str) -> bool:
    """A navigation strip: several headlines on one line, separated by spaces, with no full stop."""
    if "。" in text:
        return False
    parts = text.split()
    return len(parts) >= 4 and sum(cjk_count(p) >= 6 for p in parts) >= 0.75 * len(parts)


def is_boilerplate(text: str, mk: Markers) -> bool:
    return (mk.boilerplate.match(text) is not None or (len(text) < 40 and not CJK.search(text))
            or is_headline_list(text))


def ends_sentence(text: str) -> bool:
    t = text.rstrip(QUOTE_END) or text
    return bool(t) and t[-1] in SENTENCE_END


def is_paragraph(text: str) -> bool:
    """A line of running text (a lead or body paragraph), as opposed to a headline."""
    return len(text) > HEADLINE_MAX or (ends_sentence(text) and len(text) >= 12)


def is_headline(text: str, mk: Markers) -> bool:
    """A short line that can be a headline: no closing full stop (a headline may end in ! or ?), no image marker."""
    t = text.rstrip(QUOTE_END) or text
    return (4 <= len(text) <= 80 and cjk_count(text) >= 4 and t[-1] not in "。；;…"
            and not mk.image.search(text) and not is_caption(text, mk) and not is_boilerplate(text, mk))


def bigrams(text: str) -> set[str]:
    t = "".join(CJK_RUN.findall(text))
    return {t[i:i + 2] for i in range(len(t) - 1)}


def split_image_marker(line: Line, mk: Markers, cleaned: Cleaned) -> Line | None:
    """``标题 ảnh 1图片说明`` → the caption after the marker is kept as a caption; the line leaves the text."""
    parts = mk.image.split(line.text)
    if len(parts) == 1:
        return line
    oparts = mk.image.split(line.orig)
    for i, part in enumerate(parts[1:], 1):
        if part.strip():
            orig = oparts[i] if len(oparts) == len(parts) else part
            cleaned.captions.append(Line(part.strip(), orig.strip()))
    return None


def text_lines(text: str) -> list[str]:
    """The stripped non-empty lines of ``text``."""
    lines = (ln.strip().strip("|").strip() for ln in text.replace("\u3000", " ").splitlines())
    return [ln for ln in lines if ln]


def read_lines(text: str, mk: Markers, script: str, simplified: str) -> Cleaned:
    """Split into stripped non-empty lines (``simplified``: the text converted, :func:`convert_page`); take
    published dates off the header.

    The lines of the converted text are the converted lines: conversion rules hold letters only, so none
    spans a line break or white space."""
    raw = text_lines(text)
    traditional = script == "traditional"
    conv = text_lines(simplified) if traditional else raw
    cleaned = Cleaned(lines=[])
    for i, (t, o) in enumerate(zip(conv, raw, strict=True)):
        o = unlink(o)
        t = unlink(t) if traditional else o
        # stamps sit in the page's first lines (a whole line each)
        if i < 15 and cleaned.published is None and mk.published_gate.passes(t):
            for pat in mk.published:
                m = pat.match(t)
                if m:
                    cleaned.published = stamp_date(m)
                    rest = (m.groupdict().get("rest") or "").strip()
                    outlet = mk.outlet_names.get(rest.split(":")[-1].split("：")[-1].strip())
                    if outlet:
                        cleaned.outlet = outlet
                        rest = ""
                    t = o = rest
                    break
        if t:
            cleaned.lines.append(Line(t, o))
    return cleaned


def unlink(line: str) -> str:
    """A line without a trailing Markdown link target and leading list marks."""
    return MD_LINK.sub("", line).lstrip("[•·").strip()


def stamp_date(m: re.Match[str]) -> str | None:
    """The ISO date of a matched header stamp: a ``date`` group, or ``a/b/y`` (month first unless a > 12)."""
    g = m.groupdict()
    if g.get("date"):
        return iso_date(g["date"])
    a, b, y = int(g["a"]), int(g["b"]), int(g["y"])
    month, day = (b, a) if a > 12 else (a, b)
    return f"{y:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None


def iso_date(text: str) -> str | None:
    m = re.match(r"(\d{4})\D(\d{1,2})\D(\d{1,2})", text)
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else None


# ---------------------------------------------------------------- article


def find_lead(lines: list[Line], mk: Markers) -> int | None:
    """The first paragraph of running Chinese text; failing that (a photo story), the first one with a credit."""
    for strict in (True, False):
        for i, ln in enumerate(lines):
            t = ln.text
            if (len(t) >= LEAD_MIN and is_paragraph(t) and cjk_count(t) > len(t) / 3
                    and not (strict and is_caption(t, mk)) and not is_boilerplate(t, mk) and not mk.signature.match(t)):
                return i
    return None


def find_title(lines: list[Line], lead: int, mk: Markers) -> int | None:
    """The headline: among headline-like lines before the lead, the one sharing most with the lead; else the nearest."""
    context = None  # the CJK text of the lead and the next two lines (its bigrams, as text), once needed
    best, best_score = None, 0.0
    for i in range(lead - 1, max(-1, lead - 40), -1):
        t = headline_text(lines[i].text, mk)
        if not is_headline(t, mk) or dateline_of(t, mk):
            continue
        if context is None:
            context = "".join(CJK_RUN.findall(" ".join(ln.text for ln in lines[lead:lead + 3])))
        b = bigrams(t)
        score = sum(g in context for g in b) / (len(b) or 1)
        if best is None or score > best_score + 1e-9:
            best, best_score = i, score
    return best


def headline_text(text: str, mk: Markers) -> str:
    """A line's text before an image marker (``标题 ảnh 1说明`` → ``标题``), without a site-name tail."""
    return TITLE_TAIL.sub("", mk.image.split(text)[0].strip()).rstrip(" -–—|｜").strip()


def dateline_of(text: str, mk: Markers) -> dict[str, str | None] | None:
    for pat in mk.datelines:
        m = pat.match(text)
        if m:
            outlet = mk.outlet_names.get(m.group("outlet"), m.group("outlet"))
            place = m.group("place") or None
            return {"place": place, "outlet": outlet}
    return None


def body_lines(lines: list[Line], start: int, title: str, mk: Markers, cleaned: Cleaned,
               keep_captions: bool = False) -> list[Line]:
    """Paragraphs from the lead on: captions set aside, furniture and signatures dropped, repeats collapsed.

    ``keep_captions`` keeps caption-like lines of paragraph length (a photo story, every paragraph credited).
    """
    out: list[Line] = []
    seen = {norm_key(title)} if title else set()
    for ln in lines[start:]:
        t = ln.text
        if mk.end.match(t):
            break
        if split_image_marker(ln, mk, cleaned) is None:
            continue
        signature = mk.signature.match(t)
        if signature:
            cleaned.outlet = cleaned.outlet or mk.outlet_names.get(signature.group(1))
            continue
        if is_caption(t, mk) and len(t) < 150 and not (keep_captions and len(t) >= LEAD_MIN and is_paragraph(t)):
            add_caption(cleaned, ln)
            continue
        if is_boilerplate(t, mk):
            continue
        key = norm_key(t)
        if key in seen:
            continue
        seen.add(key)
        text = mk.gloss.sub("", t)  # headlines keep glosses as printed; text loses them
        out.append(Line(text, ln.orig, key if text == t else norm_key(text)))
    return out


def make_article(lines: list[Line], mk: Markers, cleaned: Cleaned, script: str) -> Document | None:
    lead = find_lead(lines, mk)
    if lead is None:
        return None
    ti = find_title(lines, lead, mk)
    title = headline_text(lines[ti].text, mk) if ti is not None else ""
    for i, ln in enumerate(lines[:lead]):  # captions above the lead belong to the page
        if mk.image.search(ln.text) or (i != ti and is_caption(ln.text, mk)):
            kept = split_image_marker(ln, mk, cleaned)
            if kept is not None:
                add_caption(cleaned, kept)
    body = body_lines(lines, lead, title, mk, cleaned)
    if not body:  # a photo story: every paragraph ends with its photo credit
        cleaned.captions.clear()
        body = body_lines(lines, lead, title, mk, cleaned, keep_captions=True)
    if not body:
        return None
    dateline = next((d for d in (dateline_of(b.text, mk) for b in body[:3]) if d), None)
    outlet = dateline["outlet"] if dateline else None
    closing = mk.closing.search(body[-1].text)
    outlet = outlet or (mk.outlet_names.get(closing.group("outlet")) if closing else None) or cleaned.outlet
    texts = [b.text for b in body]
    return Document(
        doc_id=doc_id_of(norm_key(title), (b.key or norm_key(b.text) for b in body)),
        kind="article",
        title=title,
        lead=texts[0],
        body=texts,
        captions=[c.text for c in cleaned.captions],
        outlet=outlet,
        dateline=dateline,
        published=cleaned.published,
        script=script,  # type: ignore[arg-type]
        original=("\n".join([lines[ti].orig if ti is not None else "", *(b.orig for b in body)])
                  if script == "traditional" else None),
    )


# ---------------------------------------------------------------- teasers


@dataclass
class TeaserDraft:
    title: Line
    captions: list[Line] = field(default_factory=list)
    lead: Line | None = None


def parse_teasers(lines: list[Line], mk: Markers) -> list[TeaserDraft]:
    """Headline, optional caption (before the headline), lead; a headline alone is still a teaser."""
    drafts: list[TeaserDraft] = []
    pending: list[Line] = []
    scratch = Cleaned(lines=[])
    for i, ln in enumerate(lines):
        if mk.end.match(ln.text) or mk.teasers.match(ln.text):
            if mk.end.match(ln.text):
                break
            continue
        if mk.image.search(ln.text):
            split_image_marker(ln, mk, scratch)
            pending.extend(scratch.captions)
            scratch.captions.clear()
            continue
        t = ln.text
        if mk.signature.match(t) or is_boilerplate(t, mk):
            continue
        cur = drafts[-1] if drafts else None
        if is_caption(t, mk):
            pending.append(ln)
        elif is_paragraph(t):
            if cur is not None and cur.lead is None and not pending:
                cur.lead = ln
            elif cur is not None and cur.lead is not None and norm_key(cur.lead.text) == norm_key(t):
                continue
            else:  # running text with no headline open: a caption of the next teaser
                pending.append(ln)
        elif cur is not None and cur.lead is None and not pending and norm_key(cur.title.text) == norm_key(t):
            continue  # the headline printed twice
        elif cur is not None and cur.lead is None and not pending and i == len(lines) - 1 and COMMA.search(t):
            cur.lead = ln  # the page was cut off inside the last teaser's lead
        elif cjk_count(t) >= 4:
            drafts.append(TeaserDraft(title=ln, captions=pending))
            pending = []
    return drafts


def make_teaser(d: TeaserDraft, script: str, mk: Markers) -> Document:
    body = [mk.gloss.sub("", d.lead.text)] if d.lead else []
    orig = [d.title.orig, *([d.lead.orig] if d.lead else [])]
    return Document(
        doc_id=doc_id_for(d.title.text, body),
        kind="teaser",
        title=d.title.text,
        lead=body[0] if body else "",
        body=body,
        captions=[c.text for c in d.captions],
        published=None,
        script=script,  # type: ignore[arg-type]
        original="\n".join(orig) if script == "traditional" else None,
    )


# ---------------------------------------------------------------- entry point


def clean_page(raw: RawPage, kb: KnowledgeBase) -> PageResult:
    """Split a page into article and teasers. Raises ValueError for a page with no text."""
    mk = markers(kb)
    published = raw.published
    if raw.text is not None:
        text = raw.text
    elif raw.html is not None:
        text, html_date = html_to_text(raw.html, mk)
        published = published or html_date
    else:
        raise ValueError("page has neither text nor HTML")
    if not CJK.search(text):
        raise ValueError("no Chinese text on the page")
    script, simplified = convert_page(text)
    cleaned = read_lines(text, mk, script, simplified)
    published = published or cleaned.published
    cleaned.published = published
    lines = cleaned.lines
    cut = next((i for i, ln in enumerate(lines) if mk.teasers.match(ln.text)), len(lines))
    article = make_article(lines[:cut], mk, cleaned, script)
    teasers = [make_teaser(d, script, mk) for d in parse_teasers(lines[cut + 1:], mk)]
    if article is None and not teasers:
        raise ValueError("no article text found on the page")
    page_id = article.doc_id if article else None
    page_outlet = article.outlet if article else cleaned.outlet
    for t in teasers:  # teasers on a page are the outlet's own related stories
        t.outlet = page_outlet
    seen: set[str] = set()
    unique = []
    for doc in ([article] if article else []) + teasers:
        if doc.doc_id in seen:
            continue
        seen.add(doc.doc_id)
        doc.encoding = raw.encoding
        doc.sources = [{"path": raw.path, "url": raw.url, "page": page_id}]
        unique.append(doc)
    return PageResult(article=article, teasers=[d for d in unique if d.kind == "teaser"])
