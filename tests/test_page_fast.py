"""The fast paths of page cleaning and signing agree with their plain definitions.

fold against NFKC, gated patterns against the bare patterns, doc ids from line keys against the key of the joined text,
converting the page against converting each line, and the near-duplicate index's similarity.
"""

from __future__ import annotations

import hashlib
import re
import sys
import unicodedata

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huitan.dedup import DedupOptions, NearDuplicates, minhash, minhashes, permutations, shingle_hashes
from huitan.kb import KnowledgeBase
from huitan.model import Document
from huitan.page import MD_LINK, TITLE_TAIL, doc_id_for, markers, norm_key, text_lines, to_simplified
from huitan.textutil import Gate, Gated, fold, required_chars

# characters the page patterns care about, and some they do not
ALPHABET = st.sampled_from(list(
    "图圖摄攝照资料附配截供自源片来源于越通社新华中央记者河内月日年期周星 \u3000\t|｜-—–:：/()（）[]!。，,"
    "hìnảa0123456789VNAdte联合lián发fāDOC()](x)•·h\u0301"))
TEXT = st.text(ALPHABET, max_size=60)


@pytest.fixture(scope="module")
def page_patterns(kb: KnowledgeBase) -> list[Gated]:
    mk = markers(kb)
    return [mk.caption, mk.image, mk.gloss, MD_LINK, TITLE_TAIL]


def test_the_gates_hold_the_characters_every_match_needs(kb: KnowledgeBase):
    mk = markers(kb)
    assert required_chars(mk.caption.pattern) == set("图圖摄攝照")
    assert required_chars(mk.image.pattern) == set("hìả!")
    assert required_chars(re.compile("a?b")) == {"b"}
    assert required_chars(re.compile("(?:x|y+)z*")) == {"x", "y"}
    assert required_chars(re.compile("x|b?")) is None
    assert required_chars(re.compile("[^a]b", re.I)) is None
    assert Gate([re.compile("a"), re.compile(r"\d")]).passes("z")  # one pattern with no gate: no gate


@settings(max_examples=400, deadline=None)
@given(texts=st.lists(TEXT, min_size=1, max_size=10))
def test_gated_patterns_answer_as_the_bare_ones(page_patterns: list[Gated], texts: list[str]):
    for g in page_patterns:
        for t in texts:
            bare = g.pattern.search(t)
            fast = g.search(t)
            assert (fast and fast.span()) == (bare and bare.span())
            assert g.split(t) == g.pattern.split(t)
            assert g.sub("", t) == g.pattern.sub("", t)


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(TEXT, min_size=1, max_size=10))
def test_published_gate_lets_every_stamp_through(kb: KnowledgeBase, texts: list[str]):
    mk = markers(kb)
    for t in [*texts, "date 2024-10-26", "2024年12月1日 星期日", "03/05/2025 05:34", "2019-05-03 05:31"]:
        if any(p.match(t) for p in mk.published):
            assert mk.published_gate.passes(t)


def test_fold_is_nfkc_on_every_character():
    chars = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
    assert [fold(c) for c in chars] == [unicodedata.normalize("NFKC", c) for c in chars]


@settings(max_examples=500, deadline=None)
@given(text=st.text(st.characters(codec="utf-8"), max_size=12) | st.text(st.sampled_from(
    "ạ́êả각가ﬁ①（，）ｶﾞ゙゚ཱིྀ"), max_size=12))
def test_fold_is_nfkc(text: str):
    assert fold(text) == unicodedata.normalize("NFKC", text)


def _doc_id_reference(title: str, body: list[str]) -> str:
    h = hashlib.sha1((norm_key(title) + "\n" + norm_key("\n".join(body))).encode("utf-8"))
    return h.hexdigest()[:16]


@settings(max_examples=400, deadline=None)
@given(title=TEXT, body=st.lists(st.text(max_size=30) | TEXT, max_size=6))
def test_doc_id_from_line_keys_is_the_key_of_the_text(title: str, body: list[str]):
    assert doc_id_for(title, body) == _doc_id_reference(title, body)


TRADITIONAL = ["越南國防部長潘文江與中國國防部長董軍舉行會談", "兩國同意深化合作 | 中央社", "　沈默　",
               "藉口瞭解 後來 乾隆", "| 發言人表示，雙方將加強聯繫。 |", "裡面", "著名的鐘錶"]


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(st.sampled_from(TRADITIONAL) | TEXT, min_size=1, max_size=8))
def test_the_lines_of_the_converted_page_are_the_converted_lines(lines: list[str]):
    text = "\n".join(lines)
    assert text_lines(to_simplified(text)) == [to_simplified(ln) for ln in text_lines(text)]


def test_index_similarity_is_the_share_of_equal_values():
    opts = DedupOptions()
    nd = NearDuplicates(opts)
    base = "越南国防部长会见来访的老挝国防部长，双方回顾了两军在人员培训、边境管理和搜救方面的合作成果。"
    docs = [Document(doc_id=f"d{i}", kind="article", title="会谈", lead="", body=[base[:40 + i] + "。"])
            for i in range(6)]
    sigs = [minhash(d.title + d.body[0], opts) for d in docs]
    for d, s in zip(docs[:-1], sigs[:-1], strict=True):
        nd.add(d.doc_id, d.kind, s.tobytes())
    near, sig = nd.find(docs[-1], sigs[-1].tobytes())
    sims = [float(np.mean(s == sigs[-1])) for s in sigs[:-1]]
    best = int(np.argmax(sims))
    assert sig == sigs[-1].tobytes()
    assert near == (docs[best].doc_id if sims[best] >= opts.threshold else None)


def _minhash_reference(text: str, opts: DedupOptions) -> np.ndarray:
    """:func:`minhash` of one text, as defined: the minimum of each hash function over its shingles."""
    a, b = permutations(opts.num_perm)
    hv = np.multiply.outer(a, shingle_hashes(text, opts.shingle)) + b[:, None]
    return (hv.min(axis=1) >> np.uint64(32)).astype(np.uint32)


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(st.text(max_size=3) | TEXT, min_size=1, max_size=6), k=st.integers(1, 4))
def test_a_pages_signatures_at_once_are_each_texts(texts: list[str], k: int):
    opts = DedupOptions(shingle=k)
    assert minhashes(texts, opts).tolist() == [_minhash_reference(t, opts).tolist() for t in texts]
