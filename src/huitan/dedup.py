"""Near-duplicate detection: MinHash LSH over character shingles (datasketch).

Exact repeats are settled by ``doc_id`` (a hash of the normalised text) before
this stage is asked anything. Only documents that are new by id are hashed,
and only their opening (title, lead and the next paragraph, capped), which is
where a re-issued teaser or a story copied by another outlet agrees: that keeps
MinHash, the costly step, off the bulk of the text. A candidate from the LSH
index is confirmed with the exact Jaccard similarity of the two openings.
"""

from __future__ import annotations

from dataclasses import dataclass

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


class NearDuplicates:
    """A banded LSH index of the stored documents' openings, kept compact: memory stays flat.

    Same candidates as datasketch's ``MinHashLSH`` with these bands and rows (bands
    compared whole), but stored as one int per band in a dict and the signatures
    in one array: about 1 kB a document instead of about 4 kB.
    """

    def __init__(self, opts: DedupOptions | None = None) -> None:
        self.opts = opts or DedupOptions()
        # candidates from a lower LSH threshold with recall weighted up; each is then verified
        params = MinHashLSH(threshold=self.opts.threshold - 0.1, num_perm=self.opts.num_perm, weights=(0.2, 0.8))
        self.ranges: list[tuple[int, int]] = list(params.hashranges)
        self.bands: list[dict[int, int | list[int]]] = [{} for _ in self.ranges]
        self.ids: list[str] = []
        self.kinds: list[str] = []
        self.row: dict[str, int] = {}
        self.sigs = np.zeros((1024, self.opts.num_perm), dtype=SIG_DTYPE)
        # the permutations depend only on num_perm and the seed: draw them once, not per MinHash
        self._perms = _perms(self.opts.num_perm)

    def __len__(self) -> int:
        return len(self.ids)

    def signature(self, doc: Document) -> MinHash:
        m = MinHash(num_perm=self.opts.num_perm, scheme=SCHEME, permutations=self._perms)
        m.update_batch(list(shingles(opening(doc, self.opts), self.opts.shingle)))
        return m

    def _keys(self, hv: np.ndarray) -> list[int]:
        return [hash(hv[lo:hi].tobytes()) for lo, hi in self.ranges]

    def add(self, doc_id: str, kind: str, sig: bytes) -> None:
        """Index a stored document's signature (as :meth:`find` returned it, or read back from the database)."""
        if doc_id in self.row:
            return
        hv = np.frombuffer(sig, dtype=SIG_DTYPE)
        i = len(self.ids)
        if i == len(self.sigs):
            self.sigs = np.concatenate([self.sigs, np.zeros_like(self.sigs)])
        self.sigs[i] = hv
        self.ids.append(doc_id)
        self.kinds.append(kind)
        self.row[doc_id] = i
        for band, key in zip(self.bands, self._keys(hv), strict=True):
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
        hv = (np.frombuffer(sig, dtype=SIG_DTYPE) if sig is not None
              else self.signature(doc).hashvalues.astype(SIG_DTYPE))
        cands: set[int] = set()
        for band, key in zip(self.bands, self._keys(hv), strict=True):
            have = band.get(key)
            if isinstance(have, list):
                cands.update(have)
            elif have is not None:
                cands.add(have)
        best, best_j = None, 0.0
        for cand in sorted(cands, key=self.ids.__getitem__):  # sorted by id: the same answer in every process
            if self.kinds[cand] != doc.kind or self.ids[cand] == doc.doc_id:
                continue
            j = float(np.mean(self.sigs[cand] == hv))
            if j >= self.opts.threshold and j > best_j:
                best, best_j = self.ids[cand], j
        return best, hv.tobytes()


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
