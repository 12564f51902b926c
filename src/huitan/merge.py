"""Merging: one event per real occurrence, and one record per mechanism session.

:func:`merge_in_document` joins the mentions of one event within a document
(a lead and its paragraph, a caption restating the body, one visit with several
hosts named, one session named short and long); :func:`visitors_are_guests` and
:func:`delegation_attends` settle roles across the document's events.

:func:`merge_events` joins the reports of the same event in several documents
(same type, overlapping participants, compatible dates) into one event with all
their sources; it never joins events whose dates are incompatible.
:func:`mechanism_records` lists each (series, session) once (spec §5).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from typing import Any

from .model import DateValue, Event, Evidence, Participant

ROLE_RANK = {"chair": 0, "host": 0, "sender": 0, "receiver": 0, "donor": 0, "signatory": 0, "visitor": 0,
             "party": 1, "guest": 1, "recipient": 1, "envoy": 1, "witness": 1, "attendee": 2}


@dataclass
class DocEvent:
    """An event found in a document, with where it was found."""

    event: Event
    section: str
    sent: int  # index of the sentence within its section
    pos: int  # trigger offset, for document order
    names: frozenset[str] = field(default_factory=frozenset)


# ---------------------------------------------------------------- within one document


def _same_in_doc(a: DocEvent, b: DocEvent) -> bool:
    ea, eb = a.event, b.event
    if ea.type != eb.type:
        # a photo caption restates the body's meeting, 会面 or 会谈
        return {ea.type, eb.type} == {"MEET", "TALKS"} and (a.section == "caption") != (b.section == "caption") \
            and a.names == b.names and len(a.names) >= 2
    ma, mb = ea.mechanism, eb.mechanism
    if ma and mb and (ma["session"] != mb["session"] or not _same_series(ma["name"], mb["name"])):
        return False
    if ea.document and eb.document and ea.document != eb.document:
        return False
    if ea.type == "VISIT" and _visitors(ea) & _visitors(eb) and _same_place(ea, eb):
        return True  # 应X邀请对日本进行访问的A … Y欢迎A访日: one visit, however many hosts are named
    if a.names <= b.names or b.names <= a.names:
        if not a.names and not b.names and not (ma or mb):
            return a.section == b.section and abs(a.sent - b.sent) <= 2
        return True
    if _orgs_within(ea, eb) or _orgs_within(eb, ea):
        return True
    near = a.section == b.section and abs(a.sent - b.sent) <= 2
    if ea.type in ("TALKS", "MEET", "CALL") and near and min(len(a.names), len(b.names)) == 1:
        return True
    return ea.type == "CONFERENCE" and near


def _same_series(a: str, b: str) -> bool:
    """``边境国防友好交流`` and ``越南—老挝—柬埔寨边境国防友好交流``: one name ends the other."""
    return a.endswith(b) or b.endswith(a)


def _visitors(ev: Event) -> set[str]:
    return {p.name for p in ev.participants if p.role == "visitor" and p.kind == "person"}


def _same_place(a: Event, b: Event) -> bool:
    """No two different destination countries are written for the two visits."""
    ca, cb = (a.location or {}).get("country"), (b.location or {}).get("country")
    return ca is None or cb is None or ca == cb


def _orgs_within(a: Event, b: Event) -> bool:
    """Every participant of ``a`` is in ``b``, or an organisation of a country ``b``'s persons come from
    (``欢迎老挝人民军高级军事代表团访问`` after the visit of its leader); at least one organisation."""
    if not any(p.kind == "organization" for p in a.participants):
        return False
    names = {p.name for p in b.participants}
    countries = {p.country for p in b.participants if p.kind == "person" and p.country}
    return all(p.name in names or (p.kind == "organization" and p.country in countries) for p in a.participants)


def _absorb_in_doc(into: DocEvent, other: DocEvent) -> None:
    e, o = into.event, other.event
    if _orgs_within(e, o):
        e.participants = list(o.participants) + [p for p in e.participants if p.kind == "person"
                                                 and p.name not in {q.name for q in o.participants}]
    have = {p.name: p for p in e.participants}
    for p in ([] if _orgs_within(o, e) else o.participants):
        q = have.get(p.name)
        if q is None:
            e.participants.append(p)
            have[p.name] = p
        elif ROLE_RANK.get(p.role, 3) < ROLE_RANK.get(q.role, 3) and e.type == "CONFERENCE":
            q.role = p.role
        if q is not None and q.country is None:
            q.country = p.country
    if e.mechanism and o.mechanism and len(o.mechanism["name"]) > len(e.mechanism["name"]):
        e.mechanism = o.mechanism  # X举行首届Y / 首届XY: the full name
    e.mechanism = e.mechanism or o.mechanism
    e.location = e.location or o.location
    e.document = e.document or o.document
    e.amount = e.amount or o.amount
    if e.subtype in (None, "other") and o.subtype:
        e.subtype = o.subtype  # 致电致信 then 致唁电: the specific kind wins
    e.sources.extend(o.sources)
    into.names = frozenset(p.name for p in e.participants)


def merge_in_document(found: list[DocEvent]) -> list[DocEvent]:
    kept: list[DocEvent] = []
    for f in found:
        for k in kept:
            if _same_in_doc(k, f):
                _absorb_in_doc(k, f)
                break
        else:
            kept.append(f)
    return kept


def visitors_are_guests(events: list[Event], reach: int = 300) -> None:
    """A visitor who 会见 the visited side's leaders is their guest, not their host.

    ``张又侠…访问越南…，并在期间会见苏林``: 会见 makes its subject the host, but when the
    subject is the visitor of a VISIT stated in the same sentence or shortly before
    (``reach`` characters, same section) and the other side are persons of another
    country who visit nobody, the roles are the other way round.
    """
    visits: dict[str, list[Evidence]] = {}
    for ev in events:
        if ev.type == "VISIT":
            for p in ev.participants:
                if p.role == "visitor" and p.kind == "person":
                    visits.setdefault(p.name, []).extend(ev.sources)

    def visiting(name: str, at: Evidence) -> bool:
        return any(v.section == at.section and v.doc_id == at.doc_id and 0 <= at.start - v.start <= reach
                   for v in visits.get(name, []))

    for ev in events:
        if ev.type != "MEET" or not ev.sources:
            continue
        hosts = [p for p in ev.participants if p.role == "host" and p.kind == "person"]
        guests = [p for p in ev.participants if p.role == "guest" and p.kind == "person"]
        if not hosts or not guests or not all(visiting(p.name, ev.sources[0]) for p in hosts):
            continue
        home = {p.country for p in hosts}
        if None in home or any(p.name in visits or p.country is None or p.country in home for p in guests):
            continue
        ev.participants = [replace(p, role={"host": "guest", "guest": "host"}[p.role])
                           if any(p is q for q in hosts + guests) else p for p in ev.participants]


def delegation_attends(events: list[Event]) -> None:
    """``王毅、王小洪及董军访越…王毅表示，此次出席…会议``: the visiting group attends with its speaker.

    A conference whose attendees all belong to one group of visitors named together
    by a VISIT of the document gets the rest of that group as attendees.
    """
    groups = [[p for p in ev.participants if p.role == "visitor" and p.kind == "person"]
              for ev in events if ev.type == "VISIT"]
    groups = [g for g in groups if len(g) >= 2]
    for ev in events:
        if ev.type != "CONFERENCE" or not groups:
            continue
        att = {p.name for p in ev.participants if p.kind == "person"}
        if not att or any(p.role != "attendee" for p in ev.participants):
            continue
        for g in groups:
            names = {p.name for p in g}
            if att < names:
                ev.participants += [Participant(p.name, "attendee", "person", p.country, None, p.entity)
                                    for p in g if p.name not in att]
                break


# ---------------------------------------------------------------- across documents


def _key(p: Participant) -> str:
    return p.person_id or p.name


def _month_day(d: DateValue | None) -> str | None:
    if d is None or not d.start:
        return None
    s = d.start
    if s.startswith("--"):
        return s[2:7] if len(s) >= 7 else None
    parts = s.split("-")
    return f"{parts[1]}-{parts[2]}" if len(parts) >= 3 else None


def _end_month_day(d: DateValue | None) -> str | None:
    """The month-day a range ends on (None when the date is not a range within one year)."""
    if d is None or not d.end or d.end == d.start:
        return None
    e = d.end[2:7] if d.end.startswith("--") else "-".join(d.end.split("-")[1:3])
    start = _month_day(d)
    return e if len(e) == 5 and start and e >= start else None


def _month(d: DateValue | None) -> str | None:
    if d is None or not d.start:
        return None
    s = d.start[2:] if d.start.startswith("--") else d.start[5:] if len(d.start) >= 7 else ""
    return s[:2] or None


def _years(d: DateValue | None) -> set[int]:
    if d is None:
        return set()
    if d.start and not d.start.startswith("--") and d.start[:4].isdigit():
        return {int(d.start[:4])}
    return {int(y) for y in d.year_candidates}


DateSig = tuple[str | None, str | None, str | None, tuple[int, ...]]


def date_sig(d: DateValue | None) -> DateSig:
    """What :func:`dates_compatible` compares: month-day, the month-day a range ends on, month, years."""
    md = _month_day(d)
    return md, _end_month_day(d) or md, _month(d), tuple(sorted(_years(d)))


def sigs_compatible(a: DateSig, b: DateSig) -> bool:
    """:func:`dates_compatible` on two :func:`date_sig` values."""
    ma, ea, mo_a, ya = a
    mb, eb, mo_b, yb = b
    if ma and mb and (ea, eb) != (ma, mb) and ea and eb:  # a range: a visit of several days
        if not (ma <= eb and mb <= ea):
            return False
    elif ma and mb and ma != mb:
        return False
    if mo_a and mo_b and mo_a != mo_b:
        return False
    return not (ya and yb and not any(y in yb for y in ya))


def dates_compatible(a: DateValue | None, b: DateValue | None) -> bool:
    """True unless the two dates rule each other out (different day, month or year; ranges that do not overlap)."""
    return sigs_compatible(date_sig(a), date_sig(b))


@dataclass(slots=True)
class MergeSig:
    """What merging across documents looks at in an event, kept small (one per kept event of a corpus)."""

    type: str
    docs: tuple[str, ...]  # the documents of its sources
    date: DateSig
    score: tuple[int, int]  # how good its date is (:func:`date_score`)
    parts: tuple[tuple[str, str], ...]  # (participant key, role), in participant order
    mech: tuple[Any, Any] | None  # (mechanism name, session)


def merge_sig(ev: Event) -> MergeSig:
    docs = tuple(dict.fromkeys(s.doc_id for s in ev.sources))
    mech = (ev.mechanism["name"], ev.mechanism["session"]) if ev.mechanism else None
    return MergeSig(ev.type, docs, date_sig(ev.date), date_score(ev.date), tuple((_key(p), p.role) for p in ev.participants),
                    mech)


def _same(a: Event, b: Event) -> bool:
    """Two reports of one event: same type, compatible dates, and the same actors on every side."""
    return _same_sig(merge_sig(a), merge_sig(b))


def _same_sig(a: MergeSig, b: MergeSig) -> bool:
    if a.type != b.type:
        return False
    for d in b.docs:
        if d in a.docs:
            return False
    if a.date is not b.date and not sigs_compatible(a.date, b.date):  # a date is compatible with itself
        return False
    small, big = (a, b) if len(a.parts) <= len(b.parts) else (b, a)
    ks = {k for k, _ in small.parts}
    kb = {k for k, _ in big.parts}
    if not ks:
        ma, mb = a.mech, b.mech
        return bool(ma and mb and not kb and ma == mb and a.date[0] is not None and a.date[0] == b.date[0])
    shared = ks & kb
    # every role of the smaller report is filled by someone the other report names too
    if {r for _, r in small.parts} != {r for k, r in small.parts if k in shared}:
        return False
    if not ks <= kb and len(shared) < 2:
        return False
    days = (a.date[0] is not None) + (b.date[0] is not None)
    if days == 2:
        return True
    if days == 1:
        return len(shared) >= 2
    return ks == kb and len(ks) >= 2


def date_score(d: DateValue | None) -> tuple[int, int]:
    if d is None:
        return (-1, 0)
    known_year = d.start is not None and not d.start.startswith("--")
    return (DATE_RANK.get(d.precision, 0), int(known_year))


DATE_RANK = {"day": 3, "month": 2, "year": 1, "unknown": 0}


def _better_date(a: DateValue | None, b: DateValue | None) -> DateValue | None:
    return a if date_score(a) >= date_score(b) else b


def absorb(into: Event, other: Event) -> None:
    have = {_key(p) for p in into.participants}
    for p in other.participants:
        if _key(p) not in have:
            into.participants.append(p)
            have.add(_key(p))
    into.date = _better_date(into.date, other.date)
    into.location = into.location or other.location
    into.mechanism = into.mechanism or other.mechanism
    into.document = into.document or other.document
    into.amount = into.amount or other.amount
    into.subtype = into.subtype or other.subtype
    if other.scope == "international":
        into.scope = "international"
    into.sources.extend(other.sources)


def event_id(ev: Event) -> str:
    """A stable id: hash of type, sorted participant ids and date."""
    first = ev.sources[0] if ev.sources else None
    return event_id_of(ev.type, [_key(p) for p in ev.participants], ev.date.start if ev.date else None,
                       ev.mechanism, (first.doc_id, first.start) if first else None)


def event_id_of(type_: str, keys: list[str], start: str | None, mechanism: dict[str, Any] | None,
                first: tuple[str, int] | None) -> str:
    """:func:`event_id` from its parts: participant keys, date start, mechanism, (doc id, start) of the first source."""
    parts = sorted(keys)
    date = start or ""
    mech = f"{mechanism['name']}#{mechanism['session']}" if mechanism else ""
    anchor = "" if parts or date else (f"{first[0]}:{first[1]}" if first else "")
    raw = "|".join([type_, ",".join(parts), date, mech if not parts else "", anchor])
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


Bucket = int | tuple[int, ...] | set[int]  # kept positions: one as an int, a few as a tuple, more as a set (memory)
Slot = tuple[str, ...]
ALL: Slot = ("a",)  # the sub-key of every kept event naming a participant


class EventMerger:
    """The merge of :func:`merge_events`, one event at a time, holding only a :class:`MergeSig` per kept event.

    :meth:`add` returns the position of the kept event the event joins (or starts).
    Each event is compared, in order, only with the kept events that could be the
    same; the result is the same as comparing with all of them (:func:`_same_sig`).
    With a month-day on both sides, one shared participant is enough, and the days
    must agree (ranges overlap, in the same starting month): such kept events are
    indexed by (type, participant) and day, ranges by their month. Otherwise two shared
    participants are needed, found by intersecting per-participant sets. Events
    without participants only join the same mechanism session.
    """

    def __init__(self) -> None:
        self.kept: list[MergeSig] = []
        # (type, participant key) -> {ALL or the slot of the kept event's date: kept positions}
        self._index: dict[tuple[str, str], dict[Slot, Bucket]] = {}
        self._sessions: dict[tuple[str, Any], Bucket] = {}  # (type, mechanism) of events without participants
        self._shared: dict[Any, Any] = {}  # equal date signatures and (participant, role) pairs: one object
        self._plans: dict[DateSig, tuple[Slot, tuple[Slot, ...], Slot]] = {}  # see :meth:`_plan`

    def __len__(self) -> int:
        return len(self.kept)

    @staticmethod
    def _slot(d: DateSig) -> Slot:
        """("d", month-day) for one day, ("r", month) for a range, ("n",) without a month-day, ("o",) if odd."""
        md, end, month, _ = d
        if md is None:
            return ("n",)
        if not (_plain_md(md) and _plain_md(end or "") and month == md[:2]):
            return ("o",)
        return ("d", md) if end == md else ("r", month)

    def _plan(self, d: DateSig) -> tuple[Slot, tuple[Slot, ...], Slot]:
        """For a date signature (once each): its slot, the slots of the kept events one shared participant
        may join, and the sub-key of those that need two."""
        plan = self._plans.get(d)
        if plan is None:
            slot = self._slot(d)
            probes: list[Slot] = []
            if slot[0] == "o":
                probes = [ALL]
            elif slot[0] in ("d", "r"):  # kept events with a month-day: one shared participant, the same days
                md, end = d[0] or "", d[1] or ""
                last = int(md[3:]) if slot[0] == "d" else int(end[3:]) if end[:2] == md[:2] else 31
                probes = [("r", md[:2]), ("o",)] + [("d", f"{md[:2]}-{dd:02d}") for dd in range(int(md[3:]), last + 1)]
            plan = self._plans[d] = (slot, tuple(probes), ("n",) if slot[0] != "n" else ALL)
        return plan

    def _candidates(self, s: MergeSig) -> set[int]:
        out: set[int] = set()
        if not s.parts:
            if s.mech:
                _into(out, self._sessions.get((s.type, s.mech)))
            return out
        _, probes, kind = self._plan(s.date)
        groups: list[tuple[int, ...] | set[int]] = []  # otherwise: two shared participants
        for k in dict.fromkeys(k for k, _ in s.parts):
            sub = self._index.get((s.type, k))
            if sub is None:
                continue
            for pr in probes:
                _into(out, sub.get(pr))
            g = sub.get(kind)
            if g is not None:
                groups.append((g,) if isinstance(g, int) else g)
        for i, a in enumerate(groups):
            for b in groups[i + 1:]:
                if isinstance(a, set) and isinstance(b, set):
                    out |= a & b
                else:
                    small, big = (a, b) if len(a) <= len(b) else (b, a)
                    out.update(x for x in small if x in big)
        return out

    def add(self, s: MergeSig) -> int:
        """The position of the kept event ``s`` joins (absorbed into its signature), or of ``s`` as a new one."""
        shared = self._shared
        s.date = shared.setdefault(s.date, s.date)
        s.score = shared.setdefault(s.score, s.score)
        s.parts = tuple([shared.setdefault(p, p) for p in s.parts])
        for i in sorted(self._candidates(s)):
            k = self.kept[i]
            if _same_sig(k, s):
                self._absorb(i, k, s)
                return i
        i = len(self.kept)
        self.kept.append(s)
        if s.parts:
            slot = self._plan(s.date)[0]
            for key in {k for k, _ in s.parts}:
                sub = self._index.setdefault((s.type, key), {})
                _put(sub, ALL, i)
                _put(sub, slot, i)
        elif s.mech:
            _put(self._sessions, (s.type, s.mech), i)
        return i

    def _absorb(self, i: int, k: MergeSig, s: MergeSig) -> None:
        """``s`` absorbed into the kept event ``k`` at ``i``, and the index kept up to date: new participants
        are indexed, and a better date moves the others to its slot (events without participants only join
        events without participants of the same session, so they stay where they are)."""
        old_keys = {x for x, _ in k.parts}
        old_slot = self._plan(k.date)[0]
        _absorb_sig(k, s)
        if not k.parts:
            return
        slot = self._plan(k.date)[0]
        for key in {x for x, _ in k.parts}:
            if key not in old_keys:
                sub = self._index.setdefault((k.type, key), {})
                _put(sub, ALL, i)
                _put(sub, slot, i)
            elif slot != old_slot:
                sub = self._index[(k.type, key)]
                _drop(sub, old_slot, i)
                _put(sub, slot, i)


def _into(out: set[int], have: Bucket | None) -> None:
    if have is None:
        return
    if isinstance(have, int):
        out.add(have)
    else:
        out.update(have)


def _put(index: dict[Any, Bucket], e: Any, i: int) -> None:
    """Position ``i`` indexed under ``e``."""
    have = index.get(e)
    if have is None:
        index[e] = i
    elif isinstance(have, int):
        index[e] = (have, i)
    elif isinstance(have, tuple):
        index[e] = have + (i,) if len(have) < SMALL_BUCKET else {*have, i}
    else:
        have.add(i)


def _drop(index: dict[Any, Bucket], e: Any, i: int) -> None:
    have = index[e]
    if isinstance(have, int):
        del index[e]
    elif isinstance(have, tuple):
        rest = tuple(x for x in have if x != i)
        index[e] = rest[0] if len(rest) == 1 else rest
    else:
        have.discard(i)


SMALL_BUCKET = 8  # index buckets up to this size are tuples (a set costs 216 bytes even for two)


def _plain_md(md: str) -> bool:
    """``MM-DD`` written with two digits each."""
    return len(md) == 5 and md[2] == "-" and md[:2].isdigit() and md[3:].isdigit()


def _absorb_sig(into: MergeSig, other: MergeSig) -> None:
    """:func:`absorb` on signatures."""
    have = {k for k, _ in into.parts}
    new = []
    for part in other.parts:
        if part[0] not in have:
            new.append(part)
            have.add(part[0])
    if new:
        into.parts += tuple(new)
    if into.score < other.score:
        into.date, into.score = other.date, other.score
    into.mech = into.mech or other.mech
    into.docs = into.docs + tuple(d for d in other.docs if d not in into.docs)


class EventIds:
    """Event ids in kept order: :func:`event_id`, with ``-1``, ``-2``… for a repeated one."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def assign(self, ev: Event) -> str:
        ev.event_id = self.unique(event_id(ev))
        return ev.event_id

    def unique(self, eid: str) -> str:
        n = self._seen.get(eid, 0)
        self._seen[eid] = n + 1
        return eid if n == 0 else f"{eid}-{n}"


def merge_events(events: list[Event]) -> list[Event]:
    """The corpus's events with the reports of one real event joined; ids assigned (see :class:`EventMerger`)."""
    merger = EventMerger()
    kept: list[Event] = []
    for ev in events:
        i = merger.add(merge_sig(ev))
        if i == len(kept):
            kept.append(ev)
        else:
            absorb(kept[i], ev)
    ids = EventIds()
    for ev in kept:
        ids.assign(ev)
    return kept


class MechanismRecords:
    """One record per (series name, session), from merged events given in order (with their ids)."""

    def __init__(self) -> None:
        # (name, session) -> (rank, record); insertion order: first seen
        self._best: dict[tuple[str, int], tuple[tuple[int, int], dict[str, Any]]] = {}

    def add(self, type_: str, mechanism: dict[str, Any] | None, start: str | None,
            location: dict[str, Any] | None, event_id: str | None) -> None:
        """A merged event: its type, mechanism, date start, location and id."""
        if not mechanism:
            return
        key = (mechanism["name"], int(mechanism["session"]))
        rank = (1 if type_ == "CONFERENCE" else 0, 1 if start else 0)
        best = self._best.get(key)
        if best is None or rank > best[0]:
            self._best[key] = (rank, {"name": key[0], "session": key[1], "date": start,
                                      "place": (location or {}).get("name"), "event_id": event_id})

    def add_event(self, ev: Event) -> None:
        self.add(ev.type, ev.mechanism, ev.date.start if ev.date else None, ev.location, ev.event_id)

    def records(self) -> list[dict[str, Any]]:
        """name, session, date, place, event_id of each session, in order of first mention."""
        return [rec for _, rec in self._best.values()]


def mechanism_records(events: list[Event]) -> list[dict[str, Any]]:
    """One record per (series name, session): name, session, date, place, event_id."""
    acc = MechanismRecords()
    for ev in events:
        acc.add_event(ev)
    return acc.records()
