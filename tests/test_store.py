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
