"""Corpus-level persons: one :class:`Person` per real person across documents.

Two document-level persons are the same real person when the knowledge base
identifies both as the same entry, or when they share a name (or the last part
of a ``·`` name) and a country and the knowledge base does not tell them apart.
A person whose country is unknown joins the only group with that name.

Public API: :func:`link_persons`, :class:`PersonLinker` (the same, one document person at a time,
holding one entry per distinct document person), :func:`person_id`.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from functools import lru_cache
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


cached_name_parts = lru_cache(maxsize=8192)(name_parts)  # read only: callers keep the first and last part


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


PersonRecord = tuple[Any, ...]  # a document person's fields, hashable (see :meth:`PersonLinker.add`)


class PersonLinker:
    """:func:`link_persons` over document persons given one at a time, in corpus order.

    Holds one entry per distinct document person (the same name, country, positions…
    written in many documents is one entry), not one per document: after :meth:`link`,
    :meth:`person_id` gives the corpus id of any document person seen.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.entries = _kb_entries(kb)
        self._seen: dict[PersonRecord, list[int]] = {}  # record -> [first position, count]
        self._n = 0
        self._ids: dict[tuple[str | None, str, str | None], str] = {}  # (kb id, name, country) -> person id
        self._linked: list[tuple[Person, list[PersonRecord]]] = []  # each person of :meth:`link`, and its members

    def add(self, p: Person | dict[str, Any]) -> None:
        """Count one document person (a :class:`Person` or its stored dict)."""
        rec = _record(p)
        have = self._seen.get(rec)
        if have is None:
            self._seen[rec] = [self._n, 1]
        else:
            have[1] += 1
        self._n += 1

    def person_id(self, p: Person | dict[str, Any]) -> str:
        """The corpus id of a document person seen by :meth:`add` (after :meth:`link`)."""
        if isinstance(p, dict):
            return self._ids[(p.get("kb_id"), p["name"], p.get("country"))]
        return self._ids[(p.kb_id, p.name, p.country)]

    def link(self, names: bool = True) -> list[Person]:
        """The corpus-level persons, in order of first mention; without ``names``, their ``names`` are left
        for :meth:`names` (which only they take time to find)."""
        records = list(self._seen)  # in order of first mention
        keys = _group_keys(records, self.entries)
        groups: dict[str, list[PersonRecord]] = {}
        for rec in records:
            groups.setdefault(keys[_triple(rec)], []).append(rec)
        out: list[Person] = []
        self._linked = []
        for key, members in groups.items():  # a group's first member is its first mention
            person = self._person(key, members)
            out.append(person)
            self._linked.append((person, members))
            for rec in members:
                self._ids[_triple(rec)] = person.person_id or ""
        if names:
            for person, found in zip(out, self.names(), strict=True):
                person.names = found
        return out

    def names(self) -> list[dict[str, str | None]]:
        """The ``names`` of each person :meth:`link` gave, in order: :mod:`huitan.names`, else the first a
        document wrote for one of its members."""
        return [_names_for(self.kb, p) or next((dict(m[5]) for m in members if m[5]), {})
                for p, members in self._linked]

    def _person(self, key: str, members: list[PersonRecord]) -> Person:
        kb_id = key[3:] if key.startswith("kb:") else None
        entry = self.entries.get(kb_id or "", {})
        countries: Counter[str] = Counter()
        written: Counter[str] = Counter()
        for rec in members:  # a distinct record counts as often as it was written
            n = self._seen[rec][1]
            if rec[1]:
                countries[rec[1]] += n
            written[rec[0]] += n
        country = countries.most_common(1)[0][0] if countries else entry.get("country")
        name = entry.get("name") or max(written, key=lambda n: (n.count("·"), written[n]))
        aliases: list[str] = []
        positions: list[str] = []
        for m_name, _, m_aliases, m_positions, *_ in members:
            for alias in [m_name, *m_aliases]:
                if alias and alias != name and alias not in aliases:
                    aliases.append(alias)
            for pos in m_positions:
                if pos not in positions:
                    positions.append(pos)
        rank = next((m[4] for m in members if m[4]), None)
        person = Person(name=name, country=country, aliases=aliases, positions=positions, rank=rank,
                        kb_id=kb_id, person_id=person_id(kb_id, name, country))
        return person


PERSON_RECORD_FIELDS = ("name", "country", "aliases", "positions", "rank", "names", "kb_id")  # what :func:`_record` reads


def _record(p: Person | dict[str, Any]) -> PersonRecord:
    """The :data:`PERSON_RECORD_FIELDS` of a document person (a :class:`Person`, or its stored dict)."""
    if isinstance(p, dict):
        return (p["name"], p.get("country"), tuple(p.get("aliases") or ()), tuple(p.get("positions") or ()),
                p.get("rank"), tuple((p.get("names") or {}).items()), p.get("kb_id"))
    return (p.name, p.country, tuple(p.aliases), tuple(p.positions), p.rank, tuple(p.names.items()), p.kb_id)


def _triple(rec: PersonRecord) -> tuple[str | None, str, str | None]:
    """What a document person's group depends on: kb id, name, country."""
    return rec[6], rec[0], rec[1]


def _group_keys(records: list[PersonRecord], entries: dict[str, dict[str, Any]] | None = None,
                ) -> dict[tuple[str | None, str, str | None], str]:
    """(kb id, name, country) of each distinct document person → group key."""
    kb_by_name: dict[tuple[str, str | None], set[str]] = {}
    countries_by_name: dict[str, set[str]] = {}
    multi: dict[tuple[str, str | None], set[str]] = {}  # (one part, country) → base keys of longer names
    full: dict[str | None, set[tuple[str, ...]]] = {}  # country → parts of every ``·`` name written
    for name, country, aliases, _, _, _, kb_id in records:
        entry = (entries or {}).get(kb_id or "", {})
        written = [name, *aliases, *([entry["name"], *(entry.get("aliases") or [])] if entry else [])]
        for n in written:
            if kb_id:
                kb_by_name.setdefault((_base_key(n), country), set()).add(kb_id)
        if country:
            countries_by_name.setdefault(_base_key(name), set()).add(country)
        parts = name_parts(name)
        if len(parts) >= 2:
            for part in (parts[0], parts[-1]):
                multi.setdefault((part, country), set()).add(_base_key(name))
        for n in written:
            if len(name_parts(n)) >= 2:
                full.setdefault(country, set()).add(tuple(name_parts(n)))
    keys: dict[tuple[str | None, str, str | None], str] = {}
    for rec in records:
        triple = _triple(rec)
        if triple in keys:
            continue
        kb_id, name, country = triple
        if kb_id:
            keys[triple] = f"kb:{kb_id}"
            continue
        k = _base_key(name)
        if country is None and len(countries_by_name.get(k, ())) == 1:
            country = next(iter(countries_by_name[k]))
        if "·" not in k and len(multi.get((k, country), ())) == 1:
            k = next(iter(multi[(k, country)]))
        own = tuple(name_parts(name))
        # a fuller form with a second family name (米格尔·迪亚斯-卡内尔·贝穆德斯) joins its shorter form
        starts = {_base_key("·".join(f)) for f in full.get(country, ()) if 2 <= len(f) < len(own)
                  and own[:len(f)] == f}
        if len(starts) == 1:
            k = next(iter(starts))
        ids = kb_by_name.get((k, country), set())
        keys[triple] = f"kb:{next(iter(ids))}" if len(ids) == 1 else f"name:{k}|{country or ''}"
    return keys


def link_persons(analyses: list[DocAnalysis], kb: KnowledgeBase) -> list[Person]:
    """Corpus-level persons; sets ``person_id`` on document persons, participants and statements."""
    linker = PersonLinker(kb)
    for a in analyses:
        for p in a.actors.persons:
            linker.add(p)
    out = linker.link()
    for a in analyses:
        for p in a.actors.persons:
            p.person_id = linker.person_id(p)
    _link_references(analyses)
    return out


def names_to_ids(persons: list[tuple[str, list[str], str | None]]) -> dict[str, str]:
    """Written name (and its :func:`_base_key`) → person id, for a document's (name, aliases, person id)."""
    by_name: dict[str, str] = {}
    for name, aliases, pid in persons:
        if pid:
            for n in [name, *aliases]:
                by_name.setdefault(n, pid)
                by_name.setdefault(_base_key(n), pid)
    return by_name


def id_by_name(by_name: dict[str, str], name: str) -> str | None:
    """The person id a participant or speaker named ``name`` refers to (see :func:`names_to_ids`)."""
    return by_name.get(name) or by_name.get(_base_key(name))


def _link_references(analyses: list[DocAnalysis]) -> None:
    """``person_id`` of every participant and statement speaker, through its document's persons."""
    for a in analyses:
        persons = a.actors.persons
        by_name = names_to_ids([(p.name, p.aliases, p.person_id) for p in persons])
        for e in a.events:
            for part in e.participants:
                if part.kind != "person":
                    continue
                if part.entity is not None and 0 <= part.entity < len(persons):
                    part.person_id = persons[part.entity].person_id
                else:
                    part.person_id = id_by_name(by_name, part.name)
        for s in a.statements:
            s.person_id = id_by_name(by_name, s.speaker)
