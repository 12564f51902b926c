"""The SQLite store: migrations, documents and sources, full-text search of short Chinese names."""

from __future__ import annotations

import sqlite3

from huitan.model import Document
from huitan.store import MIGRATIONS, Store, migrate, spaced, unspaced


def doc(doc_id: str, title: str, body: list[str], kind: str = "article") -> Document:
    return Document(doc_id=doc_id, kind=kind, title=title, lead=body[0] if body else "", body=body)  # type: ignore[arg-type]


def test_migrations_named_and_applied_once(db_path):
    s = Store(db_path)
    names = [r[0] for r in s.db.execute("SELECT name FROM _migrations ORDER BY name")]
    assert names == [m[0] for m in MIGRATIONS]
    assert migrate(s.db) == []
    assert s.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_failed_migration_rolls_back(db_path, monkeypatch):
    broken = [*MIGRATIONS, ("999_broken", "CREATE TABLE partial (x INTEGER); CREATE TABLE documents (y)")]
    monkeypatch.setattr("huitan.store.MIGRATIONS", broken)
    import pytest

    with pytest.raises(sqlite3.OperationalError):
        Store(db_path)
    db = sqlite3.connect(db_path)
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "partial" not in tables
    assert "999_broken" not in {r[0] for r in db.execute("SELECT name FROM _migrations")}


def test_documents_sources_roundtrip(db_path):
    s = Store(db_path)
    with s.transaction():
        s.add_document(doc("a1", "越中两国国防部长举行会谈", ["董军与潘文江举行会谈。", "双方交换了意见。"]), None)
        assert s.add_source("a1", {"path": "x.txt", "url": None, "page": "a1"})
        assert not s.add_source("a1", {"path": "x.txt", "url": None, "page": "a1"})
        assert s.add_source("a1", {"path": "y.txt", "url": "https://e.org/y", "page": "a1"})
    d = s.document("a1")
    assert d["body"] == ["董军与潘文江举行会谈。", "双方交换了意见。"]
    assert [x["path"] for x in d["sources"]] == ["x.txt", "y.txt"]
    assert d["sources"][1]["url"] == "https://e.org/y"


def test_search_finds_two_character_names(db_path):
    s = Store(db_path)
    with s.transaction():
        s.add_document(doc("a1", "越中两国国防部长举行会谈", ["中国国防部长董军与越南国防部长潘文江举行会谈。"]), None)
        s.add_document(doc("a2", "越南与老挝举行对话", ["双方回顾了合作成果。"]), None)
    hits = s.search("董军")
    assert [h["doc_id"] for h in hits] == ["a1"]
    assert "\x02董\x03\x02军\x03" in hits[0]["snippet"] or "\x02董军\x03" in hits[0]["snippet"]
    assert s.search("董潘") == []  # not adjacent: a phrase, not a bag of characters
    assert [h["doc_id"] for h in s.search("对话")] == ["a2"]


def test_spaced_roundtrip():
    text = "国防部长董军,2025年4月"
    assert unspaced(spaced(text)).replace(" ", "") == text.replace(" ", "")


def test_replace_corpus_and_records(db_path):
    s = Store(db_path)
    ev = {"event_id": "e1", "type": "TALKS", "date": {"start": "2025-04-17", "year_source": "text"},
          "participants": [{"name": "董军", "role": "party", "kind": "person", "country": "CHN", "person_id": "p1"}],
          "sources": [{"doc_id": "a1", "section": "body", "evidence": "举行会谈。", "start": 0, "end": 5}],
          "mechanism": {"name": "越中边境国防友好交流", "session": 9}, "scope": "international"}
    s.replace_corpus([{"person_id": "p1", "name": "董军", "country": "CHN"}], [], [ev],
                     [{"name": "越中边境国防友好交流", "session": 9, "date": "2025-04"}], [])
    assert list(s.records("events")) == [ev]
    row = s.db.execute("SELECT year, mechanism, session FROM events").fetchone()
    assert tuple(row) == (2025, "越中边境国防友好交流", 9)
    assert s.db.execute("SELECT country FROM participants").fetchone()[0] == "CHN"
    s.replace_corpus([], [], [], [], [])
    assert list(s.records("events")) == []


def test_replace_corpus_gives_participants_their_event_date_and_type(db_path):
    s = Store(db_path)
    ev = {"event_id": "e1", "type": "MEET", "date": {"start": "2024-06-03"}, "scope": "international",
          "participants": [{"name": "梁强", "role": "host", "country": "VNM"}, {"name": "董军", "role": "guest"}]}
    s.replace_corpus([], [], [ev, {"event_id": "e2", "type": "CALL", "participants": [{"name": "王毅", "role": "party"}]}],
                     [], [])
    rows = s.db.execute("SELECT event_id, name, date_start, event_type FROM participants ORDER BY rowid").fetchall()
    assert [tuple(r) for r in rows] == [("e1", "梁强", "2024-06-03", "MEET"), ("e1", "董军", "2024-06-03", "MEET"),
                                        ("e2", "王毅", None, "CALL")]


def _database_before_005(db_path, monkeypatch, record: str) -> None:
    """A database at migration 004 holding one event with one participant; later opens see every migration."""
    monkeypatch.setattr("huitan.store.MIGRATIONS", [m for m in MIGRATIONS if m[0] < "005"])
    s = Store(db_path)
    s.db.execute("INSERT INTO events(event_id, type, date_start, scope, record) VALUES ('e1', 'TALKS', '2023-12-12',"
                 " 'international', ?)", (record,))
    s.db.execute("INSERT INTO participants VALUES ('e1', '阮富仲', 'party', 'person', 'VNM', 'p1')")
    s.close()
    monkeypatch.setattr("huitan.store.MIGRATIONS", MIGRATIONS)


def test_migration_005_fills_the_participants_of_a_database_made_before_it(db_path, monkeypatch):
    _database_before_005(db_path, monkeypatch, "{}")
    s = Store(db_path)
    row = s.db.execute("SELECT date_start, event_type FROM participants WHERE name = '阮富仲'").fetchone()
    assert tuple(row) == ("2023-12-12", "TALKS")
    indexes = {r[0] for r in s.db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"participants_country_date", "participants_person_date", "participants_name_date"} <= indexes
    assert "participants_country" not in indexes  # replaced: it was a prefix of participants_country_date


def test_a_read_only_open_brings_an_older_database_to_the_current_schema(db_path, monkeypatch):
    from huitan.export import EventFilter, query_events

    _database_before_005(db_path, monkeypatch, '{"event_id": "e1"}')
    r = Store(db_path, readonly=True)
    assert query_events(r, EventFilter(country="VNM", date_from="2023")) == [{"event_id": "e1"}]
    assert {x[0] for x in r.db.execute("SELECT name FROM _migrations")} == {m[0] for m in MIGRATIONS}
    import pytest

    with pytest.raises(sqlite3.OperationalError):  # still read-only
        r.db.execute("DELETE FROM events")


def test_checkpoints_aside_copy_the_log_into_the_database(db_path):
    """During a bulk load the writer's own checkpoints are off; a thread copies the log into the database file
    after each commit (so the file grows by what was written), and SQLite's checkpoints are back on at the end."""
    import os

    store = Store(db_path)
    (before,) = store.db.execute("PRAGMA wal_autocheckpoint").fetchone()
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = os.path.getsize(db_path)
    with store.checkpoints_aside() as checkpoint:
        assert store.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
        for i in range(5):
            with store.transaction():
                store.add_document(Document(doc_id=f"d{i}", kind="article", title=f"标题{i}", lead="导语",
                                            body=["导语", f"正文{i}" * 5000]), None)
            checkpoint()
    assert os.path.getsize(db_path) > size + 5 * 5000 * 4  # the texts are in the file, not only in the log
    assert store.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == before
    assert [r[0] for r in store.db.execute("SELECT doc_id FROM documents ORDER BY doc_id")] == \
        [f"d{i}" for i in range(5)]


def test_checkpoints_aside_of_a_database_in_memory_is_nothing():
    store = Store(":memory:")
    with store.checkpoints_aside() as checkpoint:
        checkpoint()
    assert store.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
