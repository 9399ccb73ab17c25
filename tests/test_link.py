"""Linking: copies by shingle containment, translations by sentence matches, direction."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from auditor.link import LinkConfig, force_link, link_documents
from auditor.link.shingles import candidate_pairs, containment, shingles
from tests.helpers import seg_doc

STORY = [
    "Chinese leader Xi Jinping said Monday he saw headway in the strained relationship with the United States.",
    "President Xi received Blinken in the vast Great Hall of the People in Beijing on Monday afternoon.",
    "Both sides had played down prospects for breakthroughs ahead of the two-day visit to the capital.",
    "Blinken said his more than eleven hours of talks were more about restoring dialogue than anything else.",
    "Chinese Foreign Minister Qin Gang agreed to pay a return visit to the United States later this year.",
]
OTHER = [
    "The central bank raised interest rates by a quarter point on Wednesday to fight inflation.",
    "Analysts had expected the move after a string of strong employment reports this spring.",
    "Mortgage rates are now at their highest level in fifteen years, lenders said in a statement.",
]


def table_embed(table: dict[str, np.ndarray], dim: int = 8):
    """An embed() that looks sentences up in a table (unknown sentences: random, seeded)."""
    rng = np.random.default_rng(0)

    def embed(doc):
        rows = []
        for s in doc.segments:
            if s.text not in table:
                v = rng.normal(size=dim)
                table[s.text] = v / np.linalg.norm(v)
            rows.append(table[s.text])
        return np.array(rows, dtype=np.float32).reshape(len(rows), dim)

    return embed


def test_shingle_containment_of_a_cut_copy():
    full = " ".join(STORY)
    cut = " ".join(STORY[:3])
    a, b = shingles(cut), shingles(full)
    assert containment(a, b) == 1.0
    assert containment(b, a) < 0.7


def test_lsh_proposes_copies_not_strangers():
    sets = {"a": shingles(" ".join(STORY)), "b": shingles(" ".join(STORY[:4])), "c": shingles(" ".join(OTHER))}
    pairs = candidate_pairs(sets)
    assert ("a", "b") in pairs
    assert ("a", "c") not in pairs and ("b", "c") not in pairs


def test_verbatim_and_edited_copies_and_direction():
    src = seg_doc(STORY, doc_id="wire")
    verbatim = seg_doc(STORY, doc_id="copy1")
    edited = seg_doc(STORY[:3] + ["A new closing line written by the aggregator's editor today."], doc_id="copy2")
    stranger = seg_doc(OTHER, doc_id="other")
    links = link_documents([edited, src, stranger, verbatim], table_embed({}), encoder_name="hashing")
    assert links["copy2"].relation == "edited_copy"
    assert links["copy2"].source_id in ("wire", "copy1")
    assert {links.get("wire") and links["wire"].relation, links.get("copy1") and links["copy1"].relation} & {"verbatim_copy"}
    assert "other" not in links or links["other"].relation == "same_story"


def test_dates_decide_direction():
    early = seg_doc(STORY, doc_id="b_early")
    late = seg_doc(STORY[:4], doc_id="a_late")
    early = replace(early, document=replace(early.document, date="2023-06-19"))
    late = replace(late, document=replace(late.document, date="2023-06-20"))
    links = link_documents([late, early], table_embed({}), encoder_name="hashing")
    assert links["a_late"].source_id == "b_early"
    assert "b_early" not in links or links["b_early"].relation == "same_story"


def test_translation_is_linked_by_sentence_matches():
    rng = np.random.default_rng(1)
    table = {}
    es = ["Frase %d en español sobre la visita." % i for i in range(6)]
    for e, s in zip(STORY + ["extra one"], es):
        v = rng.normal(size=8)
        v /= np.linalg.norm(v)
        table[e] = v
        noise = rng.normal(size=8) * 0.1
        w = v + noise
        table[s] = w / np.linalg.norm(w)
    en = seg_doc(STORY + ["extra one"], doc_id="en")
    sp = seg_doc(es, lang="es", doc_id="es")
    unrelated = seg_doc(OTHER, lang="es", doc_id="zz")
    links = link_documents([sp, en, unrelated], table_embed(table), encoder_name="use")
    rel = links.get("es") or links.get("en")
    assert rel is not None and rel.relation == "translation"
    assert "zz" not in links or links["zz"].relation == "same_story"


def test_forced_link_same_language():
    a, b = seg_doc(STORY, doc_id="a"), seg_doc(STORY[:2], doc_id="b")
    link = force_link(b, a, table_embed({}))
    assert link.forced and link.source_id == "a" and link.relation == "edited_copy"


def test_sibling_translations_link_to_the_original():
    """es and pt translations of one English article are close to each other too; both
    must name the English original as their source, with the deciding cue recorded."""
    rng = np.random.default_rng(3)
    table = {}
    es = [f"Frase {i} en español sobre la visita." for i in range(5)]
    pt = [f"Frase {i} em português sobre a visita." for i in range(5)]
    for e, s, p in zip(STORY, es, pt):
        v = rng.normal(size=8)
        v /= np.linalg.norm(v)
        table[e] = v
        for t, scale in ((s, 0.15), (p, 0.15)):
            w = v + rng.normal(size=8) * scale
            table[t] = w / np.linalg.norm(w)
    docs = [seg_doc(pt, lang="pt", doc_id="a-pt"), seg_doc(es, lang="es", doc_id="b-es"),
            seg_doc(STORY, doc_id="z-en")]
    links = link_documents(docs, table_embed(table), encoder_name="use")
    assert links["a-pt"].source_id == "z-en" and links["a-pt"].relation == "translation"
    assert links["b-es"].source_id == "z-en" and links["b-es"].relation == "translation"
    assert links["b-es"].evidence["direction"] in ("language prior", "hub")
    assert "z-en" not in links or links["z-en"].relation == "same_story"


def test_one_shared_headline_is_not_a_translation():
    """A two-sentence foreign excerpt and an English article on the same story share their
    headline-like first sentence and nothing else: not a translation (realpages: native
    English pages were linked to a two-sentence Spanish wire). Both sentences matched: it is."""
    e = np.eye(8)
    es = ["El primer ministro dimite por la investigación.", "Dijo que no cometió ningún acto ilícito."]
    native = [STORY[0], "He spoke to reporters outside his office in the capital on Tuesday evening.",
              "Opposition leaders called for early elections within the next three months."]
    literal = [STORY[0], STORY[1], STORY[2]]
    other = 0.5 * e[1] + np.sqrt(0.75) * e[2]  # cosine 0.5 to the second Spanish sentence: below the match line
    table = {STORY[0]: e[0], es[0]: e[0], STORY[1]: e[1], es[1]: e[1], STORY[2]: e[3],
             native[1]: other, native[2]: other}
    sp = seg_doc(es, lang="es", doc_id="es")
    links = link_documents([sp, seg_doc(native, doc_id="en")], table_embed(dict(table)), encoder_name="use")
    assert all(link.relation != "translation" for link in links.values()), links
    one = link_documents([sp, seg_doc(native, doc_id="en")], table_embed(dict(table)), encoder_name="use",
                         config=LinkConfig(translation_min_matches=1))  # the share alone would call it one
    assert any(link.relation == "translation" for link in one.values()), one
    links = link_documents([sp, seg_doc(literal, doc_id="en")], table_embed(dict(table)), encoder_name="use")
    assert any(link.relation == "translation" for link in links.values()), links
