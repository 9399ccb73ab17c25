"""The dataclasses that flow between pipeline stages.

Every stage is a plain function from one of these frozen records to the next
(ingest -> segment -> link -> align -> score -> check -> verdict -> report), so a stage
can be tested, cached or shipped to another process on its own. Offsets are always
Python string indices into ``Document.text`` (the clean text), and
``text[start:end] == span_text`` is an invariant every producer must keep.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["minor", "major", "critical"]
SEVERITIES: tuple[str, ...] = ("minor", "major", "critical")

CATEGORIES: tuple[str, ...] = (
    "accuracy/mistranslation",
    "accuracy/terminology",
    "accuracy/omission",
    "accuracy/addition",
    "accuracy/untranslated",
    "accuracy/number",
    "accuracy/date",
    "accuracy/entity",
    "fluency/punctuation",
    "fluency/spelling",
    "fluency/grammar",
    "style/literal",
)

RELATIONS: tuple[str, ...] = ("verbatim_copy", "edited_copy", "round_trip", "translation", "same_story")

VERDICT_LABELS: tuple[str, ...] = (
    "original",
    "verbatim_copy",
    "edited_copy",
    "machine_translation",
    "human_translation",
    "not_assessed",  # outside the verdict's scope (a language the text-only model was not trained on)
)


def severity_rank(severity: str) -> int:
    """0 for minor, 1 for major, 2 for critical (for sorting and --fail-on)."""
    return SEVERITIES.index(severity)


@dataclass(frozen=True)
class OffsetMap:
    """Maps offsets in a document's clean text back to offsets in the file's decoded text.

    Stored as runs: clean text ``[clean_starts[k], clean_starts[k+1])`` was copied
    verbatim from the original starting at ``orig_starts[k]``. Characters that the
    ingester inserted (paragraph breaks it normalised, for instance) map to the start of
    the next run. ``None`` on a Document means no reliable mapping exists (HTML whose
    text was rebuilt by an extractor maps paragraph by paragraph where it can).
    """

    clean_starts: tuple[int, ...]
    orig_starts: tuple[int, ...]

    def to_original(self, offset: int) -> int:
        """Offset in the original decoded file text for a clean-text offset."""
        if not self.clean_starts:
            return offset
        k = bisect.bisect_right(self.clean_starts, offset) - 1
        if k < 0:
            return self.orig_starts[0]
        return self.orig_starts[k] + (offset - self.clean_starts[k])

    @classmethod
    def identity(cls) -> "OffsetMap":
        return cls((0,), (0,))


@dataclass(frozen=True)
class Document:
    """One article after ingest: clean body text plus metadata.

    ``captions`` lists the clean-text spans that are photo captions (kept, but marked,
    because captions carry dates and names that reprints often mangle).
    """

    id: str
    path: str
    text: str
    title: str | None = None
    date: str | None = None
    url: str | None = None
    site: str | None = None
    language: str | None = None  # declared by metadata (JSONL) or the user (--lang)
    encoding: str | None = None
    captions: tuple[tuple[int, int], ...] = ()
    offsets: OffsetMap | None = None
    segmented: bool = False  # True when the input was one sentence per line
    extractor: str | None = None  # HTML only: "trafilatura-X.Y.Z", or "fallback" (ours) when it could not run
    warning: str | None = None  # an ingest problem the report must show (e.g. why the fallback extractor ran)


@dataclass(frozen=True)
class IngestError:
    """An input that could not become a Document; the run goes on and reports it."""

    path: str
    reason: str


@dataclass(frozen=True)
class Segment:
    """One sentence of a document, a span of its clean text."""

    index: int
    start: int
    end: int
    text: str
    language: str
    lang_confidence: float
    is_caption: bool = False


@dataclass(frozen=True)
class SegmentedDocument:
    """A document split into sentences, with a language decision for the whole."""

    document: Document
    segments: tuple[Segment, ...]
    language: str
    lang_confidence: float
    lang_source: str = "detected"  # "detected" | "declared" | "user"

    @property
    def id(self) -> str:
        return self.document.id

    @property
    def text(self) -> str:
        return self.document.text


@dataclass(frozen=True)
class Link:
    """The best source found for a reprint, and how it relates to it."""

    reprint_id: str
    source_id: str
    relation: str  # one of RELATIONS
    score: float  # strength of the evidence in [0, 1]
    evidence: dict[str, float] = field(default_factory=dict)
    forced: bool = False  # True when the user named the source (--source)

    @property
    def mismatch(self) -> str | None:
        """The reports' sentence when a declared source does not look like the source.

        Set from the linker's own test (``evidence["declared_mismatch"]``, see
        ``auditor.link.declared_evidence``); None for every other link.
        """
        if not self.forced or not self.evidence.get("declared_mismatch"):
            return None
        n = int(self.evidence.get("declared_matched", 0))
        m = int(self.evidence.get("declared_sentences", 0))
        return (f"the declared source {self.source_id} does not look like the source of this article: "
                f"only {n} of {m} sentences match")


@dataclass(frozen=True)
class AlignedPair:
    """One alignment bead: source sentence indices <-> reprint sentence indices.

    Either side may be empty: ``source=()`` is a reprint sentence with no source
    (an addition), ``reprint=()`` is a source sentence with no counterpart (an omission).
    """

    source: tuple[int, ...]
    reprint: tuple[int, ...]
    similarity: float


@dataclass(frozen=True)
class Alignment:
    source_id: str
    reprint_id: str
    pairs: tuple[AlignedPair, ...]
    method: str = ""  # e.g. "dp-monolingual" or "dp-crosslingual:use-v3"


@dataclass(frozen=True)
class PairScores:
    """Scores of one aligned bead (only 1-n / n-1 / n-m beads with both sides)."""

    chrf: float | None = None
    bleu: float | None = None
    ter: float | None = None
    xsim: float | None = None
    qe: float | None = None


@dataclass(frozen=True)
class Scores:
    """Document-level scores of a reprint against its source."""

    chrf: float | None = None
    bleu: float | None = None
    ter: float | None = None
    xsim: float | None = None
    qe: float | None = None
    source_coverage: float | None = None
    reprint_coverage: float | None = None
    monotonicity: float | None = None
    pairs: tuple[PairScores, ...] = ()  # parallel to Alignment.pairs
    signatures: dict[str, str] = field(default_factory=dict)
    qe_note: str | None = None  # why qe is None although QE ran ("QE not available for es→en")


@dataclass(frozen=True)
class Finding:
    """A likely translation error: an exact span of the reprint's clean text."""

    start: int
    end: int
    text: str
    category: str  # one of CATEGORIES
    severity: str  # one of SEVERITIES
    message: str
    detector: str
    source_text: str | None = None
    segment: int | None = None  # index of the reprint sentence holding the span
    evidence: dict[str, object] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """A stable id (detector, category and the span's wording), for accepting findings."""
        import hashlib

        key = f"{self.detector}|{self.category}|{self.text}|{self.message}"
        return "F" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


@dataclass(frozen=True)
class Verdict:
    """The machine-translation verdict of one article.

    ``evidence`` carries the measurements (numbers, for JSON and HTML); ``reasons`` the
    top reasons in plain words, as an editor would say them (the terminal shows these).
    ``p_machine_translation`` is None when the label is ``not_assessed``.

    ``p_machine_translation`` is the verdict's probability, the one headline figure.
    ``p_model`` is one of its components, the learned detector's probability alone, and
    ``p_terms`` names, in plain words, what moved the verdict away from it (the rule
    tells, an irregular alignment, a prior): reports label the two figures so that an
    editor never sees two unnamed probabilities side by side. ``p_model`` is None
    without a shipped detector (the hand-weighted rule score is used then).
    """

    label: str  # one of VERDICT_LABELS
    p_machine_translation: float | None
    evidence: tuple[str, ...] = ()
    mode: str = "text_only"  # "with_source" | "text_only"
    reasons: tuple[str, ...] = ()
    p_model: float | None = None
    p_terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocumentResult:
    """Everything the audit learned about one article."""

    doc: SegmentedDocument
    link: Link | None = None
    alignment: Alignment | None = None
    scores: Scores | None = None
    findings: tuple[Finding, ...] = ()
    verdict: Verdict | None = None

    @property
    def id(self) -> str:
        return self.doc.id


@dataclass(frozen=True)
class AuditResult:
    documents: tuple[DocumentResult, ...]
    errors: tuple[IngestError, ...]
    signature: str
    # Documents given only as context (a check's --source): reports show their sentences
    # beside the drafts' but do not count, list or judge them.
    context: tuple[DocumentResult, ...] = ()

    def by_id(self, doc_id: str) -> DocumentResult:
        for d in self.documents:
            if d.id == doc_id:
                return d
        raise KeyError(doc_id)
