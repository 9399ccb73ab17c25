"""A same-language copy is judged from its text alone, not from what its comparison with
the original found (cuts, additions, a changed negation are editing, not MT tells)."""

from __future__ import annotations

from auditor.pipeline import AuditConfig, audit_documents
from auditor.types import Document

WIRE = [
    "Berlin prosecutors have opened an investigation into the singer after several women came forward.",
    "The prosecutors said they had received complaints from third parties in recent weeks.",
    "The band's lawyers said the allegations were untrue and that legal action would follow.",
    "The band is due to play three concerts in the city next month, the promoter said on Wednesday.",
    "Protesters have called for the concerts to be cancelled, but the city has refused to intervene.",
    "The singer has not commented on the investigation, which is at an early stage.",
]
COPY = [
    "Berlin prosecutors have opened an investigation into the singer after several women came forward.",
    "The prosecutors said they had not received complaints from third parties in recent weeks.",
    "The band is due to play three concerts in the city next month, the promoter said on Wednesday.",
    "Fans queued outside the stadium box office for hours on Thursday morning.",
    "Ticket sales were strong, the organisers told a local radio station later that day.",
]


def _doc(doc_id: str, lines: list[str], date: str) -> Document:
    return Document(id=doc_id, path=f"{doc_id}.txt", text="\n\n".join(lines), date=date)


def test_copy_verdict_reads_the_text_not_the_comparison():
    both = audit_documents([_doc("wire", WIRE, "2023-06-01"), _doc("copy", COPY, "2023-06-02")], AuditConfig(qe=False))
    copy = next(d for d in both.documents if d.doc.id == "copy")
    assert copy.link is not None and copy.link.relation == "edited_copy" and copy.link.source_id == "wire"
    compared = {f.detector for f in copy.findings}
    assert "omissions" in compared  # the report still shows what the comparison found
    alone = audit_documents([_doc("copy", COPY, "2023-06-02")], AuditConfig(qe=False)).documents[0]
    assert copy.verdict.mode == "text_only" and copy.verdict.label == "edited_copy"
    assert copy.verdict.p_model == alone.verdict.p_model
    assert not any("omission" in e or "addition" in e or "(drift)" in e for e in copy.verdict.evidence)
