"""Corpus-level merge: one event per real occurrence, and one record per mechanism session.

:func:`merge_events` joins the reports of the same event in several documents
(same type, overlapping participants, compatible dates) into one event with all
their sources; it never joins events whose dates are incompatible.
:func:`mechanism_records` lists each (series, session) once (spec §5).
"""

from __future__ import annotations

import hashlib
from typing import Any

from .model import DateValue, Event, Participant


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
    """True unless the two dates rule each other out (different day, month or year)."""
    ma, mb = _month_day(a), _month_day(b)
    if ma and mb and ma != mb:
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
