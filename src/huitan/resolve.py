"""Corpus-level stage: one person per real person, dated mechanism sessions, one event per real event.

Reads every stored per-document analysis, and rewrites the corpus tables
(persons, mentions, events, participants, mechanisms, statements) in one
transaction. Running it twice gives the same tables.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from typing import Any

from .dates import date_across_documents
from .kb import KnowledgeBase
from .merge import mechanism_records, merge_events
from .model import DocActors, DocAnalysis, Mention, analysis_from_dict
from .persons import link_persons
from .store import Store


def resolve(store: Store, kb: KnowledgeBase) -> dict[str, int]:
    """Rebuild the corpus-level tables from the stored analyses; returns their sizes.

    Mentions (two thirds of a stored analysis) are not held in memory: the first
    pass reads analyses without them; the mention rows are streamed from a second
    pass once persons are linked.
    """
    analyses: list[DocAnalysis] = [analysis_from_dict(_without_mentions(d)) for _, d in store.analyses()]
    persons = link_persons(analyses, kb)
    events = [e for a in analyses for e in a.events]
    date_across_documents(events, kb)
    merged = merge_events(events)
    mechanisms = mechanism_records(merged)
    n_statements = sum(len(a.statements) for a in analyses)
    store.replace_corpus(
        persons=[p.to_dict() for p in persons],
        mentions=stored_mention_rows(store, {a.doc_id: a for a in analyses}),
        events=(e.to_dict() for e in merged),
        mechanisms=mechanisms,
        statements=(statement_record(s) for a in analyses for s in a.statements),
    )
    return {"persons": len(persons), "events": len(merged), "mechanisms": len(mechanisms),
            "statements": n_statements}


def _without_mentions(d: dict[str, Any]) -> dict[str, Any]:
    actors = d.get("actors")
    if isinstance(actors, dict):
        d["actors"] = {**actors, "mentions": []}
    return d


def stored_mention_rows(store: Store, linked: dict[str, DocAnalysis]) -> Iterator[tuple[Any, ...]]:
    """Mention rows read again from the store, with person ids from the linked analyses (same doc ids)."""
    rows = store.db.execute("SELECT doc_id, analysis FROM documents WHERE analysis IS NOT NULL ORDER BY rowid")
    for doc_id, raw in rows:  # read lazily, inside the writer's transaction (other tables)
        a = linked.get(doc_id)
        if a is None:
            continue
        mentions = [Mention(**m) for m in (json.loads(raw).get("actors") or {}).get("mentions", [])]
        yield from mention_rows([DocAnalysis(doc_id=doc_id, actors=DocActors(persons=a.actors.persons,
                                                                            mentions=mentions))])


def mention_rows(analyses: list[DocAnalysis]) -> Iterator[tuple[Any, ...]]:
    for a in analyses:
        for m in a.actors.mentions:
            pid = None
            if m.kind == "person" and m.entity is not None and m.entity < len(a.actors.persons):
                pid = a.actors.persons[m.entity].person_id
            yield (a.doc_id, pid, m.kind, m.name, m.text, m.section, m.start, m.end, m.country)


def statement_record(s: Any) -> dict[str, Any]:
    d = dataclasses.asdict(s)
    return d
