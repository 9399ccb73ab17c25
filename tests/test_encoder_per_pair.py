"""The sentence encoder is chosen per pair of documents, never for a whole set by one document."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.encoders import E5Encoder
from auditor.encoders.registry import MIN_WORDS_TO_CHOOSE, PairEncoders, pair_languages
from auditor.pipeline import AuditConfig, audit_documents
from auditor.types import Document

NTREX = Path(__file__).resolve().parents[2] / "shared" / "data" / "ntrex"


def _en_es() -> tuple[str, str]:
    if not NTREX.is_dir():
        pytest.skip("NTREX data not available")
    ids = (NTREX / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    en = (NTREX / "newstest2019-src.eng.txt").read_text(encoding="utf-8").splitlines()
    es = (NTREX / "newstest2019-ref.spa.txt").read_text(encoding="utf-8").splitlines()
    first = ids[0].split("\t")[0]
    n = next(k for k, d in enumerate(ids) if d.split("\t")[0] != first)
    return "\n".join(en[:n]), "\n".join(es[:n])


def test_short_documents_do_not_choose() -> None:
    assert pair_languages(("en", 300), ("et", 1)) == ("en",)
    assert pair_languages(("en", 300), ("es", MIN_WORDS_TO_CHOOSE)) == ("en", "es")
    assert pair_languages(("et", 2), (None, 50)) == ()


def test_pair_encoders_pick_from_the_pair_and_record_what_ran() -> None:
    enc = PairEncoders("auto")
    assert enc.for_languages(("en", "es")).name.startswith("use")
    if E5Encoder.available():
        assert enc.for_languages(("en", "et")).name.startswith("e5")
        assert "use-v3" in enc.signature and "e5-small" in enc.signature


def _by_name(result, stem: str):
    return next(r for r in result.documents if r.doc.id.startswith(stem))


def test_one_line_estonian_document_leaves_en_es_on_use() -> None:
    en, es = _en_es()
    docs = [
        Document("en", "en.txt", en, language="en"),
        Document("es", "es.txt", es, language="es"),
        Document("applause", "applause.txt", "(Applause)", language="et"),
    ]
    res = audit_documents(docs, AuditConfig(segmented=True, qe=False))
    got = _by_name(res, "es")
    assert got.link is not None and got.link.source_id == "en"
    assert got.link.evidence.get("encoder", "").startswith("use")
    assert got.alignment.method == "dp-crosslingual:use-v3"
    assert "e5" not in res.signature  # the short document chose nothing for anyone
    assert "use-v3" in res.signature


ESTONIAN = (
    "Tallinna linnavalitsus teatas esmaspäeval, et vanalinna tänavad suletakse suveks autoliiklusele. "
    "Otsus puudutab eelkõige kesklinna elanikke, kes peavad oma autod parkima linnast väljas. "
    "Linnapea sõnul aitab see vähendada müra ja õhusaastet ning meelitada rohkem turiste. "
    "Kohalikud kaupmehed kardavad aga, et klientide arv väheneb märgatavalt."
)


@pytest.mark.skipif(not E5Encoder.available(), reason="E5 engine not available here")
def test_a_real_estonian_article_uses_e5_only_for_its_own_pairs() -> None:
    en, es = _en_es()
    docs = [
        Document("en", "en.txt", en, language="en"),
        Document("es", "es.txt", es, language="es"),
        Document("et", "et.txt", ESTONIAN, language="et"),
    ]
    res = audit_documents(docs, AuditConfig(qe=False))
    got = _by_name(res, "es")
    assert got.alignment is not None and got.alignment.method == "dp-crosslingual:use-v3"
    assert got.link.evidence.get("encoder", "").startswith("use")
    assert "e5-small" in res.signature and "use-v3" in res.signature  # both ran, each for its pairs
