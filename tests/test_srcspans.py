"""Source words of QE v2's error spans (auditor.qe.srcspans): how the alignment is read."""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np

from auditor.qe.srcspans import flagged_spans, source_words_for


def _words(text: str, punct: bool) -> tuple[tuple[int, int], ...]:
    pattern = r"\w+|[^\w\s]" if punct else r"\S+"
    return tuple(m.span() for m in re.finditer(pattern, text))


def _feat(src: str, mt: str, links, best=None, cos=None):
    sw, mw = _words(src, True), _words(mt, False)
    n = len(mw)
    scal = np.zeros((n, 3), np.float32)
    scal[:, 0] = cos if cos is not None else [0.0] * n
    return SimpleNamespace(src_words=sw, mt_words=mw, links=tuple(links),
                           best_src=tuple(best if best is not None else [-1] * n), word_scalar=scal)


def _quote(src, feat, idx):
    return src[feat.src_words[idx[0]][0]:feat.src_words[idx[-1]][1]] if idx else None


SRC = "El presidente Pedro Sánchez, de España."  # source words split punctuation off
MT = "The president Mariano Rajoy, of Spain."  # MT words are whitespace words

LINKS = [(0, 0), (1, 1), (4, 3), (5, 4), (6, 5)]


def test_a_swapped_name_is_placed_by_its_neighbours_not_by_its_comma_link():
    # links (source, MT): El-The, presidente-president, ","-"Rajoy,", de-of, España-"Spain."
    f = _feat(SRC, MT, LINKS, best=[0, 1, 6, 6, 5, 6], cos=[.8, .8, .2, .2, .8, .8])
    got = source_words_for(f, [2, 3], SRC, MT)
    assert _quote(SRC, f, got) == "Pedro Sánchez"


def test_an_untranslated_word_takes_the_same_word_nearest_its_position():
    src = "la casa de la ciudad y la plaza de la ciudad"
    mt = "the house of the city and the square of la city"
    f = _feat(src, mt, [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (6, 6), (7, 7), (8, 8), (10, 10)],
              cos=[.8] * 11)
    got = source_words_for(f, [9], src, mt)
    assert got == [9]  # the second "la ciudad", not the first "la"


def test_a_number_renders_the_nearby_source_number():
    src = "tenía 35 años cuando llegó"
    mt = "was 31 years old when arrived"
    # "31" linked to "años" (as e5 often links it)
    f = _feat(src, mt, [(0, 0), (2, 1), (2, 2), (3, 4), (4, 5)], cos=[.7] * 6)
    assert _quote(src, f, source_words_for(f, [1], src, mt)) == "35"
    assert _quote(src, f, source_words_for(f, [2], src, mt)) == "años"  # a word keeps its link


def test_no_link_no_neighbours_no_similar_word_gives_nothing():
    src, mt = "hola", "goodbye"
    f = _feat(src, mt, [], best=[0], cos=[0.1])
    assert source_words_for(f, [0], src, mt) == []


def test_flagged_spans_quote_is_an_exact_substring_of_the_source():
    f = _feat(SRC, MT, LINKS, best=[0, 1, 6, 6, 5, 6], cos=[.8, .8, .2, .2, .8, .8])
    probs = np.array([.1, .1, .9, .9, .1, .1])
    (span,) = flagged_spans(SRC, MT, f, probs, 0.5)
    assert MT[span.start:span.end] == "Mariano Rajoy,"
    assert span.src_text == SRC[span.src_start:span.src_end] == "Pedro Sánchez"


def test_a_name_the_reprint_added_renders_no_lowercase_word():
    src = "El candidato fue asesinado a balazos el miércoles ."
    mt = "The candidate was shot dead Wednesday, President Lasso said."
    # links: El-The, candidato-candidate, fue-was, asesinado-shot, miércoles-"Wednesday,"
    f = _feat(src, mt, [(0, 0), (1, 1), (2, 2), (3, 3), (7, 5)], best=[0, 1, 2, 3, 5, 7, 5, 5, 8],
              cos=[.8, .8, .8, .8, .5, .8, .5, .5, .3])
    # "President" and "Lasso": their most similar source word, "balazos", is no name
    assert source_words_for(f, [6, 7], src, mt) == []
    assert _quote(src, f, source_words_for(f, [4], src, mt)) == "balazos"  # a lower-case word may take it
