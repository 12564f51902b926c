"""Export stored records as JSON lines (spec §6), CSV, or PLOVER event records; and query events."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

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


# Participant conditions on ``events e``, shared by the CLI and the web view: EXISTS lets the dates, type
# and order drive the query while a frequent country only filters it.
COUNTRY_SQL = "EXISTS (SELECT 1 FROM participants p WHERE p.event_id = e.event_id AND p.country = ?)"
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
    """Events matching the filter, in date order (uses the indexes on events and participants)."""
    where, args = [], []
    if f.type:
        where.append("e.type = ?")
        args.append(f.type.upper())
    if f.scope:
        where.append("e.scope = ?")
        args.append(f.scope)
    if f.mechanism:  # the names matching, from the small mechanisms table; then the index on events.mechanism
        where.append("e.mechanism IN (SELECT DISTINCT name FROM mechanisms WHERE name LIKE ?)")
        args.append(f"%{f.mechanism}%")
    if f.date_from:
        where.append("e.date_start >= ?")
        args.append(f.date_from)
    if f.date_to:
        where.append("e.date_start <= ?")
        args.append(f.date_to + "\uffff")
    if f.country:
        where.append(COUNTRY_SQL)
        args.append(f.country.upper())
    if f.person:
        where.append(PERSON_SQL)
        args += [f.person, f.person]
    sql = "SELECT e.record FROM events e" + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY e.date_start, e.event_id"
    if f.limit:
        sql += f" LIMIT {int(f.limit)}"
    return [json.loads(r[0]) for r in store.db.execute(sql, args)]
