"""Per-page extraction: actors, events and dates for every document of a page.

A pure function of the page and the knowledge base, so it can run in worker
processes (or on a cluster). Dates see the whole page: sibling teasers and
captions were written together (spec §4, ``year_source: page``).
"""

from __future__ import annotations

from .actors import extract_actors
from .dates import date_events
from .events import extract_events
from .kb import KnowledgeBase
from .model import DocAnalysis, PageResult


def analyse_page(page: PageResult, kb: KnowledgeBase) -> list[DocAnalysis]:
    """One :class:`DocAnalysis` per document of the page, in page order."""
    docs = page.documents
    out = []
    for doc in docs:
        actors = extract_actors(doc, kb)
        events, statements = extract_events(doc, actors, kb)
        date_events(doc, actors, events, docs, kb)
        out.append(DocAnalysis(doc_id=doc.doc_id, actors=actors, events=events, statements=statements))
    return out
