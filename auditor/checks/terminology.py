"""Terminology and false friends: tell-tale literal renderings, flagged in context.

A word like "chancellor" or "reading" is not an error by itself; it is one when it
renders a source term that means something else (Spanish *canciller* = foreign
minister, *lectura* of a meeting = readout). So the detector works in two ways:

* **With a source in another language.** For each reprint sentence, every glossary
  entry of the pair whose source term occurs in the aligned source sentence (plural,
  gender and case forms, accents ignored) and whose forbidden rendering occurs in the
  reprint sentence is a finding, unless the entry's ``ok_when`` words show the
  legitimate sense (*canciller alemán*), the expected rendering is there as often as the
  source term, or another source term in the sentence explains the word (*mil millones*
  next to *billón* explains one "billion").
* **Text only** (no source, or a source in the same language). Only entries whose
  ``text_rule`` can be decided from the English alone are used:
  ``chancellor_role`` ("Chinese chancellor", "chancellor" for a person the article calls
  foreign minister, "the chancellor" in an article about a foreign minister of a country
  without chancellors and with no German, Austrian, British or university context) and
  ``readout`` ("said in a reading of the meeting", "according to a reading by ...
  Xinhua").

Precision comes first: the rules must stay silent on professionally written English,
so every rule demands positive evidence, not merely the presence of a word.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..glossary import Glossary, Term, builtin_glossaries, fold, norm_lang
from ..text.wording import join_words, language_name
from ..types import Finding, Segment, SegmentedDocument
from .base import CheckContext, make_finding, segment_at

NAME = "terminology"

_FUNCTION_WORDS = frozenset(
    "de del la las el los des du le les do da dos das degli dei di della of the a".split()
)

# -- source-side (folded) and target-side (original) matching -------------------------


def _source_word_rx(word: str) -> str:
    """Regex for one folded source word that tolerates plural, gender and case endings
    (canciller/cancilleres/cancillera, Außenministers, sanção/sanções, juez/jueces)."""
    if word in _FUNCTION_WORDS or len(word) <= 3 or not word.isalpha():
        return re.escape(word)
    if word.endswith("ao"):
        return re.escape(word[:-2]) + "(?:ao|oes|aes|aos)"
    if word.endswith("z"):
        return re.escape(word[:-1]) + "(?:z|ces)"
    if word[-1] in "aeo":
        return re.escape(word[:-1]) + "(?:[aeoi]|[aeo]s|en|n|in|innen)?"
    return re.escape(word) + "(?:es|s|as?|os?|e|en|n|er|ern|in|innen|i)?"


@lru_cache(maxsize=4096)
def _source_rx(term: str) -> re.Pattern[str]:
    words = fold(term).split()
    body = r"[\s-]+".join(_source_word_rx(w) for w in words)
    return re.compile(r"(?<!\w)" + body + r"(?!\w)")


def _english_word_rx(word: str) -> str:
    """Regex for the last word of an English phrase with its inflections."""
    w = re.escape(word)
    if not word[-1:].isalpha():
        return w
    if word.endswith("e"):
        return re.escape(word[:-1]) + r"(?:e|es|ed|ing|e['’]s)"
    if word.endswith("y") and len(word) > 3 and not word.endswith("ly"):
        return re.escape(word[:-1]) + r"(?:y|ies|ied|ying|y['’]s)"
    if word.endswith("ly"):
        return w
    return w + r"(?:s|es|ed|ing|['’]s)?"


@lru_cache(maxsize=4096)
def _target_rx(phrase: str) -> re.Pattern[str]:
    words = phrase.split()
    parts = [re.escape(w) for w in words[:-1]] + [_english_word_rx(words[-1])]
    return re.compile(r"(?<![\w-])" + r"[\s-]+".join(parts) + r"(?!\w)", re.IGNORECASE)


def _count_source(term: Term, folded: str) -> int:
    """Occurrences of the term in ``folded``; alternatives that match the same words
    (``aktuell|aktuelle`` both match "aktuell") count once."""
    starts = {m.start() for alt in term.sources for m in _source_rx(alt).finditer(folded)}
    return len(starts)


def source_wording(term: Term, text: str) -> str | None:
    """The term as the source sentence writes it ("actualmente", "Canciller"), for the
    finding to quote instead of the whole sentence. Folding changes lengths ("ß" -> "ss"),
    so the folded text keeps, per character, the offset it came from."""
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        folded = "".join(c for c in unicodedata.normalize("NFKD", ch.casefold()) if not unicodedata.combining(c))
        for c in folded.replace("’", "'"):
            chars.append(c)
            where.append(i)
    flat = "".join(chars)
    for alt in term.sources:
        m = _source_rx(alt).search(flat)
        if m and m.end() > m.start():
            return text[where[m.start()]:where[m.end() - 1] + 1]
    return None


def _has_marker(words: tuple[str, ...], folded: str) -> bool:
    """True when one of ``words`` starts a word of ``folded`` (prefix match)."""
    return any(re.search(r"(?<!\w)" + re.escape(fold(w)), folded) for w in words if w)


def _quote(s: str) -> str:
    return f"“{s}”"


# -- countries (for the chancellor rule) -----------------------------------------------

# Countries whose head of government (or a well-known office) is a "chancellor" in
# English: Germany and Austria (head of government), the UK (Chancellor of the
# Exchequer, Lord Chancellor), Switzerland (Federal Chancellor), Estonia, Finland and
# Sweden (Chancellor of Justice). Any of these in an article makes "chancellor" legitimate.
_CHANCELLOR_COUNTRIES = {
    "Germany": "Germany|Federal Republic of Germany|West Germany|East Germany|German|West German|East German|Berlin|Bundestag|Bundesrat",
    "Austria": "Austria|Austrian|Vienna",
    "Switzerland": "Switzerland|Swiss|Bern|Berne",
    "United Kingdom": "Britain|Great Britain|United Kingdom|UK|U\\.K\\.|England|Scotland|Scottish|Wales|Welsh|British|London|Westminster|Downing Street|Whitehall|Exchequer|Labour|Tory|Tories|Conservative Party",
    "Estonia": "Estonia|Estonian",
    "Finland": "Finland|Finnish",
    "Sweden": "Sweden|Swedish",
}
# Heads of government of Germany and Austria, past and present: "Chancellor Merkel" needs
# no country word to be right.
_KNOWN_CHANCELLORS = (
    "Bismarck|Adenauer|Erhard|Kiesinger|Brandt|Schmidt|Kohl|Schröder|Schroeder|Merkel|Scholz|Merz|"
    "Kreisky|Sinowatz|Vranitzky|Klima|Schüssel|Gusenbauer|Faymann|Kern|Kurz|Bierlein|Schallenberg|"
    "Nehammer|Stocker"
)
# Countries with no chancellor in government, whose foreign minister Spanish and
# Portuguese call canciller/chanceler. Name forms | adjective forms.
_OTHER_COUNTRIES = {
    "China": ("China|People's Republic of China|People’s Republic of China|PRC|Beijing", "Chinese"),
    "the United States": ("United States|US|U\\.S\\.|USA|America|Washington", "American|U\\.S\\.|US"),
    "Mexico": ("Mexico", "Mexican"),
    "Argentina": ("Argentina", "Argentine|Argentinian"),
    "Brazil": ("Brazil", "Brazilian"),
    "Chile": ("Chile", "Chilean"),
    "Colombia": ("Colombia", "Colombian"),
    "Peru": ("Peru", "Peruvian"),
    "Venezuela": ("Venezuela", "Venezuelan"),
    "Cuba": ("Cuba", "Cuban"),
    "Bolivia": ("Bolivia", "Bolivian"),
    "Ecuador": ("Ecuador", "Ecuadorian|Ecuadorean"),
    "Paraguay": ("Paraguay", "Paraguayan"),
    "Uruguay": ("Uruguay", "Uruguayan"),
    "Nicaragua": ("Nicaragua", "Nicaraguan"),
    "Honduras": ("Honduras", "Honduran"),
    "Guatemala": ("Guatemala", "Guatemalan"),
    "El Salvador": ("El Salvador", "Salvadoran|Salvadorean"),
    "Costa Rica": ("Costa Rica", "Costa Rican"),
    "Panama": ("Panama", "Panamanian"),
    "the Dominican Republic": ("Dominican Republic", "Dominican"),
    "Spain": ("Spain|Madrid", "Spanish"),
    "Portugal": ("Portugal|Lisbon", "Portuguese"),
    "France": ("France|Paris", "French"),
    "Italy": ("Italy|Rome", "Italian"),
    "Russia": ("Russia|Moscow|Kremlin", "Russian"),
    "Ukraine": ("Ukraine|Kyiv|Kiev", "Ukrainian"),
    "Poland": ("Poland|Warsaw", "Polish"),
    "Japan": ("Japan|Tokyo", "Japanese"),
    "South Korea": ("South Korea|Seoul", "South Korean"),
    "North Korea": ("North Korea|Pyongyang", "North Korean"),
    "Taiwan": ("Taiwan|Taipei", "Taiwanese"),
    "India": ("India|New Delhi", "Indian"),
    "Pakistan": ("Pakistan|Islamabad", "Pakistani"),
    "Iran": ("Iran|Tehran", "Iranian"),
    "Israel": ("Israel", "Israeli"),
    "Turkey": ("Turkey|Türkiye|Ankara", "Turkish"),
    "Saudi Arabia": ("Saudi Arabia|Riyadh", "Saudi"),
    "Egypt": ("Egypt|Cairo", "Egyptian"),
    "Canada": ("Canada|Ottawa", "Canadian"),
    "Australia": ("Australia|Canberra", "Australian"),
    "Indonesia": ("Indonesia|Jakarta", "Indonesian"),
    "Vietnam": ("Vietnam|Hanoi", "Vietnamese"),
    "Belarus": ("Belarus|Minsk", "Belarusian"),
    "Syria": ("Syria|Damascus", "Syrian"),
    "Iraq": ("Iraq|Baghdad", "Iraqi"),
    "Qatar": ("Qatar|Doha", "Qatari"),
    "Greece": ("Greece|Athens", "Greek"),
}
_OFFICE_WORDS = r"universit\w*|college\w*|school\w*|campus\w*|academ\w*|institute\w*|faculty|facult\w+|students?|professors?|diocese|cathedral|church|exchequer|chancery|dynast\w*|emperors?|empires?|imperial|ancient|medieval"
_LEGIT_BEFORE = re.compile(r"(?:\b(?:lord|shadow|vice|deputy|pro|sub|reich|federal|university|schools?|college|system|campus|district|city)[\s-]+)$", re.IGNORECASE)
_LEGIT_AFTER = re.compile(r"^\s+of\s+(?:the\s+)?(?!(?:People['’]s\s+Republic)\b)(?:[A-Z][\w'’.&-]*\s+){0,4}?(?:Exchequer|Justice|Universit\w*|College|School\w*|Institute|Academy|Duchy|Order|Diocese|Court|Board|System|Church|Cathedral|Chancery)\b", re.IGNORECASE)
_MODS = r"(?:(?:new|former|then|current|outgoing|incoming|acting|interim|foreign|top|late|first|female|woman)[\s-]+)*"


def _alts(*groups: str) -> str:
    return "|".join(sorted({a for g in groups for a in g.split("|") if a}, key=len, reverse=True))


@lru_cache(maxsize=1)
def _country_tables() -> dict[str, re.Pattern[str]]:
    """Compiled patterns, built once (country names are case-sensitive: "US" not "us")."""
    other_names = {c: n for c, (n, _a) in _OTHER_COUNTRIES.items()}
    other_adjs = {c: a for c, (_n, a) in _OTHER_COUNTRIES.items()}
    attach_alts = []
    for c in _OTHER_COUNTRIES:
        attach_alts.append(f"(?P<c{len(attach_alts)}>{_alts(other_adjs[c], _possessive(other_names[c]))})")
    of_alts = _alts(*other_names.values())
    legit = _alts(*_CHANCELLOR_COUNTRIES.values(), _KNOWN_CHANCELLORS)
    return {
        "attached": re.compile(
            r"(?<![\w-])(?-i:" + "|".join(attach_alts) + r")[\s-]+" + _MODS + r"(?P<ch>chancellors?)\b",
            re.IGNORECASE,
        ),
        "of_country": re.compile(
            r"\b(?P<ch>chancellor)\s+of\s+(?:the\s+)?(?-i:(?P<country>" + of_alts + r"))\b", re.IGNORECASE
        ),
        "legit_marker": re.compile(r"(?<![\w-])(?:" + legit + r")(?![\w-])|(?<!\w)(?i:" + _OFFICE_WORDS + r")\b|£"),
        "fm_attached": re.compile(
            r"(?<![\w-])(?-i:(?P<country>" + _alts(*other_adjs.values(), _possessive(of_alts)) + r"))\s+"
            r"(?:(?:top|new|former|acting|then)\s+)?(?i:foreign\s+minister)s?\b"
            r"|(?i:foreign\s+minister)\s+of\s+(?:the\s+)?(?-i:(?P<country2>" + of_alts + r"))\b"
        ),
        "known": re.compile(r"\b(?:" + _KNOWN_CHANCELLORS + r")\b"),
    }


def _possessive(names: str) -> str:
    return "|".join(f"{n}['’]s" for n in names.split("|") if n)


def _country_of(match: re.Match[str]) -> str:
    names = list(_OTHER_COUNTRIES)
    for key, value in match.groupdict().items():
        if value and key.startswith("c") and key[1:].isdigit():
            return names[int(key[1:])]
    raw = match.groupdict().get("country") or match.groupdict().get("country2") or ""
    raw = re.sub(r"['’]s$", "", raw)
    for country, (n, a) in _OTHER_COUNTRIES.items():
        if re.fullmatch(_alts(n, a), raw):
            return country
    return raw


_NAME_AFTER = re.compile(r"^(?:[ \t]*,)?[ \t]+(?P<name>(?:[A-Z][\w'’-]+)(?:[ \t]+[A-Z][\w'’-]+){0,3})")
_NAME_STOP = frozenset("The A An In On At And But Said Says Of For To With From By As This That It He She They".split())


def _name_after(text: str, end: int) -> str | None:
    m = _NAME_AFTER.match(text[end : end + 80])
    if not m:
        return None
    tokens = [t for t in m.group("name").split() if t not in _NAME_STOP]
    return " ".join(tokens) or None


def _called_foreign_minister(name: str, texts: list[str]) -> bool:
    surname = re.escape(name.split()[-1])
    rx = re.compile(
        r"foreign\s+minister,?\s+(?:[A-Z][\w'’-]+\s+){0,3}" + surname + r"\b"
        r"|\b" + surname + r",\s+(?:\w+\s+){0,4}foreign\s+minister",
        re.IGNORECASE,
    )
    return any(rx.search(t) for t in texts)


def _legit_chancellor(text: str, start: int, end: int, segment: Segment | None) -> bool:
    """True for the legitimate uses: German/Austrian/British forms, Lord/vice/shadow
    chancellors, chancellors of universities or of the Exchequer, and known German and
    Austrian heads of government named next to the title."""
    tables = _country_tables()
    before = text[max(0, start - 40) : start]
    if _LEGIT_BEFORE.search(before) or _LEGIT_AFTER.match(text[end : end + 80]):
        return True
    local = segment.text if segment is not None else text[max(0, start - 120) : end + 120]
    if tables["legit_marker"].search(local):
        return True
    name = _name_after(text, end)
    return bool(name and tables["known"].search(name))


# -- text rules -------------------------------------------------------------------------


def _glossary_words(terms: tuple[Term, ...]) -> str:
    seen = dict.fromkeys(f"{language_name(t.source_lang)} {_quote(t.sources[0])}" for t in terms)
    return join_words(seen, "or") if seen else "a source-language term"


def _chancellor_findings(ctx: CheckContext, terms: tuple[Term, ...]) -> list[Finding]:
    doc = ctx.doc
    text = doc.text
    tables = _country_tables()
    words = _glossary_words(terms)
    expected = terms[0].targets[0] if terms and terms[0].targets else "foreign minister"
    out: list[Finding] = []
    claimed: set[int] = set()

    def add(start: int, end: int, message: str, evidence: dict[str, object]) -> None:
        claimed.add(start)
        out.append(
            make_finding(doc, start, end, category="accuracy/terminology", severity="major",
                         message=message, detector=NAME,
                         evidence={"rule": "chancellor_role", "expected": expected, **evidence})
        )

    # (1) chancellor attached to a country that has none: "Chinese chancellor",
    #     "Mexico's foreign chancellor", "chancellor of Argentina".
    for rx in (tables["attached"], tables["of_country"]):
        for m in rx.finditer(text):
            s, e = m.span("ch")
            if s in claimed:
                continue
            after = text[e : e + 80]
            seg = segment_at(doc, s)
            if _LEGIT_BEFORE.search(text[max(0, s - 40) : s]) or _LEGIT_AFTER.match(after):
                claimed.add(s)
                continue
            if seg is not None and re.search(r"(?i)\b(?:" + _OFFICE_WORDS + r")", seg.text):
                claimed.add(s)
                continue
            country = _country_of(m)
            add(s, e,
                f"{_quote(text[m.start():e])}: “chancellor” is a literal rendering of {words}; "
                f"{country}'s canciller is its {expected}. Only Germany and Austria have a chancellor "
                "as head of government.",
                {"country": country})

    # (2) "Chancellor <Name>" for someone the article (or the set) calls foreign minister.
    texts = [text] + [d.text for d in ctx.cluster]
    for m in re.finditer(r"\b[Cc]hancellor\b|\bCHANCELLOR\b", text):
        s, e = m.span()
        if s in claimed:
            continue
        name = _name_after(text, e)
        if not name:
            continue
        claimed.add(s)
        if tables["known"].search(name) or _legit_chancellor(text, s, e, segment_at(doc, s)):
            continue
        if _called_foreign_minister(name, texts):
            add(s, e,
                f"{name} is called foreign minister elsewhere in the "
                f"{'article' if _called_foreign_minister(name, [text]) else 'set of articles'}: "
                f"“chancellor” is a literal rendering of {words}, which means {expected}.",
                {"name": name})

    # (3) bare "the chancellor" in an article about another country's foreign minister,
    #     with no German, Austrian, British or academic context anywhere in it.
    rest = [m for m in re.finditer(r"\b[Cc]hancellors?\b|\bCHANCELLORS?\b", text) if m.start() not in claimed]
    if not rest or tables["legit_marker"].search(text):
        return out
    # Positive evidence is required: the article itself names another country's foreign
    # minister. Mere mentions of such a country are not enough (American universities,
    # school systems and chancery courts have chancellors too).
    fm = tables["fm_attached"].search(text)
    if fm is None:
        return out
    country = _country_of(fm)
    fm_name = _name_after(text, fm.end())
    for m in rest:
        s, e = m.span()
        if _legit_chancellor(text, s, e, segment_at(doc, s)):
            continue
        who = f" ({fm_name})" if fm_name else ""
        add(s, e,
            f"“{m.group(0)}” in an article about {country}, with no German or Austrian context: "
            f"a literal rendering of {words}, which means {expected}; "
            f"{country}'s {expected}{who} is not a chancellor.",
            {"country": country, **({"name": fm_name} if fm_name else {})})
    return out


_MEETING_NOUNS = r"(?:meeting|meetings|call|calls|phone\s+call|talks|conversation|conversations|discussion|discussions|summit|exchange|video\s*call|videoconference|video\s+conference|encounter|dialogue|visit|session|negotiations|consultations)"
_MEETING_RX = re.compile(r"\b" + _MEETING_NOUNS + r"\b", re.IGNORECASE)
_INSTITUTIONS = re.compile(
    r"\b(?:agency|ministry|department|white\s+house|kremlin|xinhua|government|office|embassy|"
    r"spokes(?:person|man|woman)|presidency|palace|state\s+media|cabinet|chancellery|elys[ée]e|"
    r"downing\s+street|state\s+department|foreign\s+ministry)\b",
    re.IGNORECASE,
)
_READ_INTRO = r"(?:\b(?:in|according\s+to|per|from|citing)\s+(?:a|an|the|its|their)\s+(?:(?!(?:close|closer|careful|different|literal|strict|broad|narrow|generous|first|second|third|final|further|public)\b)[\w-]+\s+)?)"
_READOUT_RXS = (
    # "said in a reading of the meeting", "according to the Chinese reading of the call"
    re.compile(_READ_INTRO + r"(?P<r>reading)\s+(?:of|on)\s+(?:the|a|their|its|this|that|[\w'’]+['’]s)?\s*(?:(?!of\b|minutes\b|agenda\b|transcript\b|text\b|statement\b|report\b|results?\b|data\b)[\w'’-]+\s+){0,2}" + _MEETING_NOUNS + r"\b", re.IGNORECASE),
    # "according to a reading by Chinese state news agency Xinhua"
    re.compile(_READ_INTRO + r"(?P<r>reading)\s+(?:by|from|released\s+by|issued\s+by|published\s+by)\s+(?P<who>[^.;:!?]{0,80})", re.IGNORECASE),
    # "a reading released by the State Department", "the reading of the call said"
    re.compile(r"\b(?:a|an|the|its|their)\s+(?:[\w-]+\s+)?(?P<r>reading)\s+(?:(?:of|on)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,2}" + _MEETING_NOUNS + r"\s+)?(?:released|issued|published|put\s+out|distributed|provided)\s+by\s+(?P<who>[^.;:!?]{0,80})", re.IGNORECASE),
    re.compile(r"\b(?:the|a)\s+(?:[\w-]+\s+)?(?P<r>reading)\s+of\s+(?:the\s+)?(?:[\w'’-]+\s+){0,2}" + _MEETING_NOUNS + r"\s+(?:said|says|stated|states|added|noted|showed|shows|read)\b", re.IGNORECASE),
)


def _readout_findings(ctx: CheckContext, terms: tuple[Term, ...]) -> list[Finding]:
    doc = ctx.doc
    words = _glossary_words(terms)
    severity = terms[0].severity if terms else "minor"
    out: list[Finding] = []
    seen: set[int] = set()
    for seg in doc.segments:
        # "a reading by <institution>" is a readout only when the passage is about a
        # meeting or call ("a reading by the Met Office" is a measurement).
        prev = doc.segments[seg.index - 1].text if seg.index > 0 else ""
        about_meeting = _MEETING_RX.search(prev + " " + seg.text) is not None
        for rx in _READOUT_RXS:
            for m in rx.finditer(seg.text):
                who = m.groupdict().get("who")
                if who is not None and (not about_meeting or not _INSTITUTIONS.search(who)):
                    continue
                s, e = seg.start + m.start("r"), seg.start + m.end("r")
                if s in seen:
                    continue
                seen.add(s)
                out.append(
                    make_finding(
                        doc, s, e, category="accuracy/terminology", severity=severity,
                        message=(
                            f"“{m.group(0).strip()}”: “reading” is a literal rendering of {words}; "
                            "the official summary a government releases after a meeting or call is "
                            "a “readout” in English. The fact survives, but readers may take it "
                            "for someone's interpretation."
                        ),
                        detector=NAME,
                        evidence={"rule": "readout", "expected": "readout"},
                    )
                )
    return out


_TEXT_RULES = {"chancellor_role": _chancellor_findings, "readout": _readout_findings}


# -- with a source ------------------------------------------------------------------------

# English future reference: "this Saturday" is idiomatic for a coming day ("New York will
# host ... this Saturday"), so entries marked ``unless=future`` stay silent there.
_FUTURE = re.compile(
    r"\b(?:will|shall|going\s+to|(?:is|are)\s+(?:set|due|scheduled|slated|expected|to)\b|"
    r"upcoming|next|tomorrow)\b|['’]ll\b",
    re.IGNORECASE,
)



def _source_findings(ctx: CheckContext, glossary: Glossary) -> list[Finding]:
    """Entries whose source term is in the aligned source sentence and whose forbidden
    rendering is in the reprint sentence, minus the legitimate senses."""
    doc, source = ctx.doc, ctx.source
    assert source is not None
    src_lang = norm_lang(source.language)
    out: list[Finding] = []
    for seg in doc.segments:
        src_text = ctx.aligned_source_text(seg.index)
        if not src_text:
            continue
        src_folded, rep_folded = fold(src_text), fold(seg.text)
        present = [(t, _count_source(t, src_folded)) for t in glossary]
        present = [(t, n) for t, n in present if n]
        if not present:
            continue
        for term, n_src in present:
            if not term.forbidden:
                continue
            if _has_marker(term.ok_when, src_folded) or _has_marker(term.ok_when, rep_folded):
                continue
            if term.hints.get("unless") == "future" and _FUTURE.search(seg.text):
                continue
            forbidden_folded = {fold(f) for f in term.forbidden}
            expected = [x for x in term.targets if fold(x) not in forbidden_folded]
            # An expected rendering inside a forbidden one ("Monday" in "this Monday")
            # does not count as the right rendering.
            bad_spans = [h.span() for b in term.forbidden for h in _target_rx(b).finditer(seg.text)]
            n_expected = sum(
                1
                for x in expected
                for h in _target_rx(x).finditer(seg.text)
                if not any(bs <= h.start() and h.end() <= be for bs, be in bad_spans)
            )
            if n_expected >= n_src:
                continue
            for bad in term.forbidden:
                hits = list(_target_rx(bad).finditer(seg.text))
                if not hits:
                    continue
                # Another source term may explain the same English word (mil millones -> billion).
                n_explained = sum(
                    n for other, n in present
                    if other is not term and any(_target_rx(bad).fullmatch(x) for x in other.targets)
                )
                if len(hits) <= n_explained:
                    continue
                for h in hits:
                    s, e = seg.start + h.start(), seg.start + h.end()
                    if term.text_rule == "chancellor_role" and _legit_chancellor(doc.text, s, e, seg):
                        continue
                    shown = term.sources[0]
                    out.append(
                        make_finding(
                            doc, s, e, category=term.category, severity=term.severity,
                            message=(
                                f"“{h.group(0)}” is a literal rendering of {language_name(src_lang)} "
                                f"“{shown}”, which means {' / '.join(expected) or term.target_term}"
                                f" here. {term.note}".strip()
                            ),
                            detector=NAME,
                            source_text=source_wording(term, src_text) or src_text,
                            evidence={
                                "source_term": shown,
                                "expected": list(expected),
                                "forbidden": bad,
                                "glossary": f"{term.source_lang}-{term.target_lang}",
                            },
                        )
                    )
    return out


# -- entry point ---------------------------------------------------------------------------


def _user_glossaries(ctx: CheckContext) -> tuple[str, ...]:
    paths = ctx.options.get("glossaries") or ()
    if isinstance(paths, str):
        return (paths,)
    return tuple(str(p) for p in paths)  # type: ignore[union-attr]


def run(ctx: CheckContext) -> list[Finding]:
    """Findings for false friends and wrong titles in ``ctx.doc`` (see module docstring)."""
    doc = ctx.doc
    tgt = norm_lang(doc.language)
    user = _user_glossaries(ctx)
    findings: list[Finding] = []
    src = norm_lang(ctx.source.language) if ctx.source is not None else None
    if ctx.source is not None and ctx.alignment is not None and src not in (None, tgt, "*"):
        findings.extend(_source_findings(ctx, builtin_glossaries(src, tgt, user)))
    findings.extend(_house_findings(ctx, user, tgt))
    rule_terms = builtin_glossaries(None, tgt, user)
    for rule, fn in _TEXT_RULES.items():
        terms = rule_terms.with_rule(rule)
        if terms:
            for f in fn(ctx, terms):
                if not _source_says_ok(ctx, f, terms):
                    findings.append(f)
    return _dedupe(findings)


def _house_findings(ctx: CheckContext, user: tuple[str, ...], tgt: str) -> list[Finding]:
    """The user's own glossaries are house rules: a rendering they forbid is a finding
    wherever it appears, with or without a source (the shipped glossaries, by contrast,
    describe false friends that are only wrong in context)."""
    if not user:
        return []
    from ..glossary import load_glossary

    doc = ctx.doc
    out: list[Finding] = []
    for path in user:
        for term in load_glossary(path).terms:
            if norm_lang(term.target_lang) not in (tgt, "*"):
                continue
            for bad in term.forbidden:
                if not bad.strip():
                    continue
                pattern = re.compile(r"(?<!\w)" + re.escape(bad.strip()) + r"(?!\w)", re.IGNORECASE)
                for m in pattern.finditer(doc.text):
                    if _has_marker(term.ok_when, fold(doc.text[max(0, m.start() - 80) : m.end() + 80])):
                        continue
                    expected = " or ".join(f"“{t}”" for t in term.targets)
                    note = f" ({term.note})" if term.note else ""
                    out.append(make_finding(
                        doc, m.start(), m.end(), category=term.category, severity=term.severity,
                        message=f"“{m.group(0)}” is a rendering your glossary forbids for “{term.source_term}”:"
                        f" use {expected}{note}.",
                        detector="terminology",
                        source_text=_aligned_source(ctx, m.start()),
                        evidence={"glossary": str(path), "source_term": term.source_term,
                                  "expected": list(term.targets), "forbidden": bad},
                    ))
    return out


def _aligned_source(ctx: CheckContext, offset: int) -> str | None:
    seg = segment_at(ctx.doc, offset)
    return ctx.aligned_source_text(seg.index) if seg is not None else None


def _source_says_ok(ctx: CheckContext, finding: Finding, terms: tuple[Term, ...]) -> bool:
    """A text-rule finding is withdrawn when the aligned source sentence shows the
    legitimate sense (the source says *canciller alemán*)."""
    if finding.segment is None:
        return False
    src_text = ctx.aligned_source_text(finding.segment)
    if not src_text:
        return False
    folded = fold(src_text)
    return any(_has_marker(t.ok_when, folded) for t in terms)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per span; the source-based one (it carries the source) wins."""
    best: dict[tuple[int, int], Finding] = {}
    for f in findings:
        key = (f.start, f.end)
        if key not in best or (best[key].source_text is None and f.source_text is not None):
            best[key] = f
    return sorted(best.values(), key=lambda f: (f.start, f.end))
