"""Corpus-level person linking."""

from __future__ import annotations

import pytest

from huitan.actors import extract_actors
from huitan.kb import KnowledgeBase
from huitan.model import DocActors, DocAnalysis, Document, Event, Participant, Person, Statement
from huitan.persons import link_persons, person_id


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase()


def analysis(doc_id: str, *persons: Person) -> DocAnalysis:
    return DocAnalysis(doc_id=doc_id, actors=DocActors(persons=list(persons)))


def test_same_name_and_country_is_one_person(kb):
    a = analysis("a", Person(name="阮文年", country="VNM", positions=["胡志明市委书记"]))
    b = analysis("b", Person(name="阮文年", country="VNM", positions=["越共中央政治局委员", "胡志明市委书记"]))
    out = link_persons([a, b], kb)
    assert len(out) == 1
    assert out[0].positions == ["胡志明市委书记", "越共中央政治局委员"]
    assert a.actors.persons[0].person_id == b.actors.persons[0].person_id == out[0].person_id


def test_same_name_other_country_is_another_person(kb):
    a = analysis("a", Person(name="林强", country="CHN"))
    b = analysis("b", Person(name="林强", country="SGP"))
    out = link_persons([a, b], kb)
    assert len(out) == 2
    assert a.actors.persons[0].person_id != b.actors.persons[0].person_id


def test_unknown_country_joins_the_only_group(kb):
    a = analysis("a", Person(name="黎明兴", country="VNM", positions=["中央组织部部长"]))
    b = analysis("b", Person(name="黎明兴"))
    out = link_persons([a, b], kb)
    assert len(out) == 1 and out[0].country == "VNM"


def test_foreign_name_forms_are_merged_as_aliases(kb):
    a = analysis("a", Person(name="谢尔盖·维克托罗维奇·拉夫罗夫", country="RUS"))
    b = analysis("b", Person(name="谢尔盖·拉夫罗夫", country="RUS", aliases=["拉夫罗夫"]))
    out = link_persons([a, b], kb)
    assert len(out) == 1
    forms = {out[0].name, *out[0].aliases}
    assert {"谢尔盖·维克托罗维奇·拉夫罗夫", "谢尔盖·拉夫罗夫", "拉夫罗夫"} <= forms


def test_a_second_family_name_written_in_full_is_the_same_person(kb):
    a = analysis("a", Person(name="胡安·佩雷斯", country="ESP"))
    b = analysis("b", Person(name="胡安·佩雷斯·加西亚", country="ESP"))
    c = analysis("c", Person(name="胡安·洛佩斯", country="ESP"))
    out = link_persons([a, b, c], kb)
    assert a.actors.persons[0].person_id == b.actors.persons[0].person_id != c.actors.persons[0].person_id
    assert len(out) == 2


def test_ids_are_stable_across_runs(kb):
    def run():
        a = analysis("a", Person(name="吴春历", country="VNM"))
        return link_persons([a], kb)[0].person_id

    first = run()
    assert first == run() and first.startswith("p-")
    assert person_id(None, "吴春历", "VNM") == person_id(None, "吴春历", "VNM")
    assert person_id(None, "吴春历", "VNM") != person_id(None, "吴春历", "CHN")
    assert person_id("vnm-x", "吴春历", "VNM") != person_id(None, "吴春历", "VNM")


def test_participants_and_statements_get_person_ids(kb):
    a = analysis("a", Person(name="吴春历", country="VNM"), Person(name="常万全", country="CHN"))
    a.events = [Event(type="TALKS", participants=[
        Participant(name="吴春历", role="party", entity=0),
        Participant(name="常万全", role="party"),
        Participant(name="越南国防部", role="party", kind="organization"),
    ])]
    a.statements = [Statement(speaker="常万全", topic="边界")]
    link_persons([a], kb)
    parts = a.events[0].participants
    assert parts[0].person_id == a.actors.persons[0].person_id
    assert parts[1].person_id == a.actors.persons[1].person_id
    assert parts[2].person_id is None
    assert a.statements[0].person_id == a.actors.persons[1].person_id


def test_linking_documents_end_to_end(kb):
    d1 = Document(doc_id="1", kind="article", title="", lead="越南国防部长潘文江大将会见客人。",
                  body=["越南国防部长潘文江大将会见客人。"], outlet="越通社")
    d2 = Document(doc_id="2", kind="article", title="", lead="越共中央政治局委员、国防部部长潘文江大将出席会议。",
                  body=["越共中央政治局委员、国防部部长潘文江大将出席会议。"], outlet="越通社")
    analyses = [DocAnalysis(doc_id=d.doc_id, actors=extract_actors(d, kb)) for d in (d1, d2)]
    out = [p for p in link_persons(analyses, kb) if p.name == "潘文江"]
    assert len(out) == 1
    assert out[0].country == "VNM" and out[0].rank == "大将"
    assert out[0].positions == ["越南国防部长", "越共中央政治局委员", "国防部部长"]


def test_a_person_written_the_same_way_in_many_documents_counts_each_time(kb):
    """The linker keeps one entry per distinct document person, but the most frequent country still wins."""
    kb_id = "vnm-truong-tan-sang"
    first = analysis("a", Person(name="张晋创", country="CHN", kb_id=kb_id))
    again = [analysis(d, Person(name="张晋创", country="VNM", kb_id=kb_id, positions=["越南国家主席"])) for d in "bc"]
    out = link_persons([first, *again], kb)
    assert len(out) == 1 and out[0].country == "VNM" and out[0].positions == ["越南国家主席"]
    assert {a.actors.persons[0].person_id for a in [first, *again]} == {out[0].person_id}
    assert link_persons([first, again[0]], kb)[0].country == "CHN"  # a tie: the first written
