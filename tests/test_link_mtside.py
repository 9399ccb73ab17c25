"""Direction of an undated translation pair from the MT detector's text-only view (issue 13).

An English machine-translated reprint of a Spanish article must be linked as the
translation of the Spanish one, not the other way round as the "English first" prior
would have it; a clean English original of a professional translation keeps the prior.
The real detector decides (models/mt-detector); the embeddings are a table so that both
pairs are translations for sure.
"""

from __future__ import annotations

import numpy as np
import pytest

from auditor.link import link_documents
from auditor.link.mtside import MT_EVIDENCE_THRESHOLD, text_only_probability
from auditor.mtdetect import DetectorUnavailable, load_detector
from tests.helpers import seg_doc

# Spanish agency copy, and an English rendering with the tells of word-for-word MT:
# calqued weekdays ("this Sunday"), "the also president", "(You can read: ...)", a
# Spanish null subject left as "was", "realized" for "realizó", "in the same" for "en el mismo".
ES = [
    "El presidente de la federación, Luis Rubiales, besó este domingo en los labios a la jugadora Jenni Hermoso.",
    "El también dirigente deportivo fue criticado por el Gobierno, que calificó el gesto de inaceptable.",
    "Según fuentes de la federación, Rubiales realizó este lunes una disculpa en el mismo aeropuerto de Sídney.",
    "La jugadora aseguró en un vídeo que no le gustó, pero que fue un gesto espontáneo de alegría.",
    "Puedes leer: La selección española conquista su primer Mundial femenino en Sídney.",
    "La polémica continuó este martes en las redes sociales y en los medios de todo el país.",
]
EN_MT = [
    "The president of the federation, Luis Rubiales, kissed this Sunday on the lips to the player Jenni Hermoso.",
    "The also sports leader was criticized by the Government, which qualified the gesture of unacceptable.",
    "According to sources of the federation, Rubiales realized this Monday an apology in the same airport of Sydney.",
    "The player assured in a video that did not like it, but that was a spontaneous gesture of joy.",
    "(You can read: The Spanish team conquers its first female World Cup in Sydney)",
    "The controversy continued this Tuesday in the social networks and in the media of all the country.",
]
# A clean English original (the kind NTREX's professional translations start from).
EN_CLEAN = [
    "Spain's football federation president Luis Rubiales kissed midfielder Jenni Hermoso on the lips on Sunday.",
    "The government condemned the kiss as unacceptable, and several ministers called for him to step down.",
    "Rubiales apologised on Monday at Sydney airport, saying he had acted in the heat of the moment.",
    "Hermoso said in a video that she had not enjoyed it, though she described it as spontaneous.",
    "Spain beat England 1-0 in the final to win its first Women's World Cup.",
    "The row dominated social media and newspaper front pages across the country on Tuesday.",
]


def _pair_embed(a: list[str], b: list[str]):
    rng = np.random.default_rng(7)
    table = {}
    for x, y in zip(a, b):
        v = rng.normal(size=8)
        v /= np.linalg.norm(v)
        table[x] = v
        w = v + rng.normal(size=8) * 0.1
        table[y] = w / np.linalg.norm(w)

    def embed(doc):
        return np.array([table[s.text] for s in doc.segments], dtype=np.float32)

    return embed


@pytest.fixture(scope="module")
def detector():
    try:
        return load_detector()
    except DetectorUnavailable as exc:  # the shipped model is part of the project: fail, do not skip
        pytest.fail(f"MT detector not available: {exc}")


def test_english_mt_reprint_is_the_translation_of_its_spanish_original(detector):
    en, es = seg_doc(EN_MT, doc_id="a-en"), seg_doc(ES, lang="es", doc_id="b-es")
    calls = []
    p_of = text_only_probability()

    def counted(doc):
        calls.append(doc.id)
        return p_of(doc)

    links = link_documents([es, en], _pair_embed(EN_MT, ES), encoder_name="use", mt_probability=counted)
    link = links["a-en"]
    assert link.relation == "translation" and link.source_id == "b-es"
    assert link.evidence["direction"] == "mt-evidence"
    assert link.evidence["mt_evidence_p"] >= MT_EVIDENCE_THRESHOLD
    assert "b-es" not in links
    assert sorted(calls) == ["a-en", "b-es"]  # one pair: each side read once (es: not assessed)


def test_clean_english_original_keeps_the_language_prior(detector):
    en, es = seg_doc(EN_CLEAN, doc_id="a-en"), seg_doc(ES, lang="es", doc_id="b-es")
    links = link_documents([es, en], _pair_embed(EN_CLEAN, ES), encoder_name="use",
                           mt_probability=text_only_probability())
    link = links["b-es"]
    assert link.relation == "translation" and link.source_id == "a-en"
    assert link.evidence["direction"] == "language prior"
    assert link.evidence["mt_evidence_p"] < MT_EVIDENCE_THRESHOLD
    assert "a-en" not in links


def test_dates_decide_before_the_detector_is_asked():
    """The detector is read only for pairs no other cue orients."""
    from dataclasses import replace

    en, es = seg_doc(EN_MT, doc_id="a-en"), seg_doc(ES, lang="es", doc_id="b-es")
    en = replace(en, document=replace(en.document, date="2023-08-19"))
    es = replace(es, document=replace(es.document, date="2023-08-20"))

    def never(doc):
        raise AssertionError("the MT detector was asked although the dates decide")

    links = link_documents([es, en], _pair_embed(EN_MT, ES), encoder_name="use", mt_probability=never)
    assert links["b-es"].source_id == "a-en" and links["b-es"].evidence["direction"] == "date"
