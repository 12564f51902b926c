"""Corpus-level stage: one person per real person, dated mechanism sessions, one event per real event.

Reads every stored per-document analysis, and rewrites the corpus tables
(persons, mentions, events, participants, mechanisms, statements) in one
transaction. Running it twice gives the same tables.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from .dates import date_across_documents
from .kb import KnowledgeBase
from .merge import mechanism_records, merge_events
from .model import DocAnalysis, analysis_from_dict
from .persons import link_persons
from .store import Store


def resolve(store: Store, kb: KnowledgeBase) -> dict[str, int]:
    """Rebuild the corpus-level tables from the stored analyses; returns their sizes."""
    analyses: list[DocAnalysis] = [analysis_from_dict(d) for _, d in store.analyses()]
    persons = link_persons(analyses, kb)
    events = [e for a in analyses for e in a.events]
    date_across_documents(events, kb)
    merged = merge_events(events)
    mechanisms = mechanism_records(merged)
    statements = [s for a in analyses for s in a.statements]
    mentions = list(mention_rows(analyses))
    store.replace_corpus(
        persons=[p.to_dict() for p in persons],
        mentions=mentions,
        events=[e.to_dict() for e in merged],
        mechanisms=mechanisms,
        statements=[statement_record(s) for s in statements],
    )
    return {"persons": len(persons), "events": len(merged), "mechanisms": len(mechanisms),
            "statements": len(statements)}


def mention_rows(analyses: list[DocAnalysis]) -> Any:
    for a in analyses:
        for m in a.actors.mentions:
            pid = None
            if m.kind == "person" and m.entity is not None and m.entity < len(a.actors.persons):
                pid = a.actors.persons[m.entity].person_id
            yield (a.doc_id, pid, m.kind, m.name, m.text, m.section, m.start, m.end, m.country)


def statement_record(s: Any) -> dict[str, Any]:
    d = dataclasses.asdict(s)
    return d
