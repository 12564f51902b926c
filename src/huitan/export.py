"""Export stored records as JSON lines (spec §6), CSV, or PLOVER event records; and query events."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from .kb import KnowledgeBase
from .store import Store

KINDS = ("documents", "events", "persons", "mechanisms", "statements")


def records(store: Store, what: str) -> Iterator[dict[str, Any]]:
    """The exported records of one kind."""
    if what not in KINDS:
        raise ValueError(f"unknown record kind {what!r} (one of {', '.join(KINDS)})")
    if what == "documents":
        yield from store.documents()
    else:
        yield from store.records(what)


def jsonl(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    for r in rows:
        yield json.dumps(r, ensure_ascii=False) + "\n"


def flat(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def event_row(e: dict[str, Any]) -> dict[str, str]:
    d = e.get("date") or {}
    loc = e.get("location") or {}
    mech = e.get("mechanism") or {}
    parts = e.get("participants") or []
    return {
        "event_id": e.get("event_id") or "", "type": e["type"], "date_start": flat(d.get("start")),
        "date_end": flat(d.get("end")), "year_source": flat(d.get("year_source")),
        "year_candidates": " ".join(str(y) for y in d.get("year_candidates") or []),
        "participants": "; ".join(f"{p['name']} ({p['role']}, {p.get('country') or '?'})" for p in parts),
        "location": flat(loc.get("name")), "location_country": flat(loc.get("country")),
        "mechanism": flat(mech.get("name")), "session": flat(mech.get("session")), "scope": flat(e.get("scope")),
        "plover": flat(e.get("plover")), "cameo": flat(e.get("cameo")),
        "evidence": flat((e.get("sources") or [{}])[0].get("evidence")), "sources": str(len(e.get("sources") or [])),
    }


def csv_text(rows: Iterable[dict[str, Any]], what: str) -> Iterator[str]:
    """CSV with a header; events flattened to one row each, other records with JSON-valued cells."""
    buf = io.StringIO()
    writer: csv.DictWriter[str] | None = None
    for r in rows:
        row = event_row(r) if what == "events" else {k: flat(v) for k, v in r.items()}
        if writer is None:
            writer = csv.DictWriter(buf, fieldnames=list(row), extrasaction="ignore")
            writer.writeheader()
        writer.writerow(row)
        yield buf.getvalue()
        buf.seek(0)
        buf.truncate()


ROLE_ACTOR = {"host", "visitor", "sender", "donor", "receiver", "chair", "signatory", "party"}


def plover_record(e: dict[str, Any], modes: dict[tuple[str, str | None], str] | None = None) -> dict[str, Any]:
    """An event in PLOVER's JSON shape: actor, recipient, event, mode, date, enddate, text offsets, citation."""
    parts = e.get("participants") or []
    actors = [p for p in parts if p["role"] in ROLE_ACTOR]
    others = [p for p in parts if p not in actors[:1]]
    actor = actors[0] if actors else (parts[0] if parts else None)
    recipient = next((p for p in others if p is not actor), None)
    d = e.get("date") or {}
    src = (e.get("sources") or [{}])[0]
    modes = modes or {}
    mode = modes.get((e["type"], e.get("subtype")), modes.get((e["type"], None), ""))
    return {
        "id": e.get("event_id"),
        "event": e.get("plover"),
        "mode": mode,
        "cameo": e.get("cameo"),
        "actor": actor["name"] if actor else None,
        "actor_country": actor.get("country") if actor else None,
        "recipient": recipient["name"] if recipient else None,
        "recipient_country": recipient.get("country") if recipient else None,
        "date": d.get("start"),
        "enddate": d.get("end"),
        "location": (e.get("location") or {}).get("name"),
        "text": src.get("evidence"),
        "text_offsets": [src.get("start"), src.get("end")],
        "citation": src.get("doc_id"),
        "huitan_type": e["type"],
    }


def plover_modes(kb: KnowledgeBase) -> dict[tuple[str, str | None], str]:
    """PLOVER modes by (type, subtype), from the codes table the events stage codes with."""
    from .events import CODE_SCHEMA

    return {(c["type"], c.get("subtype")): c["mode"] for c in kb.table(CODE_SCHEMA) if c.get("mode")}


# Participant conditions on ``events e`` for the web view, whose facets count every matching event: the
# country's events are one range of participants_country_date, so a facet without a year (the year facet
# itself) reads that country's events instead of probing the participants of every event.
COUNTRY_SQL = "e.event_id IN (SELECT event_id FROM participants WHERE country = ?)"
PERSON_SQL = "e.event_id IN (SELECT event_id FROM participants WHERE person_id = ? OR name = ?)"


@dataclass
class EventFilter:
    type: str | None = None
    country: str | None = None
    person: str | None = None
    mechanism: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    scope: str | None = None
    limit: int | None = None


def query_events(store: Store, f: EventFilter) -> list[dict[str, Any]]:
    """Events matching the filter, in date order: the keys from one index range, then just those records."""
    keys, args = event_keys(f)
    sql = (f"SELECT e.record FROM ({keys}) k CROSS JOIN events e ON e.event_id = k.event_id"
           " ORDER BY k.date_start, k.event_id")
    return [orjson.loads(r[0]) for r in store.db.execute(sql, args)]  # about twice json.loads's speed


Cond = tuple[str, list[Any]]


def event_keys(f: EventFilter) -> tuple[str, list[Any]]:
    """SQL selecting ``date_start, event_id`` of the events matching ``f`` in date order (limited), and its arguments.

    A person or a country drives: their participant rows carry the event's date and type, so a year of a
    country's events is one contiguous index range, already in date order. Otherwise the events' own indexes
    (type, mechanism or date with the start date) drive.
    """
    def dates(alias: str) -> list[Cond]:
        out: list[Cond] = []
        if f.date_from:
            out.append((f"{alias}.date_start >= ?", [f.date_from]))
        if f.date_to:
            out.append((f"{alias}.date_start <= ?", [f.date_to + "\uffff"]))
        return out

    on_event: list[Cond] = []  # on the event row ``e``
    if f.scope:
        on_event.append(("e.scope = ?", [f.scope]))
    if f.mechanism:  # the names matching, from the small mechanisms table
        on_event.append(("e.mechanism IN (SELECT DISTINCT name FROM mechanisms WHERE name LIKE ?)", [f"%{f.mechanism}%"]))
    limit = f" LIMIT {int(f.limit)}" if f.limit else ""
    if not (f.person or f.country):
        where, args = _and([*dates("e"), *([("e.type = ?", [f.type.upper()])] if f.type else []), *on_event])
        return (f"SELECT e.date_start, e.event_id FROM events e{' WHERE ' + where if where else ''}"
                f" ORDER BY e.date_start, e.event_id{limit}"), args
    on_row = dates("x")  # on the participant row ``x``
    if f.type:
        on_row.append(("x.event_type = ?", [f.type.upper()]))
    if on_event:
        where, args = _and(on_event)
        on_row.append((f"EXISTS (SELECT 1 FROM events e WHERE e.event_id = x.event_id AND {where})", args))
    if f.person:  # a person's rows (by id or by name); a country then is any participant's
        if f.country:
            on_row.append(("EXISTS (SELECT 1 FROM participants c WHERE c.event_id = x.event_id AND c.country = ?)",
                           [f.country.upper()]))
        drivers: list[Cond] = [("x.person_id = ?", [f.person]), ("x.name = ?", [f.person])]
    else:
        drivers = [("x.country = ?", [(f.country or "").upper()])]
    selects, args = [], []
    for driver in drivers:
        where, more = _and([driver, *on_row])
        selects.append(f"SELECT DISTINCT x.date_start, x.event_id FROM participants x WHERE {where}")
        args += more
    return " UNION ".join(selects) + f" ORDER BY 1, 2{limit}", args


def _and(conds: list[Cond]) -> Cond:
    return " AND ".join(c for c, _ in conds), [v for _, a in conds for v in a]
