"""Run the stages over a batch of inputs: read → clean → analyse → store → resolve.

Pages are cleaned and analysed by :func:`process_page` (pure, so it runs in
worker processes); the main process is the one writer. Each page's documents
are written in one transaction, so a process killed at any moment leaves the
database consistent, and running the same command again stores what is missing
and nothing twice. The corpus-level ``resolve`` stage runs at the end, and again
on the next run if a previous run died before it finished (``meta.dirty``).
"""

from __future__ import annotations

import hashlib
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from .dedup import DedupOptions, NearDuplicates, signatures
from .ingest import InputError, ReadOptions, read_inputs
from .kb import KnowledgeBase
from .model import DocAnalysis, Document, RawPage
from .page import clean_page
from .store import Store, to_json


@dataclass
class IngestOptions:
    """Settings of one ingest run (the CLI fills these from its flags)."""

    workers: int = 1
    kb_files: tuple[str, ...] = ()
    near_duplicates: bool = True
    max_bytes: int = ReadOptions.max_bytes
    batch_pages: int = 64  # pages written per transaction
    resolve: bool = True


@dataclass
class IngestSummary:
    pages: int = 0
    new: int = 0
    known: int = 0
    near_duplicates: int = 0
    failed: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class PageOutcome:
    """What :func:`process_page` returns for one page."""

    path: str
    key: str = ""  # identifies the input page (path, URL, content): a page already stored is skipped whole
    url: str | None = None
    documents: list[Document] = field(default_factory=list)
    analyses: dict[str, DocAnalysis | dict[str, Any] | str] = field(default_factory=dict)  # stored as JSON
    error: str | None = None
    sigs: dict[str, bytes] = field(default_factory=dict)  # near-duplicate signatures made by a worker


def page_key(raw: RawPage) -> str:
    content = hashlib.sha1((raw.text if raw.text is not None else raw.html or "").encode("utf-8")).hexdigest()
    return hashlib.sha1(f"{raw.path}\0{raw.url or ''}\0{content}".encode()).hexdigest()


def process_page(raw: RawPage, kb: KnowledgeBase) -> PageOutcome:
    """Clean and analyse one page; a bad page gives an outcome with ``error`` set."""
    from .analyse import analyse_page

    try:
        page = clean_page(raw, kb)
    except ValueError as exc:
        return PageOutcome(path=raw.path, error=str(exc))
    analyses: list[DocAnalysis] = analyse_page(page, kb)
    return PageOutcome(
        path=raw.path,
        key=page_key(raw),
        url=raw.url,
        documents=page.documents,
        analyses={a.doc_id: a for a in analyses},  # serialised by the writer (json, no deep copy)
    )


# ---------------------------------------------------------------- workers

_WORKER_KB: list[KnowledgeBase] = []  # one knowledge base per worker process (inherited when forked)


def _init_worker(kb_files: tuple[str, ...]) -> None:
    if not _WORKER_KB:  # a forked worker inherits the parent's knowledge base, indexes already built
        _WORKER_KB.append(KnowledgeBase(kb_files))


def _work(raw: RawPage) -> PageOutcome:
    """A worker's share: the page processed, plus what the writer would otherwise do serially
    (analyses as JSON text, near-duplicate signatures), which also makes the result cheap to send."""
    out = process_page(raw, _WORKER_KB[0])
    if out.error is None:
        out.analyses = {k: v if isinstance(v, str) else to_json(v) for k, v in out.analyses.items()}
        out.sigs = signatures(out.documents)
    return out


def outcomes(items: Iterable[RawPage | InputError], kb: KnowledgeBase,
             opts: IngestOptions) -> Iterator[PageOutcome]:
    """Process pages in order, in this process or in ``opts.workers`` processes (bounded, streaming)."""
    if opts.workers <= 1:
        for item in items:
            if isinstance(item, InputError):
                yield PageOutcome(path=item.path, error=item.reason)
            else:
                yield process_page(item, kb)
        return
    window: deque[Future[PageOutcome] | PageOutcome] = deque()
    items = iter(items)
    ctx = None
    if "fork" in multiprocessing.get_all_start_methods():
        # warm up, then fork: the first page is processed here, so imports and the knowledge base's
        # indexes are built once and shared copy-on-write, not rebuilt in every worker
        ctx = multiprocessing.get_context("fork")
        for item in items:
            yield PageOutcome(path=item.path, error=item.reason) if isinstance(item, InputError) else process_page(item, kb)
            if not isinstance(item, InputError):
                break
        _WORKER_KB[:] = [kb]
    with ProcessPoolExecutor(max_workers=opts.workers, initializer=_init_worker, initargs=(opts.kb_files,),
                             mp_context=ctx) as pool:
        for item in items:
            if isinstance(item, InputError):
                window.append(PageOutcome(path=item.path, error=item.reason))
            else:
                window.append(pool.submit(_work, item))
            while len(window) > opts.workers * 8:
                yield _result(window.popleft())
        while window:
            yield _result(window.popleft())


def _result(x: Future[PageOutcome] | PageOutcome) -> PageOutcome:
    return x if isinstance(x, PageOutcome) else x.result()


# ---------------------------------------------------------------- writer


def load_near_duplicates(store: Store) -> NearDuplicates:
    nd = NearDuplicates()
    for row in store.db.execute("SELECT m.doc_id, d.kind, m.sig FROM minhash m JOIN documents d USING (doc_id)"):
        nd.add(row[0], row[1], row[2])
    return nd


def write_outcome(store: Store, out: PageOutcome, nd: NearDuplicates | None, summary: IngestSummary) -> None:
    """Store one page's documents (inside the caller's transaction).

    A page stored by an earlier run is skipped whole, so a rerun links nothing a second time.
    """
    if out.key and store.has_page(out.key):
        summary.known += len(out.documents)
        return
    if out.key:
        store.add_page(out.key, out.path, out.url)
    replaced: dict[str, str] = {}  # page-local doc id -> the stored document it duplicates
    for doc in out.documents:
        for src in doc.sources:
            src["page"] = replaced.get(src.get("page") or "", src.get("page"))
        if store.has_document(doc.doc_id):
            summary.known += 1
            for src in doc.sources:
                store.add_source(doc.doc_id, src)
            continue
        near, sig = nd.find(doc, out.sigs.get(doc.doc_id) if nd.opts == DedupOptions() else None) \
            if nd is not None else (None, b"")
        if near is not None:
            summary.near_duplicates += 1
            replaced[doc.doc_id] = near
            for src in doc.sources:
                store.add_source(near, src, near_duplicate=True)
            continue
        store.add_document(doc, out.analyses.get(doc.doc_id))
        for src in doc.sources:
            store.add_source(doc.doc_id, src)
        if nd is not None:
            store.add_minhash(doc.doc_id, sig)
            nd.add(doc.doc_id, doc.kind, sig)
        summary.new += 1


def ingest(paths: Iterable[str], store: Store, opts: IngestOptions | None = None,
           on_page: Callable[[PageOutcome], None] | None = None, kb: KnowledgeBase | None = None) -> IngestSummary:
    """Ingest inputs into ``store``; bad inputs are counted and listed in the summary, never raised."""
    opts = opts or IngestOptions()
    kb = kb or KnowledgeBase(opts.kb_files)
    summary = IngestSummary()
    nd = load_near_duplicates(store) if opts.near_duplicates else None
    pending: list[PageOutcome] = []

    def flush() -> None:
        if not pending:
            return
        with store.transaction():
            before = summary.new
            for out in pending:
                write_outcome(store, out, nd, summary)
            if summary.new > before:
                store.set_meta("dirty", "1")
        pending.clear()

    items = read_inputs(paths, ReadOptions(max_bytes=opts.max_bytes))
    for out in outcomes(items, kb, opts):
        if on_page:
            on_page(out)
        if out.error:
            summary.failed += 1
            summary.errors.append((out.path, out.error))
            continue
        summary.pages += 1
        pending.append(out)
        if len(pending) >= opts.batch_pages:
            flush()
    flush()
    if opts.resolve and store.get_meta("dirty") == "1":
        from .resolve import resolve

        resolve(store, kb)
    return summary
