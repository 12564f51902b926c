"""Shared fixtures: the knowledge base, a temporary database, and the shared sample pages when present."""

from __future__ import annotations

from pathlib import Path

import pytest

from huitan.ingest import InputError, read_inputs
from huitan.kb import KnowledgeBase
from huitan.model import Document
from huitan.page import clean_page

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EXAMPLES = ROOT / "examples" / "pages"


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return KnowledgeBase()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.db"


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    d = SHARED / "samples"
    if not d.is_dir():
        pytest.skip("../shared/samples is not present")
    return d


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    d = SHARED / "corpus" / "pages"
    if not d.is_dir():
        pytest.skip("../shared/corpus is not present")
    return d


@pytest.fixture(scope="session")
def page_documents(kb: KnowledgeBase) -> list[Document]:
    """The documents of every page at hand: the examples, and the shared corpus and samples when present."""
    out: list[Document] = []
    for src in (EXAMPLES, SHARED / "corpus" / "pages", SHARED / "samples"):
        if not src.is_dir():
            continue
        for raw in read_inputs([str(src)]):
            if isinstance(raw, InputError):
                continue
            try:
                out.extend(clean_page(raw, kb).documents)
            except ValueError:
                continue
    assert out
    return out
