"""Corpus-level persons: one :class:`Person` per real person across documents.

Two document-level persons are the same real person when the knowledge base
identifies both as the same entry, or when they share a name (or the last part
of a ``·`` name) and a country and the knowledge base does not tell them apart.
A person whose country is unknown joins the only group with that name.

Public API: :func:`link_persons`, :func:`person_id`.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from typing import Any

from huitan.kb import KnowledgeBase
from huitan.model import DocAnalysis, Person

DOTS = "·•‧・．"
DOTS_RE = re.compile(f"[{DOTS}]")


def name_parts(name: str) -> list[str]:
    """The parts of a written name split at name dots (one part for a Chinese name)."""
    if not DOTS_RE.search(name):
        return [name]
    for d in DOTS:
        name = name.replace(d, "·")
    return [x.strip() for x in name.split("·") if x.strip()]


def names_match(a: str, b: str) -> bool:
    """Whether two written names can denote one person.

    Two ``·`` names match when first and last parts agree (``谢尔盖·古如盖多维奇·绍伊古`` and
    ``谢尔盖·绍伊古``, not ``塔米姆·本·哈马德·阿勒萨尼`` and ``哈马德·本·哈利法·阿勒萨尼``), or when the
    shorter is the start of the longer (``米格尔·迪亚斯-卡内尔`` and ``米格尔·迪亚斯-卡内尔·贝穆德斯``);
    a one-part name matches the first or last part of a longer one (``绍伊古``, ``通伦``).
    """
    if a == b:
        return True
    pa, pb = name_parts(a), name_parts(b)
    if len(pa) >= 2 and len(pb) >= 2:
        short, long_ = sorted((pa, pb), key=len)
        # a second family name written only in the fuller form (米格尔·迪亚斯-卡内尔·贝穆德斯)
        return (pa[0] == pb[0] and pa[-1] == pb[-1]) or long_[:len(short)] == short
    if len(pa) == 1 and len(pb) >= 2:
        return pa[0] in (pb[0], pb[-1])
    if len(pb) == 1 and len(pa) >= 2:
        return pb[0] in (pa[0], pa[-1])
    return False


def person_id(kb_id: str | None, name: str, country: str | None) -> str:
    """Stable corpus id: a hash of the knowledge-base id, else of name and country."""
    basis = f"kb:{kb_id}" if kb_id else f"name:{_base_key(name)}|{country or ''}"
    return "p-" + hashlib.sha1(basis.encode("utf-8")).hexdigest()[:12]


def _kb_entries(kb: KnowledgeBase) -> dict[str, dict[str, Any]]:
    def build(k: KnowledgeBase) -> dict[str, dict[str, Any]]:
        try:
            from huitan import officeholders
        except ImportError:  # pragma: no cover - ships with the package
            return {}
        return {p["id"]: p for p in officeholders.persons(k)}

    return kb.derived("persons.by_id", build)


def _names_for(kb: KnowledgeBase, p: Person) -> dict[str, str | None]:
    try:
        from huitan import names
    except ImportError:  # pragma: no cover - ships with the package
        return p.names
    return names.names_for(kb, p.name, p.country, aliases=tuple(p.aliases))


def _base_key(name: str) -> str:
    """First and last part of a ``·`` name, or the name itself."""
    parts = name_parts(name) or [name]
    return f"{parts[0]}·{parts[-1]}" if len(parts) >= 2 else parts[0]


def _group_keys(analyses: list[DocAnalysis], entries: dict[str, dict[str, Any]] | None = None,
                ) -> dict[tuple[int, int], str]:
    """(analysis index, person index) → group key."""
    kb_by_name: dict[tuple[str, str | None], set[str]] = {}
    countries_by_name: dict[str, set[str]] = {}
    multi: dict[tuple[str, str | None], set[str]] = {}  # (one part, country) → base keys of longer names
    full: dict[str | None, set[tuple[str, ...]]] = {}  # country → parts of every ``·`` name written
    for a in analyses:
        for p in a.actors.persons:
            entry = (entries or {}).get(p.kb_id or "", {})
            written = [p.name, *p.aliases, *([entry["name"], *(entry.get("aliases") or [])] if entry else [])]
            for n in written:
                if p.kb_id:
                    kb_by_name.setdefault((_base_key(n), p.country), set()).add(p.kb_id)
            if p.country:
                countries_by_name.setdefault(_base_key(p.name), set()).add(p.country)
            parts = name_parts(p.name)
            if len(parts) >= 2:
                for part in (parts[0], parts[-1]):
                    multi.setdefault((part, p.country), set()).add(_base_key(p.name))
            for n in written:
                if len(name_parts(n)) >= 2:
                    full.setdefault(p.country, set()).add(tuple(name_parts(n)))
    keys: dict[tuple[int, int], str] = {}
    for ai, a in enumerate(analyses):
        for pi, p in enumerate(a.actors.persons):
            if p.kb_id:
                keys[(ai, pi)] = f"kb:{p.kb_id}"
                continue
            k = _base_key(p.name)
            country = p.country
            if country is None and len(countries_by_name.get(k, ())) == 1:
                country = next(iter(countries_by_name[k]))
            if "·" not in k and len(multi.get((k, country), ())) == 1:
                k = next(iter(multi[(k, country)]))
            own = tuple(name_parts(p.name))
            # a fuller form with a second family name (米格尔·迪亚斯-卡内尔·贝穆德斯) joins its shorter form
            starts = {_base_key("·".join(f)) for f in full.get(country, ()) if 2 <= len(f) < len(own)
                      and own[:len(f)] == f}
            if len(starts) == 1:
                k = next(iter(starts))
            ids = kb_by_name.get((k, country), set())
            keys[(ai, pi)] = f"kb:{next(iter(ids))}" if len(ids) == 1 else f"name:{k}|{country or ''}"
    return keys


def link_persons(analyses: list[DocAnalysis], kb: KnowledgeBase) -> list[Person]:
    """Corpus-level persons; sets ``person_id`` on document persons, participants and statements."""
    keys = _group_keys(analyses, _kb_entries(kb))
    groups: dict[str, list[Person]] = {}
    for (ai, pi), key in keys.items():
        groups.setdefault(key, []).append(analyses[ai].actors.persons[pi])
    entries = _kb_entries(kb)
    out: list[Person] = []
    pid_of: dict[str, str] = {}
    for key, members in groups.items():
        kb_id = key[3:] if key.startswith("kb:") else None
        entry = entries.get(kb_id or "", {})
        countries = Counter(m.country for m in members if m.country)
        country = countries.most_common(1)[0][0] if countries else entry.get("country")
        written = Counter(m.name for m in members)
        name = entry.get("name") or max(written, key=lambda n: (n.count("·"), written[n]))
        aliases: list[str] = []
        positions: list[str] = []
        for m in members:
            for n in [m.name, *m.aliases]:
                if n and n != name and n not in aliases:
                    aliases.append(n)
            for pos in m.positions:
                if pos not in positions:
                    positions.append(pos)
        rank = next((m.rank for m in members if m.rank), None)
        pid = person_id(kb_id, name, country)
        person = Person(name=name, country=country, aliases=aliases, positions=positions, rank=rank,
                        kb_id=kb_id, person_id=pid)
        person.names = _names_for(kb, person) or next((m.names for m in members if m.names), {})
        for m in members:
            m.person_id = pid
        pid_of[key] = pid
        out.append(person)
    _link_references(analyses)
    return out


def _link_references(analyses: list[DocAnalysis]) -> None:
    """``person_id`` of every participant and statement speaker, through its document's persons."""
    for a in analyses:
        persons = a.actors.persons
        by_name: dict[str, str] = {}
        for p in persons:
            if p.person_id:
                for n in [p.name, *p.aliases]:
                    by_name.setdefault(n, p.person_id)
                    by_name.setdefault(_base_key(n), p.person_id)
        for e in a.events:
            for part in e.participants:
                if part.kind != "person":
                    continue
                if part.entity is not None and 0 <= part.entity < len(persons):
                    part.person_id = persons[part.entity].person_id
                else:
                    part.person_id = by_name.get(part.name) or by_name.get(_base_key(part.name))
        for s in a.statements:
            s.person_id = by_name.get(s.speaker) or by_name.get(_base_key(s.speaker))
