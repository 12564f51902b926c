"""Page cleaning (spec §1) on hand-written pages, and on the shared samples when present."""

from __future__ import annotations

import json

import pytest

from huitan.model import RawPage
from huitan.page import clean_page, detect_script, doc_id_for, norm_key

from .conftest import SHARED

VNA_PAGE = """越老两国国防部长举行会谈

3月5日上午在万象,越南国防部长潘文江与老挝国防部长占沙蒙·占雅拉举行会谈,双方同意加强防务合作。
3月5日上午在万象,越南国防部长潘文江与老挝国防部长占沙蒙·占雅拉举行会谈,双方同意加强防务合作。
越老两国国防部长举行会谈 ảnh 1会谈现场。图自越通社

越通社万象——3月5日上午在万象,越南国防部长潘文江与老挝国防部长占沙蒙·占雅拉举行会谈,双方同意加强防务合作。

潘文江部长表示,越老特殊团结关系是两国的宝贵财产。

会谈结束后,两位部长签署了2024年防务合作计划。(越通社)

越通社

更多

会见场景。图自越通社

越南国家主席会见柬埔寨首相

越南国家主席在河内会见了来访的柬埔寨首相,双方同意推动两国关系发展。

只有标题的一条新闻

另一条新闻的标题

另一条新闻的导语,说明了这条新闻的主要内容和背景情况。
"""


def page(text: str, path: str = "p.txt") -> RawPage:
    return RawPage(path=path, text=text)


def test_article_title_lead_body(kb):
    r = clean_page(page(VNA_PAGE), kb)
    a = r.article
    assert a is not None
    assert a.title == "越老两国国防部长举行会谈"
    assert a.lead.startswith("3月5日上午在万象")
    # lead once (exact repeat collapsed), the dateline paragraph kept, two more; the signature dropped
    assert len(a.body) == 4
    assert a.body[-1].endswith("(越通社)")
    assert "越通社" not in a.body
    assert all("ảnh" not in p for p in a.body)
    assert a.captions == ["会谈现场。图自越通社"]
    assert a.dateline == {"place": "万象", "outlet": "越通社"}
    assert a.outlet == "越通社"


def test_teasers_headline_caption_lead(kb):
    r = clean_page(page(VNA_PAGE), kb)
    titles = [t.title for t in r.teasers]
    assert titles == ["越南国家主席会见柬埔寨首相", "只有标题的一条新闻", "另一条新闻的标题"]
    first, alone, last = r.teasers
    assert first.captions == ["会见场景。图自越通社"]
    assert first.lead.startswith("越南国家主席在河内会见")
    assert alone.body == [] and alone.lead == ""
    assert last.body == [last.lead]
    assert all(t.kind == "teaser" for t in r.teasers)
    assert all(t.sources[0]["page"] == r.article.doc_id for t in r.teasers)


def test_navigation_noise_before_title(kb):
    text = "首页\n国际\n字体大小:\n订户\n今日头条新闻列表一\n\n越南与印度举行防务政策对话\n\n" \
           "11月12日,越南与印度第十三次防务政策对话在新德里举行,双方回顾了近年来的防务合作成果。\n\n" \
           "双方同意加强在维和、军事医学和网络安全领域的合作。"
    r = clean_page(page(text), kb)
    assert r.article.title == "越南与印度举行防务政策对话"
    assert len(r.article.body) == 2
    assert r.teasers == []


def test_traditional_converted_original_kept(kb):
    text = "越南國防部長與中國國防部長舉行會談\n\n4月17日上午，越南國防部長潘文江大將與中國國防部長董軍上將舉行會談，雙方就兩軍關係交換了意見。"
    r = clean_page(page(text), kb)
    a = r.article
    assert a.script == "traditional"
    assert a.title == "越南国防部长与中国国防部长举行会谈"
    assert "董军上将举行会谈" in a.lead
    assert "董軍上將" in a.original


def test_detect_script():
    assert detect_script("越南国防部长潘文江与中国国防部长董军举行会谈") == "simplified"
    assert detect_script("越南國防部長潘文江與中國國防部長董軍舉行會談") == "traditional"


def test_doc_id_is_stable_under_spacing_and_width():
    assert doc_id_for("标题", ["一，二。"]) == doc_id_for("标题 ", ["一,二。"])
    assert doc_id_for("标题", ["一"]) != doc_id_for("标题", ["二"])
    assert norm_key("１２ 月") == "12月"


def test_published_from_dated_header(kb):
    text = " date 2025-12-05 快讯\n\n越南与日本举行外交国防对话\n\n中央社／ 河内5日专电\n\n" \
           "越南与日本4日在河内举行首次副部长级外交与国防对话,双方讨论了地区安全问题。"
    r = clean_page(page(text), kb)
    assert r.article.published == "2025-12-05"
    assert r.article.title == "越南与日本举行外交国防对话"


def test_html_with_related_block(kb):
    html = """<html><head><meta property="article:published_time" content="2024-05-02T08:00:00Z"></head><body>
    <nav><a href="/">首页</a><a href="/a">国际</a></nav>
    <article><h1>越南与泰国举行防务合作会议</h1>
    <p>5月2日上午,越南与泰国在曼谷举行第九次防务政策对话,双方回顾了近年来两国防务合作的成果。</p>
    <p>双方同意继续加强在培训和防务工业领域的合作。</p></article>
    <aside><h3>更多</h3><ul><li>越南与老挝加强边境合作</li></ul></aside></body></html>"""
    r = clean_page(RawPage(path="x.html", html=html, fmt="html"), kb)
    assert r.article.title == "越南与泰国举行防务合作会议"
    assert r.article.published == "2024-05-02"
    assert len(r.article.body) == 2
    assert [t.title for t in r.teasers] == ["越南与老挝加强边境合作"]


def test_page_without_text_is_an_error(kb):
    with pytest.raises(ValueError):
        clean_page(page("hello world\nonly latin text here"), kb)


def test_samples_match_reference(kb, samples_dir):
    """Title, paragraph count, first and last paragraph, and teaser titles of every sample page."""
    gold = json.loads((SHARED / "gold" / "seeds.json").read_text(encoding="utf-8"))
    for g in gold["documents"]:
        text = (samples_dir / g["file"]).read_text(encoding="utf-8")
        r = clean_page(page(text, g["file"]), kb)
        a = r.article
        assert a.title == g["title"], g["file"]
        assert len(a.body) == g["body_paragraphs"], g["file"]
        assert norm_key(a.body[0]).startswith(norm_key(g["body_starts"])), g["file"]
        assert norm_key(a.body[-1]).endswith(norm_key(g["body_ends"])), g["file"]
        assert {norm_key(t.title) for t in r.teasers} == {norm_key(t) for t in g["related_titles"]}, g["file"]


def test_corpus_titles_match_reference(kb, corpus_dir):
    gold = json.loads((SHARED / "gold" / "corpus-dev.json").read_text(encoding="utf-8"))
    from huitan.ingest import ReadOptions, read_path

    checked = right = 0
    for g in gold["documents"]:
        if "title" not in g:
            continue
        raw = next(read_path(str(corpus_dir / g["file"]), ReadOptions()))
        r = clean_page(raw, kb)
        checked += 1
        right += bool(r.article) and r.article.title == g["title"]
    assert checked and right / checked >= 0.9


def test_headline_strip_and_pinyin_glosses(kb):
    strip = ("越南总理会见日本客人并讨论合作 胡志明市与中国各地加强合作交流 越南政府总理指示执行增长任务 "
             "河内市举办新年文化活动迎接春节")
    text = f"{strip}\n\n中越举行联合巡逻\n\n中越两国海军6月22日在北部湾举行联(lián)合巡逻,发(fā)言人表示巡逻取得圆满成功(DOC)。"
    r = clean_page(page(text), kb)
    assert r.article.title == "中越举行联合巡逻"
    assert r.article.body == ["中越两国海军6月22日在北部湾举行联合巡逻,发言人表示巡逻取得圆满成功(DOC)。"]


def test_numeric_stamp_after_lead_is_the_publication_date(kb):
    text = ("越南与老挝举行会谈\n\n3月5日上午,越南国防部长与老挝国防部长在河内举行会谈,双方同意加强维和合作。\n"
            "03/05/2025 05:34\n\n双方还就共同关心的问题交换了意见。")
    r = clean_page(page(text), kb)
    assert r.article.published == "2025-03-05"
    assert all("05:34" not in p for p in r.article.body)
    text2 = text.replace("03/05/2025", "25/03/2025")
    assert clean_page(page(text2), kb).article.published == "2025-03-25"


def test_more_stamp_forms(kb):
    body = "\n\n10月29日,第十届香山论坛在北京开幕,多国防务部门领导人出席论坛并发表讲话。"
    assert clean_page(page("香山论坛开幕" + "\n\n洪毅 2023年10月30日 10:38:00" + body), kb).article.published == "2023-10-30"
    assert clean_page(page("香山论坛开幕" + "\n\n2019-05-03 05:31" + body), kb).article.published == "2019-05-03"


def test_photo_story_every_paragraph_credited(kb):
    credit = "越通社记者 黎明摄"
    text = "\n".join([
        f"11月16日,越南国防部以视频方式举行东盟防务高官会议。{credit}",
        f"会议旨在促进东盟各国之间的防务合作,发挥越南作为东盟轮值主席国的协调作用,推动各项合作取得实效。{credit}",
        f"各国代表在会上介绍了本国防务合作的最新进展,并就下一阶段的合作方向交换了意见和建议。{credit}",
    ])
    r = clean_page(page(text), kb)
    assert len(r.article.body) == 2
    assert r.article.body[0].startswith("会议旨在促进")
