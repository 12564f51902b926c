"""Querying events (``huitan events``): the same answers as a plain filter over the records, from the indexes."""

from __future__ import annotations

import random
from typing import Any

import pytest

from huitan.export import EventFilter, event_keys, query_events
from huitan.store import Store

TYPES = ["MEET", "TALKS", "VISIT", "CALL"]
COUNTRIES = ["VNM", "CHN", "LAO", "KHM", "RUS"]
PEOPLE = [(f"p{i}", name) for i, name in enumerate(["董军", "潘文江", "梁强", "王毅", "裴青山", "韩正"])]
MECHANISMS = ["越中边境国防友好交流", "越中国防部防务战略对话", "东盟国防部长会议"]


def synthetic_events(n: int, seed: int = 5) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        parts = []
        for _ in range(rng.randint(1, 3)):
            pid, name = rng.choice(PEOPLE)
            parts.append({"name": name, "role": "party", "kind": "person", "country": rng.choice(COUNTRIES),
                          "person_id": pid if rng.random() < 0.8 else None})
        start = None if rng.random() < 0.05 else f"{rng.randint(2019, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        mech = rng.choice(MECHANISMS) if rng.random() < 0.3 else None
        out.append({"event_id": f"e{i:04d}", "type": rng.choice(TYPES), "date": {"start": start, "end": start},
                    "participants": parts, "sources": [],
                    "mechanism": {"name": mech, "session": rng.randint(1, 9)} if mech else None,
                    "scope": rng.choice(["international", "international", "domestic"])})
    return out


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = Store(tmp_path_factory.mktemp("export") / "q.db")
    evs = synthetic_events(400)
    mechs = {(e["mechanism"]["name"], e["mechanism"]["session"]) for e in evs if e["mechanism"]}
    s.replace_corpus([{"person_id": p, "name": n} for p, n in PEOPLE], [], evs,
                     [{"name": m, "session": k} for m, k in sorted(mechs)], [])
    yield s, evs
    s.close()


def expected(evs: list[dict[str, Any]], f: EventFilter) -> list[str]:
    """The ids a plain filter over the records gives, in date order (undated first, as SQLite sorts NULL)."""
    def ok(e: dict[str, Any]) -> bool:
        d = e["date"]["start"]
        parts = e["participants"]
        return ((not f.type or e["type"] == f.type.upper()) and (not f.scope or e["scope"] == f.scope)
                and (not f.mechanism or bool(e["mechanism"] and f.mechanism in e["mechanism"]["name"]))
                and (not f.date_from or (d is not None and d >= f.date_from))
                and (not f.date_to or (d is not None and d <= f.date_to + "\uffff"))
                and (not f.country or any(p["country"] == f.country.upper() for p in parts))
                and (not f.person or any(f.person in (p["person_id"], p["name"]) for p in parts)))

    hits = sorted((e for e in evs if ok(e)), key=lambda e: (e["date"]["start"] is not None, e["date"]["start"] or "",
                                                           e["event_id"]))
    return [e["event_id"] for e in hits][: f.limit or None]


def filters(n: int, seed: int = 9) -> list[EventFilter]:
    rng = random.Random(seed)
    choices: dict[str, Any] = {
        "type": lambda: rng.choice(TYPES).lower(), "country": lambda: rng.choice(COUNTRIES).lower(),
        "person": lambda: rng.choice([x for p in PEOPLE for x in p]), "mechanism": lambda: rng.choice(["越中", "国防", "东盟"]),
        "date_from": lambda: f"{rng.randint(2019, 2025)}-{rng.randint(1, 12):02d}", "date_to": lambda: str(rng.randint(2019, 2025)),
        "scope": lambda: rng.choice(["international", "domestic"]), "limit": lambda: rng.choice([1, 3, 20]),
    }
    return [EventFilter(**{k: g() for k, g in choices.items() if rng.random() < 0.35}) for _ in range(n)]


def test_query_events_gives_what_a_plain_filter_gives(store):
    s, evs = store
    fs = [EventFilter(), EventFilter(country="CHN", person="董军"), EventFilter(person="p1", type="MEET", limit=2),
          *filters(300)]
    seen = 0
    for f in fs:
        got = query_events(s, f)
        assert [e["event_id"] for e in got] == expected(evs, f), f
        assert all(g == next(e for e in evs if e["event_id"] == g["event_id"]) for g in got[:3])
        seen += bool(got)
    assert seen > 100  # most filters match something: the comparison is not between empty lists


def test_an_event_with_two_participants_of_the_country_comes_once(store):
    s, evs = store
    twice = [e for e in evs if len({p["country"] for p in e["participants"]}) < len(e["participants"])]
    assert twice
    ids = [e["event_id"] for e in query_events(s, EventFilter(country=twice[0]["participants"][0]["country"]))]
    assert len(ids) == len(set(ids)) and twice[0]["event_id"] in ids


def plan(s: Store, f: EventFilter) -> str:
    sql, args = event_keys(f)
    return " | ".join(r[3] for r in s.db.execute("EXPLAIN QUERY PLAN " + sql, args))


def test_country_and_person_filters_read_one_index_range_in_date_order(store):
    s, _ = store
    p = plan(s, EventFilter(type="MEET", country="VNM", date_from="2024-01-01", date_to="2024-12-31"))
    assert "COVERING INDEX participants_country_date (country=? AND date_start>? AND date_start<?)" in p
    assert "TEMP B-TREE" not in p  # already in date order: a LIMIT stops early
    p = plan(s, EventFilter(person="董军", date_from="2024"))
    assert "participants_person_date (person_id=? AND date_start>?)" in p
    assert "participants_name_date (name=? AND date_start>?)" in p
    assert "events_mechanism_date" in plan(s, EventFilter(mechanism="越中", limit=10))
