"""Near-duplicate detection: MinHash LSH over character shingles (datasketch).

Exact repeats are settled by ``doc_id`` (a hash of the normalised text) before
this stage is asked anything. Only documents that are new by id are hashed,
and only their opening (title, lead and the next paragraph, capped), which is
where a re-issued teaser or a story copied by another outlet agrees: that keeps
MinHash, the costly step, off the bulk of the text. A candidate from the LSH
index is confirmed with the exact Jaccard similarity of the two openings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from datasketch import MinHash, MinHashLSH

from .model import Document
from .page import norm_key

SCHEME = "affine32"  # datasketch 2 hashing scheme; stored signatures are only comparable within one scheme
SIG_DTYPE = np.uint32  # the dtype of affine32 hash values, as stored in the minhash table


@dataclass
class DedupOptions:
    threshold: float = 0.8  # Jaccard similarity of the openings' 3-gram shingles
    num_perm: int = 64
    shingle: int = 3
    prefix_chars: int = 400


def opening(doc: Document, opts: DedupOptions) -> str:
    return norm_key(doc.title + "".join(doc.body[:2]))[: opts.prefix_chars]


def shingles(text: str, k: int) -> set[bytes]:
    return {text[i:i + k].encode("utf-8") for i in range(max(1, len(text) - k + 1))}


@dataclass
class NearDuplicates:
    """An LSH index of the stored documents' openings (signatures only: memory stays small)."""

    opts: DedupOptions = field(default_factory=DedupOptions)
    lsh: MinHashLSH = field(init=False)
    sigs: dict[str, np.ndarray] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # candidates from a lower LSH threshold with recall weighted up; each is then verified
        self.lsh = MinHashLSH(threshold=self.opts.threshold - 0.1, num_perm=self.opts.num_perm, weights=(0.2, 0.8))
        # the permutations depend only on num_perm and the seed: draw them once, not per MinHash
        self._perms = _perms(self.opts.num_perm)

    def signature(self, doc: Document) -> MinHash:
        m = MinHash(num_perm=self.opts.num_perm, scheme=SCHEME, permutations=self._perms)
        m.update_batch(list(shingles(opening(doc, self.opts), self.opts.shingle)))
        return m

    def add(self, doc_id: str, kind: str, sig: bytes) -> None:
        """Index a stored document's signature (as :meth:`find` returned it, or read back from the database)."""
        if doc_id in self.kinds:
            return
        hv = np.frombuffer(sig, dtype=SIG_DTYPE)
        self.lsh.insert(doc_id, MinHash(num_perm=self.opts.num_perm, hashvalues=hv, scheme=SCHEME,
                                             permutations=self._perms))
        self.sigs[doc_id] = hv
        self.kinds[doc_id] = kind

    def find(self, doc: Document, sig: bytes | None = None) -> tuple[str | None, bytes]:
        """The id of an indexed near-duplicate of ``doc`` of the same kind (or None), and ``doc``'s signature.

        ``sig``: the signature already computed with these options (by :func:`signatures`, in a worker).
        """
        if sig is None:
            m = self.signature(doc)
        else:
            m = MinHash(num_perm=self.opts.num_perm, hashvalues=np.frombuffer(sig, dtype=SIG_DTYPE), scheme=SCHEME,
                        permutations=self._perms)
        best, best_j = None, 0.0
        for cand in sorted(self.lsh.query(m)):  # sorted: the same answer in every process
            if self.kinds.get(cand) != doc.kind or cand == doc.doc_id:
                continue
            j = float(np.mean(self.sigs[cand] == m.hashvalues))
            if j >= self.opts.threshold and j > best_j:
                best, best_j = cand, j
        return best, m.hashvalues.astype(SIG_DTYPE).tobytes()


def signatures(docs: list[Document], opts: DedupOptions | None = None) -> dict[str, bytes]:
    """Signatures of the documents' openings, as :meth:`NearDuplicates.find` computes them (for workers)."""
    opts = opts or DedupOptions()
    perms = _perms(opts.num_perm)
    out = {}
    for doc in docs:
        m = MinHash(num_perm=opts.num_perm, scheme=SCHEME, permutations=perms)
        m.update_batch(list(shingles(opening(doc, opts), opts.shingle)))
        out[doc.doc_id] = m.hashvalues.astype(SIG_DTYPE).tobytes()
    return out


_PERMS: dict[int, np.ndarray] = {}


def _perms(num_perm: int) -> np.ndarray:
    if num_perm not in _PERMS:
        _PERMS[num_perm] = MinHash(num_perm=num_perm, scheme=SCHEME).permutations
    return _PERMS[num_perm]
