"""The numpy MinHash and LSH banding against datasketch, and the near-duplicate index."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from huitan.dedup import DedupOptions, NearDuplicates, lsh_bands, minhash, shingle_hashes
from huitan.model import Document

datasketch = pytest.importorskip("datasketch")


@pytest.mark.parametrize(("threshold", "num_perm", "weights"), list(itertools.product(
    [0.5, 0.6, 0.7, 0.8, 0.9], [32, 64, 128], [(0.5, 0.5), (0.2, 0.8)])))
def test_bands_are_datasketchs(threshold, num_perm, weights):
    from datasketch.lsh import _optimal_param

    assert lsh_bands(threshold, num_perm, weights) == _optimal_param(threshold, num_perm, *weights)


def _text(rng: random.Random, n: int) -> str:
    return "".join(chr(0x4E00 + rng.randrange(300)) for _ in range(n))


def _jaccard(a: str, b: str, k: int = 3) -> float:
    sa = {a[i:i + k] for i in range(len(a) - k + 1)}
    sb = {b[i:i + k] for i in range(len(b) - k + 1)}
    return len(sa & sb) / len(sa | sb)


def test_similarity_estimates_jaccard_as_well_as_datasketch():
    rng = random.Random(3)
    opts = DedupOptions(num_perm=128)
    ours, theirs = [], []
    for _ in range(60):
        a = _text(rng, 300)
        cut = rng.randrange(20, 280)
        b = a[:cut] + _text(rng, rng.randrange(5, 120)) + a[cut:]
        true = _jaccard(a, b)
        ours.append(abs(float(np.mean(minhash(a, opts) == minhash(b, opts))) - true))
        m1, m2 = datasketch.MinHash(num_perm=128), datasketch.MinHash(num_perm=128)
        m1.update_batch([a[i:i + 3].encode() for i in range(len(a) - 2)])
        m2.update_batch([b[i:i + 3].encode() for i in range(len(b) - 2)])
        theirs.append(abs(m1.jaccard(m2) - true))
    # the standard error at 128 permutations is about 0.044: both should be near it
    assert np.mean(ours) < 0.06
    assert np.mean(ours) < np.mean(theirs) * 1.5


def test_shingles_are_distinct_and_short_texts_have_one():
    h = shingle_hashes("国防部长国防部长", 3)
    assert len(h) == 6 and len(set(h.tolist())) == 4  # 国防部 防部长 部长国 长国防 (two repeat)
    assert len(shingle_hashes("越", 3)) == 1 and len(shingle_hashes("", 3)) == 1
    assert shingle_hashes("越南", 3)[0] != shingle_hashes("南越", 3)[0]


def test_signature_is_stable_and_order_free():
    opts = DedupOptions()
    s = "两国国防部长举行会谈，就防务合作交换意见。"
    assert minhash(s, opts).tobytes() == minhash(s, opts).tobytes()
    assert minhash(s, opts).dtype == np.uint32 and len(minhash(s, opts)) == opts.num_perm


def _doc(doc_id: str, title: str, body: str, kind: str = "article") -> Document:
    return Document(doc_id=doc_id, kind=kind, title=title, lead=body[:20], body=[body])


def test_index_finds_a_reissued_story_and_not_a_different_one():
    nd = NearDuplicates()
    body = "越南国防部长会见来访的老挝国防部长，双方回顾了两军在人员培训、边境管理和搜救方面的合作成果。" * 2
    a = _doc("a", "越老国防部长举行会谈", body)
    _, sig = nd.find(a)
    nd.add("a", "article", sig)
    reissued = _doc("b", "越老国防部长举行会谈", body[:-6] + "成果显著。")
    assert nd.find(reissued)[0] == "a"
    assert nd.find(_doc("c", "越老国防部长举行会谈", body[:-6] + "成果显著。", kind="teaser"))[0] is None
    other = _doc("d", "柬埔寨首相会见日本外务大臣", "双方就地区局势和经济合作深入交换意见。" * 3)
    assert nd.find(other)[0] is None


def test_a_database_signed_by_another_scheme_is_re_signed(tmp_path):
    from pathlib import Path

    from huitan.dedup import SCHEME
    from huitan.pipeline import ingest, load_near_duplicates
    from huitan.store import Store

    store = Store(tmp_path / "x.db")
    ingest([str(Path(__file__).parent.parent / "examples" / "pages")], store)
    good = dict(store.minhashes())
    assert good and store.get_meta("minhash_scheme") == SCHEME
    with store.transaction():
        store.db.execute("UPDATE minhash SET sig = zeroblob(256)")
        store.set_meta("minhash_scheme", "datasketch-affine32")
    nd = load_near_duplicates(store)
    assert dict(store.minhashes()) == good and len(nd) == len(good)
    assert store.get_meta("minhash_scheme") == SCHEME
