"""Run the stages over a batch of inputs: read → clean → analyse → store → resolve.

Pages are cleaned by :func:`clean_stage` and their new documents analysed by
:func:`analyse_stage` (pure, so both run in worker processes); the main process
is the one writer, and sorts each page's documents before they are analysed. Each page's documents
are written in one transaction, so a process killed at any moment leaves the
database consistent, and running the same command again stores what is missing
and nothing twice. The corpus-level ``resolve`` stage runs at the end, and again
on the next run if a previous run died before it finished (``meta.dirty``).
"""

from __future__ import annotations

import gc
import hashlib
import json
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field

from .dedup import SCHEME, DedupOptions, NearDuplicates, minhash, opening_text, signatures
from .ingest import InputError, ReadOptions, read_inputs
from .kb import KnowledgeBase
from .model import Document, RawPage
from .page import clean_page
from .resolve import DocFacts, Gathered, document_facts, resolve
from .store import DocumentRows, Rows, Store, document_rows, source_row


@dataclass
class IngestOptions:
    """Settings of one ingest run (the CLI fills these from its flags)."""

    workers: int = 1
    kb_files: tuple[str, ...] = ()
    near_duplicates: bool = True
    max_bytes: int = ReadOptions.max_bytes
    batch_pages: int = 256  # pages written per transaction (fewer, larger full-text segments to merge)
    resolve: bool = True
    # a process that only ingests: the collector is off while it warms up (imports, knowledge base, indexes:
    # 0.15 s of collections that find next to nothing), then those objects leave its view (gc.freeze), and
    # young objects are collected less often (gc.set_threshold)
    tune_gc: bool = False


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
    """One page on its way through the stages: cleaned (by a worker), sorted (by the writer), analysed."""

    path: str
    key: str = ""  # identifies the input page (path, URL, content): a page already stored is skipped whole
    url: str | None = None
    documents: list[Document] = field(default_factory=list)
    error: str | None = None
    sigs: dict[str, bytes] = field(default_factory=dict)  # near-duplicate signatures made by a worker
    rows: dict[str, Analysed] = field(default_factory=dict)  # new documents' rows (analyses included) and facts
    stored: bool = False  # the page was stored by an earlier run (or earlier in this one)
    fate: dict[str, str] = field(default_factory=dict)  # doc id -> NEW, KNOWN, or the near-duplicate's id


NEW, KNOWN = "\0new", "\0known"


def page_key(raw: RawPage) -> str:
    content = hashlib.sha1((raw.text if raw.text is not None else raw.html or "").encode("utf-8")).hexdigest()
    return hashlib.sha1(f"{raw.path}\0{raw.url or ''}\0{content}".encode()).hexdigest()


def clean_stage(raw: RawPage, kb: KnowledgeBase, sign: bool = True) -> PageOutcome:
    """Clean one page (and sign its documents for near-duplicate search); a bad page gives ``error``."""
    try:
        page = clean_page(raw, kb)
    except ValueError as exc:
        return PageOutcome(path=raw.path, error=str(exc))
    docs = page.documents
    return PageOutcome(path=raw.path, key=page_key(raw), url=raw.url, documents=docs,
                       sigs=signatures(docs) if sign else {})


Analysed = tuple[DocumentRows, DocFacts]


def analyse_stage(docs: list[Document], new: frozenset[str], kb: KnowledgeBase) -> dict[str, Analysed]:
    """The database rows, analyses included, of the page's documents in ``new`` (only those are stored), and
    what ``resolve`` reads first of each analysis (:func:`~huitan.resolve.document_facts`)."""
    from .analyse import analyse_documents

    by_id = {d.doc_id: d for d in docs}
    return {a.doc_id: (document_rows(by_id[a.doc_id], a), document_facts(a))
            for a in analyse_documents(docs, kb, only=new)}


class Sorter:
    """Decides, in page order and before any extraction, what each document of a page is: new, already
    stored, or a near-duplicate of a stored one. Only new documents are analysed (a teaser repeated on
    a hundred pages is analysed once), and a page stored by an earlier run is not analysed at all."""

    def __init__(self, store: Store, nd: NearDuplicates | None) -> None:
        self.store, self.nd = store, nd
        self.pages: set[str] = set()
        self.docs: set[str] = set()  # new in this run (maybe not written yet)
        # a store empty at the start holds only what this run wrote: the two sets say what it has
        self.fresh = store.is_empty()
        self.presigned = nd is not None and nd.opts == DedupOptions()  # the workers' signatures are the index's

    def __call__(self, out: PageOutcome) -> frozenset[str]:
        """Fill ``out.stored`` and ``out.fate``; the ids of the documents to analyse."""
        if out.key and (out.key in self.pages or not self.fresh and self.store.has_page(out.key)):
            out.stored = True
            return frozenset()
        self.pages.add(out.key)
        nd = self.nd
        for doc in out.documents:
            if doc.doc_id in self.docs or not self.fresh and self.store.has_document(doc.doc_id):
                out.fate[doc.doc_id] = KNOWN
                continue
            if nd is not None:
                near, sig = nd.find(doc, out.sigs.get(doc.doc_id) if self.presigned else None)
                if near is not None:
                    out.fate[doc.doc_id] = near
                    continue
                out.sigs[doc.doc_id] = sig
                nd.add(doc.doc_id, doc.kind, sig)
            out.fate[doc.doc_id] = NEW
            self.docs.add(doc.doc_id)
        return frozenset(k for k, v in out.fate.items() if v == NEW)


# ---------------------------------------------------------------- workers

_WORKER_KB: list[KnowledgeBase] = []  # one knowledge base per worker process (inherited when forked)


def _init_worker(kb_files: tuple[str, ...]) -> None:
    if not _WORKER_KB:  # a forked worker inherits the parent's knowledge base, indexes already built
        _WORKER_KB.append(KnowledgeBase(kb_files))


def _clean(items: list[RawPage | InputError], sign: bool) -> list[PageOutcome]:
    return [PageOutcome(path=x.path, error=x.reason) if isinstance(x, InputError) else clean_stage(x, _WORKER_KB[0], sign)
            for x in items]


def _analyse(jobs: list[tuple[list[Document], frozenset[str]]]) -> list[dict[str, Analysed]]:
    return [analyse_stage(docs, new, _WORKER_KB[0]) for docs, new in jobs]


CHUNK = 16  # pages per worker task: one task per page costs the writer process more than sorting the page


def outcomes(items: Iterable[RawPage | InputError], kb: KnowledgeBase, opts: IngestOptions,
             sort: Callable[[PageOutcome], frozenset[str]]) -> Iterator[PageOutcome]:
    """Pages cleaned, sorted by ``sort`` (in input order) and analysed, in this process or in
    ``opts.workers`` processes (two bounded windows of chunks of pages: cleaning ahead, analysis behind)."""
    sign = opts.near_duplicates
    items = iter(items)

    def here(item: RawPage | InputError) -> PageOutcome:
        if isinstance(item, InputError):
            return PageOutcome(path=item.path, error=item.reason)
        out = clean_stage(item, kb, sign)
        if out.error is None and (new := sort(out)):
            out.rows = analyse_stage(out.documents, new, kb)
        return out

    # warm up: the first page is processed here, so imports and the knowledge base's indexes are built
    # once (and, when workers fork, shared copy-on-write, not rebuilt in every worker)
    if opts.tune_gc:
        gc.disable()  # the warm-up makes long-lived objects and next to no garbage: nothing to collect
    try:
        for item in items:
            yield here(item)
            if not isinstance(item, InputError):
                break
    finally:
        if opts.tune_gc:
            gc.freeze()
            gc.set_threshold(10_000, 50, 100)
            gc.enable()
    if opts.workers <= 1:
        yield from map(here, items)
        return
    ctx = None
    if "fork" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("fork")
        _WORKER_KB[:] = [kb]
        from .names import preload

        preload(kb)  # what names are worked out from, loaded once and shared, not once in every worker
    ahead = opts.workers * 2
    cleaning: deque[Future[list[PageOutcome]]] = deque()
    analysing: deque[tuple[list[PageOutcome], list[int], Future[list[dict[str, Analysed]]] | None]] = deque()
    with ProcessPoolExecutor(max_workers=opts.workers, initializer=_init_worker, initargs=(opts.kb_files,),
                             mp_context=ctx) as pool:

        def sort_next() -> None:
            outs = cleaning.popleft().result()
            jobs, which = [], []
            for i, out in enumerate(outs):
                new = sort(out) if out.error is None else frozenset()
                if new:
                    jobs.append((out.documents, new))
                    which.append(i)
            analysing.append((outs, which, pool.submit(_analyse, jobs) if jobs else None))

        def finish_next() -> list[PageOutcome]:
            outs, which, fut = analysing.popleft()
            if fut is not None:
                for i, rows in zip(which, fut.result(), strict=True):
                    outs[i].rows = rows
            return outs

        chunk: list[RawPage | InputError] = []
        for item in items:
            chunk.append(item)
            if len(chunk) < CHUNK:
                continue
            cleaning.append(pool.submit(_clean, chunk, sign))
            chunk = []
            while len(cleaning) > ahead:
                sort_next()
            while len(analysing) > ahead:
                yield from finish_next()
        if chunk:
            cleaning.append(pool.submit(_clean, chunk, sign))
        while cleaning:
            sort_next()
        while analysing:
            yield from finish_next()


# ---------------------------------------------------------------- writer


def load_near_duplicates(store: Store) -> NearDuplicates:
    """The index of the stored documents' signatures (re-signed first if they were made by another scheme)."""
    nd = NearDuplicates()
    if store.get_meta("minhash_scheme") != SCHEME:
        with store.transaction():
            rows = store.db.execute("SELECT m.doc_id, d.title, d.body FROM minhash m JOIN documents d USING (doc_id)")
            for doc_id, title, body in rows.fetchall():
                sig = minhash(opening_text(title or "", json.loads(body or "[]"), nd.opts), nd.opts)
                store.add_minhash(doc_id, sig.tobytes())
            store.set_meta("minhash_scheme", SCHEME)
    for row in store.db.execute("SELECT m.doc_id, d.kind, m.sig FROM minhash m JOIN documents d USING (doc_id)"):
        nd.add(row[0], row[1], row[2])
    return nd


def write_outcome(rows: Rows, out: PageOutcome, summary: IngestSummary, gathered: Gathered | None = None) -> None:
    """Add one sorted page's rows to ``rows`` (the caller stores them, with its batch's, in one transaction),
    and its new documents' facts to ``gathered``, in the same order."""
    if out.stored:
        summary.known += len(out.documents)
        return
    if out.key:
        rows.pages.append((out.key, out.path, out.url))
    replaced: dict[str, str] = {}  # page-local doc id -> the stored document it duplicates
    for doc in out.documents:
        for src in doc.sources:
            src["page"] = replaced.get(src.get("page") or "", src.get("page"))
        fate = out.fate.get(doc.doc_id, NEW)
        if fate == KNOWN:
            summary.known += 1
            rows.sources += [source_row(doc.doc_id, src) for src in doc.sources]
        elif fate != NEW:
            summary.near_duplicates += 1
            replaced[doc.doc_id] = fate
            rows.sources += [source_row(fate, src, near_duplicate=True) for src in doc.sources]
        else:
            doc_rows, facts = out.rows[doc.doc_id]
            rows.documents.append(doc_rows)
            if gathered is not None:
                gathered.add(doc.doc_id, facts)
            rows.sources += [source_row(doc.doc_id, src) for src in doc.sources]
            if doc.doc_id in out.sigs:
                rows.minhashes.append((doc.doc_id, out.sigs[doc.doc_id]))
            summary.new += 1


def ingest(paths: Iterable[str], store: Store, opts: IngestOptions | None = None,
           on_page: Callable[[PageOutcome], None] | None = None, kb: KnowledgeBase | None = None) -> IngestSummary:
    """Ingest inputs into ``store``; bad inputs are counted and listed in the summary, never raised."""
    opts = opts or IngestOptions()
    kb = kb or KnowledgeBase(opts.kb_files)
    summary = IngestSummary()
    nd = load_near_duplicates(store) if opts.near_duplicates else None
    pending: list[PageOutcome] = []
    sorter = Sorter(store, nd)
    # a store empty at the start will hold only this run's analyses: what resolve reads first of each is
    # gathered as they are written
    gathered = Gathered(store) if opts.resolve and sorter.fresh else None

    def flush() -> None:
        if not pending:
            return
        rows, before = Rows(), summary.new
        for out in pending:
            write_outcome(rows, out, summary, gathered)
        with store.transaction():
            store.write(rows)
            if gathered is not None:
                gathered.write()
            if summary.new > before:
                store.set_meta("dirty", "1")
        pending.clear()

    items = read_inputs(paths, ReadOptions(max_bytes=opts.max_bytes))
    # in one process the writer's waits for the disk are on the critical path: a thread checkpoints the log;
    # with workers they overlap the workers' extraction, and another thread would only compete with them
    aside = store.checkpoints_aside() if opts.workers <= 1 else nullcontext(lambda: None)
    with aside as checkpoint:
        for out in outcomes(items, kb, opts, sorter):
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
                checkpoint()
        flush()
    nd = None  # the near-duplicate index is not needed by resolve: its memory is free for it
    del sorter  # (which holds it)
    if opts.resolve and store.get_meta("dirty") == "1":
        resolve(store, kb, workers=opts.workers, gathered=gathered)
    return summary
