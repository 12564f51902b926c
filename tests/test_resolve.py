"""The streaming corpus stage gives the same tables as resolving every analysis held in memory."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from huitan.dates import date_across_documents
from huitan.kb import KnowledgeBase
from huitan.merge import mechanism_records, merge_events
from huitan.model import DocAnalysis, analysis_from_dict
from huitan.persons import link_persons
from huitan.pipeline import IngestOptions, ingest
from huitan.resolve import resolve
from huitan.store import Store

from .conftest import EXAMPLES, SHARED


def in_memory(store: Store, kb: KnowledgeBase) -> dict[str, list[Any]]:
    """The corpus tables as ``resolve`` made them when it held every analysis (the reference)."""
    analyses: list[DocAnalysis] = [analysis_from_dict(d) for _, d in store.analyses()]
    persons = link_persons(analyses, kb)
    events = [e for a in analyses for e in a.events]
    date_across_documents(events, kb)
    merged = merge_events(events)
    mentions = []
    for a in analyses:
        for m in a.actors.mentions:
            pid = None
            if m.kind == "person" and m.entity is not None and m.entity < len(a.actors.persons):
                pid = a.actors.persons[m.entity].person_id
            mentions.append([a.doc_id, pid, m.kind, m.name, m.text, m.section, m.start, m.end, m.country])
    return {
        "persons": [p.to_dict() for p in persons],
        "mentions": mentions,
        "events": [e.to_dict() for e in merged],
        "mechanisms": mechanism_records(merged),
        "statements": [s.to_dict() for a in analyses for s in a.statements],
    }


def stored(store: Store) -> dict[str, list[Any]]:
    """The corpus tables in the order they were written."""
    q = store.db.execute
    return {
        "persons": [json.loads(r[0]) for r in q("SELECT record FROM persons ORDER BY rowid")],
        "mentions": [list(r) for r in q("SELECT * FROM mentions ORDER BY rowid")],
        "events": [json.loads(r[0]) for r in q("SELECT record FROM events ORDER BY rowid")],
        "mechanisms": [json.loads(r[0]) for r in q("SELECT record FROM mechanisms ORDER BY rowid")],
        "statements": [json.loads(r[0]) for r in q("SELECT record FROM statements ORDER BY statement_id")],
    }


@pytest.fixture(scope="module")
def pages_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example pages, and the shared samples and corpus pages when present."""
    pages = tmp_path_factory.mktemp("pages")
    for d in (EXAMPLES, SHARED / "samples", SHARED / "corpus" / "pages"):
        if d.is_dir():
            shutil.copytree(d, pages / d.name, dirs_exist_ok=True)
    return pages


@pytest.fixture(scope="module")
def corpus_db(pages_dir: Path) -> Path:
    """:func:`pages_dir` ingested without resolve."""
    db = pages_dir.parent / "corpus.db"
    store = Store(db)
    ingest([str(pages_dir)], store, IngestOptions(resolve=False), kb=KnowledgeBase())
    store.close()
    return db


def fail_in_children(monkeypatch: pytest.MonkeyPatch, names: tuple[str, ...]) -> None:
    """Make each of ``huitan.resolve``'s functions ``names`` raise when called in any process but this one."""
    import os

    import huitan.resolve as resolve_module

    parent = os.getpid()

    def flaky(fn: Any) -> Any:
        def run(*args: Any) -> Any:
            if os.getpid() != parent:
                raise RuntimeError("the second process fails")
            return fn(*args)
        return run

    for name in names:
        monkeypatch.setattr(resolve_module, name, flaky(getattr(resolve_module, name)))


@pytest.fixture
def gathered_runs(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each ``resolve`` that ``ingest`` ran was given what the run gathered."""
    import huitan.pipeline as pipeline_module

    runs: list[bool] = []

    def spy(*args: Any, **kwargs: Any) -> dict[str, int]:
        runs.append(kwargs.get("gathered") is not None)
        return resolve(*args, **kwargs)

    monkeypatch.setattr(pipeline_module, "resolve", spy)
    return runs


@pytest.mark.parametrize(("workers", "child_fails"), [(1, False), (2, False), (2, True)])
def test_an_ingest_into_an_empty_store_gathers_what_resolve_reads_first(
        corpus_db: Path, pages_dir: Path, tmp_path: Path, kb: KnowledgeBase, workers: int, child_fails: bool,
        gathered_runs: list[bool], monkeypatch: pytest.MonkeyPatch) -> None:
    """The persons and session events gathered as the documents are written (by workers, or not) are what
    resolve reads of the stored analyses: the same tables (also when the process dating them fails)."""
    reference = tmp_path / "read.db"
    shutil.copy(corpus_db, reference)
    resolve(Store(reference), kb)
    if child_fails:
        fail_in_children(monkeypatch, ("gathered_dates",))
    store = Store(tmp_path / "gathered.db")
    ingest([str(pages_dir)], store, IngestOptions(workers=workers), kb=kb)
    assert gathered_runs == [True]
    assert stored(store) == stored(Store(reference))


def test_an_ingest_into_a_store_holding_documents_reads_them_all(
        pages_dir: Path, tmp_path: Path, kb: KnowledgeBase, gathered_runs: list[bool]) -> None:
    """A second run gathers nothing: its resolve reads every stored analysis, the first run's too."""
    files = sorted(str(p) for p in pages_dir.rglob("*") if p.is_file())
    halves = files[: len(files) // 2], files[len(files) // 2:]
    assert all(halves)
    reference, store = Store(tmp_path / "read.db"), Store(tmp_path / "two-runs.db")
    first_run: set[str] = set()
    for half in halves:
        ingest(half, reference, IngestOptions(resolve=False), kb=kb)
        ingest(half, store, IngestOptions(), kb=kb)
        first_run = first_run or {d for (d,) in store.db.execute("SELECT doc_id FROM documents")}
    resolve(reference, kb)
    assert gathered_runs == [True, False]
    got = stored(store)
    assert got == stored(reference)
    assert any(s["doc_id"] in first_run for e in got["events"] for s in e["sources"])


def test_streaming_resolve_gives_the_same_tables(corpus_db: Path, tmp_path: Path, kb: KnowledgeBase) -> None:
    db = tmp_path / "c.db"
    shutil.copy(corpus_db, db)
    store = Store(db)
    expected = in_memory(store, kb)
    sizes = resolve(store, kb)
    got = stored(store)
    assert len(expected["events"]) > 50 and len(expected["persons"]) > 20  # a corpus worth comparing
    for table in expected:
        assert got[table] == expected[table], table
    assert sizes == {"persons": len(expected["persons"]), "events": len(expected["events"]),
                     "mechanisms": len(expected["mechanisms"]), "statements": len(expected["statements"])}
    assert store.get_meta("dirty") == "0"
    resolve(store, kb)  # twice: the same tables (the temporary tables are emptied first)
    assert stored(store) == got


@pytest.mark.parametrize("child_fails", [False, True])
def test_resolve_with_workers_gives_the_same_tables(corpus_db: Path, tmp_path: Path, kb: KnowledgeBase,
                                                    monkeypatch: pytest.MonkeyPatch, child_fails: bool) -> None:
    """Sessions dated and mention rows written by other processes (or, when they fail, by this one): the same
    tables."""
    import multiprocessing
    import tempfile

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork here: resolve runs in one process")
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    shutil.copy(corpus_db, one)
    shutil.copy(corpus_db, two)
    resolve(Store(one), kb)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    if child_fails:
        fail_in_children(monkeypatch, ("write_mentions", "dated_sessions"))
    resolve(Store(two), kb, workers=2)
    assert stored(Store(two)) == stored(Store(one))
    assert Store(two).db.execute("SELECT count(*) FROM mentions").fetchone()[0] > 100
    assert not list(scratch.iterdir())  # the scratch file is gone


def test_dating_across_documents_keeps_to_session_events(corpus_db: Path, tmp_path: Path, kb: KnowledgeBase) -> None:
    """The corpus's session events are dated as when every event is given (the others are untouched)."""
    from huitan.resolve import session_dates

    store = Store(corpus_db)
    changed = session_dates(store, kb)
    rows = list(store.db.execute("SELECT doc_id, analysis FROM documents WHERE analysis IS NOT NULL ORDER BY rowid"))
    events = [(doc_id, i, e) for doc_id, raw in rows for i, e in enumerate(analysis_from_dict(json.loads(raw)).events)]
    before = {(r, i): e.to_dict()["date"] for r, i, e in events}
    date_across_documents([e for _, _, e in events], kb)
    after = {(r, i): e.to_dict()["date"] for r, i, e in events}
    assert {k: v for k, v in after.items() if v != before[k]} == changed
    assert changed  # the corpus has session events that other reports date


def test_session_events_read_in_python_are_those_read_in_sqlite(corpus_db: Path) -> None:
    """Alone, resolve reads the events naming a mechanism with the persons (:func:`session_events`), not with
    ``json_each`` as :func:`session_dates` does: the same events, mechanisms and dates, in the same order."""
    from huitan.resolve import session_events

    store = Store(corpus_db)
    in_sqlite = [(doc_id, idx, type_, json.loads(mech), json.loads(date) if date else None)
                 for doc_id, idx, type_, mech, date in store.db.execute(
                     "SELECT d.doc_id, e.key, json_extract(e.value, '$.type'), json_extract(e.value, '$.mechanism'),"
                     " json_extract(e.value, '$.date') FROM documents d, json_each(d.analysis, '$.events') e"
                     " WHERE d.analysis IS NOT NULL AND json_type(e.value, '$.mechanism') = 'object'"
                     " ORDER BY d.rowid, e.key")]
    in_python = [ev for doc_id, raw in store.db.execute(
        "SELECT doc_id, analysis FROM documents WHERE analysis IS NOT NULL ORDER BY rowid")
        for ev in session_events(doc_id, json.loads(raw).get("events"))]
    assert in_python == in_sqlite
    assert len({doc_id for doc_id, *_ in in_python}) > 3  # a corpus worth comparing
