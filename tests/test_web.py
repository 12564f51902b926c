"""The browser view, in process: every page and API route, CSV, OpenAPI, GraphML, read-only, escaping."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from huitan.model import Document
from huitan.store import Store
from huitan.web import api
from huitan.web.app import API, Settings, create_app

# Hand-written fixture text (our own words).
MEET_DOC = Document(
    doc_id="d-meet", kind="article", title="越南国防部长会见中国国防部长",
    lead="6月2日，越南国防部长潘文江大将在河内会见了中国国防部长董军。",
    body=["6月2日，越南国防部长潘文江大将在河内会见了中国国防部长董军。",
          "双方同意加强两国军队在边境地区的合作(包括联合巡逻)。"],
    published="2024-06-02",
)
TALKS_DOC = Document(
    doc_id="d-talks", kind="teaser", title="第九次越中边境国防友好交流",
    lead="", body=["4月17日，潘文江与董军在谅山共同主持第九次越中边境国防友好交流。"], published="2025-04-18",
)
EVIL_DOC = Document(
    doc_id="d-evil", kind="article", title="<script>alert('t')</script>标题",
    lead="", body=["正文里有<script>alert('b')</script>和<b>粗体</b>。"],
)
GIANG = {"person_id": "p-giang", "name": "潘文江", "country": "VNM", "rank": "大将", "kb_id": None, "aliases": [],
         "positions": ["国防部部长"], "names": {"vi": "Phan Văn Giang", "en": "Phan Van Giang", "pinyin": "Pan Wenjiang"}}
DONG = {"person_id": "p-dong", "name": "董军", "country": "CHN", "rank": None, "kb_id": None, "aliases": [],
        "positions": ["国防部长"], "names": {"vi": None, "en": "Dong Jun", "pinyin": "Dong Jun"}}


def span(doc: Document, section: str, sentence: str) -> dict[str, Any]:
    text = doc.section_text(section)
    start = text.index(sentence)
    return {"doc_id": doc.doc_id, "section": section, "evidence": sentence, "start": start, "end": start + len(sentence)}


def person_part(p: dict[str, Any], role: str) -> dict[str, Any]:
    return {"name": p["name"], "role": role, "kind": "person", "country": p["country"], "person_id": p["person_id"]}


MEET: dict[str, Any] = {
    "event_id": "e-meet", "type": "MEET", "scope": "international", "plover": "CONSULT", "cameo": "043",
    "date": {"start": "2024-06-02", "end": "2024-06-02", "precision": "day", "text": "6月2日",
             "year_source": "published", "year_candidates": [2024]},
    "location": {"name": "河内", "country": "VNM"}, "mechanism": None,
    "participants": [person_part(GIANG, "host"), person_part(DONG, "guest")],
    "sources": [span(MEET_DOC, "body", "6月2日，越南国防部长潘文江大将在河内会见了中国国防部长董军。")],
}
TALKS: dict[str, Any] = {
    "event_id": "e-talks", "type": "CONFERENCE", "scope": "international", "plover": "CONSULT", "cameo": "040",
    "date": {"start": "2025-04-17", "end": "2025-04-17", "precision": "day", "text": "4月17日",
             "year_source": "knowledge", "year_candidates": [2025]},
    "location": {"name": "谅山", "country": "VNM"}, "mechanism": {"name": "越中边境国防友好交流", "session": 9},
    "participants": [person_part(GIANG, "chair"), person_part(DONG, "chair")],
    "sources": [span(TALKS_DOC, "teaser", "4月17日，潘文江与董军在谅山共同主持第九次越中边境国防友好交流。")],
}
DOMESTIC: dict[str, Any] = {
    "event_id": "e-home", "type": "CONFERENCE", "scope": "domestic", "plover": "CONSULT", "cameo": "040",
    "date": {"start": "2023-11-20", "end": "2023-11-20", "precision": "day", "year_source": "text",
             "year_candidates": [2023]},
    "location": {"name": "河内", "country": "VNM"}, "mechanism": None,
    "participants": [person_part(GIANG, "chair"), {"name": "越南国防部", "role": "attendee", "kind": "organization",
                                                   "country": "VNM", "person_id": None}],
    "sources": [span(EVIL_DOC, "body", "正文里有<script>alert('b')</script>和<b>粗体</b>。")],
}
MECHS = [{"name": "越中边境国防友好交流", "session": 9, "date": "2025-04-17", "place": "谅山", "event_id": "e-talks"},
         {"name": "越中边境国防友好交流", "session": 8, "date": "2023-12", "place": "广西", "event_id": None}]
STATEMENT = {"speaker": "潘文江", "topic": "边界", "instruments": ["UNCLOS"], "country": "VNM", "person_id": "p-giang",
             "sources": [MEET["sources"][0]]}


def analysis(doc: Document, persons: list[dict[str, Any]]) -> dict[str, Any]:
    return {"doc_id": doc.doc_id, "actors": {"persons": [{**p, "person_id": None} for p in persons], "mentions": []},
            "events": [], "statements": []}


def build_fixture_db(path: Path) -> Path:
    """The hand-made database: three documents (one with markup in its text), two persons, three events."""
    s = Store(path)
    with s.transaction():
        s.add_document(MEET_DOC, analysis(MEET_DOC, [GIANG, DONG]))
        s.add_document(TALKS_DOC, analysis(TALKS_DOC, [{**GIANG, "positions": ["越南国防部长"]}, DONG]))
        s.add_document(EVIL_DOC, None)
        for d in (MEET_DOC, TALKS_DOC, EVIL_DOC):
            s.add_source(d.doc_id, {"path": f"{d.doc_id}.txt", "url": "https://example.org/" + d.doc_id})
    mentions = [("d-meet", "p-giang", "person", "潘文江", "越南国防部长潘文江大将", "body", 5, 16, "VNM"),
                ("d-talks", "p-giang", "person", "潘文江", "潘文江", "teaser", 6, 9, "VNM")]
    s.replace_corpus([GIANG, DONG], mentions, [MEET, TALKS, DOMESTIC], MECHS, [STATEMENT])
    s.close()
    return path


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_db(tmp_path_factory.mktemp("web") / "web.db")


@pytest.fixture(scope="module")
def client(fixture_db: Path) -> TestClient:
    return TestClient(create_app(Settings(db=str(fixture_db))))


def ids(data: dict[str, Any]) -> list[str]:
    return [e["event_id"] for e in data["events"]]


# ------------------------------------------------------------------ events


def test_events_page_lists_events_with_facets(client):
    r = client.get("/events")
    assert r.status_code == 200
    for event_id in ("e-meet", "e-talks", "e-home"):
        assert f'href="/events/{event_id}"' in r.text
    for facet in api.FACETS:
        assert f'data-facet="{facet}"' in r.text
    data = client.get("/api/events").json()
    assert ids(data) == ["e-home", "e-meet", "e-talks"]  # date order
    years = {f["value"]: f["count"] for f in data["facets"]["year"]}
    assert years == {2023: 1, 2024: 1, 2025: 1}
    assert {f["value"]: f["count"] for f in data["facets"]["country"]} == {"VNM": 3, "CHN": 2}


@pytest.mark.parametrize(("params", "expected"), [
    ({"type": "MEET"}, ["e-meet"]),
    ({"type": "conference"}, ["e-home", "e-talks"]),
    ({"country": "CHN"}, ["e-meet", "e-talks"]),
    ({"year": "2025"}, ["e-talks"]),
    ({"mechanism": "越中边境国防友好交流"}, ["e-talks"]),
    ({"scope": "domestic"}, ["e-home"]),
    ({"person": "p-dong", "year": "2024"}, ["e-meet"]),
])
def test_event_filters(client, params, expected):
    assert ids(client.get("/api/events", params=params).json()) == expected


def test_facet_counts_ignore_their_own_filter(client):
    data = client.get("/api/events", params={"type": "MEET"}).json()
    types = {f["value"]: f["count"] for f in data["facets"]["type"]}
    assert types == {"CONFERENCE": 2, "MEET": 1}
    assert {f["value"] for f in data["facets"]["year"]} == {2024}
    html = client.get("/events", params={"type": "MEET"}).text
    assert 'class="on" data-facet="type" data-value="MEET"' in html


def test_search_finds_two_character_name(client):
    data = client.get("/api/events", params={"q": "董军"}).json()
    assert set(ids(data)) == {"e-meet", "e-talks"}
    assert {h["doc_id"] for h in data["search"]} == {"d-meet", "d-talks"}
    html = client.get("/events", params={"q": "董军"}).text
    assert "<mark>董军</mark>" in html
    assert client.get("/api/events", params={"q": "不存在的人"}).json()["events"] == []
    hits = client.get("/api/search", params={"q": "谅山"}).json()["hits"]
    assert [h["doc_id"] for h in hits] == ["d-talks"]
    assert "<mark>谅山</mark>" in client.get("/search", params={"q": "谅山"}).text


def test_bad_filter_is_400(client):
    assert client.get("/api/events", params={"year": "last"}).status_code == 400
    assert client.get("/events", params={"year": "last"}).status_code == 400


# ------------------------------------------------------------------ one event and its evidence


def test_event_page_shows_date_participants_codes_and_marked_evidence(client):
    r = client.get("/events/e-meet")
    assert r.status_code == 200
    html = r.text
    for text in ("2024-06-02", "published", "Phan Văn Giang", "Dong Jun", "国防部部长", "大将", "河内",
                 "CONSULT", "043", "<mark>6月2日，越南国防部长潘文江大将在河内会见了中国国防部长董军。</mark>"):
        assert text in html, text
    data = client.get("/api/events/e-meet").json()
    giang = next(p for p in data["participants"] if p["name"] == "潘文江")
    assert (giang["vi"], giang["en"], giang["positions"]) == ("Phan Văn Giang", "Phan Van Giang", ["国防部部长"])


def test_positions_at_the_time_come_from_the_reporting_document(client):
    data = client.get("/api/events/e-talks").json()
    giang = next(p for p in data["participants"] if p["name"] == "潘文江")
    assert giang["positions"] == ["越南国防部长"]
    assert "越中边境国防友好交流" in client.get("/events/e-talks").text


def test_document_page_marks_exactly_the_evidence_span(client):
    html = client.get("/documents/d-meet", params={"event": "e-meet"}).text
    marks = re.findall(r"<mark>(.*?)</mark>", html, flags=re.S)
    assert marks == [MEET["sources"][0]["evidence"]]
    assert "双方同意加强两国军队" in html
    teaser = client.get("/api/documents/d-talks").json()
    assert [s["section"] for s in teaser["sections"]] == ["title", "teaser"]
    assert any(seg["mark"] for seg in teaser["sections"][1]["segments"])


def test_unknown_things_are_404(client):
    for url in ("/events/nope", "/api/events/nope", "/documents/nope", "/persons/nope", "/api/persons/nope",
                "/mechanisms/nope", "/api/mechanisms/nope", "/nope.csv"):
        assert client.get(url).status_code == 404, url
    assert client.get("/api/events/nope").json() == {"error": "no such event"}


# ------------------------------------------------------------------ persons, pairs, network, mechanisms


def test_person_page(client):
    assert "Phan Văn Giang" in client.get("/persons").text
    html = client.get("/persons/p-giang").text
    assert "Phan Van Giang" in html and "Pan Wenjiang" in html
    data = client.get("/api/persons/p-giang").json()
    assert [x["positions"] for x in data["positions"]] == [["国防部部长"], ["越南国防部长"]]
    assert data["positions"][0]["first"] == "2024-06-02"
    assert ids(data) == ["e-home", "e-meet", "e-talks"]
    dong = next(c for c in data["counterparts"] if c["name"] == "董军")
    assert (dong["person_id"], dong["events"]) == ("p-dong", 2)
    assert 'href="/persons/p-dong"' in html


def test_pair_page_counts_per_year_and_type(client):
    data = client.get("/api/pair/VNM-CHN").json()
    assert data["years"] == ["2024", "2025"]
    assert data["counts"] == {"CONFERENCE": [0, 1], "MEET": [1, 0]}
    assert ids(data) == ["e-meet", "e-talks"]
    html = client.get("/pair/vnm-chn").text
    assert '<canvas id="per-year"' in html and "/static/vendor/chart.umd.min.js" in html
    assert client.get("/api/pairs").json()["pairs"] == [{"pair": "CHN-VNM", "a": "CHN", "b": "VNM", "events": 2}]
    assert client.get("/pair/VNM").status_code == 400


def test_network_weights_and_filters(client):
    data = client.get("/api/network").json()
    assert data["edges"] == [{"source": "p-dong", "target": "p-giang", "weight": 2}]
    assert {n["id"]: n["events"] for n in data["nodes"]} == {"p-dong": 2, "p-giang": 3}
    assert client.get("/api/network", params={"year": "2024"}).json()["edges"][0]["weight"] == 1
    assert client.get("/api/network", params={"type": "CONFERENCE", "scope": "domestic"}).json()["edges"] == []
    countries = client.get("/api/network", params={"mode": "countries"}).json()
    assert countries["edges"] == [{"source": "CHN", "target": "VNM", "weight": 2}]
    assert client.get("/api/network", params={"mode": "planets"}).status_code == 400
    assert "/static/vendor/vis-network.min.js" in client.get("/network").text


def test_graphml_export(client):
    r = client.get("/network.graphml", params={"mode": "countries"})
    assert r.status_code == 200 and "graphml" in r.headers["content-type"]
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    root = ET.fromstring(r.content)
    nodes = {n.get("id") for n in root.iterfind(".//g:node", ns)}
    assert nodes == {"CHN", "VNM"}
    (edge,) = root.iterfind(".//g:edge", ns)
    weight = edge.find("g:data[@key='weight']", ns)
    assert weight is not None and weight.text == "2"


def test_mechanism_page_sessions_in_order(client):
    assert "越中边境国防友好交流" in client.get("/mechanisms").text
    data = client.get("/api/mechanisms/越中边境国防友好交流").json()
    assert [s["session"] for s in data["sessions"]] == [8, 9]
    nine = data["sessions"][1]
    assert (nine["date"], nine["place"]) == ("2025-04-17", "谅山")
    assert [c["name"] for c in nine["chairs"]] == ["潘文江", "董军"]
    assert "谅山" in client.get("/mechanisms/越中边境国防友好交流").text


def test_statements_and_stats(client):
    assert "UNCLOS" in client.get("/statements").text
    assert client.get("/api/statements").json()["statements"][0]["topic"] == "边界"
    assert client.get("/api/stats").json()["events"] == 3
    assert "events.csv" in client.get("/stats").text


# ------------------------------------------------------------------ API, CSV, OpenAPI


def test_every_openapi_path_answers(client):
    spec = client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    fill = {"event_id": "e-meet", "doc_id": "d-meet", "person_id": "p-giang", "pair": "VNM-CHN",
            "name": "越中边境国防友好交流"}
    assert {ep.path for ep in API} <= set(spec["paths"])
    assert "/api/sql" not in spec["paths"]
    for path in spec["paths"]:
        url = re.sub(r"\{(\w+)\}", lambda m: fill[m.group(1)], path)
        r = client.get(url)
        assert r.status_code == 200, url
        if path.startswith("/api/"):
            assert isinstance(r.json(), dict)


def test_every_html_page_has_json_format(client):
    for url in ("/events", "/events/e-meet", "/persons", "/persons/p-giang", "/pair/VNM-CHN", "/network",
                "/mechanisms", "/statements", "/stats", "/documents/d-meet"):
        r = client.get(url, params={"format": "json"})
        assert r.headers["content-type"].startswith("application/json"), url
        assert r.json()


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_of_every_table(client):
    for table in api.CSV_TABLES:
        r = client.get(f"/{table}.csv")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv"), table
        assert rows(r.text), table
    events = rows(client.get("/events.csv").text)
    assert [e["event_id"] for e in events] == ["e-home", "e-meet", "e-talks"]
    assert events[1]["cameo"] == "043"
    filtered = rows(client.get("/api/events", params={"type": "MEET", "format": "csv"}).text)
    assert [e["event_id"] for e in filtered] == ["e-meet"]
    persons = rows(client.get("/persons", params={"format": "csv"}).text)
    assert {p["name"] for p in persons} == {"潘文江", "董军"}
    assert json.loads(rows(client.get("/persons.csv").text)[0]["names"])["en"]


# ------------------------------------------------------------------ safety


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("url", ["/events", "/api/events", "/api/events/e-meet", "/sql", "/anything"])
def test_no_write_methods(client, method, url):
    r = client.request(method, url)
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, HEAD"


def test_head_is_answered(client):
    assert client.head("/events").status_code == 200


def test_document_text_is_escaped(client):
    html = client.get("/documents/d-evil").text
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;b&#39;)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;标题" in html
    assert "<b>粗体</b>" not in html
    for url in ("/events/e-home", "/events?q=粗体", "/search?q=粗体", "/statements"):
        assert "<script>alert" not in client.get(url).text, url


def test_embedded_json_cannot_close_its_script_tag(client):
    html = client.get("/network", params={"mode": "persons"}).text
    blob = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', html, flags=re.S)
    assert blob and json.loads(blob.group(1))["mode"] == "persons"


def test_sql_is_off_by_default(client):
    assert client.get("/sql", params={"sql": "SELECT 1"}).status_code == 404
    assert client.get("/api/sql", params={"sql": "SELECT 1"}).status_code == 404


def test_sql_when_allowed_is_read_only(fixture_db):
    c = TestClient(create_app(Settings(db=str(fixture_db), allow_sql=True)))
    ok = c.get("/api/sql", params={"sql": "SELECT type, count(*) AS n FROM events GROUP BY type ORDER BY type"})
    assert ok.json()["rows"] == [["CONFERENCE", 2], ["MEET", 1]]
    for sql in ("DELETE FROM events", "DROP TABLE events", "UPDATE persons SET name = 'x'"):
        r = c.get("/api/sql", params={"sql": sql})
        assert r.status_code == 400 and "error" in r.json(), sql
    assert c.get("/api/stats").json()["events"] == 3
    assert "/api/sql" in c.get("/openapi.json").json()["paths"]
    assert "<td>MEET</td>" in c.get("/sql", params={"sql": "SELECT type FROM events"}).text


def test_missing_database_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError):
        create_app(Settings(db=str(tmp_path / "none.db")))


def test_vendored_libraries_are_served(client):
    for name in ("chart.umd.min.js", "vis-network.min.js"):
        r = client.get(f"/static/vendor/{name}")
        assert r.status_code == 200 and len(r.content) > 100_000, name


# ------------------------------------------------------------------ helpers


def test_segments_merge_overlapping_spans():
    segs = api.segments("一二三四五六", [(1, 3), (2, 4)])
    assert [(s["text"], s["mark"]) for s in segs] == [("一", False), ("二三四", True), ("五六", False)]


def test_locate_falls_back_to_the_sentence_when_offsets_are_stale():
    text = "甲。乙说了一句话。丙。"
    assert api.locate(text, {"evidence": "乙说了一句话。", "start": 2, "end": 9}) == (2, 9)
    assert api.locate(text, {"evidence": "乙说了一句话。", "start": 0, "end": 7}) == (2, 9)
    assert api.locate(text, {"evidence": "不在文中", "start": 99, "end": 120}) is None


# ------------------------------------------------------------------ the real samples


@pytest.fixture(scope="module")
def samples_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    from huitan.cli import main

    samples = Path(__file__).resolve().parent.parent.parent / "shared" / "samples"
    if not samples.is_dir():
        pytest.skip("../shared/samples is not present")
    db = tmp_path_factory.mktemp("samples") / "samples.db"
    runner = CliRunner()
    for args in (["ingest", str(samples), "--db", str(db), "--no-progress"], ["resolve", "--db", str(db)]):
        assert runner.invoke(main, args).exit_code == 0, args
    return db


def test_samples_every_event_page_marks_its_evidence(samples_db):
    c = TestClient(create_app(Settings(db=str(samples_db))))
    events = c.get("/api/events").json()["events"]
    assert events
    for e in events:
        html = c.get(f"/events/{e['event_id']}").text
        assert html.count("<mark>") >= 1, e["event_id"]
        assert c.get(f"/api/events/{e['event_id']}").json()["evidence"][0]["context"], e["event_id"]
