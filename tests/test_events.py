"""Event extraction on hand-written sentences (own words; real officeholders), run through the real actors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from huitan.actors import extract_actors
from huitan.events import extract_events
from huitan.kb import KnowledgeBase
from huitan.mechanisms import find_mechanisms
from huitan.model import Document

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase()


def run(kb: KnowledgeBase, body: str, title: str = "测试标题", kind: str = "article", captions: tuple[str, ...] = ()):
    doc = Document(doc_id="t", kind=kind, title=title, lead=body.split("\n")[0], body=body.split("\n"),
                   captions=list(captions))
    actors = extract_actors(doc, kb)
    return extract_events(doc, actors, kb)


def roles(ev) -> dict[str, str]:
    return {p.name: p.role for p in ev.participants}


# (sentence, type, {participant: role}) — each a positive case; the roles must match exactly
CASES = [
    # MEET
    ("5月6日上午，越南国家主席梁强在河内会见了到访的老挝国会主席赛宋蓬·丰威汉。", "MEET",
     {"梁强": "host", "赛宋蓬·丰威汉": "guest"}),
    ("越南政府总理范明政在政府总部接见了中国驻越南大使何炜。", "MEET", {"范明政": "host", "何炜": "guest"}),
    ("越共中央总书记苏林会见了由老挝人民革命党中央总书记通伦·西苏里率领的老挝党政代表团。", "MEET",
     {"苏林": "host", "通伦·西苏里": "guest"}),
    ("中国驻越南大使何炜礼节性拜访了越南国防部部长潘文江大将。", "MEET", {"潘文江": "host", "何炜": "guest"}),
    ("老挝国防部部长占沙蒙·占娘拉上将拜会了越南国家主席梁强。", "MEET", {"梁强": "host", "占沙蒙·占娘拉": "guest"}),
    ("越南国会主席陈青敏亲切接见了柬埔寨国会主席坤·索达丽。", "MEET", {"陈青敏": "host", "坤·索达丽": "guest"}),
    ("国务委员兼外交部长王毅在北京会见了越南外交部长裴青山。", "MEET", {"王毅": "host", "裴青山": "guest"}),
    ("中国国防部长董军在北京会见了来华出席论坛的老挝国防部部长占沙蒙·占娘拉上将。", "MEET",
     {"董军": "host", "占沙蒙·占娘拉": "guest"}),
    ("3月2日，越南国家副主席武氏映春会见了新西兰总理克里斯托弗·卢克森。", "MEET",
     {"武氏映春": "host", "克里斯托弗·卢克森": "guest"}),
    # TALKS
    ("越南国防部部长潘文江大将与中国国防部长董军上将在河内举行会谈。", "TALKS", {"潘文江": "party", "董军": "party"}),
    ("越南政府总理范明政同柬埔寨首相洪玛奈举行会谈。", "TALKS", {"范明政": "party", "洪玛奈": "party"}),
    ("以越南外交部长裴青山为首的越南代表团与以中国外交部长王毅为首的中国代表团举行会谈。", "TALKS",
     {"裴青山": "party", "王毅": "party"}),
    ("越南国家主席梁强与到访的印度尼西亚总统普拉博沃举行会谈。", "TALKS", {"梁强": "party", "普拉博沃": "party"}),
    ("越南公安部部长梁三光上将与老挝公安部部长维莱·拉坎冯举行正式会谈。", "TALKS",
     {"梁三光": "party", "维莱·拉坎冯": "party"}),
    ("6月10日下午，越南外交部长裴青山与日本外务大臣岩屋毅举行会谈。", "TALKS", {"裴青山": "party", "岩屋毅": "party"}),
    # VISIT
    ("应俄罗斯总统弗拉基米尔·普京的邀请，越共中央总书记苏林于5月8日至11日对俄罗斯进行正式访问。", "VISIT",
     {"苏林": "visitor", "弗拉基米尔·普京": "host"}),
    ("越南国家主席梁强对新加坡进行国事访问。", "VISIT", {"梁强": "visitor"}),
    ("越南国防部副部长黄春战上将率领越南国防部代表团对印度进行工作访问。", "VISIT", {"黄春战": "visitor"}),
    ("应越南政府总理范明政的邀请，新加坡总理黄循财对越南进行正式访问。", "VISIT",
     {"黄循财": "visitor", "范明政": "host"}),
    ("中国国务院总理李强对越南进行正式访问。", "VISIT", {"李强": "visitor"}),
    ("越南政府总理范明政隆重举行仪式，欢迎泰国总理佩通坦·钦那瓦访问越南。", "VISIT",
     {"范明政": "host", "佩通坦·钦那瓦": "visitor"}),
    # a relative clause's head ends where the main clause's predicate begins (在…时, a speech or event word)
    ("应越南国防部长潘文江大将的邀请，正在越南进行正式访问的新加坡国防部长黄永宏在会见越南国家主席梁强时表示，"
     "两国关系良好。", "VISIT", {"黄永宏": "visitor", "潘文江": "host"}),
    ("正在中国访问的越南政府总理范明政和越南外交部长裴青山出席了开幕式。", "VISIT",
     {"范明政": "visitor", "裴青山": "visitor"}),
    # CONFERENCE
    ("越南国防部副部长阮志咏上将与中国人民解放军副总参谋长孙建国上将共同主持了第五次越中国防部防务战略对话。",
     "CONFERENCE", {"阮志咏": "chair", "孙建国": "chair"}),
    ("越南政府副总理裴青山出席第十届澜湄合作外长会。", "CONFERENCE", {"裴青山": "attendee"}),
    ("东盟国防部长会议在吉隆坡举行，越南国防部部长潘文江大将出席会议。", "CONFERENCE", {"潘文江": "attendee"}),
    ("越南国防部副部长黄春战上将主持召开国防对外工作总结会议。", "CONFERENCE", {"黄春战": "chair"}),
    ("越南外交部副部长阮明武率团出席在雅加达举行的东盟高官会议。", "CONFERENCE", {"阮明武": "attendee"}),
    ("越南工贸部副部长阮黄龙和欧盟驻越南大使朱利安·盖里耶共同主持指导委员会会议。", "CONFERENCE",
     {"阮黄龙": "chair", "朱利安·盖里耶": "chair"}),
    # SIGN
    ("会谈结束后，越南国防部部长潘文江大将与俄罗斯国防部部长安德烈·别洛乌索夫签署了国防合作计划。", "SIGN",
     {"潘文江": "signatory", "安德烈·别洛乌索夫": "signatory"}),
    ("越南政府总理范明政与中国国务院总理李强共同见证了《两国铁路合作协定》签署仪式。", "SIGN",
     {"范明政": "witness", "李强": "witness"}),
    ("越南外交部长裴青山与老挝外交部长通沙万·丰威汉签订了《边境管理合作协议》。", "SIGN",
     {"裴青山": "signatory", "通沙万·丰威汉": "signatory"}),
    ("越南公安部部长梁三光上将与柬埔寨内政部大臣索盖签署合作备忘录。", "SIGN",
     {"梁三光": "signatory", "索盖": "signatory"}),
    # MESSAGE
    ("越南国家主席梁强向新当选的韩国总统李在明致贺电。", "MESSAGE", {"梁强": "sender", "李在明": "recipient"}),
    ("越南政府总理范明政向日本首相石破茂致慰问电。", "MESSAGE", {"范明政": "sender", "石破茂": "recipient"}),
    ("越南国会主席陈青敏向老挝国会主席赛宋蓬·丰威汉致贺信。", "MESSAGE",
     {"陈青敏": "sender", "赛宋蓬·丰威汉": "recipient"}),
    ("越南国家主席梁强向缅甸国家管理委员会主席敏昂莱致唁电。", "MESSAGE", {"梁强": "sender", "敏昂莱": "recipient"}),
    ("中国国家主席习近平致电越南国家主席梁强，祝贺他当选国家主席。", "MESSAGE",
     {"习近平": "sender", "梁强": "recipient"}),
    # CALL
    ("越南政府总理范明政与日本首相石破茂通电话。", "CALL", {"范明政": "party", "石破茂": "party"}),
    ("越南外交部长裴青山与美国国务卿鲁比奥举行电话会谈。", "CALL", {"裴青山": "party", "鲁比奥": "party"}),
    ("越南国防部部长潘文江大将与中国国防部长董军上将举行视频通话。", "CALL", {"潘文江": "party", "董军": "party"}),
    # CREDENTIALS
    ("越南国家主席梁强在主席府接受新任日本驻越南大使伊藤直树递交国书。", "CREDENTIALS",
     {"梁强": "receiver", "伊藤直树": "envoy"}),
    ("越南国家主席梁强接受多国新任驻越大使递交国书。", "CREDENTIALS", {"梁强": "receiver"}),
    # EXERCISE
    ("越南海军与中国海军在北部湾举行联合巡逻。", "EXERCISE", {"越南海军": "party", "中国海军": "party"}),
    ("越南人民军与柬埔寨皇家军队举行联合演习。", "EXERCISE", {"越南人民军": "party", "柬埔寨皇家军队": "party"}),
    # AID
    ("中国政府向越南提供50万美元援助款项，用于灾后重建。", "AID", {"中国政府": "donor"}),
    ("日本政府通过日本驻越南大使馆向越南红十字会捐赠30万美元。", "AID", {"日本政府": "donor"}),
]


@pytest.mark.parametrize(("sentence", "typ", "expected"), CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_event_roles(kb: KnowledgeBase, sentence: str, typ: str, expected: dict[str, str]) -> None:
    events, _ = run(kb, sentence)
    of_type = [e for e in events if e.type == typ]
    assert of_type, f"no {typ} in {[(e.type, roles(e)) for e in events]}"
    got = roles(of_type[0])
    for name, role in expected.items():
        assert got.get(name) == role, f"{name}: {got}"
    assert set(got) <= set(expected) | {n for n in got if got[n] not in expected.values()}


NEGATIVE = [
    "越南政府总理范明政将于下月对日本进行正式访问。",  # future
    "越南国防部部长潘文江大将诚挚邀请中国国防部长董军出席庆典。",  # invitation
    "越南国家主席梁强即将出席亚太经合组织领导人非正式会议。",  # future
    "两国在双方所签署的协议框架内推进国防合作。",  # background: what was signed earlier
    "会谈时，越南国防部部长潘文江大将高度评价两国防务合作。",  # back-reference to talks told elsewhere
    "越南在南苏丹开设了二级野战医院。",  # background fact
    "越通社记者阮文安报道。",  # byline
    "此次访问期间，双方将讨论经贸合作。",  # back-reference and future
    "越南希望中国与东盟早日签署有效的东海行为准则。",  # a wish, not a signing
    "越南主动积极参加国防对外活动。",  # no event
]


@pytest.mark.parametrize("sentence", NEGATIVE, ids=[f"neg-{i}" for i in range(len(NEGATIVE))])
def test_negative(kb: KnowledgeBase, sentence: str) -> None:
    events, _ = run(kb, sentence)
    assert [e for e in events if e.scope == "international"] == [], [(e.type, roles(e)) for e in events]


def test_domestic_scope(kb: KnowledgeBase) -> None:
    events, _ = run(kb, "越南政府总理范明政主持召开国家网络安全指导委员会会议。")
    assert events and all(e.scope == "domestic" for e in events)


def test_international_scope_abroad(kb: KnowledgeBase) -> None:
    events, _ = run(kb, "越南国防部副部长黄春战上将率团出席在俄罗斯首都莫斯科举行的国际安全会议。")
    conf = [e for e in events if e.type == "CONFERENCE"]
    assert conf and conf[0].scope == "international"
    assert conf[0].location == {"name": "莫斯科", "country": "RUS"}


def test_several_messages_in_one_sentence(kb: KnowledgeBase) -> None:
    text = ("越南国家主席梁强向泰国国王玛哈·哇集拉隆功致贺电；越南政府总理范明政向泰国总理阿努廷·参威拉恭致贺电。")
    events, _ = run(kb, text)
    msgs = [e for e in events if e.type == "MESSAGE"]
    assert [(roles(e).get("梁强"), roles(e).get("范明政")) for e in msgs] == [("sender", None), (None, "sender")]
    assert all(e.subtype == "congratulation" for e in msgs)


def test_separate_meetings(kb: KnowledgeBase) -> None:
    events, _ = run(kb, "中国国防部长董军在北京分别会见了越南国防部部长潘文江和老挝国防部部长占沙蒙·占娘拉。")
    meets = [e for e in events if e.type == "MEET"]
    assert len(meets) == 2
    assert {frozenset(roles(e).items()) for e in meets} == {
        frozenset({("董军", "host"), ("潘文江", "guest")}), frozenset({("董军", "host"), ("占沙蒙·占娘拉", "guest")})}


def test_headline_and_lead_are_one_event(kb: KnowledgeBase) -> None:
    lead = "越南国防部部长潘文江大将与中国国防部长董军上将在河内举行会谈。"
    body = lead + "\n会谈时，两位部长就双边合作交换了意见。\n" + lead
    events, _ = run(kb, body, title="越南国防部部长潘文江与中国国防部长董军举行会谈")
    talks = [e for e in events if e.type == "TALKS"]
    assert len(talks) == 1 and len(talks[0].sources) == 2


def test_plural_back_reference_signs(kb: KnowledgeBase) -> None:
    body = ("越南国防部部长潘文江大将与中国国防部长董军上将举行会谈。\n"
            "会谈结束后，两位部长签署了《边境国防合作备忘录》。")
    events, _ = run(kb, body)
    sign = [e for e in events if e.type == "SIGN"]
    assert sign and roles(sign[0]) == {"潘文江": "signatory", "董军": "signatory"}
    assert sign[0].document == "边境国防合作备忘录"


def test_evidence_offsets(kb: KnowledgeBase) -> None:
    body = "越南与老挝加强合作。\n越南政府总理范明政同柬埔寨首相洪玛奈举行会谈。"
    doc = Document(doc_id="d1", kind="article", title="t", lead="越南与老挝加强合作。", body=body.split("\n"))
    events, _ = extract_events(doc, extract_actors(doc, kb), kb)
    src = events[0].sources[0]
    assert doc.section_text(src.section)[src.start:src.end] == src.evidence
    assert src.evidence.endswith("举行会谈。") and src.section == "body"


def test_caption_event(kb: KnowledgeBase) -> None:
    events, _ = run(kb, "两国关系不断发展。", captions=("越南国家主席梁强会见老挝国家主席通伦·西苏里。图自越通社",))
    meets = [e for e in events if e.type == "MEET"]
    assert meets and meets[0].sources[0].section == "caption"


def test_title_used_only_when_body_is_silent(kb: KnowledgeBase) -> None:
    events, _ = run(kb, "双方同意加强合作。", title="越南国家主席梁强向白俄罗斯总统卢卡申科致贺电", kind="teaser")
    assert [e.type for e in events] == ["MESSAGE"] and events[0].sources[0].section == "title"
    events, _ = run(kb, "越南国家主席梁强会见了中国驻越南大使何炜。", title="越南国家主席梁强向白俄罗斯总统卢卡申科致贺电")
    assert [e.type for e in events] == ["MEET"]


def test_aid_amount_and_codes(kb: KnowledgeBase) -> None:
    events, _ = run(kb, "中国政府向越南提供50万美元援助款项。")
    aid = [e for e in events if e.type == "AID"]
    assert aid and aid[0].amount == "50万美元" and (aid[0].plover, aid[0].cameo) == ("AID", "070")


def test_visit_location_is_destination(kb: KnowledgeBase) -> None:
    events, _ = run(kb, "越南国家主席梁强对新加坡进行国事访问。")
    assert events[0].location and events[0].location["name"] == "新加坡"


@pytest.mark.parametrize(("text", "name", "session"), [
    ("出席第三次越中国防安全副部长级战略对话会", "越中国防安全副部长级战略对话", 3),
    ("越中第九次边境国防友好交流活动期间", "越中边境国防友好交流", 9),
    ("大湄公河次区域合作第六次领导人会议", "大湄公河次区域合作领导人会议", 6),
    ("举行越南与欧盟可持续能源转型计划(SETP)第四次指导委员会会议", "越南与欧盟可持续能源转型计划指导委员会会议", 4),
    ("出席2025年第十一届全国对外新闻奖颁奖典礼", "全国对外新闻奖", 11),
    ("第12次东盟国防部长扩大会议", "东盟国防部长扩大会议", 12),
    ("自越韩第三次国防政策对话举行以来", "越韩国防政策对话", 3),
    ("出席第五届东盟国防部部长扩大会议", "东盟国防部长扩大会议", 5),
    ("中越北部湾第20次联合巡逻圆满结束", "中越北部湾联合巡逻", 20),
    ("双方舰艇分航，标志着中越两军第21次北部湾联合巡逻圆满结束", "中越两军北部湾联合巡逻", 21),
    ("两国海军舰艇在北部湾海域开展第21次北部湾联合巡逻", "北部湾联合巡逻", 21),
    ("双方认为第二次湄公河—日本合作领导人会议取得成功", "湄公河—日本合作领导人会议", 2),
    ("王毅欢迎黎怀忠来华通报越南共产党第十四次全国代表大会成果", "越南共产党全国代表大会", 14),
])
def test_mechanisms(kb: KnowledgeBase, text: str, name: str, session: int) -> None:
    found = find_mechanisms(text, kb)
    assert [(m.name, m.session) for m in found] == [(name, session)]


@pytest.mark.parametrize("text", ["第二次世界大战结束", "主持召开该委员会2026年第一次会议", "这是他第一次访问越南",
                                  "越南第十五届国会第九次会议选举他为国家主席"])
def test_no_mechanism(kb: KnowledgeBase, text: str) -> None:
    assert find_mechanisms(text, kb) == []


def test_statement_speaker_and_instruments(kb: KnowledgeBase) -> None:
    body = ("越南外交部长裴青山表示，两国应妥善处理海上分歧。\n"
            "关于东海问题，越南坚持遵守1982年《联合国海洋法公约》和《东海各方行为宣言》。\n"
            "他希望早日达成实质性、有效的“东海行为准则”。")
    _, statements = run(kb, body)
    assert len(statements) == 1
    st = statements[0]
    assert st.speaker == "裴青山" and st.topic == "东海" and st.instruments == ["UNCLOS", "DOC", "COC"]


def test_reporters_question_is_no_statement(kb: KnowledgeBase) -> None:
    body = ("外交部发言人毛宁主持例行记者会。\n"
            "有记者提问：菲律宾称将根据《联合国海洋法公约》在南海开展测量。中方对此有何评论？\n"
            "毛宁：中方将密切关注有关动向。")
    _, statements = run(kb, body)
    assert statements == []
    # a shortened name of the convention is the convention
    _, statements = run(kb, "越南国防部长潘文江表示，东海争端应在遵守1982年《联合国海洋公约》的基础上和平解决。")
    assert [s.instruments for s in statements] == [["UNCLOS"]]


def test_no_statement_without_topic(kb: KnowledgeBase) -> None:
    _, statements = run(kb, "越南外交部长裴青山表示，越南尊重《联合国宪章》。")
    assert statements == []


# ---------------------------------------------------------------- the sample pages


def _samples_events(kb: KnowledgeBase):
    from huitan.ingest import ReadOptions, read_inputs
    from huitan.page import clean_page

    out = {}
    for raw in read_inputs([str(SHARED / "samples")], ReadOptions()):
        for doc in clean_page(raw, kb).documents:
            events, statements = extract_events(doc, extract_actors(doc, kb), kb)
            out.setdefault(Path(raw.path).name, []).append((doc, events, statements))
    return out


def test_sample_pages(kb: KnowledgeBase) -> None:
    if not (SHARED / "samples").is_dir():
        pytest.skip("shared samples not present")
    gold = json.loads((SHARED / "gold" / "seeds.json").read_text(encoding="utf-8"))
    got = _samples_events(kb)
    found = 0
    required = [g for g in gold["events"] if not g.get("optional") and g["section"] == "body"]
    for g in required:
        names = {p["name"] for p in g["participants"]}
        for _doc, events, _ in got[g["doc"]]:
            if any(e.type == g["type"] and names <= {p.name for p in e.participants} | {
                    n for n in names if any(n.endswith(p.name.split("·")[-1]) for p in e.participants)}
                   for e in events):
                found += 1
                break
    assert found >= len(required) - 1
    speakers = {(g["doc"], g["speaker"]) for g in gold["statements"]}
    predicted = {(f, s.speaker) for f, docs in got.items() for _d, _e, sts in docs for s in sts}
    assert speakers <= predicted


def test_separate_talks(kb: KnowledgeBase) -> None:
    events, _ = run(kb, "中国国防部长董军在北京分别与越南国防部部长潘文江、老挝国防部部长占沙蒙·占娘拉举行会谈。")
    talks = [roles(e) for e in events if e.type == "TALKS"]
    assert talks == [{"董军": "party", "潘文江": "party"}, {"董军": "party", "占沙蒙·占娘拉": "party"}]


def test_talks_after_a_meeting_keep_the_subject(kb: KnowledgeBase) -> None:
    events, _ = run(kb, "越南国家主席梁强会见了中国驻越南大使何炜，并与老挝国会主席赛宋蓬·丰威汉举行会谈。")
    talks = [roles(e) for e in events if e.type == "TALKS"]
    assert talks == [{"梁强": "party", "赛宋蓬·丰威汉": "party"}]
    assert [roles(e) for e in events if e.type == "MEET"] == [{"梁强": "host", "何炜": "guest"}]


def test_visitor_who_meets_is_the_guest(kb: KnowledgeBase) -> None:
    # a visit stated first, then the visitor 会见 the visited side's leaders
    evs, _ = run(kb, "应越南国防部部长潘文江邀请，中国国防部长董军上将于4月对越南进行正式访问。"
                     "访问期间，董军会见了越南国家主席梁强。")
    meets = [e for e in evs if e.type == "MEET"]
    assert meets and roles(meets[0]) == {"梁强": "host", "董军": "guest"}
    # a relative clause of visiting on the subject: 在河内访问的…王毅会见…
    evs, _ = run(kb, "正在河内访问的中国外交部长王毅会见了越南政府总理范明政。")
    meets = [e for e in evs if e.type == "MEET"]
    assert meets and roles(meets[0]) == {"范明政": "host", "王毅": "guest"}
    # the host of a visit stays the host
    evs, _ = run(kb, "老挝国防部部长占沙蒙·占娘拉上将对越南进行正式访问。越南国家主席梁强会见了占沙蒙·占娘拉。")
    meets = [e for e in evs if e.type == "MEET"]
    assert meets and roles(meets[0]) == {"梁强": "host", "占沙蒙·占娘拉": "guest"}


def test_past_series_mention_dates_no_meeting(kb: KnowledgeBase) -> None:
    # 自…第N次对话召开以来: the series is referred back to; the sentence's exchanges are no session of it
    events, _ = run(kb, "自越日第五次国防政策对话举行以来，两国青年军官交流活动不断开展。")
    assert not any(e.mechanism for e in events)


def test_planned_meetings_and_thanks_for_a_meeting_are_no_events(kb: KnowledgeBase) -> None:
    # 将分别拜会…，与…举行会谈: every clause of the sentence is planned
    events, _ = run(kb, "访越期间，王毅将分别拜会越南国家主席梁强、政府总理范明政，与外交部长裴青山举行会谈。")
    assert not [e for e in events if e.type in ("MEET", "TALKS")]
    events, _ = run(kb, "据悉，目前已确定与老挝和柬埔寨国防部长会见。")
    assert not [e for e in events if e.type == "MEET"]
    # 感谢…拨冗会见 refers to the meeting being reported
    events, _ = run(kb, "中国外交部长王毅感谢越南政府总理范明政拨冗会见。")
    assert not [e for e in events if e.type == "MEET"]


def _messages(events) -> list[tuple[str, str]]:
    return sorted((next(p.name for p in e.participants if p.role == "sender"),
                   next((p.name for p in e.participants if p.role == "recipient"), ""))
                  for e in events if e.type == "MESSAGE")


def test_congratulation_roundups(kb: KnowledgeBase) -> None:
    # the honoree of 就X当选… / 对X被选为…表示祝贺 receives the message
    events, _ = run(kb, "柬埔寨首相洪玛奈就梁强当选越南国家主席发来贺电。")
    assert _messages(events) == [("洪玛奈", "梁强")]
    events, _ = run(kb, "老挝国家主席通伦和柬埔寨首相洪玛奈也发来贺电，对梁强当选越南国家主席表示祝贺。")
    assert _messages(events) == [("洪玛奈", "梁强"), ("通伦", "梁强")]
    # persons listed in comma-clauses before the sender
    events, _ = run(kb, "此外，老挝国家主席通伦，柬埔寨首相洪玛奈和新加坡总理黄循财等也发来贺电，对梁强当选国家主席表示祝贺。")
    assert _messages(events) == [("洪玛奈", "梁强"), ("通伦", "梁强"), ("黄循财", "梁强")]
    # a message known only by its content: X在贺电中表示 / X在致给Y的贺电中强调
    events, _ = run(kb, "值此梁强当选越南国家主席之际，多国领导人发来贺电。\n中国国家主席习近平在贺电中表示，中方高度重视中越关系。")
    assert _messages(events) == [("习近平", "梁强")]
    events, _ = run(kb, "老挝国家主席通伦在致给越南国家主席梁强的贺电中强调两国特殊关系。")
    assert _messages(events) == [("通伦", "梁强")]
    # 向他致贺电并通电话: the honoree also takes the call
    events, _ = run(kb, "老挝国家主席通伦就梁强当选越南国家主席向他致贺电并通电话表示祝贺。")
    calls = [e for e in events if e.type == "CALL"]
    assert _messages(events) == [("通伦", "梁强")] and calls and set(roles(calls[0])) == {"通伦", "梁强"}


def test_condolences_to_a_family_and_by_letter(kb: KnowledgeBase) -> None:
    # the deceased's family is meant, not the deceased; 唁信 is a condolence too
    events, _ = run(kb, "获悉越南原国家主席陈德良逝世，老挝国家主席通伦向越南党、国家和陈德良同志家属致唁电。")
    assert _messages(events) == [("通伦", "")]
    events, _ = run(kb, "马来西亚总理安瓦尔向越南国家主席梁强致唁信。")
    assert _messages(events) == [("安瓦尔", "梁强")] and events[0].subtype == "condolence"


def test_backref_word_starting_a_name_is_no_backref(kb: KnowledgeBase) -> None:
    # 拜访中国…: 中 begins the host's title, it does not make 拜访 a back-reference (…会谈中)
    events, _ = run(kb, "越南驻华大使范青平在北京拜访中国国防部长董军。")
    meets = [e for e in events if e.type == "MEET"]
    assert meets and roles(meets[0]) == {"范青平": "guest", "董军": "host"}


def test_subject_before_a_comma_and_a_time(kb: KnowledgeBase) -> None:
    # X，星期二分别同A和B会面: X is the subject, one meeting with each
    events, _ = run(kb, "正在河内访问的新加坡国防部长黄永宏，星期三分别同越南政府总理范明政和越南国防部部长潘文江会面。")
    meets = sorted(sorted(roles(e).items()) for e in events if e.type == "MEET")
    assert meets == sorted([sorted({"黄永宏": "guest", "范明政": "host"}.items()),
                            sorted({"黄永宏": "guest", "潘文江": "host"}.items())])


def test_one_visit_however_many_hosts_are_named(kb: KnowledgeBase) -> None:
    events, _ = run(kb, "应日本防卫大臣中谷元邀请，越南国防部部长潘文江对日本进行正式访问。"
                        "日本首相石破茂欢迎潘文江对日本进行访问。")
    visits = [e for e in events if e.type == "VISIT"]
    assert len(visits) == 1 and roles(visits[0])["潘文江"] == "visitor"
    # two visitors' visits stay apart
    events, _ = run(kb, "越南国家主席梁强对日本进行国事访问。老挝国家主席通伦对日本进行国事访问。")
    assert len([e for e in events if e.type == "VISIT"]) == 2


def test_one_session_named_short_and_long(kb: KnowledgeBase) -> None:
    # X举行首届Y (the name cut at 举行) and 首届XY in the next sentence are one meeting, under the full name
    events, _ = run(kb, "越南与老挝举行首届边境国防友好交流活动。\n"
                        "12月1日，首届越南—老挝边境国防友好交流活动在越南奠边省举行。")
    confs = [e for e in events if e.type == "CONFERENCE"]
    assert len(confs) == 1 and confs[0].mechanism == {"name": "越南—老挝边境国防友好交流", "session": 1}


def test_heads_of_two_delegations_chair_a_dialogue(kb: KnowledgeBase) -> None:
    events, _ = run(kb, "5月8日，由越南国防部副部长黄春战上将为首的越南代表团与由老挝国防部副部长翁坎中将为首的老挝代表团"
                        "进行第五次越老国防政策对话。")
    confs = [e for e in events if e.type == "CONFERENCE"]
    assert confs and roles(confs[0]) == {"黄春战": "chair", "翁坎": "chair"}
    assert confs[0].mechanism == {"name": "越老国防政策对话", "session": 5}
    # the heads named in the next sentence
    events, _ = run(kb, "5月8日，第五次越老国防政策对话在万象举行。越南代表团由越南国防部副部长黄春战上将为团长，"
                        "老挝代表团由老挝国防部副部长翁坎中将为团长。")
    confs = [e for e in events if e.type == "CONFERENCE"]
    assert confs and roles(confs[0]) == {"黄春战": "chair", "翁坎": "chair"}
    # one head a sentence; a single head is no co-chair
    events, _ = run(kb, "2019年越日国防政策对话5月8日在河内举行。越南代表团以越南国防部副部长阮志咏为团长。"
                        "日本代表团以日本防卫审议官武田博史为团长。")
    confs = [e for e in events if e.type == "CONFERENCE"]
    assert confs and set(roles(confs[0])) == {"阮志咏", "武田博史"}
    events, _ = run(kb, "东盟国防高官会5月8日在万象举行。越南代表团以越南国防部副部长黄春战为团长。")
    assert not any(roles(e).get("黄春战") == "chair" for e in events)


def test_recalled_mentioned_or_thanked_for_events_are_no_new_events(kb: KnowledgeBase) -> None:
    for text in ("越共中央总书记苏林回顾了2024年8月对中国的国事访问。",
                 "越南驻日大使提及日本海上自卫队舰艇访问越南金兰港。",
                 "柬埔寨国防大臣迪西哈感谢越南签署多项合作文件。",
                 "美国国防部长奥斯汀曾访问越南。"):
        events, _ = run(kb, text)
        assert not [e for e in events if e.type in ("VISIT", "SIGN", "EXERCISE")], text


def test_two_heads_listed_before_chairing_talks(kb: KnowledgeBase) -> None:
    events, _ = run(kb, "越南国防部副部长黄春战上将，老挝国防部副部长翁坎中将主持会谈。")
    talks = [e for e in events if e.type == "TALKS"]
    assert talks and roles(talks[0]) == {"黄春战": "party", "翁坎": "party"}


def test_caption_restating_a_meeting_is_the_same_meeting(kb: KnowledgeBase) -> None:
    events, _ = run(kb, "越南国防部部长潘文江会见了老挝国防部长占沙蒙。",
                    captions=("越南国防部部长潘文江与老挝国防部长占沙蒙举行会谈。",))
    assert [e.type for e in events if e.type in ("MEET", "TALKS")] == ["MEET"]
    # in the body, a meeting and talks between the same two stay two events
    events, _ = run(kb, "越南国防部部长潘文江会见了老挝国防部长占沙蒙。随后，潘文江与占沙蒙举行会谈。")
    assert sorted(e.type for e in events if e.type in ("MEET", "TALKS")) == ["MEET", "TALKS"]


def test_planned_and_institution_only_meetings(kb: KnowledgeBase) -> None:
    events, _ = run(kb, "按计划，访问期间，中国海军编队指挥员拜会庆和省领导。")
    assert not [e for e in events if e.type == "MEET"]
    events, _ = run(kb, "中国国防部长梁光烈上将将率代表团于10月10日赴越南出席会议，并对越南进行访问。")
    assert not [e for e in events if e.type == "VISIT"]
    events, _ = run(kb, "这次会议为东盟-韩国国防部长非正式会晤做好准备。")
    assert not [e for e in events if e.type == "MEET"]


def test_meeting_abroad_makes_the_subject_the_guest(kb: KnowledgeBase) -> None:
    events, _ = run(kb, "在新加坡期间，越南国防部部长潘文江会见了新加坡国防部长黄永宏。")
    meets = [e for e in events if e.type == "MEET"]
    assert meets and roles(meets[0]) == {"潘文江": "guest", "黄永宏": "host"}
    events, _ = run(kb, "在越南国家主席梁强对老挝进行国事访问期间，越南外交部长裴青山会见了老挝外长沙伦赛。")
    meets = [e for e in events if e.type == "MEET"]
    assert meets and roles(meets[0]) == {"裴青山": "guest", "沙伦赛": "host"}
    # at home the subject stays the host
    events, _ = run(kb, "在河内期间，越南国防部部长潘文江会见了新加坡国防部长黄永宏。")
    meets = [e for e in events if e.type == "MEET"]
    assert meets and roles(meets[0]) == {"潘文江": "host", "黄永宏": "guest"}


def test_session_of_a_planned_trip_is_kept(kb: KnowledgeBase) -> None:
    # the planned visit is no event, but the numbered session it names is still a session of its series
    events, _ = run(kb, "越南国防部长潘文江将率团于11月1日至3日赴老挝出席第十八届东盟国防部长会议，并对老挝进行访问。")
    assert not [e for e in events if e.type == "VISIT"]
    assert [e.mechanism for e in events] == [{"name": "东盟国防部长会议", "session": 18}]
    assert all(e.scope == "domestic" for e in events)


def test_headline_names_the_meeting_the_text_only_refers_to(kb: KnowledgeBase) -> None:
    events, _ = run(kb, "在对话会上，双方就地区形势交换意见。\n会上，双方同意加强合作。", title="越南与印度举行第十三次国防政策对话")
    assert [e.mechanism for e in events] == [{"name": "国防政策对话", "session": 13}]


def test_visiting_group_attends_the_meeting_its_speaker_attends(kb: KnowledgeBase) -> None:
    body = ("中国外交部长王毅、公安部长王小洪和国防部长董军对越南进行访问。\n"
            "王毅表示，此次到越南出席“3+3”战略对话机制首次部长级会议，旨在落实两党领导人共识。")
    events, _ = run(kb, body)
    confs = [e for e in events if e.type == "CONFERENCE"]
    assert confs and roles(confs[0]) == {"王毅": "attendee", "王小洪": "attendee", "董军": "attendee"}


def test_session_numerals_read_as_cn2an_reads_them() -> None:
    import cn2an

    from huitan.mechanisms import numeral

    digits = "一二三四五六七八九"
    spans = ["两", "〇", "零", "一百零五", "3", "12", "一百", "二百二十"] + list(digits + "十")
    spans += [f"{a}十{b}" for a in ["", *digits] for b in ["", *digits]]  # every number up to 99
    for span in spans:
        assert numeral(span) == int(cn2an.cn2an(span, "smart")), span
