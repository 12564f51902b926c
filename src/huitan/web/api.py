"""Read-only queries behind the browser view: every page is built from one of these dicts.

Each function takes an open :class:`~huitan.store.Store` and returns plain JSON-able
data; the HTML pages and the ``/api`` routes render the same result.
"""

from __future__ import annotations

import json
import sqlite3
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from dataclasses import dataclass, fields
from itertools import combinations
from typing import Any

from ..export import COUNTRY_SQL, KINDS, PERSON_SQL, flat
from ..model import Document
from ..store import Store

FACETS = ("type", "country", "year", "mechanism", "scope")
RAW_TABLES = ("participants", "event_sources", "mentions")
CSV_TABLES = KINDS + RAW_TABLES


@dataclass
class EventQuery:
    """Filters of the events page; every field is optional and they combine with AND."""

    type: str | None = None
    country: str | None = None
    year: int | None = None
    mechanism: str | None = None
    scope: str | None = None
    person: str | None = None
    q: str | None = None
    limit: int = 500

    @classmethod
    def from_params(cls, params: Any) -> EventQuery:
        """Build from query parameters (a mapping of strings); blanks are ignored."""
        kw: dict[str, Any] = {}
        for f in fields(cls):
            v = (params.get(f.name) or "").strip()
            if not v:
                continue
            if f.name in ("year", "limit"):
                if not v.lstrip("-").isdigit():
                    raise ValueError(f"{f.name} must be a number, not {v!r}")
                kw[f.name] = int(v)
            else:
                kw[f.name] = v
        return cls(**kw)

    def params(self, **change: Any) -> dict[str, Any]:
        """The non-empty filters, with ``change`` applied (None removes one): for facet links."""
        d = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "limit"}
        d.update(change)
        return {k: v for k, v in d.items() if v not in (None, "")}


def _where(q: EventQuery, store: Store, skip: str | None = None) -> tuple[str, list[Any], list[dict[str, Any]]]:
    """SQL condition on ``events e`` for the query (leaving out facet ``skip``) and the search hits."""
    where: list[str] = []
    args: list[Any] = []
    hits: list[dict[str, Any]] = []
    if q.type and skip != "type":
        where.append("e.type = ?")
        args.append(q.type.upper())
    if q.scope and skip != "scope":
        where.append("e.scope = ?")
        args.append(q.scope)
    if q.mechanism and skip != "mechanism":
        where.append("e.mechanism = ?")
        args.append(q.mechanism)
    if q.year is not None and skip != "year":
        where.append("e.year = ?")
        args.append(q.year)
    if q.country and skip != "country":
        where.append(COUNTRY_SQL)
        args.append(q.country.upper())
    if q.person:
        where.append(PERSON_SQL)
        args += [q.person, q.person]
    if q.q:
        hits = store.search(q.q, limit=1000)
        docs = [h["doc_id"] for h in hits]
        marks = ",".join("?" * len(docs)) or "NULL"
        where.append(
            f"(e.event_id IN (SELECT event_id FROM event_sources WHERE doc_id IN ({marks}))"
            " OR e.event_id IN (SELECT event_id FROM participants WHERE name = ?))"
        )
        args += [*docs, q.q.strip()]
    return (" WHERE " + " AND ".join(where) if where else ""), args, hits


def events(store: Store, q: EventQuery) -> dict[str, Any]:
    """Events matching ``q`` in date order, facet counts (each facet ignoring its own filter), search hits."""
    cond, args, hits = _where(q, store)
    rows = store.db.execute(
        f"SELECT e.record FROM events e{cond} ORDER BY e.year IS NULL, e.date_start, e.event_id LIMIT ?",
        [*args, q.limit],
    ).fetchall()
    total = store.db.execute(f"SELECT count(*) FROM events e{cond}", args).fetchone()[0]
    facets: dict[str, list[dict[str, Any]]] = {}
    for name in FACETS:
        c, a, _ = _where(q, store, skip=name)
        if name == "country":
            sql = (f"SELECT p.country AS v, count(DISTINCT e.event_id) AS n FROM events e"
                   f" JOIN participants p ON p.event_id = e.event_id{c}"
                   f"{' AND' if c else ' WHERE'} p.country IS NOT NULL GROUP BY v ORDER BY n DESC, v")
        else:
            sql = (f"SELECT e.{name} AS v, count(*) AS n FROM events e{c}"
                   f"{' AND' if c else ' WHERE'} e.{name} IS NOT NULL GROUP BY v ORDER BY "
                   + ("v" if name == "year" else "n DESC, v"))
        facets[name] = [{"value": r["v"], "count": r["n"]} for r in store.db.execute(sql, a)]
    return {"filters": q.params(), "total": total, "events": [summary(json.loads(r[0])) for r in rows],
            "facets": facets, "search": hits[:50]}


def summary(e: dict[str, Any]) -> dict[str, Any]:
    """One events-table row: the record plus display strings."""
    d = e.get("date") or {}
    mech = e.get("mechanism") or {}
    return {
        "event_id": e.get("event_id"), "type": e.get("type"), "date": d.get("start"),
        "year_source": d.get("year_source"), "scope": e.get("scope"),
        "participants": [{k: p.get(k) for k in ("name", "role", "country", "person_id", "kind")}
                         for p in e.get("participants") or []],
        "location": (e.get("location") or {}).get("name"), "mechanism": mech.get("name"),
        "session": mech.get("session"), "plover": e.get("plover"), "cameo": e.get("cameo"),
        "evidence": ((e.get("sources") or [{}])[0]).get("evidence"),
    }


def _person_rows(store: Store, ids: list[str]) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    return {r[0]: json.loads(r[1]) for r in
            store.db.execute(f"SELECT person_id, record FROM persons WHERE person_id IN ({marks})", ids)}


def _doc_persons(store: Store, doc_id: str) -> dict[str, dict[str, Any]]:
    """The persons as one document describes them (positions as written there), by name."""
    row = store.db.execute("SELECT analysis FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
    if not row or not row[0]:
        return {}
    persons = (json.loads(row[0]).get("actors") or {}).get("persons") or []
    return {p["name"]: p for p in persons if p.get("name")}


def event(store: Store, event_id: str) -> dict[str, Any] | None:
    """An event with its participants (names in three languages, positions at the time) and evidence in context."""
    row = store.db.execute("SELECT record FROM events WHERE event_id = ?", (event_id,)).fetchone()
    if not row:
        return None
    e = json.loads(row[0])
    sources = e.get("sources") or []
    people = _person_rows(store, [p["person_id"] for p in e.get("participants") or [] if p.get("person_id")])
    as_written: dict[str, dict[str, Any]] = {}
    for s in sources:
        for name, p in _doc_persons(store, s["doc_id"]).items():
            as_written.setdefault(name, p)
    parts = []
    for p in e.get("participants") or []:
        known = people.get(p.get("person_id") or "") or {}
        here = as_written.get(p["name"]) or {}
        names = known.get("names") or here.get("names") or {}
        parts.append({**p, "vi": names.get("vi"), "en": names.get("en"), "pinyin": names.get("pinyin"),
                      "positions": here.get("positions") or known.get("positions") or [],
                      "rank": here.get("rank") or known.get("rank")})
    evidence = []
    for s in sources:
        doc = store.document(s["doc_id"])
        ctx = context(doc, s) if doc else None
        evidence.append({**s, "title": doc["title"] if doc else None, "kind": doc["kind"] if doc else None,
                         "context": ctx})
    return {"event": e, "participants": parts, "evidence": evidence}


def section_text(doc: dict[str, Any], section: str) -> str:
    """The text that offsets in ``section`` of a stored document refer to (as :meth:`Document.section_text`)."""
    d = Document(doc_id=doc["doc_id"], kind=doc["kind"], title=doc["title"], lead=doc["lead"],
                 body=doc["body"], captions=doc["captions"])
    return d.section_text(section)


def locate(text: str, s: dict[str, Any]) -> tuple[int, int] | None:
    """The span of an evidence sentence in its section: the stored offsets, or where the sentence occurs."""
    start, end = s.get("start"), s.get("end")
    ev = s.get("evidence") or ""
    if not (isinstance(start, int) and isinstance(end, int)):
        start, end = -1, -1
    valid = 0 <= start < end <= len(text)
    if valid and (not ev or text[start:end] == ev):
        return start, end
    i = text.find(ev) if ev else -1
    if i >= 0:
        return i, i + len(ev)
    return (start, end) if valid else None


def segments(text: str, spans: list[tuple[int, int]]) -> list[dict[str, Any]]:
    """``text`` cut into pieces, each marked or not; overlapping spans are merged."""
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    out, pos = [], 0
    for a, b in merged:
        if a > pos:
            out.append({"text": text[pos:a], "mark": False})
        out.append({"text": text[a:b], "mark": True})
        pos = b
    if pos < len(text):
        out.append({"text": text[pos:], "mark": False})
    return out


def context(doc: dict[str, Any], s: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The paragraph around an evidence sentence, with the sentence marked."""
    try:
        text = section_text(doc, s["section"])
    except ValueError:
        return None
    span = locate(text, s)
    if not span:
        return None
    a = text.rfind("\n", 0, span[0]) + 1
    b = text.find("\n", span[1])
    b = len(text) if b < 0 else b
    return segments(text[a:b], [(span[0] - a, span[1] - a)])


def document(store: Store, doc_id: str, event_id: str | None = None) -> dict[str, Any] | None:
    """A cleaned document by section, with the evidence of ``event_id`` (or of all its events) marked."""
    doc = store.document(doc_id)
    if not doc:
        return None
    sql = "SELECT event_id, section, evidence, start, \"end\" FROM event_sources WHERE doc_id = ?"
    args: list[Any] = [doc_id]
    if event_id:
        sql += " AND event_id = ?"
        args.append(event_id)
    ev = [dict(r) for r in store.db.execute(sql, args)]
    body = "teaser" if doc["kind"] == "teaser" else "body"
    sections = []
    for name, label in (("title", "title"), (body, body), ("caption", "captions")):
        text = section_text(doc, name)
        if not text:
            continue
        spans = [sp for s in ev if s["section"] == name and (sp := locate(text, s))]
        sections.append({"section": name, "label": label, "segments": segments(text, spans)})
    events_here = [r[0] for r in store.db.execute(
        "SELECT DISTINCT event_id FROM event_sources WHERE doc_id = ? ORDER BY event_id", (doc_id,))]
    return {"document": doc, "sections": sections, "evidence": ev, "event_id": event_id, "events": events_here}


def persons(store: Store) -> list[dict[str, Any]]:
    """Every person with the number of events they take part in."""
    counts = dict(store.db.execute(
        "SELECT person_id, count(DISTINCT event_id) FROM participants WHERE person_id IS NOT NULL GROUP BY person_id"))
    out = []
    for p in store.records("persons"):
        names = p.get("names") or {}
        out.append({"person_id": p["person_id"], "name": p["name"], "country": p.get("country"),
                    "vi": names.get("vi"), "en": names.get("en"), "rank": p.get("rank"),
                    "positions": p.get("positions") or [], "events": counts.get(p["person_id"], 0)})
    return out


def person(store: Store, person_id: str) -> dict[str, Any] | None:
    """A person: names, positions over time (as each document wrote them), events and counterparts."""
    row = store.db.execute("SELECT record FROM persons WHERE person_id = ?", (person_id,)).fetchone()
    if not row:
        return None
    p = json.loads(row[0])
    evs = [json.loads(r[0]) for r in store.db.execute(
        "SELECT e.record FROM events e WHERE e.event_id IN (SELECT event_id FROM participants WHERE person_id = ?)"
        " ORDER BY e.year IS NULL, e.date_start, e.event_id", (person_id,))]
    doc_date: dict[str, str] = {}
    for e in evs:
        start = (e.get("date") or {}).get("start")
        for s in e.get("sources") or []:
            if start and (s["doc_id"] not in doc_date or start < doc_date[s["doc_id"]]):
                doc_date[s["doc_id"]] = start
    docs = [r[0] for r in store.db.execute(
        "SELECT DISTINCT doc_id FROM mentions WHERE person_id = ?", (person_id,))] or list(doc_date)
    seen: dict[tuple[str, ...], dict[str, Any]] = {}
    names = {p["name"], *(p.get("aliases") or [])}
    for doc_id in docs:
        doc = store.db.execute("SELECT published, title FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        here = next((x for n, x in _doc_persons(store, doc_id).items() if n in names), None)
        if not here or not here.get("positions"):
            continue
        key = tuple(here["positions"])
        when = doc_date.get(doc_id) or (doc["published"] if doc else None)
        item = seen.setdefault(key, {"positions": here["positions"], "rank": here.get("rank"),
                                     "first": None, "last": None, "documents": [], "dates": []})
        item["documents"].append({"doc_id": doc_id, "title": doc["title"] if doc else doc_id})
        if when:
            item["dates"].append(when)
    for item in seen.values():
        dates = item.pop("dates")
        dated = [d for d in dates if d[:4].isdigit()] or dates  # "--04-14" only when no year is known
        item["first"], item["last"] = (min(dated), max(dated)) if dated else (None, None)
    timeline = sorted(seen.values(), key=lambda x: (not (x["first"] or "")[:4].isdigit(), x["first"] or ""))
    counter: Counter[tuple[str, str | None, str | None]] = Counter()
    for e in evs:
        for q in e.get("participants") or []:
            if q.get("person_id") != person_id and q["name"] not in names:
                counter[(q["name"], q.get("person_id"), q.get("country"))] += 1
    counterparts = [{"name": n, "person_id": i, "country": c, "events": k} for (n, i, c), k in counter.most_common()]
    return {"person": p, "positions": timeline, "events": [summary(e) for e in evs], "counterparts": counterparts}


def countries(store: Store) -> list[dict[str, Any]]:
    """Country pairs that met, with their number of shared events."""
    pairs: Counter[tuple[str, str]] = Counter()
    for eid, group in _event_countries(store).items():
        del eid
        for a, b in combinations(sorted(group), 2):
            pairs[(a, b)] += 1
    return [{"pair": f"{a}-{b}", "a": a, "b": b, "events": n} for (a, b), n in pairs.most_common()]


def _event_countries(store: Store) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for eid, c in store.db.execute("SELECT event_id, country FROM participants WHERE country IS NOT NULL"):
        out[eid].add(c)
    return out


def pair(store: Store, a: str, b: str) -> dict[str, Any]:
    """Events with participants from both countries: per year and type (for the chart), and the list."""
    a, b = a.upper(), b.upper()
    evs = [json.loads(r[0]) for r in store.db.execute(
        "SELECT record FROM events WHERE event_id IN (SELECT event_id FROM participants WHERE country = ?)"
        " AND event_id IN (SELECT event_id FROM participants WHERE country = ?)"
        " ORDER BY year IS NULL, date_start, event_id", (a, b))]
    per: dict[str, Counter[str]] = defaultdict(Counter)
    for e in evs:
        start = (e.get("date") or {}).get("start") or ""
        year = start[:4] if start[:4].isdigit() else "unknown"
        per[year][e["type"]] += 1
    years = sorted(per, key=lambda y: (y == "unknown", y))
    types = sorted({t for c in per.values() for t in c})
    return {"a": a, "b": b, "years": years, "types": types,
            "counts": {t: [per[y][t] for y in years] for t in types}, "events": [summary(e) for e in evs]}


def network(store: Store, mode: str = "persons", year: int | None = None, type: str | None = None,
            scope: str | None = None) -> dict[str, Any]:
    """Who met whom: nodes (persons or countries) and edges weighted by the number of shared events."""
    if mode not in ("persons", "countries"):
        raise ValueError("mode must be 'persons' or 'countries'")
    q = EventQuery(type=type, year=year, scope=scope, limit=100000)
    cond, args, _ = _where(q, store)
    nodes: dict[str, dict[str, Any]] = {}
    weights: Counter[tuple[str, str]] = Counter()
    for (rec,) in store.db.execute(f"SELECT e.record FROM events e{cond}", args):
        e = json.loads(rec)
        keys = set()
        for p in e.get("participants") or []:
            if mode == "countries":
                if not p.get("country"):
                    continue
                key, label, country = p["country"], p["country"], p["country"]
            else:
                if (p.get("kind") or "person") != "person":
                    continue
                key = p.get("person_id") or f"name:{p['name']}"
                label, country = p["name"], p.get("country")
            node = nodes.setdefault(key, {"id": key, "label": label, "country": country, "events": 0})
            if key not in keys:
                node["events"] += 1
            keys.add(key)
        for x, y in combinations(sorted(keys), 2):
            weights[(x, y)] += 1
    edges = [{"source": x, "target": y, "weight": w} for (x, y), w in sorted(weights.items())]
    return {"mode": mode, "filters": q.params(), "nodes": sorted(nodes.values(), key=lambda n: n["id"]),
            "edges": edges}


def graphml(net: dict[str, Any]) -> str:
    """The network as GraphML (undirected; ``weight`` on edges), for Gephi."""
    ns = "http://graphml.graphdrawing.org/xmlns"
    root = ET.Element("graphml", xmlns=ns)
    for key, owner, name, typ in (("label", "node", "label", "string"), ("country", "node", "country", "string"),
                                  ("events", "node", "events", "int"), ("weight", "edge", "weight", "int")):
        ET.SubElement(root, "key", {"id": key, "for": owner, "attr.name": name, "attr.type": typ})
    g = ET.SubElement(root, "graph", id=net["mode"], edgedefault="undirected")
    for n in net["nodes"]:
        el = ET.SubElement(g, "node", id=n["id"])
        for k in ("label", "country", "events"):
            ET.SubElement(el, "data", key=k).text = flat(n.get(k))
    for i, e in enumerate(net["edges"]):
        el = ET.SubElement(g, "edge", id=f"e{i}", source=e["source"], target=e["target"])
        ET.SubElement(el, "data", key="weight").text = str(e["weight"])
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def mechanisms(store: Store) -> list[dict[str, Any]]:
    """Each mechanism with its number of known sessions and their range."""
    return [dict(r) for r in store.db.execute(
        "SELECT name, count(*) AS sessions, min(session) AS first, max(session) AS last,"
        " min(date) AS earliest, max(date) AS latest FROM mechanisms GROUP BY name ORDER BY name")]


def mechanism(store: Store, name: str) -> dict[str, Any] | None:
    """A mechanism's sessions in order, with date, place, chairs and the events that name them."""
    rows = [json.loads(r[0]) for r in store.db.execute(
        "SELECT record FROM mechanisms WHERE name = ? ORDER BY session", (name,))]
    if not rows:
        return None
    evs = [json.loads(r[0]) for r in store.db.execute(
        "SELECT record FROM events WHERE mechanism = ? ORDER BY session, date_start", (name,))]
    sessions = []
    for m in rows:
        linked = [e for e in evs if (e.get("mechanism") or {}).get("session") == m["session"]
                  or e.get("event_id") == m.get("event_id")]
        chairs: list[dict[str, Any]] = []
        for e in linked:
            for p in e.get("participants") or []:
                if p["role"] == "chair" and p["name"] not in {c["name"] for c in chairs}:
                    chairs.append({k: p.get(k) for k in ("name", "country", "person_id")})
        sessions.append({**m, "chairs": chairs, "events": [summary(e) for e in linked]})
    return {"name": name, "sessions": sessions}


def statements(store: Store) -> list[dict[str, Any]]:
    return list(store.records("statements"))


def table_rows(store: Store, table: str) -> list[dict[str, Any]]:
    """Rows of a table for CSV download: exported records, or the raw rows of a link table."""
    if table not in CSV_TABLES:
        raise KeyError(table)
    if table in RAW_TABLES:
        return [dict(r) for r in store.db.execute(f"SELECT * FROM {table} ORDER BY rowid")]
    if table == "documents":
        return list(store.documents())
    return list(store.records(table))


def run_sql(path: str, sql: str, limit: int = 1000) -> dict[str, Any]:
    """Run one read-only statement on a separate read-only connection (only with ``--allow-sql``)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        db.execute("PRAGMA query_only = ON")
        steps = [0]

        def budget() -> int:
            steps[0] += 1
            return 1 if steps[0] > 2000 else 0  # stop runaway queries (about 2M VM steps)

        db.set_progress_handler(budget, 1000)
        cur = db.execute(sql)
        cols = [d[0] for d in cur.description or []]
        rows = [list(r) for r in cur.fetchmany(limit)]
        return {"columns": cols, "rows": rows, "truncated": len(rows) == limit}
    finally:
        db.close()
