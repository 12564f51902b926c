"""Dates: expressions, the governing date of an event, and the year with its evidence.

Every sentence here is written for the test (real facts where a tenure or a
session matters); the sample pages are read from ../shared only in the last test.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huitan import dates
from huitan.dates import (
    Knowledge,
    When,
    date_across_documents,
    date_events,
    series_name,
    session_mentions,
    sessions,
    timeline,
)
from huitan.kb import DataError, KnowledgeBase
from huitan.model import DateValue, DocActors, Document, Event, Evidence, Person
from huitan.timeexpr import DATE_WORD_SCHEMA, parse_dates

# ---------------------------------------------------------------- expressions


def one(text: str, kb: KnowledgeBase):
    found = [e for e in parse_dates(text, kb) if e.kind != "year"]
    assert len(found) == 1, [(e.text, e.kind) for e in found]
    return found[0]


@pytest.mark.parametrize(
    ("text", "kind", "month", "day", "end_month", "end_day", "pod"),
    [
        ("4月17日上午,两国部长举行会谈。", "day", 4, 17, None, None, "morning"),
        ("代表团于12月1日至4日访问埃及。", "range", 12, 1, 12, 4, None),
        ("部长从8月7日至10日访问俄罗斯。", "range", 8, 7, 8, 10, None),
        ("总理将于3月22日至25日访问莫斯科。", "range", 3, 22, 3, 25, None),
        ("12 月 3 日,指导委员会召开会议。", "day", 12, 3, None, None, None),
        ("十二月三日,双方签署协议。", "day", 12, 3, None, None, None),
        ("代表团12月30日至1月2日访问老挝。", "range", 12, 30, 1, 2, None),
        ("总统8月5日下午会见大使。", "day", 8, 5, None, None, "afternoon"),
        ("总理12月12日晚出席颁奖典礼。", "day", 12, 12, None, None, "evening"),
        ("主席6月1日中午设宴招待代表团。", "day", 6, 1, None, None, "noon"),
        ("舰艇5月9日凌晨抵达金兰港。", "day", 5, 9, None, None, "night"),
        ("4月下旬,两军举行联合演习。", "month", 4, None, None, None, None),
    ],
)
def test_day_and_range_expressions(kb, text, kind, month, day, end_month, end_day, pod):
    e = one(text, kb)
    assert (e.kind, e.month, e.day, e.part_of_day) == (kind, month, day, pod)
    if kind == "range":
        assert (e.end_month, e.end_day) == (end_month, end_day)
    assert e.is_event_date


def test_full_date_carries_its_year(kb):
    e = one("2025年12月4日,越南国家主席致慰问电。", kb)
    assert (e.year, e.month, e.day, e.text) == (2025, 12, 4, "2025年12月4日")
    assert one("二○○六年四月二十七日,两国海军首次联合巡逻。", kb).year == 2006
    assert one("二00五年十月,两国签署协定。", kb).year == 2005


def test_range_across_new_year_gets_both_years(kb):
    e = one("2024年12月30日至1月2日,代表团访问老挝。", kb)
    assert (e.year, e.end_year) == (2024, 2025)
    e = one("12月30日至2025年1月2日,代表团访问老挝。", kb)
    assert (e.year, e.end_year) == (2024, 2025)


@pytest.mark.parametrize(
    ("text", "kind", "day", "end_day"),
    [("选举委员会21日通过决议。", "day_only", 21, None), ("展会24至26日在河内举行。", "day_range", 24, 26)],
)
def test_day_without_month(kb, text, kind, day, end_day):
    e = one(text, kb)
    assert (e.kind, e.day, e.end_day, e.month) == (kind, day, end_day, None)


@pytest.mark.parametrize(
    ("word", "relative", "pod"),
    [("当天", "same", None), ("同日", "same", None), ("次日", "next", None), ("昨日", "yesterday", None),
     ("昨天", "yesterday", None), ("今天", "today", None), ("日前", "recent", None), ("当晚", "same", "evening"),
     ("当天中午", "same", "noon")],
)
def test_relative_days(kb, word, relative, pod):
    e = one(f"双方{word}举行了会谈。", kb)
    assert (e.kind, e.relative, e.part_of_day) == ("relative", relative, pod)


@pytest.mark.parametrize(("part", "value"), [("上旬", "early"), ("中旬", "mid"), ("下旬", "late"), ("初", "early")])
def test_month_parts(kb, part, value):
    e = one(f"2024年3月{part},双方举行磋商。", kb)
    assert (e.kind, e.year, e.month, e.month_part) == ("month", 2024, 3, value)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("2016-2021年阶段,国防外交工作取得成就。", "period"),
        ("会议部署到2030年的任务。", "period"),
        ("2020-2024年间多家组织提供援助。", "period"),
        ("自2015年以来,双边贸易增长。", "period"),
        ("庆祝国庆107周年(1918年12月1日—2025年12月1日)。", "anniversary"),
        ("纪念活动(1975/4/30-2025/4/30)隆重举行。", "anniversary"),
        ("两国刚刚庆祝建交75周年(2025年)。", "anniversary"),
    ],
)
def test_periods_and_anniversaries_are_not_event_dates(kb, text, kind):
    found = parse_dates(text, kb)
    assert [e.kind for e in found] == [kind]
    assert not found[0].is_event_date


def test_anniversary_end_is_kept(kb):
    e = parse_dates("值此建党71周年(1955年3月22日—2026年3月22日)之际", kb)[0]
    assert (e.year, e.end_year, e.end_month, e.end_day) == (1955, 2026, 3, 22)


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("总理主持召开该委员会2026年第一次会议。", "ordinal"),
        ("副部长出席2025年“金砖+”反恐会议。", "attached"),
        ("推进落实好2024年越中人文交流年。", "themed"),
        ("2020年,越南担任东盟轮值主席国。", "background"),
        ("根据1982年《联合国海洋法公约》解决争端。", "title"),
    ],
)
def test_bare_year_roles(kb, text, role):
    years = [e for e in parse_dates(text, kb) if e.kind == "year"]
    assert len(years) == 1 and years[0].year_role == role


@pytest.mark.parametrize("text", ["越南二号二级野战医院的医生。", "捐款100日元。", "近年来两国关系发展良好。", "双方一致同意。"])
def test_not_dates(kb, text):
    assert [e for e in parse_dates(text, kb) if e.is_event_date] == []


def test_dateline_stamp_weekday(kb):
    e = parse_dates("新华社河内5月6日电 越南国会", kb)[0]
    assert (e.kind, e.month, e.day, e.is_event_date) == ("dateline", 5, 6, False)
    s = parse_dates("发布时间:03/05/2025 05:34", kb)[0]
    assert (s.kind, s.year, s.is_event_date) == ("stamp", 2025, False)
    assert {(s.month, s.day), (s.end_month, s.end_day)} == {(3, 5), (5, 3)}
    assert one("11月13日(星期四)上午,双方会谈。", kb).weekday == 3


def test_bracketed_day_after_a_relative_word(kb):
    e = one("国防部长昨(27)日下午在河内会见来宾。", kb)
    assert (e.kind, e.day, e.part_of_day) == ("day_only", 27, "afternoon")
    assert one("总统今（3）日表示欢迎。", kb).day == 3
    s = "国防部长昨(27)日下午在河内会见来宾。"
    doc = make_doc([s], published="2019-04-28")
    (d,) = run(doc, [event_at(doc, s, "MEET")], kb)
    assert (d.start, d.year_source) == ("2019-04-27", "published")


def test_bare_last_year_is_not_the_narrative_day(kb):
    assert [(x.kind, x.rel_year) for x in parse_dates("两国关系去年发展迅速。", kb)] == [("year", -1)]
    a = "4月4日,两国外长在南宁举行会谈。"
    b = "外长说,去年两国领导人实现互访。"
    doc = make_doc([a, b], published="2024-04-05")
    visit = event_at(doc, b, "VISIT")
    t, v = run(doc, [event_at(doc, a), visit], kb)
    assert t.start == "2024-04-04"
    assert (v.start, v.precision, v.year_source) == ("2023", "year", "published")
    c = "今年他首次出访选择越南,去年对方总书记访华。"
    doc = make_doc([a, c], published="2024-04-05")
    ev = event_at(doc, c, "VISIT")
    text = doc.section_text(doc.body_section)
    ev.date_expr = {"trigger_start": text.index(c) + c.index("出访")}
    _, d = run(doc, [event_at(doc, a), ev], kb)
    assert d.start == "2024-04-04"  # 今年 governs the visit, not the later 去年


def test_weekday_before_a_bracketed_date(kb):
    assert one("防长星期二(7月22日)在河内同越南总理会面。", kb).weekday == 1
    assert one("防长星期五（3月7日）抵达。", kb).weekday == 4
    assert one("星期二,防长7月22日抵达。", kb).weekday is None  # not the date's own weekday


def test_relative_year_month(kb):
    e = one("今年六月,越南扫雷舰访问湛江。", kb)
    assert (e.kind, e.month, e.rel_year) == ("month", 6, 0)


def test_offsets_point_at_the_text(kb):
    text = "据报道,2025年1月14日,两国总理在河内签署联合公报;3月20日下午双方再次会谈。"
    for e in parse_dates(text, kb):
        assert text[e.start:e.end] == e.text


# ---------------------------------------------------------------- event dates


def make_doc(body: list[str], *, kind: str = "article", title: str = "标题", doc_id: str = "d1",
             published: str | None = None, captions: list[str] | None = None) -> Document:
    return Document(doc_id=doc_id, kind=kind, title=title, lead=body[0] if body else "", body=body,
                    captions=captions or [], published=published)


def event_at(doc: Document, sentence: str, typ: str = "TALKS", mechanism: dict | None = None) -> Event:
    text = doc.section_text(doc.body_section)
    start = text.index(sentence)
    ev = Evidence(doc.doc_id, doc.body_section, sentence, start, start + len(sentence))
    return Event(type=typ, sources=[ev], mechanism=mechanism)


def run(doc: Document, events: list[Event], kb: KnowledgeBase, persons: list[Person] | None = None,
        page: list[Document] | None = None) -> list[DateValue]:
    date_events(doc, DocActors(persons=persons or []), events, page or [doc], kb)
    return [e.date for e in events]


def test_year_in_sentence_is_text(kb):
    s = "2024年5月6日,两国外长在河内举行会谈。"
    doc = make_doc([s])
    (d,) = run(doc, [event_at(doc, s)], kb)
    assert (d.start, d.end, d.year_source, d.year_candidates, d.precision) == ("2024-05-06", "2024-05-06", "text", [2024], "day")


def test_strong_bare_year_in_sentence_is_text(kb):
    s = "3月2日上午,总理主持召开该委员会2024年第一次会议。"
    doc = make_doc([s])
    (d,) = run(doc, [event_at(doc, s, "CONFERENCE")], kb)
    assert (d.start, d.year_source, d.part_of_day) == ("2024-03-02", "text", "morning")


def test_year_elsewhere_in_document(kb):
    lead = "交流活动期间,6月10日上午,两国国防部长举行会谈。"
    later = "他说,2023年6月初,双方已完成烈士陵园修缮工作。"
    doc = make_doc([lead, later])
    (d,) = run(doc, [event_at(doc, lead)], kb)
    assert (d.start, d.year_source) == ("2023-06-10", "document")


def test_background_year_far_from_the_event_is_not_used(kb):
    lead = "3月5日,两国副外长举行政治磋商。"
    later = "2019年10月,两国已签署合作协定。"
    doc = make_doc([lead, later])
    (d,) = run(doc, [event_at(doc, lead)], kb)
    assert (d.start, d.year_source, d.year_candidates) == ("--03-05", "none", [])


def test_future_plan_bounds_but_does_not_date(kb):
    lead = "首次副部长级国防战略对话3月19日在河内举行。"
    later = "双方同意2013年第二次对话在首尔举行。"
    doc = make_doc([lead, later])
    (d,) = run(doc, [event_at(doc, lead, "CONFERENCE")], kb)
    assert d.start == "--03-19"


def test_page_sibling_teaser_gives_the_year(kb):
    t1 = make_doc(["2024年11月2日,越南领导人向友国致慰问电。"], kind="teaser", doc_id="t1")
    t2 = make_doc(["11月3日上午,国会主席会见来访的议长。"], kind="teaser", doc_id="t2")
    (d,) = run(t2, [event_at(t2, t2.body[0], "MEET")], kb, page=[t1, t2])
    assert (d.start, d.year_source) == ("2024-11-03", "page")


def test_page_year_not_lent_to_the_article(kb):
    art = make_doc(["9月3日在河内,国家主席会见外国代表团。"], doc_id="a1")
    teaser = make_doc(["2024年11月2日,越南领导人向友国致慰问电。"], kind="teaser", doc_id="t1")
    (d,) = run(art, [event_at(art, art.body[0], "MEET")], kb, page=[art, teaser])
    assert d.start == "--09-03"


def test_page_year_only_when_close_in_time(kb):
    t1 = make_doc(["2024年11月2日,越南领导人向友国致慰问电。"], kind="teaser", doc_id="t1")
    t2 = make_doc(["5月3日上午,国会主席会见来访的议长。"], kind="teaser", doc_id="t2")
    (d,) = run(t2, [event_at(t2, t2.body[0], "MEET")], kb, page=[t1, t2])
    assert d.start == "--05-03"


@pytest.mark.parametrize(
    ("published", "text", "start"),
    [("2024-03-02", "2月28日,两国总理通电话。", "2024-02-28"), ("2024-01-03", "12月30日,两国总理通电话。", "2023-12-30")],
)
def test_published_date_gives_the_year(kb, published, text, start):
    doc = make_doc([text], published=published)
    (d,) = run(doc, [event_at(doc, text, "CALL")], kb)
    assert (d.start, d.year_source) == (start, "published")


def test_relative_days_follow_their_base(kb):
    a = "8月7日上午,两国部长举行会谈。"
    b = "当天中午,东道主设宴招待代表团。"
    c = "次日,代表团参观军事学院。"
    doc = make_doc([a, b, c])
    evs = [event_at(doc, a), event_at(doc, b, "MEET"), event_at(doc, c, "VISIT")]
    d1, d2, d3 = run(doc, evs, kb)
    assert (d1.start, d2.start, d2.part_of_day, d2.text, d3.start) == ("--08-07", "--08-07", "noon", "当天中午", "--08-08")


def test_yesterday_and_today_need_the_documents_date(kb):
    s = "昨日,两国外长举行会谈。"
    doc = make_doc([s], published="2024-07-01")
    (d,) = run(doc, [event_at(doc, s)], kb)
    assert (d.start, d.year_source) == ("2024-06-30", "published")
    undated = make_doc([s])
    (d,) = run(undated, [event_at(undated, s)], kb)
    assert d.start is None and d.year_source == "none"


def test_day_only_takes_the_month_from_context(kb):
    a = "3月10日,代表团抵达河内。"
    b = "代表团12日上午拜会国会主席。"
    doc = make_doc([a, b])
    _, d = run(doc, [event_at(doc, a, "VISIT"), event_at(doc, b, "MEET")], kb)
    assert (d.start, d.part_of_day) == ("--03-12", "morning")


def test_sentence_without_date_takes_preceding_narrative_date_not_speech(kb):
    a = "5月20日上午,两国部长举行会谈。"
    b = "部长表示,6月30日双方将举行庆典。"
    c = "会谈结束后,两位部长签署了合作计划。"
    doc = make_doc([a, b, c])
    d = run(doc, [event_at(doc, a), event_at(doc, c, "SIGN")], kb)[1]
    assert d.start == "--05-20"


def test_signing_after_the_talks_takes_the_talks_date(kb):
    a = "6月4日上午,两国国防部长举行会谈。"
    b = "去年总统2023年3月访问越南期间,双方承诺加强合作。"
    c = "会谈结束后,两位部长见证了合作备忘录的签署。"
    doc = make_doc([a, b, c])
    d = run(doc, [event_at(doc, a), event_at(doc, b, "VISIT"), event_at(doc, c, "SIGN")], kb)
    assert d[1].start == "2023-03"
    assert d[2].start[-5:] == "06-04"


def test_a_since_date_does_not_date_the_clause(kb):
    a = "9月1日,中国海军舰艇编队抵达金兰国际港。"
    b = "这是该港从2016年3月开港以来首次迎来外国军舰访问。"
    doc = make_doc([a, b])
    d = run(doc, [event_at(doc, a, "EXERCISE"), event_at(doc, b, "EXERCISE")], kb)
    assert d[1].start[-5:] == "09-01"


def test_published_date_beats_bare_years_of_background(kb):
    a = "第19届对话会将于6月10日到12日在新加坡举行。"
    b = "受疫情影响,2020年和2021年对话会停办。"
    doc = make_doc([a, b], published="2022-06-09")
    (d,) = run(doc, [event_at(doc, a, "CONFERENCE")], kb)
    assert (d.start, d.end, d.year_source) == ("2022-06-10", "2022-06-12", "published")


def test_meeting_during_a_visit_takes_the_visit_range(kb):
    a = "应邀请,国防部长率团于11月12日至15日访问新加坡。"
    b = "访问期间,部长会见了新加坡总理。"
    doc = make_doc([a, b])
    v, m = run(doc, [event_at(doc, a, "VISIT"), event_at(doc, b, "MEET")], kb)
    assert (v.start, v.end) == ("--11-12", "--11-15")
    assert (m.start, m.end) == ("--11-12", "--11-15")


def test_visit_and_meeting_in_one_sentence(kb):
    s = "在11月1日至4日访问埃及期间,3日上午,代表团拜会了埃及国防部长。"
    doc = make_doc([s])
    v, m = run(doc, [event_at(doc, s, "VISIT"), event_at(doc, s, "MEET")], kb)
    assert (v.start, v.end) == ("--11-01", "--11-04")
    assert (m.start, m.part_of_day) == ("--11-03", "morning")


def test_trigger_offset_picks_the_date_before_it(kb):
    s = "4月1日,部长会见了大使;4月2日,两国部长举行会谈。"
    doc = make_doc([s])
    meet, talks = event_at(doc, s, "MEET"), event_at(doc, s)
    meet.date_expr = {"trigger_start": s.index("会见")}
    talks.date_expr = {"trigger_start": s.index("会谈")}
    m, t = run(doc, [meet, talks], kb)
    assert (m.start, t.start) == ("--04-01", "--04-02")


def test_background_fact_dated_by_its_year_only(kb):
    a = "5月6日,两国国防部长举行会谈。"
    b = "2019年,两国国防部签署了合作备忘录。"
    doc = make_doc([a, b])
    _, d = run(doc, [event_at(doc, a), event_at(doc, b, "SIGN")], kb)
    assert (d.start, d.precision, d.year_source, d.text) == ("2019", "year", "text", "2019年")


def test_title_event_takes_the_lead_date(kb):
    doc = make_doc(["6月2日,两国总理在河内举行会谈。"], title="两国总理举行会谈")
    ev = Event(type="TALKS", sources=[Evidence("d1", "title", doc.title, 0, len(doc.title))])
    (d,) = run(doc, [ev], kb)
    assert d.start == "--06-02"


# ---------------------------------------------------------------- knowledge: tenures and sessions


def known_persons(kb: KnowledgeBase, *names: str) -> None:
    from huitan import officeholders

    for n in names:
        if not officeholders.lookup(kb, n):
            pytest.skip(f"{n} is not in the officeholder table")


def test_tenures_intersected_give_candidates(kb):
    known_persons(kb, "张晋创", "马晓天")
    s = "9月5日,国家主席张晋创在河内会见中国人民解放军副总参谋长马晓天。"
    doc = make_doc([s])
    persons = [Person("张晋创", "VNM", positions=["国家主席"]), Person("马晓天", "CHN", positions=["副总参谋长"])]
    (d,) = run(doc, [event_at(doc, s, "MEET")], kb, persons=persons)
    assert d.start == "--09-05" and d.year_source == "knowledge"
    assert d.year_candidates == [2011, 2012]


def test_tenures_checked_to_the_day(kb):
    known_persons(kb, "冯光青", "绍伊古")
    s = "8月20日,国防部部长冯光青与俄罗斯国防部长绍伊古举行会谈。"
    doc = make_doc([s])
    persons = [Person("冯光青", "VNM", positions=["国防部部长"]), Person("绍伊古", "RUS", positions=["国防部长"])]
    (d,) = run(doc, [event_at(doc, s)], kb, persons=persons)
    assert d.year_candidates == [2013, 2014, 2015]
    assert d.start == "--08-20"


def test_foreign_ministers_position_after_its_country_bounds_the_year(kb):
    from huitan.actors import extract_actors
    known_persons(kb, "潘文江", "李钟燮")
    s = "应韩国国防部长李钟燮邀请,国防部部长潘文江大将于3月27日至29日对韩国进行正式访问。"
    doc = make_doc([s])
    actors = extract_actors(doc, kb)
    ev = event_at(doc, s, "VISIT")
    date_events(doc, actors, [ev], [doc], kb)
    assert (ev.date.start, ev.date.year_source) == ("2023-03-27", "knowledge")


def test_romanised_alias_links_the_tenure(kb):
    from huitan.actors import extract_actors
    known_persons(kb, "吴春历")
    s = "应法国国防部长让·伊夫·勒德里昂(Jean-Yves Le Drian)邀请,国防部部长吴春历大将于6月5日至7日访问法国。"
    doc = make_doc([s])
    actors = extract_actors(doc, kb)
    ev = event_at(doc, s, "VISIT")
    date_events(doc, actors, [ev], [doc], kb)
    assert (ev.date.start, ev.date.year_source) == ("2016-06-05", "knowledge")


def test_office_still_held_and_a_weekday_give_the_year(kb, monkeypatch):
    known_persons(kb, "陈振声")
    monkeypatch.setattr(dates, "_today", lambda: date(2026, 3, 1))
    a = "新加坡国防部长陈振声星期二(7月22日)在河内同越南总理会面。"
    b = "同日,陈振声还会见了越南国防部长。"
    doc = make_doc([a, b])
    persons = [Person("陈振声", "SGP", positions=["国防部长"])]
    d, same = run(doc, [event_at(doc, a, "MEET"), event_at(doc, b, "MEET")], kb, persons=persons)
    assert (d.start, d.year_source, d.year_candidates) == ("2025-07-22", "knowledge", [2025])
    assert same.start == "2025-07-22"


def test_office_still_held_without_weekday_leaves_candidates(kb, monkeypatch):
    known_persons(kb, "陈振声")
    monkeypatch.setattr(dates, "_today", lambda: date(2026, 9, 1))
    a = "新加坡国防部长陈振声7月22日在河内同越南总理会面。"
    doc = make_doc([a])
    (d,) = run(doc, [event_at(doc, a, "MEET")], kb, persons=[Person("陈振声", "SGP", positions=["国防部长"])])
    assert (d.start, d.year_candidates) == ("--07-22", [2025, 2026])
    monkeypatch.setattr(dates, "_today", lambda: date(2025, 6, 1))  # just appointed: no year in the future
    early = "新加坡国防部长陈振声3月5日在河内同越南总理会面。"
    doc2 = make_doc([early])
    (d,) = run(doc2, [event_at(doc2, early, "MEET")], kb, persons=[Person("陈振声", "SGP", positions=["国防部长"])])
    assert (d.start, d.year_candidates) == ("--03-05", [])
    monkeypatch.setattr(dates, "_today", lambda: date(2040, 3, 1))  # long in office: only a lower bound
    (d,) = run(doc, [event_at(doc, a, "MEET")], kb, persons=[Person("陈振声", "SGP", positions=["国防部长"])])
    assert (d.start, d.year_candidates) == ("--07-22", [])


def test_former_office_is_not_a_tenure(kb):
    known_persons(kb, "张晋创")
    s = "9月5日,前国家主席张晋创出席纪念活动。"
    doc = make_doc([s])
    (d,) = run(doc, [event_at(doc, s, "CONFERENCE")], kb, persons=[Person("张晋创", "VNM", positions=["前国家主席"])])
    assert d.year_candidates == []


def test_known_session_gives_the_year(kb):
    s = "3月30日,总理在河内出席大湄公河次区域合作第六次领导人会议。"
    doc = make_doc([s])
    mech = {"name": "大湄公河次区域合作领导人会议", "session": 6}
    (d,) = run(doc, [event_at(doc, s, "CONFERENCE", mech)], kb)
    assert (d.start, d.year_source) == ("2018-03-30", "knowledge")


def test_named_session_beats_a_nearby_background_date(kb):
    a = "十二月一日,两艘护卫舰驶离军港,赴北部湾参加第八次中越联合巡逻。"
    b = "二〇〇五年十月,两国海军签订了北部湾联合巡逻协议。"
    doc = make_doc([a, b])
    (d,) = run(doc, [event_at(doc, a, "EXERCISE")], kb)
    assert (d.start, d.year_source) == ("2009-12-01", "knowledge")


def test_joint_patrol_sessions_are_named_in_their_usual_forms(kb):
    assert session_mentions(kb, "中越北部湾第32次联合巡逻顺利结束") == [("中越北部湾联合巡逻", 32)]
    assert session_mentions(kb, "两国舰艇编队开展第34次北部湾联合巡逻") == [("中越北部湾联合巡逻", 34)]
    assert session_mentions(kb, "海警船开展本年度第二次北部湾联合巡逻") == []  # a coast-guard count, not the navies'
    assert session_mentions(kb, "中越两军第33次北部湾联合巡逻在北部湾海域展开") == [("中越北部湾联合巡逻", 33)]


def test_a_written_series_name_maps_to_its_series(kb):
    # the name a mechanism keeps once 第N次 is cut out of an alias template
    assert series_name(kb, "中越两军北部湾联合巡逻") == "中越北部湾联合巡逻"
    assert series_name(kb, "越中国防部防务战略对话") == "越中国防安全副部长级战略对话"
    assert series_name(kb, "越南和中国国防部副部长级战略对话") == "越中国防安全副部长级战略对话"
    assert series_name(kb, "两国青年友好会见") == "两国青年友好会见"


def test_defence_policy_dialogue_sessions(kb):
    a = "3月20日,越南与老挝国防部在奠边省举行第四次越老国防政策对话。"
    b = "7月23日,第四次越柬副部长级国防政策对话在金边举行。"
    doc = make_doc([a, b])
    la, kh = run(doc, [event_at(doc, a, "CONFERENCE"), event_at(doc, b, "CONFERENCE")], kb)
    assert (la.start, la.year_source) == ("2024-03-20", "knowledge")
    assert (kh.start, kh.year_source) == ("2019-07-23", "knowledge")


def test_first_trilateral_border_exchange(kb):
    a = "12月14日,首届越南—老挝—柬埔寨边境国防友好交流活动在三国边境地区举行。"
    doc = make_doc([a])
    (d,) = run(doc, [event_at(doc, a, "CONFERENCE")], kb)
    assert (d.start, d.year_source) == ("2023-12-14", "knowledge")


def test_party_congress_tag_dates_an_event_weeks_later(kb):
    assert session_mentions(kb, "越共十四大") == [("越南共产党全国代表大会", 14)]
    assert session_mentions(kb, "一大批官兵参加") == []
    a = "(越共十三大)3月9日下午,越南副总参谋长在河内同外国陆军司令通电话。"
    doc = make_doc([a])
    (d,) = run(doc, [event_at(doc, a, "CALL")], kb)
    assert (d.start, d.year_source) == ("2021-03-09", "knowledge")
    far = "(越共十三大)9月9日下午,越南副总参谋长在河内同外国陆军司令通电话。"
    doc = make_doc([far])
    (d,) = run(doc, [event_at(doc, far, "CALL")], kb)
    assert d.start == "--09-09"  # months after the congress: no year from it


def test_bare_day_takes_the_month_of_the_named_session(kb):
    a = "两国海军舰艇编队27日开展第34次北部湾联合巡逻。"
    b = "两国海军舰艇编队5日开展第34次北部湾联合巡逻。"
    doc = make_doc([a, b])
    d, none = run(doc, [event_at(doc, a, "EXERCISE"), event_at(doc, b, "EXERCISE")], kb)
    assert (d.start, d.year_source, d.text) == ("2023-06-27", "knowledge", "27日")
    assert none.start is None  # the 5th is no day of that session


def test_session_named_in_the_sentence_dates_a_meeting_and_its_document(kb):
    a = "4月1日下午,外长会见来越出席大湄公河次区域合作第六次领导人会议的外国代表团。"
    b = "当天晚些时候,两国外长举行会谈。"
    doc = make_doc([a, b])
    m, t = run(doc, [event_at(doc, a, "MEET"), event_at(doc, b)], kb)
    assert (m.start, m.year_source) == ("2018-04-01", "knowledge")
    assert t.start == "2018-04-01"


def test_session_far_from_the_event_is_not_used(kb):
    s = "10月5日,代表们回顾了大湄公河次区域合作第六次领导人会议的成果。"
    doc = make_doc([s])
    (d,) = run(doc, [event_at(doc, s, "CONFERENCE")], kb)
    assert d.start == "--10-05"


def test_session_mentions(kb):
    assert session_mentions(kb, "出席第三次越中国防安全副部长级战略对话会") == [("越中国防安全副部长级战略对话", 3)]
    assert ("越中边境国防友好交流", 9) in session_mentions(kb, "越中第九次边境国防友好交流活动期间")
    assert session_mentions(kb, "两国举行友好交流活动") == []
    assert session_mentions(kb, "出席在河内举行的首届东盟国防部长扩大会议") == [("东盟国防部长扩大会议", 1)]


def test_anniversary_of_relations_gives_the_year(kb):
    a = "6月20日,越南国防部长在河内会见柬埔寨国防大臣。"
    b = "值此越柬建交50周年之际,双方回顾了两国友好关系。"
    doc = make_doc([a, b])
    (d,) = run(doc, [event_at(doc, a, "MEET")], kb)
    assert (d.start, d.year_source) == ("2017-06-20", "knowledge")
    passing = make_doc([a, "双方回顾了越柬建交50周年以来的合作。"])
    (d,) = run(passing, [event_at(passing, a, "MEET")], kb)
    assert d.start == "--06-20"
    assert dates.anniversary_years(kb, "庆祝新中建交 30 周年") == [(2020, False)]


def test_anniversary_tag_opening_the_headline_is_the_occasion(kb):
    a = "12月21日,两国国防部副部长在金边举行政策对话。"
    doc = make_doc([a], title="越柬建交50周年:两国举行国防政策对话")
    (d,) = run(doc, [event_at(doc, a, "CONFERENCE")], kb)
    assert (d.start, d.year_source) == ("2017-12-21", "knowledge")
    assert dates.anniversary_years(kb, "越柬建交50周年:两国举行对话") == [(2017, True)]
    assert dates.anniversary_years(kb, "两国举行对话,纪念越柬建交50周年:") == [(2017, False)]


def test_weekday_and_bounds_narrow_candidates():
    w = When(11, 13, weekday=3)  # a Thursday: 13 November 2014, not 2013
    assert Knowledge(years={2013, 2014}).narrowed(w, None, None).years == {2014}
    w = When(9, 8)
    narrowed = Knowledge(years={2016, 2017, 2018, 2019, 2020}).narrowed(w, dates.date(2020, 6, 1), None)
    assert narrowed.years == {2020}
    assert Knowledge(lower=2021).narrowed(w, None, dates.date(2022, 12, 31)).years == {2021, 2022}


# ---------------------------------------------------------------- never the clock


@settings(max_examples=60, deadline=None)
@given(month=st.integers(1, 12), day=st.integers(1, 28), pod=st.sampled_from(["", "上午", "下午", "晚"]))
def test_no_evidence_no_year(month, day, pod):
    kb = _shared_kb()
    s = f"{month}月{day}日{pod},甲国与乙国代表团举行会谈。"
    doc = make_doc([s])
    (d,) = run(doc, [event_at(doc, s)], kb)
    assert d.start == f"--{month:02d}-{day:02d}"
    assert d.year_source == "none" and d.year_candidates == []


@settings(max_examples=40, deadline=None)
@given(year=st.integers(1995, 2030), month=st.integers(1, 12), day=st.integers(1, 28))
def test_written_year_is_kept_whatever_it_is(year, month, day):
    kb = _shared_kb()
    s = f"{year}年{month}月{day}日,两国签署合作协定。"
    doc = make_doc([s])
    (d,) = run(doc, [event_at(doc, s, "SIGN")], kb)
    assert d.start == f"{year:04d}-{month:02d}-{day:02d}" and d.year_source == "text"


_KB: list[KnowledgeBase] = []


def _shared_kb() -> KnowledgeBase:
    if not _KB:
        _KB.append(KnowledgeBase())
    return _KB[0]


# ---------------------------------------------------------------- corpus level


def dated_event(start: str | None, source: str, mechanism: dict, cands: list[int] | None = None) -> Event:
    dv = DateValue(start=start, end=start, precision="day" if start else "unknown", year_source=source,
                   year_candidates=cands or [])
    return Event(type="CONFERENCE", date=dv, mechanism=mechanism)


def test_session_date_known_in_one_document_dates_the_others(kb):
    mech = {"name": "越中国防安全副部长级战略对话", "session": 5}
    a = dated_event("2015-08-10", "text", mech)
    b = dated_event("--08-10", "none", mech)
    c = dated_event(None, "none", mech)
    date_across_documents([a, b, c], kb)
    assert (b.date.start, b.date.year_source) == ("2015-08-10", "knowledge")
    assert c.date.start == "2015-08-10"


def test_kb_session_dates_an_undated_mention(kb):
    ev = dated_event(None, "none", {"name": "大湄公河次区域合作领导人会议", "session": 5})
    date_across_documents([ev], kb)
    assert ev.date.start == "2014-12-20" and ev.date.year_source == "knowledge"


def test_neighbouring_sessions_bound_the_year(kb):
    ev = dated_event("--08-10", "knowledge", {"name": "越中国防安全副部长级战略对话", "session": 5}, [2012, 2013, 2014])
    date_across_documents([ev], kb)
    assert ev.date.year_candidates == [2013, 2014]
    one_left = dated_event("--08-10", "knowledge", {"name": "越中国防安全副部长级战略对话", "session": 5}, [2011, 2012, 2013])
    date_across_documents([one_left], kb)
    assert one_left.date.start == "2013-08-10"


# ---------------------------------------------------------------- the sessions table


def write_table(tmp: Path, lines: list[dict]) -> KnowledgeBase:
    (tmp / "sessions.jsonl").write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n")
    return KnowledgeBase(data_dir=tmp)


def test_sessions_table_loads(kb):
    idx = sessions(kb)
    assert idx.by_key[("大湄公河次区域合作领导人会议", 6)]["place"] == "河内"
    assert all(e.get("source") for e in idx.by_key.values())
    assert kb.table(DATE_WORD_SCHEMA)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"series": "S", "session": 1, "start": "2012-13-01", "source": "x"}, "month out of range"),
        ({"series": "S", "session": 0, "start": "2012-01-01", "source": "x"}, "positive"),
        ({"series": "S", "session": 1, "start": "2012-01-05", "end": "2012-01-01", "source": "x"}, "before start"),
        ({"series": "S", "session": 1, "start": "2012-01-01"}, "source"),
    ],
)
def test_bad_session_entries_name_file_and_line(tmp_path, entry, message):
    kb = write_table(tmp_path, [entry])
    with pytest.raises(DataError, match=message) as err:
        sessions(kb)
    assert err.value.line == 1 and err.value.path.endswith("sessions.jsonl")


def test_duplicate_session_is_refused(tmp_path):
    e = {"series": "S", "session": 2, "start": "2012-01-01", "source": "x"}
    kb = write_table(tmp_path, [e, e])
    with pytest.raises(DataError, match="duplicate") as err:
        sessions(kb)
    assert err.value.line == 2


# ---------------------------------------------------------------- timeline


def exported(eid: str, start: str | None, typ: str, parts: list[tuple[str, str]], mech: str | None = None) -> dict:
    return {"event_id": eid, "type": typ, "date": {"start": start, "end": start, "year_source": "text"},
            "participants": [{"name": n, "country": c, "role": "party"} for n, c in parts],
            "mechanism": {"name": mech, "session": 1} if mech else None, "location": {"name": "河内"}}


def test_timeline_filters_and_orders():
    evs = [
        exported("c", "2018-04-01", "TALKS", [("范平明", "VNM"), ("王毅", "CHN")]),
        exported("a", "--05-01", "MEET", [("范平明", "VNM"), ("王毅", "CHN")]),
        exported("b", "2012-09-03", "CONFERENCE", [("阮志咏", "VNM"), ("马晓天", "CHN")], "越中国防安全副部长级战略对话"),
        exported("d", "2014-01-02", "CALL", [("冯光青", "VNM"), ("绍伊古", "RUS")]),
    ]
    assert [r["event_id"] for r in timeline(evs, pair="VNM-CHN")] == ["b", "c", "a"]
    assert [r["event_id"] for r in timeline(evs, person="王毅")] == ["c", "a"]
    rows = timeline(evs, mechanism="越中国防安全副部长级战略对话")
    assert [r["event_id"] for r in rows] == ["b"] and rows[0]["mechanism"].endswith("#1")
    assert rows[0]["participants"][0] == "阮志咏 (VNM, party)"
    assert [r["event_id"] for r in timeline(evs)] == ["b", "d", "c", "a"]


# ---------------------------------------------------------------- the sample pages


def test_samples_dates(kb, samples_dir):
    from huitan.analyse import analyse_page
    from huitan.model import RawPage
    from huitan.page import clean_page

    gold = json.loads((samples_dir.parent / "gold" / "seeds.json").read_text(encoding="utf-8"))
    predicted: dict[str, list[Event]] = {}
    everything: list[Event] = []
    for path in sorted(samples_dir.glob("*.txt")):
        page = clean_page(RawPage(path=str(path), text=path.read_text(encoding="utf-8")), kb)
        evs = [e for a in analyse_page(page, kb) for e in a.events]
        predicted[path.name] = evs
        everything += evs
    date_across_documents(everything, kb)
    md_total = md_right = yr_total = yr_right = 0
    for g in gold["events"]:
        gd = g.get("date") or {}
        if g.get("optional") or not gd.get("start"):
            continue
        names = {p["name"] for p in g.get("participants") or []}
        match = next((e for e in predicted.get(g["doc"], []) if e.type == g["type"] and e.date and e.date.start
                      and names & {p.name for p in e.participants}), None)
        if match is None:
            continue
        md_total += 1
        md_right += gd["start"][-5:] == match.date.start[-5:]
        yr_total += 1
        if not gd["start"].startswith("--"):  # the reference states the year
            yr_right += match.date.start[:4] == gd["start"][:4]
        else:  # several years stay open: a single stated year is a guess
            yr_right += match.date.start.startswith("--") and set(match.date.year_candidates) <= set(gd["year_candidates"])
    assert md_total >= 20
    assert md_right / md_total >= 0.95
    assert yr_right / yr_total >= 0.90


def test_published_year_wins_over_a_tenure_known_only_to_the_year(tmp_path):
    """A page stamped 2025 names an officer whose post the knowledge base ends in 2024 (year precision)."""
    import json as _json

    from huitan.analyse import analyse_page
    from huitan.kb import KnowledgeBase as _KB
    from huitan.model import RawPage
    from huitan.page import clean_page

    extra = tmp_path / "extra.jsonl"
    extra.write_text(_json.dumps({
        "table": "persons", "id": "lao-khamsong-bounma-test", "name": "坎宋·本马", "aliases": [], "country": "LAO",
        "en": "Khamsong Bounma", "positions": [{"role": "chief_of_general_staff", "title": "老挝人民军总参谋长",
                                               "start": "2022", "end": "2024"}],
        "source": "hand-made test entry"}, ensure_ascii=False) + "\n", encoding="utf-8")
    kb2 = _KB(extra=[extra])
    text = ("老挝军队代表团访问越南\n\n03/05/2025 05:34\n\n"
            "3月5日上午,越南国防部副部长在河内会见了老挝人民军总参谋长坎宋·本马率领的老挝军队代表团。")
    page = clean_page(RawPage(path="p.txt", text=text), kb2)
    [analysis] = analyse_page(page, kb2)
    meet = next(e for e in analysis.events if e.type == "MEET")
    assert meet.date.start == "2025-03-05"
    assert meet.date.year_source == "published"


def test_a_merged_event_takes_the_date_another_of_its_sentences_gives(kb):
    first = "两国海军舰艇编队顺利完成联合演练。"
    second = "2024年4月9日,双方舰艇在指定海域会合并开展演练。"
    doc = make_doc([first, "编队官兵互致问候。", second])
    ev = event_at(doc, first, "EXERCISE")
    ev.sources.append(event_at(doc, second, "EXERCISE").sources[0])
    (d,) = run(doc, [ev], kb)
    assert (d.start, d.year_source) == ("2024-04-09", "text")


def test_a_dated_first_sentence_is_not_overridden_by_a_later_source(kb):
    first = "5月3日,两国国防部长在河内举行会谈。"
    second = "2020年6月1日,两国曾签署合作备忘录。"
    doc = make_doc([first, second])
    ev = event_at(doc, first)
    ev.sources.append(event_at(doc, second).sources[0])
    (d,) = run(doc, [ev], kb)
    assert d.start.endswith("-05-03")


@pytest.mark.parametrize("published, day, expected", [
    ("2024-07-12", "9日", "2024-07-09"),   # the same month, before the writing day
    ("2024-07-12", "28日", "2024-06-28"),  # later than the writing day: the month before
    ("2025-01-03", "30日", "2024-12-30"),  # across the new year
])
def test_a_bare_day_takes_month_and_year_from_the_publication_date(kb, published, day, expected):
    s = f"两国外长{day}在河内举行会谈。"
    doc = make_doc([s], published=published)
    (d,) = run(doc, [event_at(doc, s)], kb)
    assert (d.start, d.year_source) == (expected, "published")


def test_last_year_without_a_publication_date_counts_from_the_leads_written_year(kb):
    lead = "2024年5月6日,两国外长在河内举行会谈。"
    back = "外长说,去年两国领导人实现互访。"
    doc = make_doc([lead, back])
    _, d = run(doc, [event_at(doc, lead), event_at(doc, back, "VISIT")], kb)
    assert (d.start, d.year_source) == ("2023", "document")


def test_this_year_without_any_written_year_stays_unknown(kb):
    lead = "5月6日,两国外长在河内举行会谈。"
    back = "外长说,今年3月两国领导人实现互访。"
    doc = make_doc([lead, back])
    _, d = run(doc, [event_at(doc, lead), event_at(doc, back, "VISIT")], kb)
    assert (d.start, d.year_candidates) == ("--03", [])


def test_session_scan_tries_only_templates_whose_pieces_occur(kb):
    from huitan.datekb import sessions

    idx = sessions(kb)
    assert idx.pattern_for("两国领导人举行会谈并签署合作文件") is None
    text = "出席第三次越中国防安全副部长级战略对话会"
    sub = idx.pattern_for(text)
    assert sub is not None and len(sub.pattern) < len(idx.pattern.pattern) / 5
    whole = [(m.lastgroup, m.span()) for m in idx.pattern.finditer(text)]
    assert whole and [(m.lastgroup, m.span()) for m in sub.finditer(text)] == whole


DATE_PIECES = ["2025", "2025年", "二〇二四年", "7月", "十二月", "22日", "三十日", "5号", "至", "-", "—", "(", ")",
               "（", "）", "周年", "建交75周年", "去年", "今年", "明年", "年底", "月初", "上午", "晚", "昨", "(27)日",
               "10/3/2024", "2024-03-05", "2024.3.5", "第三届", "期间", "会谈", "举行", "，", "。", " ", "份", "下旬",
               "电", "截至", "以来", "年内", "时", "点", "底", "当天", "次日", "星期二", "～", "16"]


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(DATE_PIECES), max_size=12).map("".join))
def test_pattern_prefilter_never_changes_what_is_found(kb, text):
    """Skipping a pattern in a window without any character it needs finds exactly what trying it finds."""
    import dataclasses

    from huitan import timeexpr

    lex = timeexpr.lexicon(kb)
    plain = dataclasses.replace(lex, needs=tuple(0 for _ in lex.needs))
    key = "timeexpr.lexicon"
    fast = [(e.start, e.end, e.kind, e.year, e.month, e.day) for e in parse_dates(text, kb)]
    kb._derived[key] = plain
    try:
        slow = [(e.start, e.end, e.kind, e.year, e.month, e.day) for e in parse_dates(text, kb)]
    finally:
        kb._derived[key] = lex
    assert fast == slow
