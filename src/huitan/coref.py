"""Back-references to a document's persons, and organisation/place mentions.

* bare repeats of a known name or alias (``潘文江``, ``绍伊古``), with a short
  title or rank after them (``冯光青部长``, ``黄春战上将``);
* a surname with a short title (``张主席``) when one person has that surname;
* plural back-references (``两位部长``, ``两国国防部长``, ``双方``) when they
  pick out exactly two persons;
* organisations (a country, place or known body extended to the last
  organisation suffix: ``河内市公安局``, ``中国人民解放军代表团``), places and
  countries.

Used by :mod:`huitan.actors`.
"""

from __future__ import annotations

import re

from huitan.lexicon import CJK, CJK_RE, END, KIND, START, WORD, Lexicon, TokenIndex
from huitan.model import Mention, Person
from huitan.persons import cached_name_parts
from huitan.textutil import sentences

DOTS = "·•‧・．"
DOTS_SET = frozenset(DOTS)
ORG_STOP_KINDS = frozenset({"title", "rank", "honorific", "backref", "person"})
INNER_CONJ = frozenset({"与", "和"})
ORG_START_KINDS = frozenset({"place", "country", "org"})
BOTH_SIDES = "双方"
CJK_RUN_RE = re.compile(f"[{CJK}]+")


# ------------------------------------------------------------------ organisations and places


def _org_end(text: str, ti: TokenIndex, lex: Lexicon, start: int, first_end: int, names: dict[int, int]) -> int:
    """End of the organisation name that starts with the token ``[start, first_end)`` (or ``first_end``)."""
    pos = best = first_end
    run = CJK_RUN_RE.match(text, pos)
    stop = run.end() if run else pos  # the name runs through Chinese characters only
    by_start, suffixes = ti.by_start, lex.suffixes
    while pos < stop and pos not in names:
        tk = by_start.get(pos)
        if tk is not None:
            kind = tk[KIND]
            if kind in ORG_STOP_KINDS:
                break
            if kind == "boundary":
                nxt = by_start.get(tk[END])
                if not (tk[WORD] in INNER_CONJ and best > first_end
                        and (nxt is None or nxt[KIND] not in ORG_START_KINDS)):
                    break
            elif (kind == "country" or kind == "place") and text[pos - 1] != "驻":
                break
            pos = tk[END]
            if pos > stop:  # a word with other characters (a dot, a digit) runs past the run
                run = CJK_RUN_RE.match(text, pos)
                stop = run.end() if run else pos
        else:
            pos += 1
        sfs = suffixes.get(text[pos - 1])
        if sfs is not None and text.endswith(sfs, start, pos):
            best = pos
    return best


def orgs_and_places(text: str, section: str, lex: Lexicon, ti: TokenIndex, names: dict[int, int]) -> list[Mention]:
    """Organisation, place and country mentions of one section (outside person names)."""
    out: list[Mention] = []
    name_starts = sorted(names)
    k = 0  # name_starts[:k] start at or before the token (tokens come in text order)
    skip_to = 0
    by_start = ti.by_start
    for start, word_end, kind, word, country in ti.of_kind("place", "country", "org"):
        if start < skip_to:
            continue
        while k < len(name_starts) and name_starts[k] <= start:
            k += 1
        if k and start < names[name_starts[k - 1]]:
            continue  # inside the last name starting before it
        nxt = by_start.get(word_end)
        if word_end in names or (nxt is not None and (nxt[KIND] in ORG_STOP_KINDS
                                                      or nxt[KIND] == "boundary")):
            end = word_end  # nothing can extend it (the common case: a country before a verb)
        else:
            end = _org_end(text, ti, lex, start, word_end, names)
        if end > word_end or kind == "org" or (kind == "country" and word in lex.prefixes):
            name = text[start:end]
            out.append(Mention(kind="organization", name=name, text=name, section=section, start=start,
                               end=end, country=country))
            skip_to = end
        else:
            out.append(Mention(kind="place" if kind == "place" else "country", name=word, text=word,
                               section=section, start=start, end=word_end, country=country))
    return out


# ------------------------------------------------------------------ persons


def _is_byline(p: Person) -> bool:
    return bool(p.positions) and all(pos.endswith("记者") for pos in p.positions)


def _repeats(texts: dict[str, str], tis: dict[str, TokenIndex], persons: list[Person],
             taken: dict[str, list[tuple[int, int]]]) -> list[Mention]:
    forms: dict[str, int] = {}
    ambiguous: set[str] = set()
    for i, p in enumerate(persons):
        parts = cached_name_parts(p.name)
        for f in dict.fromkeys((p.name, *p.aliases, parts[0], parts[-1])):  # in this order: not a set's (hash seed)
            if not f or len(f) < 2 or not CJK_RE.match(f):
                continue
            if forms.get(f, i) != i:
                ambiguous.add(f)
            forms[f] = i
    for f in ambiguous:
        del forms[f]
    if not forms:
        return []
    out = []
    ordered = sorted(forms, key=len, reverse=True)  # longer forms first: 谢尔盖·绍伊古 before 绍伊古
    for sec, text in texts.items():
        spans = taken.get(sec, [])
        # the characters the spans cover (an empty span covers none but blocks a form around it)
        covered = bytearray(len(text) + 1)
        for s, e in spans:
            covered[s:e] = b"\x01" * (e - s) if e > s else b""
        empty = [(s, e) for s, e in spans if e <= s]
        for form in ordered:
            a = text.find(form)
            while a >= 0:
                b = a + len(form)
                if covered.find(1, a, b) < 0 and not (empty and any(a < e and s < b for s, e in empty)):
                    end = b
                    t = tis[sec].by_start.get(b)
                    if t is not None and t[KIND] in ("rank", "honorific", "title"):
                        end = t[END]
                    p = persons[forms[form]]
                    out.append(Mention(kind="person", name=p.name, text=text[a:end], section=sec, start=a,
                                       end=end, rank=p.rank if t is not None and t[KIND] == "rank" else None,
                                       country=p.country, entity=forms[form]))
                    spans.append((a, end))
                    covered[a:end] = b"\x01" * (end - a)
                a = text.find(form, b)
    return out


def _surname_refs(texts: dict[str, str], tis: dict[str, TokenIndex], lex: Lexicon, persons: list[Person],
                  taken: dict[str, list[tuple[int, int]]], bylines: set[int]) -> list[Mention]:
    by_surname: dict[str, list[int]] = {}
    for i, p in enumerate(persons):
        if i not in bylines and 2 <= len(p.name) <= 4 and DOTS_SET.isdisjoint(p.name):
            by_surname.setdefault(p.name[0], []).append(i)
    out: list[Mention] = []
    if not by_surname:
        return out
    for sec, text in texts.items():
        ti = tis[sec]
        for t in ti.of_kind("title"):
            if t[WORD] not in lex.short_titles or t[START] == 0:
                continue
            a = t[START] - 1
            cands = by_surname.get(text[a], [])
            if not cands or any(a < e and s < t[END] for s, e in taken.get(sec, [])):
                continue
            if a > 0 and CJK_RE.match(text[a - 1]) and ti.by_end.get(a) is None:
                continue
            if len(cands) > 1:
                cands = [i for i in cands if any(pos.endswith(t[WORD]) for pos in persons[i].positions)]
            if len(cands) == 1:
                p = persons[cands[0]]
                out.append(Mention(kind="person", name=p.name, text=text[a:t[END]], section=sec, start=a,
                                   end=t[END], country=p.country, entity=cands[0]))
                taken.setdefault(sec, []).append((a, t[END]))
    return out


def _plural_refs(texts: dict[str, str], tis: dict[str, TokenIndex], persons: list[Person],
                 mentions: list[Mention], bylines: set[int]) -> list[Mention]:
    out = []
    for sec, text in texts.items():
        ti = tis[sec]
        # the references that may pick out persons: 双方, or a plural word before a title (两位部长)
        refs = [t for t in ti.of_kind("backref")
                if t[WORD] == BOTH_SIDES or (nxt := ti.by_start.get(t[END])) is not None and nxt[KIND] == "title"]
        if not refs:
            continue
        seen = sorted((m.start, m.entity) for m in mentions if m.section == sec and m.entity is not None)
        sents: list[tuple[int, int]] | None = None
        for t in refs:
            nxt = ti.by_start.get(t[END])
            end = t[END]
            if t[WORD] == BOTH_SIDES:
                # persons of the current and the previous sentence
                if sents is None:
                    sents = sentences(text)
                k = next((i for i, (s, e) in enumerate(sents) if s <= t[START] < e), 0)
                lo = sents[max(0, k - 1)][0] if sents else 0
                near = [e for s, e in seen if lo <= s < t[START] and e is not None and e not in bylines]
                cands = list(dict.fromkeys(near))
                if len({persons[i].country for i in cands}) != 2 or len(cands) != 2:
                    continue
            elif nxt is not None and nxt[KIND] == "title":
                before = [e for s, e in seen if s < t[START] and e is not None and e not in bylines]
                core = nxt[WORD][-2:]
                cands = list(dict.fromkeys(i for i in before if any(p.endswith(core) for p in persons[i].positions)))
                end = nxt[END]
                if len(cands) != 2:
                    continue
            else:
                continue
            for i in cands:
                out.append(Mention(kind="person", name=persons[i].name, text=text[t[START]:end], section=sec,
                                   start=t[START], end=end, country=persons[i].country, entity=i))
    return out


def back_references(texts: dict[str, str], tis: dict[str, TokenIndex], lex: Lexicon, persons: list[Person],
                    mentions: list[Mention]) -> list[Mention]:
    """Mentions that refer back to ``persons``: repeats, surname + title, plural references."""
    taken: dict[str, list[tuple[int, int]]] = {}
    for m in mentions:
        taken.setdefault(m.section, []).append((m.start, m.end))
    bylines = {i for i, p in enumerate(persons) if _is_byline(p)}
    out = _repeats(texts, tis, persons, taken)
    out += _surname_refs(texts, tis, lex, persons, taken, bylines)
    if len(persons) - len(bylines) >= 2:  # a plural reference picks out two persons
        out += _plural_refs(texts, tis, persons, mentions + out, bylines)
    return out
