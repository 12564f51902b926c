"""The scans of actor extraction that start from a rarer character agree with the plain regex scan.

``_vi_names`` tries the Vietnamese-name pattern only before a middle character (氏, 文) instead of at
every offset; ``_dot_runs`` skips a text without a name dot. Each is checked against the plain scan on
every section of the pages at hand and on generated text.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huitan.actors import DOTS, RUN_AFTER_RE, RUN_BEFORE_RE, _dot_runs, _name_dots, _vi_names
from huitan.kb import KnowledgeBase
from huitan.lexicon import Lexicon, lexicon


@pytest.fixture(scope="module")
def lex(kb: KnowledgeBase) -> Lexicon:
    return lexicon(kb)


@pytest.fixture(scope="module")
def texts(page_documents: list) -> list[str]:
    return sorted({d.section_text(s) for d in page_documents for s in ("title", d.body_section, "caption")})


def _spans(matches) -> list[tuple[int, int]]:
    return [m.span() for m in matches]


def _dot_runs_reference(text: str) -> list[tuple[int, int]]:
    """The runs around every name dot, with no test for a dot first."""
    runs: list[tuple[int, int]] = []
    for a, b in _name_dots(text):
        after = RUN_AFTER_RE.match(text, b)
        end = after.end() if after else b
        if runs and runs[-1][1] >= a:
            runs[-1] = (runs[-1][0], end)
            continue
        before = RUN_BEFORE_RE.search(text, max(0, a - 16), a)
        runs.append((before.start() if before else a, end))
    return runs


def test_vi_names_are_the_regex_matches(lex: Lexicon, texts: list[str]) -> None:
    found = 0
    for text in texts:
        got = _spans(_vi_names(text, lex))
        assert got == _spans(lex.vi_name_re.finditer(text)), text
        found += len(got)
    assert found > 10


def test_dot_runs_skip_only_texts_without_dots(texts: list[str]) -> None:
    found = 0
    for text in texts:
        got = _dot_runs(text)
        assert got == _dot_runs_reference(text), text
        found += len(got)
    assert found > 10


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_vi_names_on_generated_text(lex: Lexicon, data: st.DataObject) -> None:
    # surnames, the middle characters (氏 and 文 are surnames too), other characters, a dot and punctuation
    alphabet = sorted(set("阮黎范文氏明怀年国防部长、，。 ·A") | set(lex.vi_middles))
    text = data.draw(st.text(alphabet=alphabet, max_size=40))
    assert _spans(_vi_names(text, lex)) == _spans(lex.vi_name_re.finditer(text))
    assert _dot_runs(text) == _dot_runs_reference(text)
    assert any(d in text for d in DOTS) or _dot_runs(text) == []
