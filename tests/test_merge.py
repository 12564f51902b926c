"""Corpus-level merge of events and mechanism records."""

from __future__ import annotations

from huitan.merge import (
    DocEvent,
    dates_compatible,
    event_id,
    mechanism_records,
    merge_events,
    merge_in_document,
    visitors_are_guests,
)
from huitan.model import DateValue, Event, Evidence, Participant


def ev(typ: str, names: list[str], doc: str, start: str | None = None, years: list[int] | None = None,
       mechanism: dict | None = None, place: str | None = None) -> Event:
    date = DateValue(start=start, precision="day" if start and len(start) >= 7 else "unknown",
                     year_candidates=years or []) if start or years else None
    return Event(type=typ, participants=[Participant(n, "party") for n in names], date=date,
                 mechanism=mechanism, location={"name": place, "country": None} if place else None,
                 sources=[Evidence(doc, "body", "…", 0, 1)])


def test_same_event_in_two_documents_is_one() -> None:
    a = ev("TALKS", ["潘文江", "董军"], "d1", "2025-04-17")
    b = ev("TALKS", ["董军", "潘文江"], "d2", "--04-17", years=[2025])
    merged = merge_events([a, b])
    assert len(merged) == 1 and [s.doc_id for s in merged[0].sources] == ["d1", "d2"]
    assert merged[0].date is not None and merged[0].date.start == "2025-04-17"


def test_incompatible_dates_never_join() -> None:
    a = ev("TALKS", ["潘文江", "董军"], "d1", "2025-04-17")
    b = ev("TALKS", ["潘文江", "董军"], "d2", "2024-04-17")
    c = ev("TALKS", ["潘文江", "董军"], "d3", "2025-05-02")
    assert len(merge_events([a, b, c])) == 3


def test_year_candidates_must_intersect() -> None:
    assert not dates_compatible(DateValue(start="--09-03", year_candidates=[2011, 2012]),
                                DateValue(start="--09-03", year_candidates=[2015]))
    assert dates_compatible(DateValue(start="--09-03", year_candidates=[2011, 2012]),
                            DateValue(start="2012-09-03"))
    assert not dates_compatible(DateValue(start="2012-09"), DateValue(start="2012-10-01"))


def test_different_types_or_people_stay_apart() -> None:
    a = ev("TALKS", ["潘文江", "董军"], "d1", "2025-04-17")
    b = ev("MEET", ["潘文江", "董军"], "d2", "2025-04-17")
    c = ev("TALKS", ["范明政", "李强"], "d3", "2025-04-17")
    assert len(merge_events([a, b, c])) == 3


def test_undated_report_needs_more_than_one_shared_actor() -> None:
    a = ev("MEET", ["苏林", "王毅"], "d1", "2026-03-16")
    b = ev("MEET", ["苏林", "王毅"], "d2")
    c = ev("MEET", ["苏林", "黄循财"], "d3")
    merged = merge_events([a, b, c])
    assert len(merged) == 2 and len(merged[0].sources) == 2


def test_same_document_is_never_merged_again() -> None:
    a = ev("MESSAGE", ["梁强", "甲"], "d1", "2025-12-05")
    b = ev("MESSAGE", ["梁强", "甲"], "d1", "2025-12-05")
    assert len(merge_events([a, b])) == 2


def test_event_ids_are_stable_and_unique() -> None:
    a = ev("TALKS", ["潘文江", "董军"], "d1", "2025-04-17")
    b = ev("TALKS", ["董军", "潘文江"], "d9", "2025-04-17")
    assert event_id(a) == event_id(b)
    merged = merge_events([ev("TALKS", ["甲", "乙"], "d1", "2025-01-01"), ev("VISIT", ["甲"], "d2", "2025-01-01")])
    assert len({e.event_id for e in merged}) == 2 and all(e.event_id for e in merged)


def test_mechanism_records_one_per_session() -> None:
    mech = {"name": "越中边境国防友好交流", "session": 9}
    talks = ev("TALKS", ["潘文江", "董军"], "d1", "2025-04-17", mechanism=mech)
    conf = ev("CONFERENCE", [], "d2", "2025-04-16", mechanism=mech, place="老街")
    other = ev("CONFERENCE", ["甲"], "d3", "2012-09-03", mechanism={"name": "越中国防安全副部长级战略对话", "session": 3})
    merged = merge_events([talks, conf, other])
    recs = mechanism_records(merged)
    assert [(r["name"], r["session"]) for r in recs] == [("越中边境国防友好交流", 9), ("越中国防安全副部长级战略对话", 3)]
    assert recs[0]["place"] == "老街" and recs[0]["date"] == "2025-04-16"
    assert recs[0]["event_id"] == conf.event_id


def test_same_host_different_guests_stay_apart() -> None:
    def meet(guest: str, doc: str) -> Event:
        return Event(type="MEET", participants=[Participant("董军", "host"), Participant(guest, "guest")],
                     date=DateValue(start="2025-09-18", precision="day"), sources=[Evidence(doc, "body", "…", 0, 1)])

    assert len(merge_events([meet("潘文江", "d1"), meet("拉索", "d2"), meet("潘文江", "d3")])) == 2


def _found(e: Event, section: str = "body", sent: int = 0) -> DocEvent:
    return DocEvent(e, section, sent, 0, frozenset(p.name for p in e.participants))


def test_in_document_caption_meeting_and_one_visit() -> None:
    meet = ev("MEET", ["梁强", "通伦"], "d1")
    talks_caption = ev("TALKS", ["梁强", "通伦"], "d1")
    talks_body = ev("TALKS", ["梁强", "通伦"], "d1")
    kept = merge_in_document([_found(meet), _found(talks_caption, "caption", 5)])
    assert [f.event.type for f in kept] == ["MEET"]
    kept = merge_in_document([_found(meet), _found(talks_body, "body", 3)])
    assert sorted(f.event.type for f in kept) == ["MEET", "TALKS"]
    v1 = Event("VISIT", [Participant("潘文江", "visitor"), Participant("中谷元", "host")],
               sources=[Evidence("d1", "body", "…", 0, 1)])
    v2 = Event("VISIT", [Participant("潘文江", "visitor"), Participant("石破茂", "host")],
               sources=[Evidence("d1", "body", "…", 40, 60)])
    assert len(merge_in_document([_found(v1), _found(v2, sent=2)])) == 1


def test_visitor_meeting_the_visited_side_is_guest() -> None:
    visit = Event("VISIT", [Participant("董军", "visitor", country="CHN")], sources=[Evidence("d1", "body", "…", 0, 20)])
    meet = Event("MEET", [Participant("董军", "host", country="CHN"), Participant("梁强", "guest", country="VNM")],
                 sources=[Evidence("d1", "body", "…", 21, 40)])
    visitors_are_guests([visit, meet])
    assert {p.name: p.role for p in meet.participants} == {"董军": "guest", "梁强": "host"}


def test_a_day_within_a_visits_range_is_the_same_visit():
    from huitan.merge import dates_compatible
    from huitan.model import DateValue

    visit = DateValue(start="--06-03", end="--06-04", precision="day")
    assert dates_compatible(visit, DateValue(start="--06-04", end="--06-04", precision="day"))
    assert not dates_compatible(visit, DateValue(start="--06-06", end="--06-06", precision="day"))
    assert dates_compatible(DateValue(start="2023-06-01", end="2023-06-05"), DateValue(start="2023-06-04", end="2023-06-08"))
    assert not dates_compatible(DateValue(start="2023-06-01", end="2023-06-02"), DateValue(start="2023-06-04", end="2023-06-08"))


def naive_merge(events: list[Event]) -> list[Event]:
    """The merge as first written: every event compared with every kept event, in order."""
    from huitan.merge import _same, absorb

    kept: list[Event] = []
    for e in events:
        for k in kept:
            if _same(k, e):
                absorb(k, e)
                break
        else:
            kept.append(e)
    return kept


def random_events(seed: int, n: int) -> list[Event]:
    import random

    rnd = random.Random(seed)
    names = ["甲", "乙", "丙", "丁", "戊"]
    roles = ["party", "host", "guest"]

    def date() -> DateValue | None:
        m, d = rnd.choice([4, 5]), rnd.randint(1, 6)
        y = rnd.choice(["2024-", "2025-", "--"])
        kind = rnd.random()
        if kind < 0.15:
            return None
        if kind < 0.3:
            return DateValue(start=f"{y}{m:02d}" if y != "--" else None, precision="month",
                             year_candidates=rnd.choice([[], [2024], [2024, 2025]]))
        end = f"{y}{m + rnd.choice([0, 0, 1]):02d}-{d + rnd.randint(1, 25):02d}" if kind < 0.5 else None
        return DateValue(start=f"{y}{m:02d}-{d:02d}", end=end, precision="day",
                         year_candidates=rnd.choice([[], [2024], [2025]]) if y == "--" else [])

    out = []
    for i in range(n):
        parts = [Participant(x, rnd.choice(roles)) for x in rnd.sample(names, rnd.choice([0, 1, 2, 2, 3]))]
        mech = {"name": "对话", "session": rnd.randint(1, 2)} if rnd.random() < 0.3 else None
        out.append(Event(type=rnd.choice(["TALKS", "MEET"]), participants=parts, date=date(), mechanism=mech,
                         sources=[Evidence(f"d{rnd.randint(0, n // 2)}", "body", "…", i, i + 1)]))
    return out


def test_indexed_merge_is_the_naive_merge() -> None:
    """Comparing only the candidates the index gives merges exactly as comparing with every kept event."""
    import copy

    joined = 0
    for seed in range(40):
        events = random_events(seed, 120)
        expected = naive_merge(copy.deepcopy(events))
        got = merge_events(events)
        assert [e.to_dict() | {"event_id": None} for e in got] == [e.to_dict() for e in expected]
        joined += 120 - len(got)
    assert joined > 400  # the events do join, in many ways
