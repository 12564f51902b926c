"""End to end: ingest into a database, idempotence, near-duplicates, bad inputs, and a kill during ingest."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from huitan.cli import main
from huitan.pipeline import IngestOptions, ingest
from huitan.store import Store

from .conftest import EXAMPLES

PAGE = """越南与{country}举行第{n}次防务政策对话

{m}月{d}日上午,越南国防部副部长与{country}国防部代表团在河内举行第{n}次防务政策对话,双方回顾了近年来两国防务合作取得的成果。

双方同意继续加强在培训、维和及防务工业领域的合作,并就共同关心的地区问题交换了意见。

更多

越南国家主席会见{country}驻越南大使

{m}月{d}日下午,越南国家主席在河内会见了即将离任的{country}驻越南大使,高度评价大使为两国关系发展作出的贡献。
"""
COUNTRIES = ["老挝", "柬埔寨", "泰国", "印度", "日本", "韩国", "澳大利亚", "俄罗斯", "法国", "新加坡"]


def write_pages(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        text = PAGE.format(country=COUNTRIES[i % len(COUNTRIES)], n=i + 1, m=i % 12 + 1, d=i % 28 + 1)
        p = folder / f"page{i:04d}.txt"
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    return paths


def counts(db: Path) -> tuple[int, int, int]:
    c = sqlite3.connect(db)
    return tuple(c.execute(q).fetchone()[0] for q in (  # type: ignore[return-value]
        "SELECT count(*) FROM documents", "SELECT count(*) FROM sources", "SELECT count(*) FROM events"))


def test_examples_ingest_and_reingest(db_path, kb):
    store = Store(db_path)
    s1 = ingest([str(EXAMPLES)], store, kb=kb)
    assert s1.failed == 0 and s1.pages == 3 and s1.new >= 3
    before = counts(db_path)
    s2 = ingest([str(EXAMPLES)], store, kb=kb)
    assert s2.new == 0 and s2.known == s1.new + s1.known
    assert counts(db_path) == before


def test_teaser_on_two_pages_is_one_document_with_two_sources(tmp_path, db_path, kb):
    teaser = "\n更多\n\n越南与老挝加强边境合作\n\n3月20日,越南与老挝在万象举行边境合作会议,双方同意加强边境管理。\n"
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text("越南与泰国举行对话\n\n5月2日,越南与泰国在曼谷举行防务政策对话,双方回顾了合作成果。\n" + teaser, encoding="utf-8")
    b.write_text("越南与印度举行对话\n\n6月3日,越南与印度在新德里举行防务政策对话,双方同意加强合作。\n" + teaser, encoding="utf-8")
    store = Store(db_path)
    ingest([str(a), str(b)], store, kb=kb)
    teasers = list(store.documents("teaser"))
    assert len(teasers) == 1
    assert sorted(s["path"] for s in teasers[0]["sources"]) == [str(a), str(b)]
    pages = {s["page"] for s in teasers[0]["sources"]}
    assert len(pages) == 2 and None not in pages


def test_near_duplicate_teaser_is_linked_not_stored(tmp_path, db_path, kb):
    lead = "3月20日,越南与老挝在万象举行边境合作会议,双方同意加强边境管理,推动边境地区经济社会发展,维护边境安全稳定。"
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text("越南与泰国举行对话\n\n5月2日,越南与泰国在曼谷举行防务政策对话,双方回顾了合作成果。\n\n更多\n\n"
                 f"越南与老挝加强边境合作\n\n{lead}\n", encoding="utf-8")
    b.write_text("越南与印度举行对话\n\n6月3日,越南与印度在新德里举行防务政策对话,双方同意加强合作。\n\n更多\n\n"
                 f"越南与老挝加强边境合作\n\n{lead.replace('维护', '保持')}\n", encoding="utf-8")
    store = Store(db_path)
    s = ingest([str(a), str(b)], store, kb=kb)
    assert s.near_duplicates == 1
    teasers = list(store.documents("teaser"))
    assert len(teasers) == 1 and len(teasers[0]["sources"]) == 2


def test_bad_inputs_reported_batch_goes_on(tmp_path, db_path):
    good = write_pages(tmp_path / "in", 2)
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    (tmp_path / "in" / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "in" / "broken.html").write_text("<html><body><div><p>", encoding="utf-8")
    (tmp_path / "in" / "cut.warc").write_bytes(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 9999\r\n\r\nHTTP/1.1 2")
    r = CliRunner().invoke(main, ["ingest", str(tmp_path / "in"), "--db", str(db_path)])
    assert r.exit_code == 1
    err = r.output
    for name in ("empty.txt", "binary.txt", "broken.html", "cut.warc"):
        assert name in err
    assert "inputs failed 4" in err.replace("\n", " ")
    assert counts(db_path)[0] == 4  # two pages, each an article and a teaser
    assert len(good) == 2


def test_failed_batch_keeps_what_was_stored(tmp_path, db_path):
    write_pages(tmp_path / "one", 3)
    runner = CliRunner()
    runner.invoke(main, ["ingest", str(tmp_path / "one"), "--db", str(db_path)])
    before = counts(db_path)
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01\x02" * 100)
    r = runner.invoke(main, ["ingest", str(tmp_path / "bad.txt"), "--db", str(db_path)])
    assert r.exit_code == 1
    assert counts(db_path) == before


def test_two_workers_same_result(tmp_path, kb):
    pages = write_pages(tmp_path / "in", 12)
    one, two = Store(tmp_path / "one.db"), Store(tmp_path / "two.db")
    ingest([str(p) for p in pages], one, kb=kb)
    ingest([str(p) for p in pages], two, IngestOptions(workers=2), kb=kb)
    assert counts(tmp_path / "one.db") == counts(tmp_path / "two.db")
    assert [d["doc_id"] for d in one.documents()] == [d["doc_id"] for d in two.documents()]


def test_sigkill_during_ingest_then_rerun(tmp_path):
    """A process killed mid-ingest leaves a consistent database; running again completes it without duplicates."""
    folder = tmp_path / "in"
    jsonl = tmp_path / "pages.jsonl"
    paths = write_pages(folder, 400)
    jsonl.write_text("".join(json.dumps({"url": f"https://e.org/{i}", "text": p.read_text(encoding="utf-8")},
                                        ensure_ascii=False) + "\n" for i, p in enumerate(paths)), encoding="utf-8")
    killed_db, clean_db = tmp_path / "killed.db", tmp_path / "clean.db"
    cmd = [sys.executable, "-m", "huitan", "ingest", str(jsonl), "--no-progress"]
    proc = subprocess.Popen([*cmd, "--db", str(killed_db)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline:
        time.sleep(0.05)
        if killed_db.exists():
            try:
                if sqlite3.connect(killed_db).execute("SELECT count(*) FROM documents").fetchone()[0] > 0:
                    break
            except sqlite3.OperationalError:
                pass
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    db = sqlite3.connect(killed_db)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    partial = db.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert partial > 0
    db.close()
    assert subprocess.run([*cmd, "--db", str(killed_db)], capture_output=True).returncode == 0
    assert subprocess.run([*cmd, "--db", str(clean_db)], capture_output=True).returncode == 0
    assert counts(killed_db) == counts(clean_db)
    assert partial < counts(clean_db)[0]  # the kill really came mid-way
    ids = [r[0] for r in sqlite3.connect(killed_db).execute("SELECT doc_id FROM documents")]
    assert len(ids) == len(set(ids))
