"""Evaluation gate: pinned floors for the reference scores, so extraction quality can only go up.

Runs the shared scorer (``../shared/tools/score.py``) over databases built from the sample pages and
from the corpus-dev pages; skips when ``../shared`` is absent.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from huitan.kb import KnowledgeBase
from huitan.pipeline import ingest
from huitan.store import Store

from .conftest import SHARED

SCORER = SHARED / "tools" / "score.py"


def score(gold: str, db: str) -> dict:
    out = subprocess.run(
        [sys.executable, str(SCORER), "--gold", str(SHARED / "gold" / gold), "--db", db, "--json",
         "--cmd", f"{sys.executable} -m huitan"],
        capture_output=True, text=True, check=True,
    )
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def samples_report(tmp_path_factory, samples_dir):
    if not SCORER.exists():
        pytest.skip("../shared/tools/score.py is not present")
    db = tmp_path_factory.mktemp("q") / "samples.db"
    ingest([str(samples_dir)], Store(db), kb=KnowledgeBase())
    return score("seeds.json", str(db))


@pytest.fixture(scope="module")
def dev_report(tmp_path_factory, corpus_dir):
    if not SCORER.exists():
        pytest.skip("../shared/tools/score.py is not present")
    gold = json.loads((SHARED / "gold" / "corpus-dev.json").read_text(encoding="utf-8"))
    pages = tmp_path_factory.mktemp("dev")
    for d in gold["documents"]:
        shutil.copy(corpus_dir / d["file"], pages / d["file"])
    db = pages.parent / "dev.db"
    ingest([str(pages)], Store(db), kb=KnowledgeBase())
    return score("corpus-dev.json", str(db))


def test_samples_documents(samples_report):
    d = samples_report["documents"]
    assert (d["title_acc"], d["paragraphs_acc"], d["starts_acc"], d["ends_acc"]) == (1.0, 1.0, 1.0, 1.0)
    assert d["teasers"]["f1"] == 1.0
    assert d["documents"] == d["documents_expected"] == 30


def test_samples_persons(samples_report):
    p = samples_report["persons"]
    assert p["f1"] >= 0.95 and p["country_acc"] >= 0.95 and p["vi_acc"] >= 0.9 and p["en_acc"] >= 0.85
    assert p["positions"]["f1"] >= 0.85


def test_samples_events_dates_statements_mechanisms(samples_report):
    e = samples_report["events"]
    assert e["f1"] >= 0.95 and e["strict"]["f1"] >= 0.9
    assert e["role_acc"] >= 0.95 and e["country_acc"] >= 0.95
    assert e["month_day_acc"] >= 0.95 and e["year_acc"] >= 0.9
    assert samples_report["statements"]["f1"] == 1.0
    assert samples_report["mechanisms"]["f1"] >= 0.85


def test_corpus_dev_floors(dev_report):
    e, p = dev_report["events"], dev_report["persons"]
    assert e["f1"] >= 0.93 and e["role_acc"] >= 0.95 and e["month_day_acc"] >= 0.95
    assert e["year_acc"] >= 0.8 and e["strict"]["f1"] >= 0.74
    assert p["f1"] >= 0.97 and p["country_acc"] >= 0.95
    assert dev_report["documents"]["title_acc"] >= 0.95
    assert dev_report["statements"]["f1"] >= 0.9 and dev_report["mechanisms"]["f1"] >= 0.75
