"""Smoke test: the benchmark runs at N=200 and prints its table and ratio line (no timing assertions)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "ingest.py"


def _bench_module():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import ingest as bench  # benchmarks/ingest.py
    finally:
        sys.path.pop(0)
    return bench


def test_benchmark_smoke_at_200_pages(tmp_path):
    pytest.importorskip("jieba")
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--pages", "200", "--workers", "1,2", "--rss-pages", "0",
         "--query-events", "3000", "--queries", "10", "--probe-rounds", "2", "--probe-chars", "200000",
         "--dir", str(tmp_path)],
        capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.strip().splitlines()
    assert re.fullmatch(r"huitan/jieba throughput ratio: \d+\.\d\d", lines[-1]), lines[-1]
    table = "\n".join(lines)
    for row in ("huitan ingest, 1 worker", "huitan ingest, 2 workers", "jieba.lcut", "read + regex"):
        assert row in table
    assert "MB/s" in lines[1] and "peak RSS MB" in lines[1]
    # the 2-worker figure is set against what this machine gives two processes (two rounds of the probe)
    ceiling = re.search(r"2-worker speed-up (\d+\.\d\d)x; this machine's 2-process ceiling (\d+\.\d\d)x "
                        r"\(median of (\d+\.\d\d), (\d+\.\d\d)\), so \d+% of it", table)
    assert ceiling, table
    assert all(float(x) > 0 for x in ceiling.groups())
    assert re.search(r"two 1-worker ingests at once took \d+\.\d\d s and \d+\.\d\d s \(alone \d+\.\d\d s\), "
                     r"so with nothing serial and no overhead 2 workers would reach \d+\.\d\dx", table), table
    assert not list(tmp_path.glob("pair-*"))  # the paired runs' databases are removed
    # the ingest runs really stored documents from the varied corpus
    assert re.search(r"docs new [1-9]\d*", table)
    corpus = tmp_path / "corpus-200.jsonl"
    assert sum(1 for _ in corpus.open(encoding="utf-8")) == 200


def test_varied_pages_differ_but_keep_their_lines():
    bench = _bench_module()
    v = bench.Varier({"VNM": ["潘文江", "吴春历"], "CHN": ["董军", "魏凤和"]}, seed=1)
    page = ("越南与中国举行防务磋商\n"
            "5月12日,越南国防部长潘文江在河内会见中国国防部长董军,双方回顾了两国防务合作取得的成果。\n"
            "潘文江表示,越方愿与中方一道落实两国高层达成的共识,推动两军关系继续稳定发展向前。\n"
            "董军说,中方高度重视发展对越关系,愿同越方加强战略沟通和务实合作,共同维护地区和平。\n")
    out = [v.vary(page) for _ in range(20)]
    assert len(set(out)) > 1
    for o in out:
        lines = o.split("\n")
        assert lines[0] == "越南与中国举行防务磋商"  # the title stays first
        assert len(lines) == len(page.split("\n"))
        assert "潘文江" not in o or "吴春历" not in o  # one consistent swap per page
        assert re.search(r"\d+日", o)


def test_built_corpus_is_jsonl_with_text_or_html(tmp_path):
    bench = _bench_module()
    path = tmp_path / "c.jsonl"
    size = bench.build_corpus(path, 30)
    recs = [json.loads(line) for line in path.open(encoding="utf-8")]
    assert len(recs) == 30 and size > 0
    assert all(("text" in r) != ("html" in r) for r in recs)
    assert len({r["url"] for r in recs}) == 30
