"""The SQLite store: schema migrations, documents and their sources, extraction results, search.

One writer (the ingest process); readers never block it (WAL). The schema is
created and upgraded by named migrations, each in its own transaction, and
recorded in ``_migrations``. Full-text search indexes the text with a space
between CJK characters, so a phrase query finds two-character names (董军),
which FTS5's trigram tokenizer cannot.
"""

from __future__ import annotations

import itertools
import json
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from .model import Document

_CJK = "\u3400-\u9fff\uf900-\ufaff"  # the characters the full-text index makes words of their own
# in text with a space after every character: such a space between two characters neither CJK nor a space
_INNER_SPACE = re.compile(f" (?<=[^ {_CJK}] )(?=[^ {_CJK}])")


def spaced(text: str) -> str:
    """Text with spaces around each CJK character, as the full-text index stores it: its words (split at
    any whitespace) joined by one space, and each CJK character a word of its own."""
    # each whitespace run one space; then a space between every two characters (an original space becomes
    # three), taken out again inside runs of other characters (a Latin word, a number), all in C
    words = " ".join(text.split())
    return _INNER_SPACE.sub("", words.replace("", " ")[1:-1]).replace("   ", " ")


def unspaced(text: str) -> str:
    """Undo :func:`spaced` for display (snippets)."""
    return re.sub(r"(?<=[\u3400-\u9fff\uf900-\ufaff\x02\x03，。、]) (?=[\u3400-\u9fff\uf900-\ufaff\x02\x03，。、])", "", text)


M001_DOCUMENTS = """
        CREATE TABLE documents (
            doc_id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            title TEXT NOT NULL,
            lead TEXT NOT NULL,
            body TEXT NOT NULL,           -- JSON list of paragraphs
            captions TEXT NOT NULL,       -- JSON list
            outlet TEXT,
            dateline TEXT,                -- JSON {place, outlet}
            published TEXT,
            script TEXT NOT NULL,
            original TEXT,
            encoding TEXT,
            analysis TEXT,                -- JSON DocAnalysis (per-document extraction)
            added TEXT NOT NULL DEFAULT (datetime('now'))
        );
        CREATE TABLE sources (
            doc_id TEXT NOT NULL REFERENCES documents(doc_id),
            path TEXT NOT NULL,
            url TEXT NOT NULL DEFAULT '',
            page TEXT NOT NULL DEFAULT '',
            near_duplicate INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (doc_id, path, url, page)
        );
        CREATE INDEX sources_path ON sources(path);
        CREATE TABLE minhash (doc_id TEXT PRIMARY KEY, sig BLOB NOT NULL);
        CREATE VIRTUAL TABLE documents_fts USING fts5(doc_id UNINDEXED, title, body, tokenize = 'unicode61');
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
"""


M002_EXTRACTION = """
        CREATE TABLE persons (
            person_id TEXT PRIMARY KEY, name TEXT NOT NULL, country TEXT, rank TEXT, kb_id TEXT,
            aliases TEXT NOT NULL, positions TEXT NOT NULL, names TEXT NOT NULL, record TEXT NOT NULL);
        CREATE INDEX persons_name ON persons(name);
        CREATE TABLE mentions (
            doc_id TEXT NOT NULL, person_id TEXT, kind TEXT NOT NULL, name TEXT NOT NULL, text TEXT NOT NULL,
            section TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, country TEXT);
        CREATE INDEX mentions_doc ON mentions(doc_id);
        CREATE INDEX mentions_person ON mentions(person_id);
        CREATE TABLE events (
            event_id TEXT PRIMARY KEY, type TEXT NOT NULL, date_start TEXT, date_end TEXT, year INTEGER,
            year_source TEXT, mechanism TEXT, session INTEGER, scope TEXT NOT NULL, location TEXT,
            plover TEXT, cameo TEXT, record TEXT NOT NULL);
        CREATE INDEX events_type_year ON events(type, year);
        CREATE INDEX events_year ON events(year, date_start);
        CREATE INDEX events_mechanism ON events(mechanism, session);
        CREATE INDEX events_scope ON events(scope, year);
        CREATE TABLE participants (
            event_id TEXT NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL, kind TEXT NOT NULL,
            country TEXT, person_id TEXT);
        CREATE INDEX participants_event ON participants(event_id);
        CREATE INDEX participants_country ON participants(country, event_id);
        CREATE INDEX participants_person ON participants(person_id, event_id);
        CREATE INDEX participants_name ON participants(name, event_id);
        CREATE TABLE event_sources (
            event_id TEXT NOT NULL, doc_id TEXT NOT NULL, section TEXT NOT NULL, evidence TEXT NOT NULL,
            start INTEGER NOT NULL, "end" INTEGER NOT NULL);
        CREATE INDEX event_sources_event ON event_sources(event_id);
        CREATE INDEX event_sources_doc ON event_sources(doc_id);
        CREATE TABLE mechanisms (
            name TEXT NOT NULL, session INTEGER NOT NULL, date TEXT, place TEXT, event_id TEXT,
            record TEXT NOT NULL, PRIMARY KEY (name, session));
        CREATE TABLE statements (
            statement_id INTEGER PRIMARY KEY, speaker TEXT NOT NULL, topic TEXT NOT NULL, person_id TEXT,
            country TEXT, record TEXT NOT NULL);
"""


M003_PAGES = """
        CREATE TABLE pages (
            key TEXT PRIMARY KEY,         -- hash of the input, its URL and its content
            path TEXT NOT NULL,
            url TEXT,
            added TEXT NOT NULL DEFAULT (datetime('now'))
        );
"""

M004_EVENT_QUERY_INDEXES = """
        CREATE INDEX events_date ON events(date_start, event_id);
        CREATE INDEX events_type_date ON events(type, date_start, event_id);
        CREATE INDEX participants_event_country ON participants(event_id, country);
"""

# Each participant row carries its event's start date and type, so that a country or person filter reads
# one contiguous index range in date order (the events of a country in a year) instead of probing the
# participants of every event of the year; the indexes they replace were prefixes of these.
M005_PARTICIPANT_DATES = """
        ALTER TABLE participants ADD COLUMN date_start TEXT;
        ALTER TABLE participants ADD COLUMN event_type TEXT;
        UPDATE participants SET (date_start, event_type) =
            (SELECT e.date_start, e.type FROM events e WHERE e.event_id = participants.event_id);
        DROP INDEX participants_event;
        DROP INDEX participants_country;
        DROP INDEX participants_person;
        DROP INDEX participants_name;
        CREATE INDEX participants_country_date ON participants(country, date_start, event_id, event_type);
        CREATE INDEX participants_person_date ON participants(person_id, date_start, event_id, event_type);
        CREATE INDEX participants_name_date ON participants(name, date_start, event_id, event_type);
        CREATE INDEX events_mechanism_date ON events(mechanism, date_start, event_id);
"""

# Each ingest transaction writes the full-text index's new terms as a segment of their own; segments are
# merged 16 at a time instead of 4 (every posting is rewritten fewer times: log16, not log4, of the number
# of transactions), into 16 kB leaf pages instead of 4 kB. Same index contents, same search results.
M006_FTS_MERGE = """
        INSERT INTO documents_fts(documents_fts, rank) VALUES ('automerge', 16);
        INSERT INTO documents_fts(documents_fts, rank) VALUES ('pgsz', 16000)
"""

# Named migrations, applied in order, each in one transaction. Append; never edit one that has shipped.
MIGRATIONS: list[tuple[str, str]] = [
    ("001_documents", M001_DOCUMENTS),
    ("002_extraction", M002_EXTRACTION),
    ("003_pages", M003_PAGES),
    ("004_event_query_indexes", M004_EVENT_QUERY_INDEXES),  # `huitan events` at 1M events (benchmarks/)
    ("005_participant_dates", M005_PARTICIPANT_DATES),  # country/person filters in date order
    ("006_fts_merge", M006_FTS_MERGE),  # cheaper ingest commits
]


def connect(path: str | Path, readonly: bool = False) -> sqlite3.Connection:
    """Open (and migrate) a database.

    Read-only connections never create anything nor change any record; a database made by an older huitan
    is first brought to the current schema (its migrations, once), as the queries need it.
    """
    if readonly:
        if not Path(path).exists():
            raise FileNotFoundError(f"no database at {path}")
        db = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True, check_same_thread=False)
        db.row_factory = sqlite3.Row
        if pending(db):
            db.close()
            connect(path).close()  # migrates
            return connect(path, readonly=True)
        return db
    db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    migrate(db)
    return db


def pending(db: sqlite3.Connection) -> list[str]:
    """The migrations a huitan database has not had yet (none for a file that is no huitan database)."""
    try:
        done = {r[0] for r in db.execute("SELECT name FROM _migrations")}
    except sqlite3.OperationalError:  # no _migrations table
        return []
    return [name for name, _ in MIGRATIONS if name not in done]


def migrate(db: sqlite3.Connection) -> list[str]:
    """Apply the migrations not yet applied, each in its own transaction; returns their names."""
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied TEXT DEFAULT (datetime('now')))")
    done = {r[0] for r in db.execute("SELECT name FROM _migrations")}
    applied = []
    for name, sql in MIGRATIONS:
        if name in done:
            continue
        db.execute("BEGIN IMMEDIATE")
        try:
            for stmt in sql.split(";"):
                if stmt.strip():
                    db.execute(stmt)
            db.execute("INSERT INTO _migrations(name) VALUES (?)", (name,))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied


CORPUS_TABLES = ("persons", "mentions", "events", "participants", "event_sources", "mechanisms", "statements")


class Store:
    """Writes and reads huitan records; the one writer of a database."""

    def __init__(self, path: str | Path, readonly: bool = False) -> None:
        self.path = str(path)
        self.db = connect(path, readonly=readonly)

    def close(self) -> None:
        self.db.close()

    # ------------------------------------------------------------ transactions

    def transaction(self) -> _Tx:
        return _Tx(self.db)

    @contextmanager
    def checkpoints_aside(self) -> Iterator[Callable[[], None]]:
        """For a bulk load: the write-ahead log is copied into the database file (and synced) by a thread with
        its own connection, while this one goes on writing, instead of inside this connection's commits.
        Yields the function to call after a commit; SQLite's own checkpoints are back on at the end."""
        if not Path(self.path).is_file():  # an in-memory database has no log
            yield lambda: None
            return
        wake, done = threading.Event(), threading.Event()

        def run() -> None:
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            try:
                while not done.is_set():
                    wake.wait()
                    wake.clear()
                    try:
                        db.execute("PRAGMA wal_checkpoint(PASSIVE)")  # never waits for the writer; releases the GIL
                    except sqlite3.Error:  # busy now: the next wake-up copies what this one left
                        continue
            finally:
                db.close()

        (pages,) = self.db.execute("PRAGMA wal_autocheckpoint").fetchone()
        self.db.execute("PRAGMA wal_autocheckpoint=0")
        thread = threading.Thread(target=run, name="huitan-checkpoints", daemon=True)
        thread.start()
        try:
            yield wake.set
        finally:
            done.set()
            wake.set()
            thread.join()
            self.db.execute(f"PRAGMA wal_autocheckpoint={int(pages)}")

    # ------------------------------------------------------------ documents

    def is_empty(self) -> bool:
        """No page nor document stored yet."""
        return self.db.execute(
            "SELECT NOT EXISTS (SELECT 1 FROM pages) AND NOT EXISTS (SELECT 1 FROM documents)").fetchone()[0] == 1

    def has_document(self, doc_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM documents WHERE doc_id=?", (doc_id,)).fetchone() is not None

    def add_document(self, doc: Document, analysis: Any, rows: DocumentRows | None = None) -> None:
        """Store a new document with its analysis (a dict or a DocAnalysis dataclass, or its JSON text).

        ``rows``: the document's rows as :func:`document_rows` made them (in a worker process).
        """
        row, fts = rows or document_rows(doc, analysis)
        self.db.execute(INSERT_DOCUMENT, row)
        self.db.execute(INSERT_FTS, fts)

    def add_source(self, doc_id: str, source: dict[str, Any], near_duplicate: bool = False) -> bool:
        """Record that ``doc_id`` was found in an input; False when that was already known."""
        return self.db.execute(INSERT_SOURCE, source_row(doc_id, source, near_duplicate)).rowcount > 0

    def has_page(self, key: str) -> bool:
        return self.db.execute("SELECT 1 FROM pages WHERE key=?", (key,)).fetchone() is not None

    def add_minhash(self, doc_id: str, sig: bytes) -> None:
        self.db.execute(INSERT_MINHASH, (doc_id, sig))

    def write(self, rows: Rows) -> None:
        """Store a batch of pages' rows, one statement a table (inside the caller's transaction): the same
        rows, in the same order, as the ``add_`` methods one at a time; documents before the sources naming them."""
        self.db.executemany(INSERT_PAGE, rows.pages)
        self.db.executemany(INSERT_DOCUMENT, [row for row, _ in rows.documents])
        self.db.executemany(INSERT_FTS, [fts for _, fts in rows.documents])
        self.db.executemany(INSERT_SOURCE, rows.sources)
        self.db.executemany(INSERT_MINHASH, rows.minhashes)

    def minhashes(self) -> Iterator[tuple[str, bytes]]:
        yield from self.db.execute("SELECT doc_id, sig FROM minhash")

    def documents(self, kind: str | None = None) -> Iterator[dict[str, Any]]:
        sql = "SELECT * FROM documents" + (" WHERE kind=?" if kind else "") + " ORDER BY rowid"
        for row in self.db.execute(sql, (kind,) if kind else ()):
            yield self.document_record(row)

    def document(self, doc_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return self.document_record(row) if row else None

    def document_record(self, row: sqlite3.Row) -> dict[str, Any]:
        srcs = [
            {"path": s["path"], "url": s["url"] or None, "page": s["page"] or None}
            for s in self.db.execute("SELECT path, url, page FROM sources WHERE doc_id=? ORDER BY rowid", (row["doc_id"],))
        ]
        return {
            "doc_id": row["doc_id"], "kind": row["kind"], "title": row["title"], "lead": row["lead"],
            "body": json.loads(row["body"]), "captions": json.loads(row["captions"]), "outlet": row["outlet"],
            "dateline": json.loads(row["dateline"]) if row["dateline"] else None, "published": row["published"],
            "script": row["script"], "original": row["original"], "encoding": row["encoding"], "sources": srcs,
        }

    def analyses(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for row in self.db.execute("SELECT doc_id, analysis FROM documents WHERE analysis IS NOT NULL ORDER BY rowid"):
            yield row[0], json.loads(row[1])

    # ------------------------------------------------------------ meta

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str | None) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?,?)", (key, value))

    # ------------------------------------------------------------ corpus-level tables

    def replace_corpus(self, persons: Iterable[dict[str, Any]], mentions: Iterable[tuple[Any, ...]],
                       events: Iterable[dict[str, Any]], mechanisms: Iterable[dict[str, Any]],
                       statements: Iterable[dict[str, Any]],
                       mentions_from: Callable[[], str] | None = None) -> None:
        """Replace the corpus-level tables in one transaction (the output of ``resolve``).

        ``mentions_from``: called once the other rows are in, it gives a database file whose ``mentions``
        table, declared as this database's, is appended too (in SQLite, without a Python object per row).
        ``persons`` are read after the events and statements (their names may still be being found meanwhile).

        The tables' secondary indexes are dropped while the rows go in and then built again from their
        own definitions: building an index once is cheaper than keeping it up to date row by row.
        """
        try:
            with self.transaction(), self.indexes_rebuilt(CORPUS_TABLES):
                self._corpus_rows(persons, mentions, events, mechanisms, statements, mentions_from)
        finally:
            if any(r[1] == "side" for r in self.db.execute("PRAGMA database_list")):
                self.db.execute("DETACH DATABASE side")  # not possible before the commit

    def _corpus_rows(self, persons: Iterable[dict[str, Any]], mentions: Iterable[tuple[Any, ...]],
                     events: Iterable[dict[str, Any]], mechanisms: Iterable[dict[str, Any]],
                     statements: Iterable[dict[str, Any]], mentions_from: Callable[[], str] | None) -> None:
        for t in CORPUS_TABLES:
            self.db.execute(f"DELETE FROM {t}")
        insert_many(self.db, "INSERT INTO mentions", "(?,?,?,?,?,?,?,?,?)", mentions)
        for batch in _batched(events, 1000):
            ev_rows, part_rows, src_rows = [], [], []
            for e in batch:
                eid, type_ = e["event_id"], e["type"]
                d = e.get("date") or {}
                start = d.get("start")
                year = int(start[:4]) if start and start[:4].isdigit() else None
                mech = e.get("mechanism") or {}
                ev_rows.append((eid, type_, start, d.get("end"), year, d.get("year_source"),
                                mech.get("name"), mech.get("session"), e.get("scope") or "international",
                                _jb(e.get("location")), e.get("plover"), e.get("cameo"), _jb(e)))
                part_rows += [(eid, p["name"], p["role"], p.get("kind") or "person", p.get("country"),
                               p.get("person_id"), start, type_) for p in e.get("participants", [])]
                src_rows += [(eid, s["doc_id"], s["section"], s["evidence"], s["start"], s["end"])
                             for s in e.get("sources", [])]
            # the JSON goes in as the bytes orjson wrote, made text by SQLite (not decoded, then encoded again)
            insert_many(self.db, "INSERT INTO events", "(?,?,?,?,?,?,?,?,?,CAST(? AS TEXT),?,?,CAST(? AS TEXT))",
                        ev_rows)
            insert_many(self.db, "INSERT INTO participants(event_id, name, role, kind, country, person_id,"
                        " date_start, event_type)", "(?,?,?,?,?,?,?,?)", part_rows)
            insert_many(self.db, "INSERT INTO event_sources", "(?,?,?,?,?,?)", src_rows)
        self.db.executemany(
            "INSERT OR REPLACE INTO mechanisms VALUES (?,?,?,?,?,?)",
            ((m["name"], m["session"], m.get("date"), m.get("place"), m.get("event_id"), _j(m)) for m in mechanisms),
        )
        self.db.executemany(
            "INSERT INTO statements(speaker, topic, person_id, country, record) VALUES (?,?,?,?,?)",
            ((s["speaker"], s["topic"], s.get("person_id"), s.get("country"), _j(s)) for s in statements),
        )
        self.db.executemany(
            "INSERT INTO persons VALUES (?,?,?,?,?,?,?,?,?)",
            ((p["person_id"], p["name"], p.get("country"), p.get("rank"), p.get("kb_id"),
              _j(p.get("aliases", [])), _j(p.get("positions", [])), _j(p.get("names", {})), _j(p)) for p in persons),
        )
        if mentions_from is not None:
            self.db.execute("ATTACH DATABASE ? AS side", (mentions_from(),))
            # the same table: its records are copied as they are, in rowid order (SQLite's transfer optimisation)
            self.db.execute("INSERT INTO mentions SELECT * FROM side.mentions")
        self.set_meta("dirty", "0")

    @contextmanager
    def indexes_rebuilt(self, tables: tuple[str, ...]) -> Iterator[None]:
        """Inside the caller's transaction: the tables' secondary indexes (not the unique ones) dropped for a
        bulk load, then built again from their own definitions — once, instead of row by row."""
        marks = ",".join("?" * len(tables))
        indexes = self.db.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL AND tbl_name IN ({marks})"
            " AND sql NOT LIKE 'CREATE UNIQUE%'", tables).fetchall()
        for name, _ in indexes:
            self.db.execute(f'DROP INDEX "{name}"')
        yield
        for _, sql in indexes:
            self.db.execute(sql)

    def records(self, table: str) -> Iterator[dict[str, Any]]:
        """Exported records of a corpus-level table (persons, events, mechanisms, statements)."""
        order = {"events": "date_start, event_id", "persons": "name", "mechanisms": "name, session",
                 "statements": "statement_id"}[table]
        for row in self.db.execute(f"SELECT record FROM {table} ORDER BY {order}"):
            yield json.loads(row[0])

    # ------------------------------------------------------------ search and stats

    def search(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        """Ranked full-text search over titles and bodies; snippets mark hits with \\x02 … \\x03."""
        terms = [t for t in re.split(r"\s+", query.strip()) if t]
        if not terms:
            return []
        match = " ".join('"' + spaced(t).replace('"', '""') + '"' for t in terms)
        rows = self.db.execute(
            "SELECT f.doc_id, d.kind, d.title, snippet(documents_fts, 2, char(2), char(3), '…', 24) AS snip, bm25(documents_fts) AS score"
            " FROM documents_fts f JOIN documents d ON d.doc_id = f.doc_id"
            " WHERE documents_fts MATCH ? ORDER BY score LIMIT ?",
            (match, limit),
        ).fetchall()
        return [{"doc_id": r["doc_id"], "kind": r["kind"], "title": r["title"], "snippet": unspaced(r["snip"]),
                 "score": round(-r["score"], 3)} for r in rows]

    def stats(self) -> dict[str, Any]:
        q = self.db.execute
        return {
            "documents": q("SELECT count(*) FROM documents").fetchone()[0],
            "articles": q("SELECT count(*) FROM documents WHERE kind='article'").fetchone()[0],
            "teasers": q("SELECT count(*) FROM documents WHERE kind='teaser'").fetchone()[0],
            "sources": q("SELECT count(*) FROM sources").fetchone()[0],
            "near_duplicates": q("SELECT count(*) FROM sources WHERE near_duplicate=1").fetchone()[0],
            "persons": q("SELECT count(*) FROM persons").fetchone()[0],
            "events": q("SELECT count(*) FROM events").fetchone()[0],
            "events_by_type": dict(q("SELECT type, count(*) FROM events GROUP BY type ORDER BY 2 DESC").fetchall()),
            "mechanisms": q("SELECT count(*) FROM mechanisms").fetchone()[0],
            "statements": q("SELECT count(*) FROM statements").fetchone()[0],
        }


def _fields(o: Any) -> dict[str, Any]:
    """JSON hook: a dataclass as the dict ``dataclasses.asdict`` would give (without its deep copies)."""
    names = getattr(o, "__dataclass_fields__", None)
    if names is None:
        raise TypeError(f"{type(o).__name__} is not JSON serialisable")
    return {n: getattr(o, n) for n in names}


def insert_many(db: sqlite3.Connection, insert: str, row: str, rows: Iterable[Sequence[Any]], per: int = 64) -> None:
    """``db.executemany(f"{insert} VALUES {row}", rows)``, ``per`` rows to a statement: running a statement
    costs more than binding a value (152,852 mention rows: 0.78 → 0.50 s); ``per`` × the values of a row
    stays under SQLite's oldest limit of 999 variables."""
    many = f"{insert} VALUES " + ",".join([row] * per)
    for batch in _batched(rows, per):
        if len(batch) == per:
            db.execute(many, tuple(itertools.chain.from_iterable(batch)))
        else:  # the last, short batch
            db.executemany(f"{insert} VALUES {row}", batch)


def _batched(items: Iterable[Any], n: int) -> Iterator[list[Any]]:
    it = iter(items)
    while batch := list(itertools.islice(it, n)):
        yield batch


DocumentRows = tuple[tuple[Any, ...], tuple[str, str, str]]
SourceRow = tuple[str, str, str, str, int]

INSERT_DOCUMENT = ("INSERT INTO documents(doc_id, kind, title, lead, body, captions, outlet, dateline, published,"
                   " script, original, encoding, analysis) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")
INSERT_FTS = "INSERT INTO documents_fts(doc_id, title, body) VALUES (?,?,?)"
INSERT_SOURCE = "INSERT OR IGNORE INTO sources(doc_id, path, url, page, near_duplicate) VALUES (?,?,?,?,?)"
INSERT_PAGE = "INSERT OR IGNORE INTO pages(key, path, url) VALUES (?,?,?)"
INSERT_MINHASH = "INSERT OR REPLACE INTO minhash(doc_id, sig) VALUES (?,?)"


@dataclass
class Rows:
    """The rows of a batch of pages, in the order they were made, for :meth:`Store.write`."""

    pages: list[tuple[str, str, str | None]] = field(default_factory=list)
    documents: list[DocumentRows] = field(default_factory=list)
    sources: list[SourceRow] = field(default_factory=list)
    minhashes: list[tuple[str, bytes]] = field(default_factory=list)


def source_row(doc_id: str, source: dict[str, Any], near_duplicate: bool = False) -> SourceRow:
    """The ``sources`` row recording that ``doc_id`` was found in an input."""
    return doc_id, source.get("path") or "", source.get("url") or "", source.get("page") or "", int(near_duplicate)


def document_rows(doc: Document, analysis: Any) -> DocumentRows:
    """The ``documents`` row and the full-text row of a new document: a pure function, so the encoding and
    spacing run where the document was analysed, not in the one writer process."""
    row = (doc.doc_id, doc.kind, doc.title, doc.lead, _j(doc.body), _j(doc.captions), doc.outlet,
           _j(doc.dateline) if doc.dateline else None, doc.published, doc.script, doc.original, doc.encoding,
           (analysis if isinstance(analysis, str) else _j(analysis)) if analysis else None)
    return row, (doc.doc_id, spaced(doc.title), spaced("\n".join(doc.body + doc.captions)))


def to_json(v: Any) -> str:
    """JSON text of a record, dataclasses included (as the store keeps analyses)."""
    return _j(v)


def _j(v: Any) -> str:
    # orjson writes dataclasses itself (``_fields`` is the fallback for anything else with fields), 5x json's speed
    return orjson.dumps(v, default=_fields, option=orjson.OPT_NON_STR_KEYS).decode()


def _jb(v: Any) -> bytes:
    """:func:`_j` as the UTF-8 bytes orjson writes, for a text column bound as ``CAST(? AS TEXT)``."""
    return orjson.dumps(v, default=_fields, option=orjson.OPT_NON_STR_KEYS)


class _Tx:
    """``with store.transaction():`` — BEGIN IMMEDIATE … COMMIT, ROLLBACK on error."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")
