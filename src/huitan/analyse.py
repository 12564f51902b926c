"""Per-page extraction: actors, events and dates for every document of a page.

A pure function of the page and the knowledge base, so it can run in worker
processes (or on a cluster). Dates see the whole page: sibling teasers and
captions were written together (spec §4, ``year_source: page``).
"""

from __future__ import annotations

from collections.abc import Collection

from .actors import extract_actors
from .dates import date_events
from .events import extract_events
from .kb import KnowledgeBase
from .model import DocAnalysis, Document, PageResult


def analyse_page(page: PageResult, kb: KnowledgeBase) -> list[DocAnalysis]:
    """One :class:`DocAnalysis` per document of the page, in page order."""
    return analyse_documents(page.documents, kb)


def analyse_documents(docs: list[Document], kb: KnowledgeBase,
                      only: Collection[str] | None = None) -> list[DocAnalysis]:
    """Analyses of a page's documents (all of them, or those whose ids are in ``only``), in page order.

    Every document of the page is still seen by the dating of the others.
    """
    out = []
    for doc in docs:
        if only is not None and doc.doc_id not in only:
            continue
        actors = extract_actors(doc, kb)
        events, statements = extract_events(doc, actors, kb)
        date_events(doc, actors, events, docs, kb)
        out.append(DocAnalysis(doc_id=doc.doc_id, actors=actors, events=events, statements=statements))
    return out
