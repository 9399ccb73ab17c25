"""Settings of the sentence aligner, in one frozen record (they go into signatures)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AlignParams:
    """Thresholds of the aligner. Similarities are cosines in [0, 1].

    ``link_threshold`` is on the *normalised* similarity (cosine minus the average
    similarity the two spans have with everything else, as in Vecalign): a bead is only
    worth linking when it beats that background by this much; otherwise the DP prefers
    a skip (1-0 / 0-1). ``merge_penalty`` is charged once per extra sentence of a
    merged bead, so a 2-1 must be clearly better than a 1-1 plus a skip. ``band`` is
    how far the DP may stray from the anchor path. Moved sentences are recovered when
    their raw similarity reaches ``recover_lexical`` (same language) or
    ``recover_crosslingual`` (embeddings) and they are each other's best match.
    ``length_weight`` charges a bead for the mismatch of its two sides' character
    lengths (after correcting for the documents' overall length ratio); it is what
    tells a 2-1 bead from a 1-1 bead plus a skipped short sentence.
    """

    link_threshold: float = 0.2
    merge_penalty: float = 0.05
    length_weight: float = 0.3  # times |log length ratio| of a bead, Gale-Church's cue
    length_tolerance: float = 0.15  # |log ratio| below this is free (normal translation variation)
    length_weight_monolingual: float = 0.5  # copies keep lengths, so lengths are a sharper cue
    length_tolerance_monolingual: float = 0.05
    anchor_min_similarity: float = 0.5
    anchor_min_margin: float = 0.05
    band: int = 5
    containment: float = 0.9  # same language: share of word pairs contained that waives the length cue
    lexical_weight: float = 0.5  # same-language blend of lexical and embedding similarity
    recover_lexical: float = 0.8
    recover_crosslingual: float = 0.65
    # Cross-language pairs are scored on a calibrated scale (margin over the background
    # divided by the pair's median mutual-best margin: 1.0 = a typical translated
    # sentence of this pair, 0.0 = unrelated), so these hold for any encoder.
    cal_link_threshold: float = 0.3
    cal_link_threshold_unrelated: float = 0.5  # pairs whose matches are too weak for a translation
    cal_merge_penalty: float = 0.0
    cal_length_weight: float = 0.45
    cal_anchor_min: float = 0.65
    cal_anchor_margin: float = 0.1
    cal_recover: float = 0.7
    cal_window_min: float = 0.55  # a skipped sentence matching nothing this well buys no windows
    refine_rounds: int = 1
    # cross-lingual merged runs: "refine" (score merges from length-weighted means, then
    # embed as text only the windows near skips and merges of a first pass), "selective" (embed a window as text only where it holds an
    # unanchored sentence; concat accuracy at near-mean cost), "concat" (always) or "mean"
    merge_embedding: str = "refine"

    @property
    def signature(self) -> str:
        return (
            f"thr:{self.link_threshold}|merge:{self.merge_penalty}|len:{self.length_weight}/{self.length_tolerance}|len-mono:{self.length_weight_monolingual}/{self.length_tolerance_monolingual}|anchor:{self.anchor_min_similarity}"
            f"|band:{self.band}|lexw:{self.lexical_weight}|contain:{self.containment}"
            f"|recover:{self.recover_lexical}/{self.recover_crosslingual}|merge-emb:{self.merge_embedding}"
            f"|cal:{self.cal_link_threshold}/{self.cal_link_threshold_unrelated}/{self.cal_merge_penalty}/{self.cal_length_weight}/{self.cal_anchor_min}"
            f"/{self.cal_anchor_margin}/{self.cal_recover}/{self.cal_window_min}/r{self.refine_rounds}"
        )
