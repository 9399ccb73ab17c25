"""Word shingles and MinHash: the same-language copy evidence.

A copy keeps long runs of words; five-word shingles survive light editing (a changed
word breaks at most five shingles) while two independent articles about the same event
share almost none. Exact containment is cheap for the handful of articles of an audit;
MinHash LSH (datasketch) proposes candidate pairs when the set is large.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+", re.UNICODE)
SHINGLE = 5


def normalise_words(text: str) -> list[str]:
    """Lower-cased, accent-folded word tokens (punctuation and quote style ignored)."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return _WORD.findall(folded)


def shingles(text: str, n: int = SHINGLE) -> frozenset[str]:
    words = normalise_words(text)
    if len(words) < n:
        return frozenset([" ".join(words)]) if words else frozenset()
    return frozenset(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))


def containment(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of ``a``'s shingles found in ``b`` (how much of a is copied from b)."""
    if not a:
        return 0.0
    return len(a & b) / len(a)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


def minhash(sh: frozenset[str], num_perm: int = 128, seed: int = 1):
    from datasketch import MinHash

    m = MinHash(num_perm=num_perm, seed=seed)
    m.update_batch([s.encode("utf-8") for s in sh])
    return m


def candidate_pairs(
    shingle_sets: dict[str, frozenset[str]], *, threshold: float = 0.1, num_perm: int = 128
) -> set[tuple[str, str]]:
    """Pairs of ids whose estimated Jaccard may exceed ``threshold`` (MinHash LSH).

    Containment matters more than Jaccard for copies (a short excerpt of a long article
    has a small Jaccard), so the LSH threshold is deliberately low.
    """
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    hashes = {}
    for doc_id, sh in shingle_sets.items():
        if not sh:
            continue
        m = minhash(sh, num_perm)
        hashes[doc_id] = m
        lsh.insert(doc_id, m)
    pairs: set[tuple[str, str]] = set()
    for doc_id, m in hashes.items():
        for other in lsh.query(m):
            if other != doc_id:
                pairs.add(tuple(sorted((doc_id, other))))  # type: ignore[arg-type]
    return pairs
