"""Glossary loading: shipped CSVs, user CSV/TBX files, validation and merging."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from auditor.glossary import (
    CSV_HEADER,
    Glossary,
    GlossaryError,
    Term,
    builtin_glossaries,
    builtin_pairs,
    fold,
    glossaries_dir,
    load_glossary,
    norm_lang,
    pair_from_name,
)

FIX = Path(__file__).parent / "fixtures" / "glossary"
MODELS = Path(__file__).resolve().parent.parent / "models" / "glossaries"


# -- shipped glossaries ---------------------------------------------------------------


def test_shipped_pairs_present():
    assert {("es", "en"), ("fr", "en"), ("de", "en"), ("pt", "en"), ("it", "en")} <= set(builtin_pairs())
    assert glossaries_dir().resolve() == MODELS.resolve()


@pytest.mark.parametrize("pair,minimum", [("es-en", 60), ("fr-en", 10), ("de-en", 10), ("pt-en", 10), ("it-en", 10)])
def test_shipped_csv_is_valid_and_documented(pair, minimum):
    path = MODELS / f"{pair}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == CSV_HEADER
    g = load_glossary(path)
    src, tgt = pair.split("-")
    assert len(g) >= minimum
    assert all(t.source_lang == src and t.target_lang == tgt for t in g)
    assert all(t.note for t in g), "every entry carries a note for editors"
    assert all(t.severity in ("minor", "major", "critical") for t in g)
    # Source terms are unique within a file (a duplicate would silently shadow).
    keys = [t.key for t in g]
    assert len(keys) == len(set(keys))


def test_es_en_key_entries():
    g = builtin_glossaries("es", "en")
    by_src = {fold(s): t for t in g for s in t.sources}
    canciller = by_src["canciller"]
    assert "chancellor" in canciller.forbidden and canciller.severity == "major"
    assert canciller.text_rule == "chancellor_role"
    assert "alemania" in canciller.ok_when
    assert "trillion" in by_src["billon"].targets and "billion" in by_src["billon"].forbidden
    assert by_src["lectura"].text_rule == "readout"
    assert by_src["este lunes"].severity == "minor"
    for word, bad in [("actualmente", "actually"), ("eventualmente", "eventually"), ("embarazada", "embarrassed"),
                      ("fiscal", "fiscal"), ("sindicato", "syndicate"), ("golpe de estado", "state blow")]:
        assert bad in by_src[word].forbidden, word


def test_text_only_gathers_every_source_language():
    g = builtin_glossaries(None, "en")
    assert {t.source_lang for t in g} >= {"es", "fr", "de", "pt", "it"}
    assert {t.source_lang for t in g.with_rule("chancellor_role")} >= {"es", "pt"}
    assert len(builtin_glossaries("es", "fr")) == 0  # no shipped es->fr glossary


# -- CSV loading -----------------------------------------------------------------------


def test_user_csv_loads_with_pair_from_name_and_quoting():
    g = load_glossary(FIX / "desk.es-en.csv")
    assert len(g) == 3  # the comment line is skipped
    t = g.terms[0]
    assert (t.source_lang, t.target_lang, t.source_term, t.forbidden) == ("es", "en", "canciller", ("chancellor",))
    assert t.severity == "critical"
    assert g.terms[1].category == "accuracy/untranslated" and g.terms[1].sources == ("alcalde", "alcaldesa")
    assert g.terms[2].source_term == "ministro de Hacienda, Economía"


def test_explicit_languages_override_file_name(tmp_path):
    p = tmp_path / "plain.csv"
    p.write_text("source_term,target_term,forbidden,note,context\nx,y,z,n,\n", encoding="utf-8")
    assert load_glossary(p).terms[0].source_lang == "*"
    t = load_glossary(p, "ES-es", "en").terms[0]
    assert (t.source_lang, t.target_lang) == ("es", "en")


def test_bad_header_names_file_and_line():
    with pytest.raises(GlossaryError, match=r"bad_header\.csv, line 1: bad header"):
        load_glossary(FIX / "bad_header.csv")


def test_bad_row_names_file_and_line():
    with pytest.raises(GlossaryError, match=r"bad_row\.es-en\.csv, line 3: expected 5 fields, found 6"):
        load_glossary(FIX / "bad_row.es-en.csv")


def test_bad_severity_is_refused():
    with pytest.raises(GlossaryError, match=r"line 2: unknown severity 'huge'"):
        load_glossary(FIX / "bad_severity.es-en.csv")


def test_missing_fields_and_files(tmp_path):
    p = tmp_path / "x.es-en.csv"
    p.write_text("source_term,target_term,forbidden,note,context\n,y,z,n,\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match="line 2: source_term and target_term are required"):
        load_glossary(p)
    with pytest.raises(GlossaryError, match="not found"):
        load_glossary(tmp_path / "nope.csv")
    q = tmp_path / "x.txt"
    q.write_text("whatever", encoding="utf-8")
    with pytest.raises(GlossaryError, match="unknown glossary format"):
        load_glossary(q)
    e = tmp_path / "empty.csv"
    e.write_text("", encoding="utf-8")
    with pytest.raises(GlossaryError, match="empty file"):
        load_glossary(e)


def test_edited_file_is_reloaded(tmp_path):
    p = tmp_path / "e.es-en.csv"
    p.write_text("source_term,target_term,forbidden,note,context\na,b,c,n,\n", encoding="utf-8")
    assert len(load_glossary(p)) == 1
    p.write_text("source_term,target_term,forbidden,note,context\na,b,c,n,\nd,e,f,n2,\n", encoding="utf-8")
    assert len(load_glossary(p)) == 2


# -- TBX loading -----------------------------------------------------------------------


def test_tbx_v2_termentry_deprecated_and_normative():
    g = load_glossary(FIX / "v2.tbx")
    es_en = g.for_pair("es", "en")
    assert len(es_en) == 1
    t = es_en.terms[0]
    assert t.source_term == "canciller" and t.target_term == "foreign minister"
    assert t.forbidden == ("chancellor",)
    assert "diplomacy" in t.note
    fr_en = g.for_pair("fr", "en").terms[0]
    assert fr_en.forbidden == ("milliard",) and fr_en.targets == ("billion",)
    # Every ordered pair of languages becomes an entry; en -> es has no forbidden terms.
    assert g.for_pair("en", "es").terms[0].forbidden == ()


def test_tbx_v3_conceptentry_termsec():
    g = load_glossary(FIX / "v3.tbx").for_pair("de", "en")
    assert len(g) == 1
    assert g.terms[0].source_term == "Außenminister"
    assert g.terms[0].forbidden == ("outside minister",)


def test_tbx_entities_refused():
    with pytest.raises(GlossaryError, match="entity declarations are not allowed"):
        load_glossary(FIX / "entity.tbx")


def test_tbx_malformed_and_wrong_root(tmp_path):
    bad = tmp_path / "bad.tbx"
    bad.write_text("<martif><text><body><termEntry></body></text></martif>", encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"bad\.tbx, line 1: not well-formed XML"):
        load_glossary(bad)
    other = tmp_path / "other.tbx"
    other.write_text("<html/>", encoding="utf-8")
    with pytest.raises(GlossaryError, match="is not martif/tbx"):
        load_glossary(other)


# -- merging and locating ---------------------------------------------------------------


def test_user_entry_replaces_shipped_one():
    g = builtin_glossaries("es", "en", [str(FIX / "desk.es-en.csv")])
    canc = [t for t in g if fold(t.source_term) == "canciller"]
    assert len(canc) == 1 and canc[0].severity == "critical"
    assert any(t.source_term == "alcalde|alcaldesa" for t in g)
    # The shipped entry with alternatives ("canciller|cancillera") has another key and survives.
    assert any(t.source_term == "canciller|cancillera" for t in g)
    # A user file for another pair does not leak into es->en.
    assert not any(t.source_lang == "de" for t in builtin_glossaries("es", "en", [str(FIX / "v3.tbx")]))


def test_models_dir_env_override(tmp_path, monkeypatch):
    (tmp_path / "glossaries").mkdir()
    (tmp_path / "glossaries" / "nl-en.csv").write_text(
        "source_term,target_term,forbidden,note,context\nbellen,call,bell,Bellen is to phone.,\n", encoding="utf-8"
    )
    monkeypatch.setenv("AUDITOR_MODELS_DIR", str(tmp_path))
    assert builtin_pairs() == (("nl", "en"),)
    g = builtin_glossaries("nl", "en")
    assert [t.source_term for t in g] == ["bellen"]
    assert len(builtin_glossaries("es", "en")) == 0


def test_helpers():
    assert fold("  Außenminister  Ñandú ") == "aussenminister nandu"
    assert norm_lang("pt_BR") == "pt" and norm_lang(None) == "*"
    assert pair_from_name("desk.es-en.tbx") == ("es", "en")
    assert pair_from_name("glossary.csv") is None
    t = Term("es", "en", "a|b", "x", (), "", "severity=minor; ok_when=p|q; free remark")
    assert t.hints == {"severity": "minor", "ok_when": "p|q"}
    assert t.ok_when == ("p", "q") and t.text_rule is None
    assert Term("es", "en", "a", "x", context="severity=bogus").severity == "major"
    merged = Glossary((t,)).merged(Glossary((Term("es", "en", "A|B", "y"),)))
    assert [x.target_term for x in merged] == ["y"]
