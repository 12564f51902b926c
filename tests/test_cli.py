"""The command line, in process: every command over a database of the example pages."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from huitan.cli import main

from .conftest import EXAMPLES


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "ex.db"
    r = CliRunner().invoke(main, ["ingest", str(EXAMPLES), "--db", str(path)])
    assert r.exit_code == 0, r.output
    assert "pages read 3" in r.output
    return str(path)


def run(*args: str) -> str:
    r = CliRunner().invoke(main, list(args))
    assert r.exit_code == 0, r.output
    return r.output


def test_export_every_kind_is_json_lines(db):
    for what in ("documents", "events", "persons", "mechanisms", "statements"):
        for line in run("export", "--db", db, "--what", what).splitlines():
            json.loads(line)
    docs = [json.loads(x) for x in run("export", "--db", db, "--what", "documents").splitlines()]
    assert {d["kind"] for d in docs} == {"article", "teaser"}
    assert any(d["script"] == "traditional" and d["original"] for d in docs)
    assert any(d["encoding"] == "big5" for d in docs)


def test_events_exported_as_in_the_spec(db):
    events = [json.loads(x) for x in run("export", "--db", db, "--what", "events").splitlines()]
    assert events
    talks = [e for e in events if e["type"] == "TALKS" and {"阮富仲", "习近平"} <= {p["name"] for p in e["participants"]}]
    assert len(talks) == 1
    t = talks[0]
    assert t["date"]["start"] == "2023-12-12" and t["date"]["year_source"] in ("text", "document")
    assert {p["country"] for p in t["participants"]} == {"VNM", "CHN"}
    src = t["sources"][0]
    assert src["evidence"] and src["end"] > src["start"]
    assert t["plover"] and t["cameo"]


def test_export_csv_and_plover(db):
    rows = list(csv.DictReader(io.StringIO(run("export", "--db", db, "--what", "events", "--format", "csv"))))
    assert rows and {"type", "date_start", "participants", "evidence"} <= set(rows[0])
    plover = [json.loads(x) for x in run("export", "--db", db, "--format", "plover").splitlines()]
    assert all({"actor", "recipient", "event", "mode", "date", "text_offsets", "citation"} <= set(p) for p in plover)


def test_events_filters(db):
    all_json = [json.loads(x) for x in run("events", "--db", db, "--json").splitlines()]
    only_talks = [json.loads(x) for x in run("events", "--db", db, "--json", "--type", "TALKS").splitlines()]
    assert only_talks and all(e["type"] == "TALKS" for e in only_talks) and len(only_talks) < len(all_json)
    chn = [json.loads(x) for x in run("events", "--db", db, "--json", "--country", "CHN").splitlines()]
    assert chn and all(any(p["country"] == "CHN" for p in e["participants"]) for e in chn)
    late = [json.loads(x) for x in run("events", "--db", db, "--json", "--from", "2023-12").splitlines()]
    assert late and all(e["date"]["start"] >= "2023-12" for e in late)
    assert "TALKS" in run("events", "--db", db)


def test_search_docs_stats_person_timeline(db):
    assert "阮富仲" in run("search", "阮富仲", "--db", db)
    assert "no matches" in run("search", "不存在的词", "--db", db)
    assert "article" in run("docs", "--db", db)
    assert "documents" in run("stats", "--db", db)
    out = run("person", "习近平", "--db", db)
    assert "Xi Jinping" in out and "TALKS" in out
    assert "TALKS" in run("timeline", "--pair", "VNM-CHN", "--db", db)


def test_missing_database_is_a_clear_error(tmp_path):
    r = CliRunner().invoke(main, ["events", "--db", str(tmp_path / "none.db")])
    assert r.exit_code != 0 and "no database" in r.output


def test_events_table_shows_a_first_page_unless_limit_says_otherwise(db, monkeypatch):
    every = [json.loads(x) for x in run("events", "--db", db, "--json").splitlines()]
    assert len(every) > 3
    monkeypatch.setattr("huitan.cli.TABLE_PAGE", 2)
    assert "first 2 events in date order" in run("events", "--db", db)
    assert f"{len(every)} events" in run("events", "--db", db, "--limit", "0")
    assert "first 3 events" in run("events", "--db", db, "--limit", "3")
    assert len(run("events", "--db", db, "--json").splitlines()) == len(every)  # JSON lines: all unless --limit
    assert [json.loads(x) for x in run("events", "--db", db, "--json", "--limit", "3").splitlines()] == every[:3]


def test_resolve_with_workers_rebuilds_the_same_records(db, tmp_path):
    import shutil

    copy = str(tmp_path / "copy.db")
    shutil.copy(db, copy)
    kinds = ("events", "persons", "mechanisms", "statements")
    before = {k: run("export", "--db", db, "--what", k) for k in kinds}
    run("resolve", "--db", copy, "--workers", "2")
    assert {k: run("export", "--db", copy, "--what", k) for k in kinds} == before
    assert before["events"] and before["persons"]
    r = CliRunner().invoke(main, ["resolve", "--db", copy, "--workers", "0"])
    assert r.exit_code != 0 and "workers" in r.output
