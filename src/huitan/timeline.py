"""Timelines: exported events (spec §3 dicts) for one mechanism, person or country pair, in date order.

Library side of ``huitan timeline``; events whose year is unknown (``--MM-DD``)
sort after the dated ones, by month and day.
"""

from __future__ import annotations

from typing import Any

from .textutil import fold


def _year_of(start: str) -> int | None:
    if not start or start.startswith("--") or not start[:4].isdigit():
        return None
    return int(start[:4])


def _sort_key(ev: dict[str, Any]) -> tuple[int, str, str]:
    start = ((ev.get("date") or {}).get("start")) or ""
    year = _year_of(start)
    md = start[2:] if start.startswith("--") else start[5:]
    return (year if year is not None else 9999, md or "99", ev.get("event_id") or "")


def _has_person(ev: dict[str, Any], person: str) -> bool:
    return any(person in (p.get("name"), p.get("person_id")) for p in ev.get("participants") or [])


def _has_pair(ev: dict[str, Any], pair: str) -> bool:
    a, _, b = pair.upper().partition("-")
    countries = {p.get("country") for p in ev.get("participants") or []}
    return bool(a and b) and a in countries and b in countries


def _has_mechanism(ev: dict[str, Any], mechanism: str) -> bool:
    name = ((ev.get("mechanism") or {}).get("name")) or ""
    return bool(name) and (fold(mechanism) in fold(name) or fold(name) in fold(mechanism))


def timeline(events: list[dict[str, Any]], *, mechanism: str | None = None, person: str | None = None,
             pair: str | None = None) -> list[dict[str, Any]]:
    """Exported events (spec §3 dicts) filtered by mechanism, person or country pair, in date order.

    Each row: ``event_id``, ``date`` (start), ``end``, ``type``, ``participants``
    (``name (country, role)``), ``year_source``, ``year_candidates``, ``mechanism``,
    ``location``. Undated years sort last, by month and day.
    """
    rows = []
    for ev in sorted(events, key=_sort_key):
        if mechanism and not _has_mechanism(ev, mechanism):
            continue
        if person and not _has_person(ev, person):
            continue
        if pair and not _has_pair(ev, pair):
            continue
        d = ev.get("date") or {}
        mech = ev.get("mechanism") or None
        rows.append({
            "event_id": ev.get("event_id"),
            "date": d.get("start"),
            "end": d.get("end"),
            "type": ev.get("type"),
            "participants": [f"{p.get('name')} ({p.get('country') or '?'}, {p.get('role')})"
                             for p in ev.get("participants") or []],
            "year_source": d.get("year_source", "none"),
            "year_candidates": d.get("year_candidates") or [],
            "mechanism": f"{mech.get('name')} #{mech.get('session')}" if mech else None,
            "location": (ev.get("location") or {}).get("name"),
        })
    return rows
