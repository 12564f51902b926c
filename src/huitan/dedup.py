"""Near-duplicate detection: MinHash LSH over character shingles.

Exact repeats are settled by ``doc_id`` (a hash of the normalised text) before
this stage is asked anything. Only documents that are new by id are hashed,
and only their opening (title, lead and the next paragraph, capped), which is
where a re-issued teaser or a story copied by another outlet agrees. A
candidate from the LSH index is confirmed with the estimated Jaccard
similarity of the two openings.

The MinHash is computed with numpy over all shingles at once (datasketch's
``MinHash.update_batch`` hashes shingle by shingle in Python, and importing
datasketch imports scipy: together slower than the rest of cleaning). The
hash functions are universal like datasketch's (see :func:`minhash`), and the
LSH bands are chosen by datasketch's rule (least weighted false positive and
negative area); ``tests/test_dedup.py`` checks the estimates and the bands
against datasketch.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from .model import Document
from .page import norm_key

# stored signatures are only comparable within one scheme: a database signed with another is re-signed
SCHEME = "huitan-minhash-2"
SIG_DTYPE = np.uint32
_MASK32 = np.uint64(0xFFFFFFFF)
_SHIFT = np.uint64(32)
_CODE_BITS = np.uint64(21)
# splitmix64's finaliser: shifts and multipliers
_MIX = tuple(map(np.uint64, (30, 0xBF58476D1CE4E5B9, 27, 0x94D049BB133111EB, 31)))
_SEED = 1


@dataclass
class DedupOptions:
    threshold: float = 0.8  # Jaccard similarity of the openings' 3-gram shingles
    num_perm: int = 64
    shingle: int = 3
    prefix_chars: int = 400


def opening_text(title: str, body: list[str], opts: DedupOptions) -> str:
    return norm_key(title + "".join(body[:2]))[: opts.prefix_chars]


def opening(doc: Document, opts: DedupOptions) -> str:
    return opening_text(doc.title, doc.body, opts)


def shingle_hashes(text: str, k: int) -> np.ndarray:
    """A 32-bit hash of every ``k``-character shingle of ``text`` (the whole text when shorter), as uint64."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) == 0:
        codes = np.zeros(1, dtype=np.uint64)
    n = max(1, len(codes) - k + 1)
    x = codes[:n].copy()
    for j in range(1, min(k, len(codes))):  # code points are 21 bits: three fit a 64-bit word exactly
        x <<= _CODE_BITS
        x |= codes[j:j + n]
    # splitmix64 finaliser: every input bit reaches the low 32 bits
    s1, m1, s2, m2, s3 = _MIX
    x ^= x >> s1
    x *= m1
    x ^= x >> s2
    x *= m2
    x ^= x >> s3
    x &= _MASK32
    return x


@cache
def permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """The random 64-bit ``a`` and ``b`` of each hash function."""
    rng = np.random.default_rng(_SEED)
    a = rng.integers(0, np.iinfo(np.uint64).max, size=num_perm, dtype=np.uint64, endpoint=True)
    b = rng.integers(0, np.iinfo(np.uint64).max, size=num_perm, dtype=np.uint64, endpoint=True)
    return a, b


def minhash(text: str, opts: DedupOptions) -> np.ndarray:
    """The MinHash signature (``num_perm`` uint32 values) of the text's shingles.

    Hash function i is ``(aᵢ·h + bᵢ mod 2⁶⁴) >> 32`` on 32-bit shingle hashes ``h``: the multiply-add-shift
    family, strongly universal like datasketch's ``(a·h + b) mod p`` but with no division (wrapping
    64-bit arithmetic is what numpy does).
    """
    return minhashes([text], opts)[0]


def minhashes(texts: list[str], opts: DedupOptions) -> np.ndarray:
    """:func:`minhash` of each text, a row each: one numpy pass over the shingles of them all (a page's
    documents), those spanning two texts left out of the minima."""
    k = opts.shingle
    if len(texts) > 1 and any(len(t) < k for t in texts):  # a text shorter than a shingle is one of its own
        return np.concatenate([minhashes([t], opts) for t in texts])
    a, b = permutations(opts.num_perm)
    hv = np.multiply.outer(a, shingle_hashes("".join(texts), k))  # a row per hash function
    hv += b[:, None]
    if len(texts) == 1:
        mins = hv.min(axis=1)[None, :]
    else:  # minima over [start, end) of each text's shingles and over the gaps between (dropped)
        lengths = np.array([len(t) for t in texts])
        ends = np.cumsum(lengths)
        bounds = np.column_stack([ends - lengths, ends - (k - 1)]).ravel()[:-1]
        mins = np.minimum.reduceat(hv, bounds, axis=1)[:, ::2].T
    return (mins >> _SHIFT).astype(SIG_DTYPE)  # the shift is monotonic: taken after the minimum


def _area(p: np.ndarray, s: np.ndarray) -> float:
    return float(np.sum((p[1:] + p[:-1]) * np.diff(s)) / 2)


@cache
def lsh_bands(threshold: float, num_perm: int, weights: tuple[float, float] = (0.5, 0.5)) -> tuple[int, int]:
    """Bands and rows per band minimising the weighted false-positive and false-negative areas
    of the LSH S-curve (datasketch's ``_optimal_param``, integrated numerically)."""
    lo = np.linspace(0.0, threshold, 201)
    hi = np.linspace(threshold, 1.0, 201)
    best, best_err = (1, 1), float("inf")
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            fp = _area(1 - (1 - lo ** r) ** b, lo)
            fn = _area((1 - hi ** r) ** b, hi)
            err = fp * weights[0] + fn * weights[1]
            if err < best_err:
                best, best_err = (b, r), err
    return best


class NearDuplicates:
    """A banded LSH index of the stored documents' openings, kept compact: memory stays flat.

    One int per band in a dict and the signatures in one array: about 1 kB a document.
    """

    def __init__(self, opts: DedupOptions | None = None) -> None:
        self.opts = opts or DedupOptions()
        # candidates from a lower LSH threshold with recall weighted up; each is then verified
        bands, rows = lsh_bands(self.opts.threshold - 0.1, self.opts.num_perm, (0.2, 0.8))
        width = rows * SIG_DTYPE(0).itemsize  # a band's bytes in a signature
        self.ranges: list[tuple[int, int]] = [(i * width, (i + 1) * width) for i in range(bands)]
        self.bands: list[dict[int, int | list[int]]] = [{} for _ in self.ranges]
        self.ids: list[str] = []
        self.kinds: list[str] = []
        self.row: dict[str, int] = {}
        self.sigs = np.zeros((1024, self.opts.num_perm), dtype=SIG_DTYPE)

    def __len__(self) -> int:
        return len(self.ids)

    def signature(self, doc: Document) -> np.ndarray:
        return minhash(opening(doc, self.opts), self.opts)

    def _keys(self, sig: bytes) -> list[int]:
        return [hash(sig[lo:hi]) for lo, hi in self.ranges]

    def add(self, doc_id: str, kind: str, sig: bytes) -> None:
        """Index a stored document's signature (as :meth:`find` returned it, or read back from the database)."""
        if doc_id in self.row:
            return
        i = len(self.ids)
        if i == len(self.sigs):
            self.sigs = np.concatenate([self.sigs, np.zeros_like(self.sigs)])
        self.sigs[i] = np.frombuffer(sig, dtype=SIG_DTYPE)
        self.ids.append(doc_id)
        self.kinds.append(kind)
        self.row[doc_id] = i
        for band, key in zip(self.bands, self._keys(sig), strict=True):
            have = band.get(key)
            if have is None:
                band[key] = i
            elif isinstance(have, list):
                have.append(i)
            else:
                band[key] = [have, i]

    def find(self, doc: Document, sig: bytes | None = None) -> tuple[str | None, bytes]:
        """The id of an indexed near-duplicate of ``doc`` of the same kind (or None), and ``doc``'s signature.

        ``sig``: the signature already computed with these options (by :func:`signatures`, in a worker).
        """
        if sig is None:
            sig = self.signature(doc).tobytes()
        cands: set[int] = set()
        for band, key in zip(self.bands, self._keys(sig), strict=True):
            have = band.get(key)
            if isinstance(have, list):
                cands.update(have)
            elif have is not None:
                cands.add(have)
        # sorted by id, so the first of equally similar candidates is the same in every process
        rows = [c for c in sorted(cands, key=self.ids.__getitem__)
                if self.kinds[c] == doc.kind and self.ids[c] != doc.doc_id]
        if not rows:
            return None, sig
        agree = (self.sigs[rows] == np.frombuffer(sig, dtype=SIG_DTYPE)).sum(axis=1)
        i = int(agree.argmax())
        return (self.ids[rows[i]] if agree[i] / self.opts.num_perm >= self.opts.threshold else None), sig


def signatures(docs: list[Document], opts: DedupOptions | None = None) -> dict[str, bytes]:
    """Signatures of the documents' openings, as :meth:`NearDuplicates.find` computes them (for workers)."""
    opts = opts or DedupOptions()
    if not docs:
        return {}
    sigs = minhashes([opening(doc, opts) for doc in docs], opts)
    return {doc.doc_id: sig.tobytes() for doc, sig in zip(docs, sigs, strict=True)}
