"""Tests of the learned MT detector: data split, features, metrics, model, verdict."""

from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np
import pytest

from auditor.mtdetect import data as mdata
from auditor.mtdetect.features import extract_features, source_features, text_features
from auditor.mtdetect.metrics import accuracy, expected_calibration_error, reliability, roc_auc
from auditor.mtdetect.model import MODEL_FILE, Detector, DetectorUnavailable, LinearModel, load_detector, predict, read_detector
from auditor.mtdetect.train import balanced_weights, fit_logistic, fit_platt
from auditor.types import AlignedPair, Alignment, DocumentResult, Finding, Link, PairScores, Scores
from tests.helpers import one_to_one, seg_doc

# --- data builder -----------------------------------------------------------------


@pytest.fixture()
def fake_wmt(tmp_path: Path) -> Path:
    """A miniature wmt22-general tree: 300 lines per file, two refs, three systems."""
    for sub in ("sources", "references", "system-outputs"):
        (tmp_path / sub).mkdir()
    n = 300

    def write(path: Path, tag: str) -> None:
        path.write_text("".join(f"{tag} line {i}.\n" for i in range(n)), encoding="utf-8")

    write(tmp_path / "sources" / "generaltest2022.de-en.src.de", "de")
    for ref in ("A", "B"):
        write(tmp_path / "references" / f"generaltest2022.de-en.ref.{ref}.en", f"ref{ref}")
    for sys_ in ("S1", "S2", "S3"):
        write(tmp_path / "system-outputs" / f"generaltest2022.de-en.hyp.{sys_}.en", sys_)
    write(tmp_path / "sources" / "generaltest2022.en-de.src.en", "native")
    write(tmp_path / "sources" / "generaltest2022.en-ja.src.en", "native")  # identical: counted once
    return tmp_path


def test_windows_are_disjoint_and_sized() -> None:
    wins = mdata.windows(200, random.Random(1))
    assert all(8 <= b - a <= 15 for a, b in wins)
    assert all(wins[i][1] == wins[i + 1][0] for i in range(len(wins) - 1))


def test_no_source_line_in_two_splits(fake_wmt: Path) -> None:
    ex = mdata.build_examples(fake_wmt, pairs=("de-en",))
    split_of: dict[tuple[str, int], str] = {}
    for e in ex:
        for i in range(e.start, e.end):
            assert split_of.setdefault((e.pair, i), e.split) == e.split
    assert {e.split for e in ex} == {"train", "calib", "eval"}
    sub = mdata.subsample(ex, {"train": 3, "calib": 1, "eval": 2})
    assert len({(e.pair, e.start) for e in sub if e.split == "eval" and e.pair == "de-en"}) == 2


def test_classes_balanced_per_window_and_native_deduplicated(fake_wmt: Path) -> None:
    ex = mdata.build_examples(fake_wmt, pairs=("de-en",), leave_systems_out=False)
    by_window: dict[int, list[str]] = {}
    for e in ex:
        if e.pair == "de-en":
            by_window.setdefault(e.start, []).append(e.label)
            assert len(e.source_lines) == len(e.lines) and e.source_lang == "de"
    assert all(labels.count("mt") == labels.count("human") == 2 for labels in by_window.values())
    natives = [e for e in ex if e.label == "original"]
    assert natives and len({e.pair for e in natives}) == 1


def test_leave_systems_out_split(fake_wmt: Path) -> None:
    """No MT system and no held-out reference is in both train and eval; every window is used."""
    held = mdata.held_out_systems(fake_wmt)
    assert held and held < {"S1", "S2", "S3"}
    ex = mdata.build_examples(fake_wmt, pairs=("de-en",))
    seen = {split: {e.system for e in ex if e.split == split and e.pair == "de-en"} for split in ("train", "calib", "eval")}
    assert seen["eval"] and seen["train"]
    assert not (seen["eval"] & (seen["train"] | seen["calib"]))
    assert "B" in seen["eval"] and "A" in seen["train"]  # two references: the last one is held out
    assert {e.system for e in ex if e.split == "eval" and e.label == "mt"} <= held
    n_windows = len(mdata.windows(300, random.Random("13:de-en")))
    assert len({e.start for e in ex if e.pair == "de-en"}) == n_windows


def test_ntrex_examples(tmp_path: Path) -> None:
    import json

    from auditor.mtdetect.corpora import ntrex_examples

    row = {"doc_id": "d1", "split": "train", "en": ["One.", "Two."], "pt": ["Um.", "Dois."], "mt_en": ["A.", "B."]}
    (tmp_path / "pt-en.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    rt = {"doc_id": "d2", "split": "test", "en": ["One."], "pt_mt": ["Um."], "en_rt": ["Uno."]}
    (tmp_path / "roundtrip-en-pt-en.jsonl").write_text(json.dumps(rt) + "\n", encoding="utf-8")
    ex = {e.id: e for e in ntrex_examples(tmp_path)}
    assert ex["ntrex:d1:mt:bergamot-pt-en"].source_lang == "pt" and ex["ntrex:d1:mt:bergamot-pt-en"].label == "mt"
    assert ex["ntrex:d1:human:ntrex-pt"].modes == ("with_source",)
    assert ex["ntrex:d1:original"].modes == ("text_only",) and not ex["ntrex:d1:original"].source_lines
    assert ex["ntrex:d2:mt:bergamot-en-pt-en"].split == "eval"
    assert len({e.cv_group for e in ex.values() if "d1" in e.id}) == 1


def test_realpages_split_by_story() -> None:
    from auditor.mtdetect.corpora import REALPAGES, REALPAGES_DEV_STORIES, realpages_records

    if not (REALPAGES / "labels.jsonl").exists():
        pytest.skip("realpages not available")
    recs = realpages_records()
    stories = {s: {r["split"] for r in recs if r["story"] == s} for s in {r["story"] for r in recs}}
    assert all(len(v) == 1 for v in stories.values())
    assert {s for s, v in stories.items() if v == {"rp_dev"}} == set(REALPAGES_DEV_STORIES)
    assert {r["class"] for r in recs} == {"mt", "original"} and all(r["label"] != "unsure" for r in recs)


def test_urls_used_lists_the_calibration_pages() -> None:
    """Every realpages page the shipped text-only calibration was fitted on is in urls-used.txt."""
    urls = set((Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "urls-used.txt").read_text().split())
    info = load_detector().meta.get("training", {}).get("text_only", {}).get("verdict", {})
    assert info.get("urls"), "the detector does not say which pages it was calibrated on"
    assert set(info["urls"]) <= urls


# --- features ---------------------------------------------------------------------


def test_text_features_counts_style_marks() -> None:
    human = seg_doc(["“We won’t stop,” she said — and didn’t.", "It’s over; they’re gone (for now)."])
    plain = seg_doc(["We will not stop, she said and did not.", "It is over and they are gone for now."])
    fh, fp = text_features(human), text_features(plain)
    assert fh["contractions"] > 0 and fp["contractions"] == 0
    assert fh["p_curly_quote"] > 0 and fh["curly_quote_share"] == 1.0
    assert fh["p_semicolon"] > 0 and fh["p_dash"] > 0 and fp["p_dash"] == 0
    assert 0 < fp["function_share"] < 1


def test_text_features_empty_document_is_finite() -> None:
    f = text_features(seg_doc([]))
    assert all(math.isfinite(v) for v in f.values())


def test_findings_are_per_100_sentences() -> None:
    doc = seg_doc(["One sentence here.", "Two sentences here.", "Three.", "Four."])
    f = Finding(0, 3, "One", "accuracy/date", "major", "m", "dates")
    feats = text_features(doc, [f])
    assert feats["find_dates"] == pytest.approx(25.0) and feats["sev_major"] == pytest.approx(25.0)
    assert feats["find_kinds"] == 1.0


def test_qe_findings_are_counted_apart() -> None:
    doc = seg_doc(["One sentence here.", "Two sentences here."])
    qe = Finding(0, 3, "One", "accuracy/mistranslation", "major", "m", "qe")
    feats = text_features(doc, [qe])
    assert feats["find_qe"] == pytest.approx(50.0)
    assert feats["sev_major"] == 0.0 and feats["find_weighted"] == 0.0 and feats["find_kinds"] == 0.0


def _pair_result(src_sents, rep_sents, sims):
    src = seg_doc(src_sents, "de", "src")
    rep = seg_doc(rep_sents, "en", "rep")
    al = one_to_one(src, rep)
    scores = Scores(xsim=float(np.mean(sims)), source_coverage=1.0, reprint_coverage=1.0, monotonicity=1.0,
                    pairs=tuple(PairScores(xsim=s) for s in sims))
    link = Link("rep", "src", "translation", 0.9)
    return DocumentResult(doc=rep, link=link, alignment=al, scores=scores), {"src": src, "rep": rep}


def test_source_features_literal_pair() -> None:
    res, docs = _pair_result(["Er kam 2023 an.", "Wer ist das?"], ["He arrived in 2023.", "Who is that?"], [0.9, 0.8])
    f = source_features(res, docs["src"])
    assert f["one_one_share"] == 1.0 and f["numbers_kept"] == 1.0 and f["marks_kept"] == 1.0
    assert f["xsim_mean"] == pytest.approx(0.85) and f["xsim_min"] == pytest.approx(0.8)
    res2, docs2 = _pair_result(["Er kam 2023 an.", "Wer ist das?"], ["He arrived in 2022.", "That is him."], [0.4, 0.3])
    f2 = source_features(res2, docs2["src"])
    assert f2["numbers_kept"] == 0.0 and f2["marks_kept"] < 1.0 and f2["xsim_low_share"] == 1.0


def test_extract_features_modes() -> None:
    res, docs = _pair_result(["Ein Satz.", "Noch einer."], ["One sentence.", "Another one."], [0.8, 0.8])
    assert "xsim_mean" in extract_features(res, docs, "with_source")
    assert "xsim_mean" not in extract_features(res, docs, "text_only")
    with pytest.raises(ValueError):
        extract_features(res, docs, "nonsense")


# --- metrics ----------------------------------------------------------------------


def test_auc_ranks_and_ties() -> None:
    assert roc_auc([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4]) == 1.0
    assert roc_auc([0, 0, 1, 1], [0.4, 0.3, 0.2, 0.1]) == 0.0
    assert roc_auc([0, 1], [0.5, 0.5]) == 0.5
    assert math.isnan(roc_auc([1, 1], [0.2, 0.3]))


def test_ece_and_accuracy() -> None:
    y = [0, 1] * 50
    assert expected_calibration_error(y, [0.5] * 100) == pytest.approx(0.0)
    assert expected_calibration_error([1] * 10, [0.05] * 10) == pytest.approx(0.95)
    assert accuracy([0, 1, 1], [0.2, 0.7, 0.4]) == pytest.approx(2 / 3)
    assert sum(c for *_, c in reliability(y, np.linspace(0, 1, 100))) == 100


# --- training pieces --------------------------------------------------------------


def test_fit_logistic_and_platt_recover_direction() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 2))
    y = (x[:, 0] + 0.3 * rng.normal(size=400) > 0).astype(float)
    w, b = fit_logistic(x, y, np.ones(400), l2=0.01)
    assert w[0] > 1.0 and abs(w[1]) < 0.5
    a, c = fit_platt(x[:, 0] * 0.1, y, np.ones(400))
    assert a > 1.0


def test_balanced_weights() -> None:
    w = balanced_weights(["mt", "mt", "human", "original", "original", "original"])
    labels = ["mt", "mt", "human", "original", "original", "original"]
    tot = {lab: sum(v for v, l2 in zip(w, labels) if l2 == lab) for lab in set(labels)}
    assert tot["mt"] == pytest.approx(tot["human"] + tot["original"])
    assert tot["human"] == pytest.approx(tot["original"])


# --- shipped model ----------------------------------------------------------------


@pytest.fixture(scope="module")
def detector() -> Detector:
    return load_detector()


def test_shipped_detector_has_both_modes(detector: Detector) -> None:
    assert set(detector.models) == {"with_source", "text_only"}
    for m in detector.models.values():
        assert len(m.features) == len(m.weights) == len(m.mean) == len(m.scale)
        assert m.platt_a > 0  # calibration is monotone increasing in the model score


def test_predict_is_deterministic_and_bounded(detector: Detector) -> None:
    feats = text_features(seg_doc(["The minister said the talks were useful.", "He will travel on Monday."]))
    p1, ev1 = predict(feats, "text_only", detector)
    p2, ev2 = predict(dict(feats), "text_only", detector)
    assert p1 == p2 and ev1 == ev2 and 0.0 < p1 < 1.0
    assert len(ev1) <= 3 and all("log-odds" in line for line in ev1)
    p_empty, _ = predict({}, "with_source", detector)  # every feature missing: the training mean
    assert 0.0 < p_empty < 1.0
    with pytest.raises(ValueError):
        predict(feats, "bogus", detector)


def test_calibration_is_monotone(detector: Detector) -> None:
    m = detector.models["text_only"]
    k = int(np.argmax(np.abs(m.weights)))
    name = m.features[k]
    values = [m.mean[k] + t * m.scale[k] for t in (-2, -1, 0, 1, 2)]
    ps = [m.probability({name: v}) for v in values]
    diffs = np.diff(ps) * np.sign(m.weights[k])
    assert (diffs >= 0).all()


def test_verdict_calibration_is_monotone(detector: Detector) -> None:
    """The text-only verdict's p rises with the model score and with the rule tells."""
    from auditor.verdict import TELL_WEIGHT, text_only_prior

    m = detector.models["text_only"]
    assert m.platt_a > 0 and TELL_WEIGHT > 0
    raws = np.linspace(-8, 8, 33)
    zs = m.platt_a * raws + m.platt_b + text_only_prior()
    assert (np.diff(zs) > 0).all()


@pytest.mark.parametrize("mode", ["text_only", "with_source"])
def test_ngrams_alone_do_not_make_a_verdict(detector: Detector, mode: str) -> None:
    """A faithful human translation (the training human translations' mean in every feature)
    whose wording is as MT-like as 3 sd of the learned n-grams stays below the verdict line:
    n-grams alone never label a text machine translation."""
    from auditor.verdict import text_only_prior

    m = detector.models[mode]
    profile = detector.meta.get("training", {}).get(mode, {}).get("human_profile")
    assert profile, "the detector carries no human-translation profile"
    lex = [k for k, n in enumerate(m.features) if n.startswith("lexical_")]
    if not lex:
        pytest.skip("this detector ships no lexicons")
    feats = dict(profile)
    base = m.logit(feats)
    for k in lex:
        feats[m.features[k]] = float(m.mean[k] + 3.0 * m.scale[k] * np.sign(m.weights[k]))
    z = m.logit(feats) + (text_only_prior() if mode == "text_only" else 0.0)
    assert base < m.logit(feats), "MT-like wording should raise the score"
    assert z < 0.0, f"n-grams alone reach log-odds {z:.2f} at the verdict"


def test_choose_prior_and_offset_platt() -> None:
    from auditor.mtdetect.calibrate import choose_prior, fit_offset_platt

    rng = np.random.default_rng(1)
    z = np.concatenate([rng.normal(2, 1, 40), rng.normal(-2, 1, 60)])
    y = np.concatenate([np.ones(40), np.zeros(60)])
    shift, op = choose_prior(z, y, 0.05)
    assert op["fpr"] <= 0.05 and np.mean(z[y == 0] + shift >= 0) <= 0.05
    assert op["tpr"] == pytest.approx(np.mean(z[y == 1] + shift >= 0))
    a, b = fit_offset_platt(z, y, np.zeros_like(z))
    a2, b2 = fit_offset_platt(z, y, np.full_like(z, 1.0))
    assert a > 0 and b2 == pytest.approx(b - 1.0, abs=0.05)


def test_stable_lexicon_keeps_shared_wording() -> None:
    from auditor.mtdetect.lexical import stable_lexicon

    human = [f"We must go on now {i}." for i in range(8)]
    by_sys = {"S1": [f"It is necessary to proceed, quirkone {i}." for i in range(8)],
              "S2": [f"It is necessary to continue, quirktwo {i}." for i in range(8)]}
    lex = stable_lexicon(by_sys, human, min_count=2)
    assert lex.get("necessary", 0) > 0
    assert "quirkone" not in lex and "quirktwo" not in lex


def test_read_detector_rejects_bad_files(tmp_path: Path) -> None:
    bad = tmp_path / "d.json"
    bad.write_text('{"format": "other"}', encoding="utf-8")
    with pytest.raises(DetectorUnavailable):
        read_detector(bad)
    with pytest.raises(DetectorUnavailable):
        read_detector(tmp_path / "missing.json")


def test_round_trip_json(tmp_path: Path) -> None:
    m = LinearModel("text_only", ("a", "b"), np.zeros(2), np.ones(2), np.array([1.0, -1.0]), 0.0, 2.0, 0.1)
    Detector("0", {"text_only": m}).save(tmp_path / "x.json")
    back = read_detector(tmp_path / "x.json").models["text_only"]
    assert back.probability({"a": 1.0, "b": 0.0}) == pytest.approx(m.probability({"a": 1.0, "b": 0.0}))
    assert MODEL_FILE.exists()


# --- verdict integration ----------------------------------------------------------


def test_judge_text_only_uses_model() -> None:
    from auditor.verdict import judge

    doc = seg_doc(["The minister said the talks were useful.", "He will travel to Paris next week."], "en", "a")
    v = judge(DocumentResult(doc=doc), {"a": doc})
    assert v.mode == "text_only" and v.label in ("original", "machine_translation")
    assert any(line.startswith("MT detector") for line in v.evidence)
    assert any("judged from the text alone" in line for line in v.evidence)


def test_judge_with_source_keeps_alignment_evidence() -> None:
    from auditor.verdict import judge

    res, docs = _pair_result(["Ein Satz.", "Noch einer."], ["One sentence.", "Another one."], [0.8, 0.8])
    v = judge(res, docs)
    assert v.mode == "with_source" and v.label in ("human_translation", "machine_translation")
    assert any(line.startswith("translation of src") for line in v.evidence)
    assert any("one sentence to one sentence" in line for line in v.evidence)
    assert any(line.startswith("MT detector") for line in v.evidence)


def test_judge_tells_raise_p() -> None:
    from auditor.verdict import judge

    doc = seg_doc(["The chancellor Wang Yi met him on April 18. June 2023.", "He said: there was no place."], "en", "a")
    base = judge(DocumentResult(doc=doc), {"a": doc})
    tells = tuple(Finding(0, 14, doc.text[0:14], "accuracy/terminology", "major", "m", "terminology") for _ in range(3))
    more = judge(DocumentResult(doc=doc, findings=tells), {"a": doc})
    assert more.p_machine_translation > base.p_machine_translation


def test_judge_falls_back_without_model(monkeypatch: pytest.MonkeyPatch) -> None:
    import auditor.mtdetect as md
    from auditor.verdict import judge

    def missing(*a, **k):
        raise DetectorUnavailable("no model")

    monkeypatch.setattr(md, "load_detector", missing)
    doc = seg_doc(["A plain sentence."], "en", "a")
    v = judge(DocumentResult(doc=doc), {"a": doc})
    assert v.mode == "text_only" and not any(line.startswith("MT detector") for line in v.evidence)


# --- lexical fingerprint ----------------------------------------------------------


def test_lexicon_learns_wording_not_typography() -> None:
    from auditor.mtdetect.lexical import lexical_score, ngrams, train_lexicon

    assert ngrams("Don’t “go”") == ngrams("Don't \"go\"")
    mt = [f"In order to proceed, it is necessary to act {i}." for i in range(6)]
    ht = [f"To go on, we must act now {i}." for i in range(6)]
    lex = train_lexicon(mt, ht, min_count=2)
    assert lexical_score("It is necessary in order to win.", lex) > 0 > lexical_score("We must go on.", lex)
    assert lexical_score("Completely unrelated words.", lex) == 0.0
    assert train_lexicon([], ht) == {}


def test_cross_fit_scores_are_out_of_fold() -> None:
    from auditor.mtdetect.lexical import cross_fit_scores

    # Each group's wording is unique to it, so an out-of-fold table has never seen it.
    texts = [f"uniqueword{g} shared text" for g in range(10)]
    labels = [g % 2 for g in range(10)]
    scores = cross_fit_scores(texts, labels, [str(g) for g in range(10)], folds=5, min_count=1)
    assert all(abs(s) < 1e-9 for s in scores)


# --- extraction through the real pipeline stages ----------------------------------


def test_features_of_group_runs_the_pipeline_stages() -> None:
    from auditor.mtdetect.extract import features_of_group

    src = ("Der Minister reiste am Montag nach Peking.", "Er traf dort seinen Amtskollegen.",
           "Die Gespräche dauerten drei Stunden.")
    human = ("The minister travelled to Beijing on Monday.", "There he met his counterpart.",
             "The talks went on for three hours.")
    mt = ("The minister traveled to Beijing on Monday.", "He met his counterpart there.",
          "The conversations lasted three hours.")
    group = [mdata.Example(id=f"t:{lab}", pair="de-en", label=lab, split="eval", start=0, end=3, lines=lines,
                           source_lines=src, source_lang="de", system=lab)
             for lab, lines in (("human", human), ("mt", mt))]
    recs = features_of_group(group)
    assert [r["id"] for r in recs] == ["t:human", "t:mt"]
    for r in recs:
        ws = r["with_source"]
        assert ws["one_one_share"] == 1.0 and ws["source_coverage"] == 1.0 and 0.3 < ws["xsim_mean"] <= 1.0
        assert ws["numbers_kept"] == 1.0 and "xsim_mean" not in r["text_only"]
    native = mdata.Example(id="n", pair="en:en-de", label="original", split="eval", start=0, end=2,
                           lines=("Plain English text here.", "And another line."))
    (rec,) = features_of_group([native])
    assert "with_source" not in rec and rec["text_only"]["sent_len_mean"] > 0


# --- token-encoder head -------------------------------------------------------------


def test_shipped_detector_has_e5_head_and_the_verdict_uses_it(detector: Detector) -> None:
    """The text-only verdict runs the e5 head (its score is a stacked term of the calibrated model)."""
    from auditor.mtdetect.features import extract_features as ef
    from auditor.verdict import judge

    head = detector.head()
    assert head is not None and head.layer == 6 and len(head.weights) == 384
    assert detector.models["text_only"].stack.get("e5_mt", 0) > 0
    doc = seg_doc(["The minister said the talks were useful.", "He will travel to Paris next week."], "en", "a")
    feats = ef(DocumentResult(doc=doc), {"a": doc}, "text_only", lexicons=detector.lexicons, e5_head=head)
    assert math.isfinite(feats["e5_mt"])
    v = judge(DocumentResult(doc=doc), {"a": doc})
    assert not any("without the e5 head" in line for line in v.evidence)


def test_verdict_says_when_the_e5_head_cannot_run(monkeypatch: pytest.MonkeyPatch) -> None:
    import auditor.mtdetect.e5head as e5
    from auditor.verdict import judge

    def broken(text: str):
        raise e5.E5Unavailable("e5 token encoder not available: test")

    monkeypatch.setattr(e5, "doc_vector", broken)
    doc = seg_doc(["The minister said the talks were useful.", "He will travel to Paris next week."], "en", "a")
    v = judge(DocumentResult(doc=doc), {"a": doc})
    assert any("judged without the e5 head" in line for line in v.evidence)
    assert v.p_machine_translation is not None


def test_e5_head_round_trips_json() -> None:
    from auditor.mtdetect.e5head import E5Head, fit_head

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 5))
    y = (X[:, 0] > 0).astype(float)
    head = fit_head(X, y, np.ones(60), 0.1)
    back = E5Head.from_json(head.to_json())
    assert back.score(X[0]) == pytest.approx(head.score(X[0]), abs=1e-4)
    assert head.score(np.array([3.0, 0, 0, 0, 0])) > head.score(np.array([-3.0, 0, 0, 0, 0]))


# --- with-source cross-encoder hook (trained and measured, not shipped: see the model card) ---


class _FakeCross:
    def __init__(self, value=None, error=None):
        self.value, self.error, self.seen = value, error, []

    def score_pairs(self, pairs):
        self.seen.append(list(pairs))
        if self.error:
            raise self.error
        return self.value


def test_cross_encoder_term_reads_the_aligned_pairs() -> None:
    res, docs = _pair_result(["Der Minister sagte, die Gespräche seien nützlich gewesen.", "Er reist nach Paris."],
                             ["The minister said that the talks had been useful.", "He travels to Paris."], [0.9, 0.9])
    fake = _FakeCross(1.5)
    feats = extract_features(res, docs, "with_source", cross_mt=fake)
    assert feats["xenc_mt"] == 1.5
    assert fake.seen == [[("Der Minister sagte, die Gespräche seien nützlich gewesen.",
                           "The minister said that the talks had been useful."),
                          ("Er reist nach Paris.", "He travels to Paris.")]]
    assert "xenc_mt" not in extract_features(res, docs, "text_only", cross_mt=fake)


def test_shipped_detector_has_no_cross_encoder_term(detector: Detector) -> None:
    """The term lost real pages (model card): the shipped file must not carry half of it."""
    assert not detector.cross_mt and "xenc_mt" not in detector.models["with_source"].stack
    assert detector.cross() is None


def test_verdict_says_when_the_cross_encoder_cannot_run(monkeypatch: pytest.MonkeyPatch) -> None:
    from auditor.mtdetect.e5head import E5Unavailable
    from auditor.mtdetect.model import Detector as D
    from auditor.verdict import judge

    monkeypatch.setattr(D, "cross", lambda self: _FakeCross(error=E5Unavailable("the e5 cross-encoder could not run (test)")))
    res, docs = _pair_result(["Ein Satz.", "Noch einer."], ["One sentence.", "Another one."], [0.8, 0.8])
    v = judge(res, docs)
    assert any("judged without" in line and "the e5 cross-encoder" in line for line in v.evidence)
    assert v.p_machine_translation is not None


def test_with_source_verdict_stacks_the_e5_head(detector: Detector, monkeypatch: pytest.MonkeyPatch) -> None:
    """v2.1: the with-source Platt map is fitted with ``e5_mt`` on the WMT22 calib windows, so
    a with-source verdict reads the English side's e5 score, and says so when it cannot."""
    import auditor.mtdetect.e5head as e5
    from auditor.verdict import judge

    assert detector.models["with_source"].stack.get("e5_mt", 0) > 0
    res, docs = _pair_result(["Der Minister sagte, die Gespräche seien nützlich gewesen.", "Er reist nach Paris."],
                             ["The minister said that the talks had been useful.", "He travels to Paris."], [0.9, 0.9])
    seen: list[str] = []
    real = e5.doc_vector

    def spy(text: str):
        seen.append(text)
        return real(text)

    monkeypatch.setattr(e5, "doc_vector", spy)
    v = judge(res, docs)
    assert seen and "The minister said" in seen[-1]
    assert not any("judged without" in line for line in v.evidence)

    def broken(text: str):
        raise e5.E5Unavailable("e5 token encoder not available: test")

    monkeypatch.setattr(e5, "doc_vector", broken)
    v = judge(res, docs)
    assert any("judged without the e5 head" in line for line in v.evidence)
    assert v.p_machine_translation is not None
