"""Officeholders: who held which office when, and what a written position means.

Two knowledge tables back this module:

* ``roles`` — the role vocabulary: a role key (``defence_minister``) with the
  Chinese surface forms of that office (``国防部长``, ``国防部部长``, ``防长``),
  written without country or organisation prefix;
* ``persons`` — officeholders since 2000 with their Chinese name, aliases,
  country, ``vi``/``en`` names and dated positions (tenures).

Public API: :func:`lookup`, :func:`roles_of`, :func:`tenure_years`,
:func:`held_on`, :func:`persons`. Indexes are built once per knowledge base
with :meth:`KnowledgeBase.derived`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from contextvars import ContextVar
from typing import Any

from huitan import kb as kbmod
from huitan.kb import KnowledgeBase, Schema

ROLE_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
PERSON_ID_RE = re.compile(r"^[a-z]{3}-[a-z0-9-]+$")
# A written position chain is split into single positions at these joiners.
POSITION_SPLIT_RE = re.compile(r"[、兼/,，;；\s]+")
FOREIGN_NAME_DOT_RE = re.compile(r"[·•‧・.．]")
# Parts of a foreign name for matching: dots and hyphens both join them (让-伊夫·勒德里昂 = 让·伊夫·勒德里昂).
NAME_PART_RE = re.compile(r"[·•‧・.．\-－‐]")
LATIN_RE = re.compile(r"[A-Za-z]")
LATIN_MIN = 4  # letters a romanised name needs to be looked up (not an acronym such as VNA)


def _check_role_key(value: Any) -> str | None:
    if not isinstance(value, str) or not ROLE_KEY_RE.match(value):
        return f"not a role key (lower_snake_case): {value!r}"
    return None


def _check_titles(value: Any) -> str | None:
    if not value or not all(isinstance(t, str) and t.strip() for t in value):
        return "titles must be a non-empty list of non-empty strings"
    return None


ROLE_SCHEMA = Schema(
    name="roles",
    required={"role": str, "titles": list, "en": str},
    optional={"note": str},
    checks={"role": _check_role_key, "titles": _check_titles},
    key="role",
)


# Role keys of the knowledge base being loaded, so that a person entry naming
# an unknown role fails with its own file and line (set by :func:`persons`).
_KNOWN_ROLES: ContextVar[frozenset[str] | None] = ContextVar("huitan_known_roles", default=None)


def _date_bounds(value: str, end: bool) -> dt.date:
    """First (or last) day denoted by an ISO date of year, month or day precision."""
    parts = [int(p) for p in value.split("-")]
    year = parts[0]
    if len(parts) == 1:
        return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
    month = parts[1]
    if len(parts) == 2:
        return dt.date(year, month, calendar.monthrange(year, month)[1]) if end else dt.date(year, month, 1)
    return dt.date(year, month, parts[2])


def _check_position(pos: Any) -> str | None:
    if not isinstance(pos, dict):
        return "a position must be an object"
    unknown = set(pos) - {"role", "title", "start", "end", "note"}
    if unknown:
        return f"unknown position field(s): {sorted(unknown)}"
    if msg := _check_role_key(pos.get("role")):
        return msg
    if not isinstance(pos.get("title"), str) or not pos["title"].strip():
        return "a position needs a 'title' (the Chinese form of the office)"
    if "start" not in pos:
        return "a position needs a 'start' date (null when unknown)"
    for key in ("start", "end"):
        if key in pos and (msg := kbmod.check_date(pos[key])):
            return f"{key}: {msg}"
    start, end = pos.get("start"), pos.get("end")
    if start and end:
        try:
            if _date_bounds(start, end=False) > _date_bounds(end, end=True):
                return f"start {start} is after end {end}"
        except ValueError as exc:
            return f"bad date: {exc}"
    return None


def _check_positions(value: Any) -> str | None:
    if not isinstance(value, list):
        return "positions must be a list"
    for i, pos in enumerate(value):
        if msg := _check_position(pos):
            return f"position {i + 1}: {msg}"
    return None


def _check_person_roles(entry: dict[str, Any]) -> str | None:
    known = _KNOWN_ROLES.get()
    if known is None:
        return None
    for pos in entry.get("positions") or []:
        if pos["role"] not in known:
            return f"unknown role {pos['role']!r} (not in the roles table)"
    return None


def _check_person_id(value: Any) -> str | None:
    if not isinstance(value, str) or not PERSON_ID_RE.match(value):
        return f"not a person id (ccc-lower-case-slug): {value!r}"
    return None


def _check_aliases(value: Any) -> str | None:
    if value is not None and not all(isinstance(a, str) and a.strip() for a in value):
        return "aliases must be non-empty strings"
    return None


PERSON_SCHEMA = Schema(
    name="persons",
    required={"id": str, "name": str, "country": str, "positions": list},
    optional={"aliases": list, "vi": str, "en": str, "note": str},
    checks={
        "id": _check_person_id,
        "country": kbmod.check_country,
        "positions": _check_positions,
        "aliases": _check_aliases,
    },
    key="id",
    entry_check=_check_person_roles,
)


# --------------------------------------------------------------- indexes


def _role_index(kb: KnowledgeBase) -> dict[str, set[str]]:
    """Title surface form → role keys."""
    index: dict[str, set[str]] = {}
    for entry in kb.table(ROLE_SCHEMA):
        for title in entry["titles"]:
            index.setdefault(title.strip(), set()).add(entry["role"])
    return index


def _validated_persons(kb: KnowledgeBase) -> list[dict[str, Any]]:
    """The persons table, with every position's role checked against the roles table."""
    known = frozenset(r["role"] for r in kb.table(ROLE_SCHEMA))
    token = _KNOWN_ROLES.set(known)
    try:
        rows = kb.table(PERSON_SCHEMA)
    finally:
        _KNOWN_ROLES.reset(token)
    for person in rows:  # the table may have been loaded before, without the role check
        for pos in person["positions"]:
            if pos["role"] not in known:
                raise kbmod.DataError("persons", 0, f"person {person['id']!r}: unknown role {pos['role']!r}")
    return rows


def _name_keys(written: str) -> set[str]:
    """The keys a written name is found under: itself and, for foreign names, the joined parts and the last
    ``·`` part."""
    name = written.strip()
    keys = {name}
    parts = [p for p in FOREIGN_NAME_DOT_RE.split(name) if p]
    if len(parts) > 1:
        keys.add("·".join(parts))
        keys.add(parts[-1])
    pieces = [p for p in NAME_PART_RE.split(name) if p]
    if len(pieces) > 1:
        keys.add("·".join(pieces))
    return keys


def latin_key(written: str) -> str:
    """A romanised name folded for matching: letters only, lower case, without diacritics
    (``Myint Swe`` and ``MyintSwe`` meet; ``Ngô Xuân Lịch`` meets ``Ngo Xuan Lich``)."""
    folded = unicodedata.normalize("NFKD", written.replace("Đ", "D").replace("đ", "d"))
    return "latin:" + "".join(c for c in folded.lower() if "a" <= c <= "z")


def _person_index(kb: KnowledgeBase) -> dict[str, list[dict[str, Any]]]:
    """Name, alias, last ``·`` part or romanised (``en``/``vi``) name → person entries."""
    index: dict[str, list[dict[str, Any]]] = {}
    for person in persons(kb):
        keys = [k for written in [person["name"], *(person.get("aliases") or [])] for k in _name_keys(written)]
        keys += [latin_key(person[f]) for f in ("en", "vi") if person.get(f)]
        for key in keys:
            bucket = index.setdefault(key, [])
            if person not in bucket:
                bucket.append(person)
    return index


def persons(kb: KnowledgeBase) -> list[dict[str, Any]]:
    """All validated person entries (raises DataError on a malformed or unknown-role entry)."""
    return kb.derived("officeholders.persons", _validated_persons)


def by_id(kb: KnowledgeBase, person_id: str) -> dict[str, Any] | None:
    """The person entry with this id."""
    index: dict[str, dict[str, Any]] = kb.derived("officeholders.by_id", lambda k: {p["id"]: p for p in persons(k)})
    return index.get(person_id)


def role_keys(kb: KnowledgeBase) -> set[str]:
    """Every role key of the roles table."""
    return {r["role"] for r in kb.table(ROLE_SCHEMA)}


# --------------------------------------------------------------- lookups


def lookup(kb: KnowledgeBase, name: str, country: str | None = None) -> list[dict[str, Any]]:
    """Person entries whose name or alias equals ``name`` (or its last ``·`` part; a romanised name matches
    the ``en``/``vi`` names), optionally of one country."""
    index: dict[str, list[dict[str, Any]]] = kb.derived("officeholders.person_index", _person_index)
    found: list[dict[str, Any]] = []
    key = name.strip()
    if LATIN_RE.search(key):
        key = latin_key(key)
        if len(key) < len("latin:") + LATIN_MIN:
            return []
    candidates = index.get(key)
    if candidates is None:
        parts = [p for p in NAME_PART_RE.split(key) if p]
        candidates = index.get("·".join(parts), []) if len(parts) > 1 else []
    for person in candidates:
        if country and person["country"] != country:
            continue
        found.append(person)
    return found


def roles_of(kb: KnowledgeBase, position: str) -> set[str]:
    """Role keys a written position denotes (``俄罗斯联邦国防部部长`` → {"defence_minister"}).

    The position is split at ``、``/``兼``; each part's role is the longest known
    title the part ends with, so country and organisation prefixes are skipped
    and ``国防部副部长`` never reads as ``国防部长``.
    """
    cache: dict[str, frozenset[str]] = kb.derived("officeholders.roles_cache", lambda _kb: {})
    if position not in cache:
        index: dict[str, set[str]] = kb.derived("officeholders.role_index", _role_index)
        longest = kb.derived("officeholders.role_maxlen", lambda k: max((len(t) for t in index), default=0))
        out: set[str] = set()
        for part in POSITION_SPLIT_RE.split(position.strip()):
            part = part.strip("()（）")
            for size in range(min(len(part), longest), 0, -1):
                roles = index.get(part[-size:])
                if roles:
                    out |= roles
                    break
        cache[position] = frozenset(out)
    return set(cache[position])


def _interval(pos: dict[str, Any], present: dt.date) -> tuple[dt.date, dt.date] | None:
    start = pos.get("start")
    if not start:
        return None
    end = pos.get("end")
    return _date_bounds(start, end=False), (_date_bounds(end, end=True) if end else present)


def _intersect(a: list[tuple[dt.date, dt.date]], b: list[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    out = []
    for s1, e1 in a:
        for s2, e2 in b:
            s, e = max(s1, s2), min(e1, e2)
            if s <= e:
                out.append((s, e))
    return out


def _years(intervals: Iterable[tuple[dt.date, dt.date]]) -> set[int]:
    return {y for s, e in intervals for y in range(s.year, e.year + 1)}


def _person_intervals(person: dict[str, Any], positions: Sequence[str], kb: KnowledgeBase,
                      present: dt.date) -> list[tuple[dt.date, dt.date]] | None:
    """Periods in which the person held, at once, an office for every matching written position."""
    result: list[tuple[dt.date, dt.date]] | None = None
    for written in positions:
        roles = roles_of(kb, written)
        if not roles:
            continue
        spans = [iv for pos in person["positions"] if pos["role"] in roles and (iv := _interval(pos, present))]
        if not spans:
            continue
        result = spans if result is None else _intersect(result, spans)
    return result


def tenure_years(kb: KnowledgeBase, name: str, positions: Sequence[str], country: str | None = None,
                 today: dt.date | None = None) -> set[int] | None:
    """Years in which ``name`` held the offices the written ``positions`` denote.

    Positions matching none of the person's known offices are ignored; when
    several match, their periods are intersected (the person held them all at
    that moment). Homonyms contribute the union of their years. An open tenure
    runs to ``today``. Returns None when the person or a matching office is unknown.
    """
    present = today or dt.date.today()
    years: set[int] | None = None
    for person in lookup(kb, name, country):
        intervals = _person_intervals(person, positions, kb, present)
        if intervals is None:
            continue
        years = (years or set()) | _years(intervals)
    return years


def held_on(kb: KnowledgeBase, name: str, positions: Sequence[str], country: str | None, year: int) -> bool:
    """Whether ``name`` held the offices of ``positions`` at some time in ``year`` (False when unknown)."""
    years = tenure_years(kb, name, positions, country)
    return years is not None and year in years


def offices(kb: KnowledgeBase, name: str, country: str | None = None) -> list[dict[str, Any]]:
    """The dated positions of every person matching ``name`` (for display: positions over time)."""
    return [pos for person in lookup(kb, name, country) for pos in person["positions"]]
