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


def dates_compatible(a: DateValue | None, b: DateValue | None) -> bool:
    """True unless the two dates rule each other out (different day, month or year; ranges that do not overlap)."""
    ma, mb = _month_day(a), _month_day(b)
    ea, eb = _end_month_day(a) or ma, _end_month_day(b) or mb
    if ma and mb and (ea, eb) != (ma, mb) and ea and eb:  # a range: a visit of several days
        if not (ma <= eb and mb <= ea):
            return False
    elif ma and mb and ma != mb:
        return False
    mo_a, mo_b = _month(a), _month(b)
    if mo_a and mo_b and mo_a != mo_b:
        return False
    ya, yb = _years(a), _years(b)
    return not (ya and yb and not ya & yb)


def _docs(ev: Event) -> set[str]:
    return {s.doc_id for s in ev.sources}


def _same(a: Event, b: Event) -> bool:
    """Two reports of one event: same type, compatible dates, and the same actors on every side."""
    if a.type != b.type or _docs(a) & _docs(b):
        return False
    if not dates_compatible(a.date, b.date):
        return False
    small, big = sorted((a, b), key=lambda e: len(e.participants))
    ks = {_key(p) for p in small.participants}
    kb = {_key(p) for p in big.participants}
    if not ks:
        ma, mb = a.mechanism, b.mechanism
        return bool(ma and mb and not kb and (ma["name"], ma["session"]) == (mb["name"], mb["session"])
                    and _month_day(a.date) is not None and _month_day(a.date) == _month_day(b.date))
    shared = ks & kb
    # every role of the smaller report is filled by someone the other report names too
    if {p.role for p in small.participants} != {p.role for p in small.participants if _key(p) in shared}:
        return False
    if not ks <= kb and len(shared) < 2:
        return False
    days = (_month_day(a.date) is not None) + (_month_day(b.date) is not None)
    if days == 2:
        return True
    if days == 1:
        return len(shared) >= 2
    return ks == kb and len(ks) >= 2


def _better_date(a: DateValue | None, b: DateValue | None) -> DateValue | None:
    rank = {"day": 3, "month": 2, "year": 1, "unknown": 0}

    def score(d: DateValue | None) -> tuple[int, int]:
        if d is None:
            return (-1, 0)
        known_year = d.start is not None and not d.start.startswith("--")
        return (rank.get(d.precision, 0), int(known_year))

    return a if score(a) >= score(b) else b


def _absorb(into: Event, other: Event) -> None:
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
    parts = sorted(_key(p) for p in ev.participants)
    date = ev.date.start if ev.date and ev.date.start else ""
    mech = f"{ev.mechanism['name']}#{ev.mechanism['session']}" if ev.mechanism else ""
    first = ev.sources[0] if ev.sources else None
    anchor = "" if parts or date else (f"{first.doc_id}:{first.start}" if first else "")
    raw = "|".join([ev.type, ",".join(parts), date, mech if not parts else "", anchor])
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


def merge_events(events: list[Event]) -> list[Event]:
    """The corpus's events with the reports of one real event joined; ids assigned.

    Each event is compared, in order, only with the kept events that could be the
    same (:func:`_same` needs a shared participant, or, for events without
    participants, the same mechanism session): an index keeps this linear in the
    corpus instead of quadratic; the result is the same as comparing with all.
    """
    kept: list[Event] = []
    by_actor: dict[tuple[str, str], list[int]] = {}  # (type, participant key) -> kept positions
    by_session: dict[tuple[str, Any, Any], list[int]] = {}  # (type, mechanism, session) -> kept positions

    def index(i: int, ev: Event) -> None:
        for p in ev.participants:
            lst = by_actor.setdefault((ev.type, _key(p)), [])
            if not lst or lst[-1] != i:
                lst.append(i)
        if not ev.participants and ev.mechanism:
            by_session.setdefault((ev.type, ev.mechanism["name"], ev.mechanism["session"]), []).append(i)

    for ev in events:
        cands: set[int] = set()
        for p in ev.participants:
            cands.update(by_actor.get((ev.type, _key(p)), ()))
        if not ev.participants and ev.mechanism:
            cands.update(by_session.get((ev.type, ev.mechanism["name"], ev.mechanism["session"]), ()))
        for i in sorted(cands):
            if _same(kept[i], ev):
                _absorb(kept[i], ev)
                index(i, kept[i])
                break
        else:
            kept.append(ev)
            index(len(kept) - 1, ev)
    seen: dict[str, int] = {}
    for ev in kept:
        eid = event_id(ev)
        n = seen.get(eid, 0)
        seen[eid] = n + 1
        ev.event_id = eid if n == 0 else f"{eid}-{n}"
    return kept


def mechanism_records(events: list[Event]) -> list[dict[str, Any]]:
    """One record per (series name, session): name, session, date, place, event_id."""
    best: dict[tuple[str, int], Event] = {}

    def rank(ev: Event) -> tuple[int, int]:
        dated = 1 if ev.date and ev.date.start else 0
        return (1 if ev.type == "CONFERENCE" else 0, dated)

    order: list[tuple[str, int]] = []
    for ev in events:
        if not ev.mechanism:
            continue
        key = (ev.mechanism["name"], int(ev.mechanism["session"]))
        if key not in best:
            order.append(key)
            best[key] = ev
        elif rank(ev) > rank(best[key]):
            best[key] = ev
    out = []
    for key in order:
        ev = best[key]
        out.append({
            "name": key[0], "session": key[1],
            "date": ev.date.start if ev.date else None,
            "place": (ev.location or {}).get("name"),
            "event_id": ev.event_id,
        })
    return out
