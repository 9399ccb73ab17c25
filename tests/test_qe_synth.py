"""Synthetic QE errors (auditor.qe.synth) and the v2 data set builder (auditor.qe.dataset_v2)."""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

import pytest

from auditor.qe.synth import ERROR_TYPES, available_types, clean, inject
from auditor.qe.synth_edits import find_phrase, fold
from auditor.qe.synth_tables import LANGS, SynthTableError, default_dir, load_tables

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"

#: One source/reference pair per target language in which every language-independent and
#: table-driven error type applies (written for these tests, not taken from any data set).
PAIRS = {
    "en": ("es", "El ministro Pedro Sánchez no dijo el 12/03/2021 en marzo que él pagará 3.500 euros, pero Bruselas espera.",
           "Minister Pedro Sánchez did not say on 12/03/2021 in March that he will pay 3,500 euros, but Brussels waits."),
    "es": ("en", "Minister Pedro Sánchez did not say on 12/03/2021 in March that he will pay 3,500 euros, but Brussels waits.",
           "El ministro Pedro Sánchez no dijo el 12/03/2021 en marzo que él pagará 3.500 euros, pero Bruselas espera."),
    "fr": ("en", "Minister Pedro Sánchez did not say on 12/03/2021 in March how much he will pay, but Brussels waits.",
           "Le ministre Pedro Sánchez n'a pas dit le 12/03/2021 en mars combien il paiera, mais Bruxelles attend."),
    "de": ("en", "Minister Pedro Sánchez did not say on 12/03/2021 in March that he will pay 3,500 euros, but Brussels waits.",
           "Minister Pedro Sánchez sagte am 12/03/2021 im März nicht, dass er 3.500 Euro zahlen wird, aber Brüssel wartet."),
    "pt": ("en", "Minister Pedro Sánchez did not say on 12/03/2021 in March that he will pay 3,500 euros, but Brussels waits.",
           "O ministro Pedro Sánchez não disse em 12/03/2021 em março que ele pagará 3.500 euros, mas Bruxelas espera."),
}
GENERAL = ("number", "date", "month", "name", "negation", "omission", "duplication", "untranslated",
           "sentence_break", "pronoun")


def _check(ex, src: str, ref: str) -> None:
    """Every invariant of a labelled example."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", ex.mt)]
    assert [(s, e) for s, e, _ in ex.words] == words  # exactly the whitespace words of the MT
    assert ex.src == src
    bad = {i for i, (_, _, lab) in enumerate(ex.words) if lab == "BAD"}
    assert all(lab in ("OK", "BAD") for *_, lab in ex.words)
    for err in ex.errors:
        assert err.type in ERROR_TYPES and err.severity in ("minor", "major", "critical")
        assert err.mt_spans, err
        for s, e in err.mt_spans:
            assert 0 <= s < e <= len(ex.mt) and ex.mt[s:e].strip()
            assert any(words[i][0] < e and s < words[i][1] for i in bad)  # covered by a BAD word
        for s, e in err.src_spans:
            assert 0 <= s < e <= len(src) and src[s:e] == ex.src[s:e]
    marked = [(s, e) for err in ex.errors for s, e in err.mt_spans]
    for i, (s, e) in enumerate(words):
        assert (i in bad) == any(a < e and s < b for a, b in marked)
    for i, spans in ex.src_spans_for_bad:
        assert i in bad and spans
    if ex.errors:
        assert bad and ex.mt != ref and 0.0 <= ex.score < 1.0
    else:
        assert not bad and ex.score == 1.0


@pytest.mark.parametrize("lang", LANGS)
def test_tables_load_for_every_target_language(lang):
    t = load_tables().langs[lang]
    assert len(t.months) == 12 and all(t.months)
    assert t.negation.particle and t.negation.verbs and (t.negation.remove or t.negation.replace)
    assert len(t.pronouns) >= 4 and t.clause_words
    assert len(t.wrong_sense) >= 20
    assert set(load_tables().severity) == set(ERROR_TYPES)
    assert set(available_types(lang)) == set(ERROR_TYPES)


def test_malformed_table_is_a_one_line_error(tmp_path):
    copy = tmp_path / "qe-synth"
    shutil.copytree(default_dir(), copy)
    (copy / "lang" / "de.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(SynthTableError, match=r"de\.json: malformed table") as exc:
        load_tables(str(copy))
    assert "\n" not in str(exc.value)
    with pytest.raises(SynthTableError, match="not found"):
        load_tables(str(tmp_path / "nowhere"))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("etype", GENERAL)
def test_every_error_type_in_every_target_language(lang, etype):
    sl, src, ref = PAIRS[lang]
    ex = inject(src, ref, sl, lang, random.Random(7), types=(etype,), doc_names=("Angela Merkel",))
    assert ex is not None, f"{etype} did not apply to the {lang} sentence"
    assert [e.type for e in ex.errors] == [etype]
    _check(ex, src, ref)
    err = ex.errors[0]
    if etype == "name":  # the source span is the name that was replaced
        assert [src[s:e] for s, e in err.src_spans] == ["Pedro Sánchez"] and "Pedro Sánchez" not in ex.mt
    if etype == "month":
        assert [src[s:e].lower() for s, e in err.src_spans] in (["march"], ["marzo"])
    if etype == "date":
        assert "03/12/2021" in ex.mt and [src[s:e] for s, e in err.src_spans] == ["12/03/2021"]
    if etype == "untranslated":
        assert all(ex.mt[a:b] == src[s:e] for (a, b), (s, e) in zip(err.mt_spans, err.src_spans))
    if etype == "omission":
        assert err.dropped_words >= 2 and len(ex.mt.split()) < len(ref.split())
    if etype == "duplication":
        assert len(ex.mt.split()) > len(ref.split())


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", ["wrong_sense", "false_friend"])
def test_wrong_sense_tables_inject_with_source_span(lang, kind):
    entries = [w for w in load_tables().langs[lang].wrong_sense if (w.kind == "false_friend") == (kind == "false_friend")]
    assert entries
    tried = 0
    for ws in entries[:8]:
        sl = "es" if lang == "en" else "en"
        hint = ws.hints.get(sl, ())
        if not hint:
            continue
        src = f"Dijo que {hint[0]} importa mucho hoy." if sl == "es" else f"He said that {hint[0]} matters a lot today."
        ref = f"Alpha beta {ws.correct} gamma delta epsilon."
        ex = inject(src, ref, sl, lang, random.Random(3), types=(kind,))
        assert ex is not None
        _check(ex, src, ref)
        err = ex.errors[0]
        assert [ex.mt[s:e] for s, e in err.mt_spans] == [ws.wrong]
        assert [fold(src[s:e]).startswith(fold(hint[0])) for s, e in err.src_spans] == [True]
        tried += 1
    assert tried >= 2


def test_glossary_forbidden_rendering_is_a_false_friend():
    src = "El canciller chino habló con la prensa."
    ref = "The Chinese foreign minister spoke to the press."
    ex = inject(src, ref, "es", "en", random.Random(0), types=("false_friend",))
    assert ex is not None and "chancellor" in ex.mt.lower()
    _check(ex, src, ref)
    assert [src[s:e] for s, e in ex.errors[0].src_spans] == ["canciller"]


def test_clean_copy_and_severity_weights():
    sl, src, ref = PAIRS["en"]
    c = clean(src, ref, sl, "en")
    _check(c, src, ref)
    assert c.score == 1.0 and c.mt == ref and not c.errors
    num = inject(src, ref, sl, "en", random.Random(1), types=("number",))
    brk = inject(src, ref, sl, "en", random.Random(1), types=("sentence_break",))
    two = inject(src, ref, sl, "en", random.Random(1), types=("number", "sentence_break"), n_errors=2)
    assert num.score < brk.score < 1.0  # a wrong amount costs more than a stray full stop
    assert len(two.errors) == 2 and two.score < min(num.score, brk.score) + 1e-9
    _check(two, src, ref)


def test_deterministic_with_a_seed():
    sl, src, ref = PAIRS["de"]
    runs = [inject(src, ref, sl, "de", random.Random(42), n_errors=2) for _ in range(3)]
    assert runs[0] == runs[1] == runs[2]
    outs = {inject(src, ref, sl, "de", random.Random(s), n_errors=1).mt for s in range(30)}
    assert len(outs) >= 8  # seeds do change the corruption


def test_nothing_applicable_gives_none():
    assert inject("Hola.", "Hi.", "es", "en", random.Random(0), types=("omission", "date", "number")) is None


def test_find_phrase_spans_are_exact():
    text = "El Ministro habló; ÉL no, el otro. Ministros."
    assert [text[s:e] for s, e in find_phrase(text, "ministro")] == ["Ministro"]
    assert [text[s:e] for s, e in find_phrase(text, "ministro", suffix=1)] == ["Ministro", "Ministros"]
    assert [text[s:e] for s, e in find_phrase(text, "él", accents=True)] == ["ÉL"]
    assert len(fold("Außenminister")) == len("Außenminister")


# ---------------------------------------------------------------- builder

needs_data = pytest.mark.skipif(not all((DATA / d).is_dir() for d in ("mlqe-pe", "ntrex", "wmt22-general")),
                                reason="shared data sets not available")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    from auditor.qe.dataset_v2 import build

    out = tmp_path_factory.mktemp("qe2")
    split = out / "split.json"
    counts = build(out, seed=0, data=DATA, cache=tmp_path_factory.mktemp("cache"), limit=40, split_file=split)
    return out, counts, split


@needs_data
def test_builder_tiny_cut(tiny):
    out, counts, split_file = tiny
    recs = [json.loads(line) for s in ("train", "dev", "test") for line in (out / f"{s}.jsonl").open(encoding="utf-8")]
    assert len(recs) == counts["total"] > 0
    assert json.loads((out / "counts.json").read_text())["total"] == counts["total"]
    origins = {r["origin"] for r in recs}
    assert origins == {"mlqe-pe", "ntrex", "mlqe-pe-postedit", "wmt22"}
    keys = {"id", "pair", "src", "mt", "score", "word_labels", "src_spans_for_bad", "origin", "doc_id", "split"}
    assert len({r["id"] for r in recs}) == len(recs)
    for r in recs:
        assert keys <= set(r) and 0.0 <= r["score"] <= 1.0
        for s, e, lab in r["word_labels"] or []:
            assert 0 <= s < e <= len(r["mt"]) and lab in ("OK", "BAD") and r["mt"][s:e].strip()
        for x in r["src_spans_for_bad"]:
            assert r["word_labels"][x["word"]][2] == "BAD"
            assert all(0 <= a < b <= len(r["src"]) for a, b in x["src"])
        if r["kind"] == "synthetic":
            assert any(lab == "BAD" for *_, lab in r["word_labels"]) and r["score"] < 1.0
        if r["kind"] == "clean":
            assert all(lab == "OK" for *_, lab in r["word_labels"]) and r["score"] == 1.0
    # by document: no NTREX document or WMT22 window in two splits; MLQE-PE dev never in train
    seen: dict[str, set[str]] = {}
    for r in recs:
        if r["origin"] in ("ntrex", "wmt22"):
            seen.setdefault(r["doc_id"], set()).add(r["split"])
        if r["origin"] in ("mlqe-pe", "mlqe-pe-postedit") and ":dev:" in r["id"]:
            assert r["split"] == "dev"
        if r["origin"] == "wmt22" and r["pair"] == "zh-en":
            assert r["split"] == "test"
    assert all(len(s) == 1 for s in seen.values())
    assert {r["pair"] for r in recs if r["origin"] == "ntrex"} == {f"{a}-{b}" for x in ("es", "fr", "de", "pt")
                                                                     for a, b in (("en", x), (x, "en"))}
    split = json.loads(split_file.read_text())
    assert {"train", "dev", "test"} <= set(split)


@needs_data
def test_builder_is_deterministic(tiny, tmp_path):
    from auditor.qe.dataset_v2 import build

    out, counts, _ = tiny
    build(tmp_path, seed=0, data=DATA, cache=tmp_path / "cache", limit=40, split_file=None)
    for s in ("train", "dev", "test"):
        assert (tmp_path / f"{s}.jsonl").read_bytes() == (out / f"{s}.jsonl").read_bytes()


@needs_data
def test_committed_ntrex_split_is_the_seeded_one():
    from auditor.qe.dataset_v2 import SPLIT_FILE, ntrex_split

    docs = (DATA / "ntrex" / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").split()
    committed = json.loads(SPLIT_FILE.read_text(encoding="utf-8"))
    expected = ntrex_split(docs, committed["seed"])
    assert {k: committed[k] for k in ("train", "dev", "test")} == expected
    parts = [set(expected[k]) for k in ("train", "dev", "test")]
    assert not (parts[0] & parts[1] or parts[0] & parts[2] or parts[1] & parts[2])
    assert set().union(*parts) == set(docs)
    assert len(parts[1]) == len(parts[2]) == round(len(set(docs)) * 0.1)
