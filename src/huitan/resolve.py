"""Corpus-level stage: one person per real person, dated mechanism sessions, one event per real event.

Reads every stored per-document analysis, and rewrites the corpus tables
(persons, mentions, events, participants, mechanisms, statements) in one
transaction. Running it twice gives the same tables.

Memory stays flat as the corpus grows: no pass holds the documents' analyses.

With workers, steps 1 and 2 run side by side, and so do the mention rows, the persons' names and steps 3–4.

1. persons: each document's persons (``json_extract``, in SQLite) are counted into a
   :class:`~huitan.persons.PersonLinker` (one entry per distinct document person);
2. sessions: the events that name a mechanism (read with the persons, or, given workers, by a second
   process) are dated across documents; only the dates that changed are kept;

   an ingest into an empty store gathers what steps 1 and 2 need of each document as it writes it
   (:class:`Gathered`, small records in a temporary table), so neither reads the analyses;
3. documents, in order: mention rows are written as they are read (or, given workers, by a
   second process into a file of its own, copied in by SQLite); each event is linked
   to persons, re-dated, and given to an :class:`~huitan.merge.EventMerger` (one small
   signature per kept event), and its record goes to a temporary table under the position
   of the kept event it joins; statements go to another;
4. events: the temporary table is read in kept order, each kept event rebuilt from its
   reports (:func:`~huitan.merge.absorb` in document order), given its id and written.

The tables are the same as merging all events held in memory (``link_persons``,
``date_across_documents``, ``merge_events``, ``mechanism_records`` over every analysis).
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from operator import itemgetter
from pathlib import Path
from typing import Any

import orjson

from .datekb import session_key
from .dates import date_across_documents
from .kb import KnowledgeBase
from .merge import (
    DateSig,
    EventIds,
    EventMerger,
    MechanismRecords,
    MergeSig,
    absorb,
    date_score,
    date_sig,
    event_id_of,
)
from .model import DateValue, DocAnalysis, Event, Evidence, Participant, Person, Statement
from .persons import PERSON_RECORD_FIELDS, PersonLinker, id_by_name, names_to_ids
from .store import Store, insert_many

ANALYSED = "FROM documents WHERE analysis IS NOT NULL"


def resolve(store: Store, kb: KnowledgeBase, workers: int = 1, gathered: Gathered | None = None) -> dict[str, int]:
    """Rebuild the corpus-level tables from the stored analyses; returns their sizes.

    ``workers`` > 1 (and a database file): sessions are dated by a second process while this one links
    the persons, and mention rows are made by another, and the persons' names found by a third, while this
    one merges the events; the same tables.

    ``gathered``: step 1's persons and step 2's session events, gathered while the documents were written by
    a run that wrote every analysis the store holds (see :class:`Gathered`); then no analysis is read for them.
    """
    db = store.db
    forks = "fork" in multiprocessing.get_all_start_methods()  # a forked process inherits what it needs
    side = workers > 1 and forks and Path(store.path).is_file()
    linker = PersonLinker(kb)
    redated: dict[tuple[str, int], dict[str, Any] | None] = {}  # or, given workers, from ``dating``
    if gathered is not None:
        facts = gathered.sessions()
        # given workers, a second process (inheriting the compact session facts) dates them meanwhile
        dating = _Forked(gathered_dates, facts, kb) if side else None
        if not side:
            redated = gathered_dates(facts, kb)
        gathered.count_persons(linker)
    else:
        dating = _Forked(dated_sessions, store.path, kb) if side else None
        # alone, the events naming a mechanism are read in the same pass (one parse of each analysis, not two)
        sessions: list[SessionEvent] = []
        events_col = "NULL" if side else "CAST(json_extract(analysis, '$.events') AS BLOB)"
        rows = db.execute(f"SELECT json_extract(analysis, '$.actors.persons'), {events_col}, doc_id {ANALYSED}"
                          " ORDER BY rowid")
        for raw, events, doc_id in rows:
            for p in orjson.loads(raw) if raw else ():
                linker.add(p)
            if events:
                sessions += session_events(doc_id, orjson.loads(events))
        if not side:
            redated = changed_dates(sessions, kb)
        del sessions  # before the documents pass, whose objects can take the memory back
    persons = linker.link(names=not side)
    naming = _Forked(linker.names) if side else None  # written last, so found meanwhile
    scratch = _scratch_file() if side else None
    mention_file = _Forked(write_mentions, store.path, linker, scratch) if scratch else None
    try:
        run = _Run(store, linker, dating.result() if dating else redated,
                   mentions=mention_file is None)
        # the events in the order read (appended: cheap), and in kept order through the index
        for sql in ("CREATE TEMP TABLE IF NOT EXISTS resolve_events (seq INTEGER PRIMARY KEY, kept INTEGER NOT NULL,"
                    " record BLOB NOT NULL)",
                    "CREATE INDEX IF NOT EXISTS temp.resolve_events_kept ON resolve_events (kept)",
                    "CREATE TEMP TABLE IF NOT EXISTS resolve_statements (seq INTEGER PRIMARY KEY, record BLOB NOT NULL)",
                    "DELETE FROM temp.resolve_events", "DELETE FROM temp.resolve_statements"):
            db.execute(sql)  # emptied here, not dropped after: dropping walks every page; closing is free
        store.replace_corpus(persons=_records(persons, naming.result if naming else None),
                             mentions=run.documents(), events=run.events(),
                             mechanisms=run.mechanisms(), statements=run.statements(),
                             mentions_from=mention_file.result if mention_file else None)
    finally:
        for f in (dating, naming, mention_file):
            if f:
                f.close()
        if scratch:
            Path(scratch).unlink(missing_ok=True)
    return {"persons": len(persons), "events": run.n_events, "mechanisms": run.n_mechanisms,
            "statements": run.n_statements}


class _Forked:
    """``fn(*args)`` in a forked process, which inherits ``args`` (only the result is pickled, back);
    :meth:`result` waits for it, and calls ``fn`` in this process if that one failed."""

    def __init__(self, fn: Callable[..., Any], *args: Any) -> None:
        self.fn, self.args = fn, args
        ctx = multiprocessing.get_context("fork")
        self.conn, send = ctx.Pipe(duplex=False)
        self.proc = ctx.Process(target=_send_result, args=(send, fn, args), daemon=True)
        self.proc.start()
        send.close()

    def result(self) -> Any:
        try:
            value, ok = self.conn.recv(), True
        except EOFError:  # the process ended without a result
            value, ok = None, False
        self.proc.join()
        return value if ok and self.proc.exitcode == 0 else self.fn(*self.args)

    def close(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join()
        self.conn.close()


def _records(persons: list[Person], names: Callable[[], list[dict[str, str | None]]] | None,
             ) -> Iterator[dict[str, Any]]:
    """The persons' records, given their ``names`` (when :meth:`~huitan.persons.PersonLinker.link` left them
    out) once the first is asked for."""
    for p, found in zip(persons, names(), strict=True) if names else ((p, p.names) for p in persons):
        p.names = found
        yield p.to_dict()


def _scratch_file() -> str:
    fd, path = tempfile.mkstemp(prefix="huitan-mentions-", suffix=".db")
    os.close(fd)
    return path


def _send_result(conn: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    conn.send(fn(*args))
    conn.close()


def mention_rows(doc_id: str, actors: dict[str, Any], pids: list[str]) -> Iterator[tuple[Any, ...]]:
    """Rows of the mentions table for one document's stored actors (``pids``: the ids of its persons)."""
    for m in actors.get("mentions") or []:
        pid = None
        if m["kind"] == "person" and m.get("entity") is not None and m["entity"] < len(pids):
            pid = pids[m["entity"]]
        yield (doc_id, pid, m["kind"], m["name"], m["text"], m["section"], m["start"], m["end"], m.get("country"))


def write_mentions(db_path: str, linker: PersonLinker, out: str) -> str:
    """The mention rows of every stored analysis, in document order, into a ``mentions`` table in ``out``
    (returned)."""
    src = Store(db_path, readonly=True)
    dst = sqlite3.connect(out, isolation_level=None)
    try:
        dst.execute("PRAGMA journal_mode=OFF")  # a scratch file: nothing to roll back to, nothing to sync
        dst.execute("PRAGMA synchronous=OFF")
        dst.execute("DROP TABLE IF EXISTS mentions")  # left by a side process that failed half-way
        # the table as the database declares it, so that SQLite copies its records as they are
        dst.execute(src.db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'mentions'")
                    .fetchone()[0])
        dst.execute("BEGIN")
        insert_many(dst, "INSERT INTO mentions", "(?,?,?,?,?,?,?,?,?)", _mentions_of(src, linker))
        dst.execute("COMMIT")
    finally:
        src.close()
        dst.close()
    return out


def _mentions_of(store: Store, linker: PersonLinker) -> Iterator[tuple[Any, ...]]:
    for doc_id, raw in store.db.execute(f"SELECT doc_id, CAST(analysis AS BLOB) {ANALYSED} ORDER BY rowid"):
        actors = orjson.loads(raw).get("actors") or {}
        yield from mention_rows(doc_id, actors, [linker.person_id(p) for p in actors.get("persons") or []])


SessionEvent = tuple[str, int, Any, dict[str, Any], Any]  # see :func:`changed_dates`


def session_dates(store: Store, kb: KnowledgeBase) -> dict[tuple[str, int], dict[str, Any] | None]:
    """:func:`changed_dates` of the stored events that name a mechanism."""
    rows = store.db.execute(f"SELECT doc_id, CAST(json_extract(analysis, '$.events') AS BLOB) {ANALYSED} ORDER BY rowid")
    return changed_dates([ev for doc_id, raw in rows if raw for ev in session_events(doc_id, orjson.loads(raw))], kb)


def session_events(doc_id: str, events: list[dict[str, Any]] | None) -> list[SessionEvent]:
    """The events of a document (its id, its stored events) that name a mechanism, in document order."""
    return [(doc_id, idx, e.get("type"), e["mechanism"], e.get("date"))
            for idx, e in enumerate(events or ()) if isinstance(e.get("mechanism"), dict)]


DocFacts = tuple[bytes, bytes | None]  # see :func:`document_facts`


def document_facts(analysis: DocAnalysis) -> DocFacts:
    """What steps 1 and 2 read of a document's stored analysis, taken from the analysis before it is stored (a
    pure function, run where the document was analysed), as JSON: its persons (the fields a
    :class:`~huitan.persons.PersonLinker` counts), and its events naming a numbered session (index, type,
    mechanism, date; as :func:`session_events` reads them, but only those :func:`changed_dates` dates)."""
    sessions = [(idx, e.type, e.mechanism, e.date) for idx, e in enumerate(analysis.events) if session_key(e)]
    return (orjson.dumps([{n: getattr(p, n) for n in PERSON_RECORD_FIELDS} for p in analysis.actors.persons]),
            orjson.dumps(sessions) if sessions else None)


class Gathered:
    """The input of steps 1 and 2, gathered document by document as a run writes them, in the order stored:
    each document's :func:`document_facts`, in a temporary table of the writer's connection (on disk, so
    memory stays flat; written in the transaction that stores the documents, so it holds what they hold).

    Valid only when that run wrote every analysis the store holds (the store was empty when it began): then
    :func:`resolve` reads these small records, not every analysis, for step 1 (nor, given workers, every
    analysis again in a second process for step 2).
    """

    def __init__(self, store: Store) -> None:
        self.db = store.db
        self.pending: list[tuple[str, bytes, bytes | None]] = []
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS resolve_gathered (seq INTEGER PRIMARY KEY,"
                        " doc_id TEXT NOT NULL, persons BLOB NOT NULL, sessions BLOB)")
        self.db.execute("DELETE FROM temp.resolve_gathered")

    def add(self, doc_id: str, facts: DocFacts) -> None:
        self.pending.append((doc_id, *facts))

    def write(self) -> None:
        """Store the facts added since the last call (inside the caller's transaction)."""
        self.db.executemany("INSERT INTO temp.resolve_gathered(doc_id, persons, sessions) VALUES (?,?,?)",
                            self.pending)
        self.pending.clear()

    def count_persons(self, linker: PersonLinker) -> None:
        """Count every gathered person into ``linker``, in the order stored."""
        for (raw,) in self.db.execute("SELECT persons FROM temp.resolve_gathered ORDER BY seq"):
            for p in orjson.loads(raw):
                linker.add(p)

    def sessions(self) -> list[tuple[str, bytes]]:
        """Each document's session events as gathered (its id, their JSON), for :func:`gathered_dates`: held
        compact (20,000 session events as dicts would take 30 MB)."""
        return self.db.execute("SELECT doc_id, sessions FROM temp.resolve_gathered WHERE sessions IS NOT NULL"
                               " ORDER BY seq").fetchall()


def gathered_dates(sessions: list[tuple[str, bytes]], kb: KnowledgeBase) -> dict[tuple[str, int], dict[str, Any] | None]:
    """:func:`changed_dates` of :meth:`Gathered.sessions`, each event decoded when it is reached."""
    return changed_dates(((doc_id, *ev) for doc_id, raw in sessions for ev in orjson.loads(raw)), kb)


def changed_dates(events: Iterable[SessionEvent], kb: KnowledgeBase) -> dict[tuple[str, int], dict[str, Any] | None]:
    """(document id, event index) → the date (as stored) of each event that dating across documents changed.

    ``events``: (document id, event index, type, mechanism, date) of the stored events with a mechanism,
    in document order. :func:`~huitan.dates.date_across_documents` only reads and dates the type, mechanism
    and date of events naming a session, so it is given only those.
    """
    found: list[tuple[str, int, Event]] = []
    for doc_id, idx, type_, mech, date in events:
        ev = Event(type=type_, mechanism=mech, date=DateValue(**date) if date is not None else None)
        if session_key(ev):
            found.append((doc_id, idx, ev))
    before = [plain(ev.date) for _, _, ev in found]
    date_across_documents([ev for _, _, ev in found], kb)
    return {(doc_id, idx): after for (doc_id, idx, ev), old in zip(found, before, strict=True)
            if (after := plain(ev.date)) != old}


def dated_sessions(db_path: str, kb: KnowledgeBase) -> dict[tuple[str, int], dict[str, Any] | None]:
    """:func:`session_dates` of a database file (read-only)."""
    store = Store(db_path, readonly=True)
    try:
        return session_dates(store, kb)
    finally:
        store.close()


class _Run:
    """One resolve: the passes over the documents and the temporary tables, as generators for ``replace_corpus``."""

    def __init__(self, store: Store, linker: PersonLinker, redated: dict[tuple[str, int], dict[str, Any] | None],
                 mentions: bool = True):
        self.db = store.db
        self.linker = linker
        self.redated = redated
        self.mentions = mentions  # False: another process writes the mention rows
        self.mechanism_records = MechanismRecords()
        self.n_events = self.n_statements = self.n_mechanisms = 0

    def documents(self) -> Iterator[tuple[Any, ...]]:
        """Mention rows, document by document (unless ``mentions`` is off); events and statements go to the
        temporary tables meanwhile."""
        merger = EventMerger()
        sigs = _Sigs()
        events: list[tuple[int, bytes]] = []
        statements: list[tuple[bytes]] = []

        def flush() -> None:
            insert_many(self.db, "INSERT INTO temp.resolve_events(kept, record)", "(?,?)", events)
            self.db.executemany("INSERT INTO temp.resolve_statements(record) VALUES (?)", statements)
            events.clear()
            statements.clear()

        person_id, redated = self.linker.person_id, self.redated
        # without the mentions (over half the text) when another process writes them: SQLite drops them
        # faster than orjson reads them
        analysis = "analysis" if self.mentions else "json_remove(analysis, '$.actors.mentions')"
        rows = self.db.execute(f"SELECT doc_id, CAST({analysis} AS BLOB) {ANALYSED} ORDER BY rowid")
        for doc_id, raw in rows:  # read lazily, inside the writer's transaction (other tables)
            d = orjson.loads(raw)  # from bytes: SQLite's text is not first made a Python str
            actors = d.get("actors") or {}
            persons = actors.get("persons") or []
            pids = [person_id(p) for p in persons]
            if self.mentions:
                yield from mention_rows(doc_id, actors, pids)
            by_name = None  # made when a participant without its person, or a speaker, needs it
            for idx, e in enumerate(d.get("events") or []):
                for part in e.get("participants") or []:
                    if part.get("kind", "person") != "person":
                        continue
                    ent = part.get("entity")
                    if ent is not None and 0 <= ent < len(pids):
                        part["person_id"] = pids[ent]
                    else:
                        by_name = _names_to_ids(persons, pids) if by_name is None else by_name
                        part["person_id"] = id_by_name(by_name, part["name"])
                if (doc_id, idx) in redated:
                    e["date"] = redated[(doc_id, idx)]
                events.append((merger.add(sigs.of(e)), orjson.dumps(e)))
            for s in d.get("statements") or []:
                by_name = _names_to_ids(persons, pids) if by_name is None else by_name
                s["person_id"] = id_by_name(by_name, s["speaker"])
                statements.append((orjson.dumps(s),))
            if len(events) >= 1000:
                flush()
        flush()
        self.n_events = len(merger)

    def events(self) -> Iterator[dict[str, Any]]:
        """The merged events in kept order, with their ids."""
        ids = EventIds()
        rows = self.db.cursor()
        rows.row_factory = None  # plain tuples
        rows.execute("SELECT kept, record FROM temp.resolve_events ORDER BY kept, seq")
        for _, reports in itertools.groupby(rows, key=itemgetter(0)):
            first, *more = [orjson.loads(r[1]) for r in reports]
            if not more and _as_stored(first):  # one report, stored in the current form: its record as it is
                rec = first
                del rec["date_expr"]
                for p in rec["participants"]:
                    del p["entity"]
                src = rec["sources"][0] if rec["sources"] else None
                rec["event_id"] = ids.unique(event_id_of(
                    rec["type"], [p["person_id"] or p["name"] for p in rec["participants"]],
                    rec["date"]["start"] if rec["date"] else None, rec["mechanism"],
                    (src["doc_id"], src["start"]) if src else None))
            else:
                ev, *others = (event_from_dict(d) for d in [first, *more])
                for o in others:
                    absorb(ev, o)
                ids.assign(ev)
                rec = event_record(ev)
            self.mechanism_records.add(rec["type"], rec["mechanism"], (rec["date"] or {}).get("start"),
                                       rec["location"], rec["event_id"])
            yield rec

    def mechanisms(self) -> Iterator[dict[str, Any]]:
        """The mechanism records (once :meth:`events` is through)."""
        recs = self.mechanism_records.records()
        self.n_mechanisms = len(recs)
        yield from recs

    def statements(self) -> Iterator[dict[str, Any]]:
        for (raw,) in self.db.execute("SELECT record FROM temp.resolve_statements ORDER BY seq"):
            self.n_statements += 1
            d = orjson.loads(raw)
            yield plain(Statement(**{**d, "sources": [Evidence(**x) for x in d.get("sources", [])]}))


def _names_to_ids(persons: list[dict[str, Any]], pids: list[str]) -> dict[str, str]:
    """:func:`~huitan.persons.names_to_ids` of a document's stored persons and their ids."""
    return names_to_ids([(p["name"], p.get("aliases") or [], pid) for p, pid in zip(persons, pids, strict=True)])


class _Sigs:
    """:func:`~huitan.merge.merge_sig` of stored events (strings shared between signatures, dates read once)."""

    def __init__(self) -> None:
        self._dates: dict[tuple[Any, ...] | None, tuple[DateSig, tuple[int, int]]] = {}

    def of(self, e: dict[str, Any]) -> MergeSig:
        d = e.get("date")
        key = (d.get("start"), d.get("end"), d.get("precision"), tuple(d.get("year_candidates") or ())) if d else None
        date = self._dates.get(key)
        if date is None:
            value = DateValue(**d) if d else None
            date = self._dates[key] = (date_sig(value), date_score(value))
        m = e.get("mechanism")
        return MergeSig(
            type=sys.intern(e["type"]),
            docs=tuple(dict.fromkeys(sys.intern(s["doc_id"]) for s in e.get("sources") or ())),
            date=date[0], score=date[1],
            parts=tuple((sys.intern(p.get("person_id") or p["name"]), sys.intern(p["role"]))
                        for p in e.get("participants") or ()),
            mech=(m["name"], m["session"]) if m else None,
        )


EVENT_FIELDS = list(Event.__dataclass_fields__)
PARTICIPANT_FIELDS = list(Participant.__dataclass_fields__)
DATE_FIELDS = list(DateValue.__dataclass_fields__)
EVIDENCE_FIELDS = list(Evidence.__dataclass_fields__)


def _as_stored(d: dict[str, Any]) -> bool:
    """Whether a stored event has exactly the fields of :class:`Event` (and its parts), in order,
    so that its dict is what ``event_from_dict(d)`` would give back."""
    return (list(d) == EVENT_FIELDS and all(list(p) == PARTICIPANT_FIELDS for p in d["participants"])
            and (d["date"] is None or list(d["date"]) == DATE_FIELDS)
            and all(list(s) == EVIDENCE_FIELDS for s in d["sources"]))


def event_from_dict(x: dict[str, Any]) -> Event:
    """An :class:`Event` from its stored form (as :func:`~huitan.model.analysis_from_dict` reads it)."""
    x = dict(x)
    x["participants"] = [Participant(**p) for p in x.get("participants", [])]
    x["date"] = DateValue(**x["date"]) if x.get("date") else None
    x["sources"] = [Evidence(**s) for s in x.get("sources", [])]
    return Event(**x)


def plain(o: Any) -> Any:
    """``dataclasses.asdict`` without its deep copies (records hold only dataclasses, lists, dicts and scalars)."""
    fields = getattr(o, "__dataclass_fields__", None)
    if fields is not None:
        return {n: plain(getattr(o, n)) for n in fields}
    if isinstance(o, list | tuple):
        return [plain(x) for x in o]
    if isinstance(o, dict):
        return {k: plain(v) for k, v in o.items()}
    return o


RECORD_FIELDS = [n for n in EVENT_FIELDS if n != "date_expr"]
RECORD_PARTICIPANT_FIELDS = [n for n in PARTICIPANT_FIELDS if n != "entity"]


def event_record(ev: Event) -> dict[str, Any]:
    """``Event.to_dict``, faster."""
    d = {n: getattr(ev, n) for n in RECORD_FIELDS}
    d["participants"] = [{n: getattr(p, n) for n in RECORD_PARTICIPANT_FIELDS} for p in ev.participants]
    d["date"] = plain(ev.date)
    d["location"] = plain(ev.location)
    d["mechanism"] = plain(ev.mechanism)
    d["sources"] = [{n: getattr(s, n) for n in EVIDENCE_FIELDS} for s in ev.sources]
    return d
