"""Punctuation and structure detector: spurious breaks and lost or unbalanced quotes.

Machine translation (especially round trips through another language) breaks noun
phrases with a period ("a balloon. Chinese surveillance."), leaves a lowercase word
after a period ("government issues. spying."), doubles periods ("Xinhua. ."), strands
opening quotes ("the world. ‘Indo-Pacific."), and drops quotation marks altogether so
that a minister's words read as the reporter's own ("In every meeting, I stressed ...,
Blinken told reporters.").

The segmenter may or may not split at a spurious period, so the break rules read the
document text around every ". " rather than trusting segments. Quotation rules work
per paragraph, because news style lets a quotation run across sentences and reopen
(without closing) at the start of each paragraph it continues into.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..types import Finding, SegmentedDocument
from .base import CheckContext, make_finding

NAME = "punctuation"
CATEGORY = "fluency/punctuation"

# Lowercase abbreviations that legitimately end in a period mid-sentence.
_ABBREV = set(
    """etc vs approx incl esp ca cf viz al fig figs no nos vol vols pp ed eds dept est jr sr co corp inc ltd min
    max mins hrs hr sec secs km kg ft lb lbs oz mph sq st ave rd mt govt jan feb mar apr jun jul aug sep sept oct
    nov dec mon tue tues wed thu thurs fri sat sun gen sen rep gov lt col capt sgt prof dr mr mrs ms op cit ibid
    resp ref misc dist div intl natl univ assn bros pop tel ext excl avg pct cm mm mg ml ltr yr yrs mos wk wks
    am pm e g i ie eg vol ch para p nr art sect""".split()
)
_NOT_FRAGMENT = set(
    """is are was were be been being am has have had do does did will would can could may might must shall should
    said says say not no yes thanks thank please he she it they we i you this that there here now then so why
    how what who whom whose when where never always again too either neither nor or and but if because although
    though oh ah wow well okay ok sure exactly indeed absolutely really certainly maybe perhaps right wrong
    true false enough done over finally meanwhile still yet only just also even""".split()
)
_DETERMINERS = {"a", "an", "the", "this", "that", "these", "those", "its", "his", "her", "their", "our", "my", "your"}
_QUOTE_CHARS = "“”«»„\"‘"  # ’ is excluded: it is also the apostrophe


def _f(doc: SegmentedDocument, start: int, end: int, severity: str, message: str, rule: str,
       source_text: str | None = None, **ev: object) -> Finding:
    return make_finding(doc, start, end, category=CATEGORY, severity=severity, message=message,
                        detector=NAME, source_text=source_text, evidence={"rule": rule, **ev})


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-empty line; news paragraphs are lines after ingest."""
    out = []
    pos = 0
    for line in text.split("\n"):
        s = len(line) - len(line.lstrip())
        body = line.strip()
        if body:
            out.append((pos + s, pos + s + len(body)))
        pos += len(line) + 1
    return out


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A cheap split of ``text[start:end]`` at [.!?] + space + capital/quote (for text-only rules)."""
    out = []
    s = start
    for m in re.finditer(r"(?<=[.!?”\"’])\s+(?=[A-Z“\"‘«»])", text[start:end]):
        e = start + m.start()
        prev = re.search(r"(\S+)$", text[s:e])
        if prev and re.fullmatch(r"(?:[A-Z]\.)+|[A-Z][a-z]{0,3}\.", prev.group(1)):
            continue  # "U.S." or "Mr." is not a sentence end
        out.append((s, e))
        s = start + m.end()
    if s < end:
        out.append((s, end))
    return out


# ------------------------------------------------------------------ spurious breaks


def _double_periods(doc: SegmentedDocument) -> list[Finding]:
    """"news agency Xinhua. ." -- a period, space(s), and another period that is no ellipsis."""
    out = []
    for m in re.finditer(r"(?<!\.)\.([ \t]+\.)(?![ \t]*\.)", doc.text):
        out.append(_f(doc, m.start(1), m.end(1), "minor",
                      "A second period follows the first (“. .”): a spurious sentence break left by translation.",
                      "double-period"))
    return out


def _lowercase_after_period(doc: SegmentedDocument) -> list[Finding]:
    """"from Taiwan to government issues. spying." -- a break inside a phrase."""
    out = []
    text = doc.text
    for m in re.finditer(r"(?<![\w.\-’'])([a-zà-ÿ]{3,})\.[ \t]+([a-zà-ÿ][a-zà-ÿ’'\-]*)", text):
        prev, nxt = m.group(1), m.group(2)
        if prev in _ABBREV or nxt in {"com", "org", "net", "gov", "uk", "html", "de", "fr", "es"}:
            continue
        if re.match(r"[ \t]*(?:\n|$)", text[m.end() : m.end() + 2]):
            continue  # a lowercase sign-off ending the paragraph: agency credit ("... on Monday. dpa")
        ps, pe = _para_bounds(text, m.start())
        if _lowercase_style(text[ps:pe]):
            continue  # the writer does not capitalise at all (forum posts, reviews)
        out.append(_f(doc, m.start(), m.end(), "minor",
                      f"“{m.group(0)}”: a period breaks the phrase before the lowercase “{nxt}”; "
                      f"the translation split one sentence in two.",
                      "lowercase-after-period"))
    return out


def _para_bounds(text: str, pos: int) -> tuple[int, int]:
    s = text.rfind("\n", 0, pos) + 1
    e = text.find("\n", pos)
    return s, len(text) if e < 0 else e


def _lowercase_style(para: str) -> bool:
    """A paragraph written without capitals: it starts lowercase or uses a lowercase "i"."""
    body = para.lstrip(" \t\"“‘'(")
    return bool(body[:1].islower() or re.search(r"(?<![\w’'])i(?=\s|[’']m\b)", para))


def _fragments(doc: SegmentedDocument) -> list[Finding]:
    """"over a balloon. Chinese surveillance." -- a verbless 1-3-word tail that completes
    the previous noun phrase (previous sentence ends in determiner (+ word) + noun)."""
    out = []
    text = doc.text
    pat = re.compile(
        r"(?<![\w\-])(?P<noun>[a-z][\w\-]*)\.[ \t]+"
        r"(?P<frag>[A-Z][a-z\-]+(?:[ \t]+[a-z][a-z\-]+){0,2})\.(?=\s|$)"
    )
    for m in pat.finditer(text):
        before = re.findall(r"[\w’'\-]+", text[max(0, m.start() - 40) : m.start()])[-2:]
        if not any(w.lower() in _DETERMINERS for w in before):
            continue
        words = m.group("frag").split()
        if len(words) < 2 or any(w.lower() in _NOT_FRAGMENT or w.lower().endswith(("ed", "ing", "ly")) for w in words):
            continue  # one capitalised word may be a name or an interjection: too ambiguous
        out.append(_f(doc, m.end("noun"), m.end("frag") + 1, "minor",
                      f"“{m.group('frag')}.” is a verbless fragment that completes the preceding noun "
                      f"(“{m.group('noun')}”): a period was inserted inside one noun phrase.",
                      "fragment", fragment=m.group("frag")))
    return out


# ------------------------------------------------------------------ quotation marks


@dataclass(frozen=True)
class _Open:
    pos: int
    char: str


# Which side of each mark the quoted word touches: German »so« (an opening » before a
# word, a closing « after one), Spanish «así» and French « ainsi » (« after a space or a
# line start, » after a word and not before one).
_GERMAN_GUILLEMETS = re.compile(r"»(?=\w)|(?<=\w)«")
_ROMANCE_GUILLEMETS = re.compile(r"(?<!\w)«(?=\s?\w)|(?<=\w)\s?»(?!\w)")


@lru_cache(maxsize=16)
def oriented(text: str) -> str:
    """``text`` with its guillemets as « opens and » closes. German (and Danish) quote
    »so«: when a text's guillemets face that way more often than the Romance «así», they
    are swapped, one character for one, so every position stays the same. Memoised: the
    per-paragraph quote scans ask for the same whole document once per paragraph."""
    if "»" not in text or "«" not in text:
        return text
    if len(_GERMAN_GUILLEMETS.findall(text)) <= len(_ROMANCE_GUILLEMETS.findall(text)):
        return text
    return text.translate(str.maketrans("«»", "»«"))


def _quote_state(text: str, start: int, end: int) -> tuple[list[_Open], list[int]]:
    """Unclosed openers and unmatched closers of “ ” « » and ‘ ’ in a paragraph."""
    text = oriented(text)
    opens: list[_Open] = []
    stray_close: list[int] = []
    singles: list[int] = []
    for i in range(start, end):
        c = text[i]
        if c in "“«":
            opens.append(_Open(i, c))
        elif c in "”»":
            want = "“" if c == "”" else "«"
            for k in range(len(opens) - 1, -1, -1):
                if opens[k].char == want:
                    del opens[k]
                    break
            else:
                stray_close.append(i)
        elif c == "‘":
            nxt = text[i + 1 : i + 2]
            prv = text[i - 1 : i] if i > start else ""
            # "‘90s" and "rock ‘n’ roll" self-close; "didn‘t" is a misplaced apostrophe
            if nxt.isalpha() and not prv.isalpha():
                singles.append(i)
        elif c == "’" and singles:
            nxt = text[i + 1 : i + 2]
            if not nxt.isalpha():  # a closing single quote, or a plural possessive (harmless here)
                singles.pop()
    opens.extend(_Open(p, "‘") for p in singles)
    return opens, stray_close


_DOUBLE_CLOSE = {"”": "dq", "»": "gm"}


def _double_events(text: str) -> list[tuple[int, str, bool]]:
    """(position, family, is_opening) for every double quotation mark of the text.

    Straight and curly double quotes are one family (texts mix them: "like this”); a
    straight " opens after a line start, a space or an opening bracket and closes
    otherwise. „ (German) closes with “, so inside a „ quotation “ is a closer.
    """
    out: list[tuple[int, str, bool]] = []
    german = False
    text = oriented(text)
    for i, c in enumerate(text):
        if c == "„":
            german = True
            out.append((i, "dq", True))
        elif c == "“":
            out.append((i, "dq", not german))
            german = False
        elif c in _DOUBLE_CLOSE:
            out.append((i, _DOUBLE_CLOSE[c], False))
        elif c == "«":
            out.append((i, "gm", True))
        elif c == '"':
            prev = text[i - 1] if i else "\n"
            nxt = text[i + 1] if i + 1 < len(text) else "\n"
            out.append((i, "dq", (prev.isspace() or prev in "([{—–-/:") and not nxt.isspace()))
    return out


def _para_start(text: str, pos: int) -> bool:
    ls = text.rfind("\n", 0, pos) + 1
    return not text[ls:pos].strip()


@dataclass(frozen=True)
class _QuoteScan:
    pairs: tuple[tuple[int, int], ...]  # (opener, closer) positions
    unclosed: tuple[int, ...]  # openers never closed
    stray: tuple[int, ...]  # closers without an opener


def scan_double_quotes(text: str) -> _QuoteScan:
    """Match double quotes over the whole document with a stack per family, so a quotation
    may run across sentences and lines and hold a nested quotation. An opener at the start
    of a paragraph while a quotation is open continues it (news style reopens a quotation
    at each paragraph it runs into, without closing the previous one)."""
    stacks: dict[str, list[int]] = {"dq": [], "gm": []}
    pairs: list[tuple[int, int]] = []
    stray: list[int] = []
    first_open: dict[int, int] = {}  # continuation opener -> the quotation's first opener
    for pos, fam, opening in _double_events(text):
        st = stacks[fam]
        if opening:
            if st and _para_start(text, pos):
                first_open[pos] = first_open.get(st[-1], st[-1])
                st[-1] = pos
            else:
                st.append(pos)
        elif st:
            o = st.pop()
            pairs.append((first_open.get(o, o), pos))
        elif not (pos and text[pos - 1] in "\"”'’»"):
            stray.append(pos)
    unclosed = sorted(first_open.get(p, p) for st in stacks.values() for p in st)
    return _QuoteScan(tuple(pairs), tuple(unclosed), tuple(stray))


def _unbalanced(doc: SegmentedDocument) -> list[Finding]:
    """Double quotes opened and never closed, or closed without an opener, over the whole
    document (see ``scan_double_quotes``). Single ‘ quotes are checked per paragraph,
    because ’ is also the apostrophe."""
    out = []
    text = doc.text
    scan = scan_double_quotes(text)
    for pos in scan.stray:
        out.append(_f(doc, pos, pos + 1, "minor", f"The closing quote {text[pos]} has no opening quote.",
                      "unbalanced-quote"))
    for pos in scan.unclosed:
        out.append(_unclosed_finding(doc, pos, _para_end(text, pos)))
    for s, e in paragraphs(text):
        opens, _stray = _quote_state(text, s, e)
        next_reopens = text[e + 1 : e + 3].lstrip()[:1] in ("‘", "'")
        for o in opens:
            if o.char == "‘" and not next_reopens:
                out.append(_unclosed_finding(doc, o.pos, e))
    return sorted(out, key=lambda f: f.start)


def _para_end(text: str, pos: int) -> int:
    e = text.find("\n", pos)
    return len(text) if e < 0 else e


def _unclosed_finding(doc: SegmentedDocument, pos: int, para_end: int) -> Finding:
    """The opener plus the words it introduces, up to the clause end (at most 60 chars)."""
    text = doc.text
    tail = text[pos:para_end]
    m = re.match(r".{1,60}?(?=[.!?,;:](?:\s|$)|$)", tail) or re.match(r".{1,60}(?=\s)|.{1,60}", tail)
    end = pos + (m.end() if m and m.end() > 1 else 1)
    end = pos + len(text[pos:end].rstrip()) or pos + 1
    nwords = len(text[pos + 1 : end].split())
    after_break = bool(re.search(r"[.!?]\s+$", text[max(0, pos - 3) : pos]))
    msg = (f"The opening quote {text[pos]} before “{text[pos + 1:end]}” is never closed"
           + (": a stray quote after a spurious sentence break." if after_break and nwords <= 3 else "."))
    return _f(doc, pos, max(end, pos + 1), "minor", msg, "unbalanced-quote")


_FIRST_PERSON = re.compile(r"\b(?:I(?=\s+[a-z])|I[’']m|I[’']ve|I[’']d|I[’']ll|we|We|my|My|our|Our|us|me)\b")
_SPEECH_VERBS = (r"said|says|told|added|stated|noted|explained|insisted|stressed|warned|wrote|tweeted|declared|"
                 r"argued|continued|concluded|recalled|remarked|asserted|acknowledged|admitted|replied|explained")
_ATTRIB = re.compile(
    r",\s+(?:(?P<subj>he|she|they|[A-Z][\w.\-]+(?:\s+[A-Z][\w.\-]+){0,3}|the\s+[a-z]+(?:\s+[a-z]+)?)\s+"
    r"(?P<verb>" + _SPEECH_VERBS + r")|(?P<verb2>said|says|added)\s+(?:[A-Z][\w.\-]+|the\s+[a-z]+))"
    r"(?P<tail>[^;]*)[.!?]?$"
)
_REPORTED = re.compile(r"\b(that|which|would|will|was|were|is|are|has|had|could|should|can|whether|if)\b")
_SUBORDINATE = re.compile(r"^(?:As|If|When|While|Although|Though|Because|Since|After|Before|Like|Unlike|Once)\b")


_STRAIGHT_SINGLE = re.compile(r"(?:^|[\s(\[:—–-])'(?=[^\W\d_])|(?<=[^\W\d_][.,!?])'(?=\s|$)")


_TOLD_OBJECT = re.compile(r"^\s+(?:him|her|them|us|me|reporters|journalists|[A-Z][\w.&\-]*(?:\s+[A-Z][\w.&\-]*)*|"
                          r"(?:the|a|an|local|state)\s+(?:[A-Z][\w.\-]*(?:\s+(?:of\s+)?[A-Z][\w.\-]*)*|[\w\-]+(?:\s+[a-z\-]+)?))")
_TAIL_START = re.compile(
    r"^\s*(?:$|[.!?,]|(?:in|at|on|to|during|later|after|before|from|yesterday|today|tonight|last|this|while|when|"
    r"as|according|with|earlier|afterwards|again|also|recently|then|once|shortly|here|there|via|by|in)\b|[a-z]+ly\b)"
)


def _attribution_tail(verb: str, tail: str) -> bool:
    """What follows a speech verb in an attribution is a time, place, manner or audience
    ("told reporters in Beijing", "said on Monday", "added vaguely"), never a direct
    object: "they added various expenses" is not a quotation's attribution."""
    if verb in ("told", "tell"):
        tail = _TOLD_OBJECT.sub("", tail, count=1)
    return bool(_TAIL_START.match(tail))


def _no_quotes(s: str) -> bool:
    """No quotation marks at all (straight single quotes count when placed as quotes:
    British style writes 'like this', while it's and Jones' are apostrophes)."""
    return not any(c in s for c in _QUOTE_CHARS) and not _STRAIGHT_SINGLE.search(s)


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Stretches of ``text`` inside double quotation marks, across lines: a quotation that
    never closes runs to the end of its paragraph."""
    scan = scan_double_quotes(text)
    return [(o, c + 1) for o, c in scan.pairs] + [(o, _para_end(text, o)) for o in scan.unclosed]


def _inside_quote(text: str, para: tuple[int, int], pos: int, spans: list[tuple[int, int]] | None = None) -> bool:
    """Is ``pos`` inside a quotation (double quotes across the document, ‘ ’ in its paragraph)?"""
    spans = quoted_spans(text) if spans is None else spans
    if any(a <= pos < b for a, b in spans):
        return True
    opens, _ = _quote_state(text, para[0], pos)
    return bool(opens)


def _unquoted_speech(doc: SegmentedDocument) -> list[Finding]:
    """First-person words attributed to a third person with no quotation marks at all.

    Severity follows the MQM line between a fluency slip and distorted meaning (major:
    "quotation unrecoverable"). Where the paragraph names the speaker ("…, Blinken
    told reporters") the reader can still tell who says "I": the lost marks are a
    punctuation error, minor (the realpages annotators marked both of their lost-quote
    spans minor). A first-person paragraph that follows such a quotation with no
    attribution of its own reads as the reporter's voice: that is major.
    """
    out = []
    text = doc.text
    flagged_prev_para = False
    spans = quoted_spans(text)
    for para in paragraphs(text):
        sents = sentences(text, *para)
        hits: list[int] = []
        for j, (s, e) in enumerate(sents):
            sent = text[s:e]
            if not _no_quotes(sent) or _inside_quote(text, para, s, spans):
                continue
            m = _ATTRIB.search(sent)
            speech = sent[: m.start()] if m else ""
            if m:
                tail = re.split(r",\s+(?:while\s+)?adding\b", m.group("tail"))[0]
                verb = m.group("verb") or m.group("verb2") or ""
                if (len(tail.split()) > 8 or _REPORTED.search(tail) or _SUBORDINATE.match(speech)
                        or not _attribution_tail(verb, tail)):
                    m = None
            if m and len(speech.split()) >= 5 and _FIRST_PERSON.search(speech):
                hits.append(j)
                out.append(_f(doc, s, s + len(speech), "minor",
                              "First-person words attributed to "
                              f"“{(m.group('subj') or sent[m.start():].split(',')[1].strip()).strip()}” carry no "
                              "quotation marks: where the quotation starts and ends is lost.",
                              "unquoted-speech"))
        # neighbouring first-person sentences of the same unmarked quotation
        extra = set()
        for j in hits:
            k = j - 1
            while k >= 0 and k not in hits and _continues(text, sents[k], spans):
                extra.add(k)
                k -= 1
        if not hits and flagged_prev_para:
            k = 0
            while k < len(sents) and _continues(text, sents[k], spans):
                extra.add(k)
                k += 1
        for k in sorted(extra):
            s, e = sents[k]
            if hits:  # the speaker is named in this paragraph
                out.append(_f(doc, s, e, "minor",
                              "First-person words next to an unmarked quotation, without quotation marks.",
                              "unquoted-speech-continued"))
            else:
                out.append(_f(doc, s, e, "major",
                              "First-person words continuing an unmarked quotation into a paragraph that names "
                              "no speaker: they read as the reporter's own.", "unquoted-speech-continued"))
        flagged_prev_para = bool(hits) or (flagged_prev_para and bool(extra))
    return out


def _continues(text: str, span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    """A first-person sentence without quotes or attribution (the next sentence of an
    unmarked quotation), not already inside a quotation opened earlier."""
    sent = text[span[0] : span[1]]
    if any(a <= span[0] < b for a, b in spans):
        return False
    return (_no_quotes(sent) and len(sent.split()) >= 4
            and bool(re.match(r"(?:I|We|My|Our)\b", sent)) and not _ATTRIB.search(sent))


_QUOTATION = re.compile(r"“([^”]+)”|«([^»]+)»|„([^“”]+)[“”]|\"([^\"]+)\"|‘([^’]+)’(?![a-z])")


_SAYS = re.compile(r"\b(?:said|says|told|added|according to|stressed|insisted|declared)\b")


def _title_like(quoted: str) -> bool:
    """“The Artist Formerly Known As Prince”, “I'm A Celebrity”: most words capitalised."""
    words = [w for w in re.findall(r"[^\W\d_][\w’'\-]*", quoted) if len(w) > 3]
    return bool(words) and sum(w[0].isupper() for w in words) / len(words) >= 0.6


def _lost_quotes(ctx: CheckContext) -> list[Finding]:
    """With a source: its sentence quotes someone, the reprint sentence has no quote marks."""
    out: list[Finding] = []
    doc = ctx.doc
    if ctx.source is None or ctx.alignment is None:
        return out
    paras = paragraphs(doc.text)
    spans = quoted_spans(doc.text)
    for seg in doc.segments:
        src = ctx.aligned_source_text(seg.index)
        if not src or not _no_quotes(seg.text):
            continue
        para = next(((a, b) for a, b in paras if a <= seg.start < b), None)
        if para and _inside_quote(doc.text, para, seg.start, spans):
            continue
        quoted = [next(g for g in m.groups() if g) for m in _QUOTATION.finditer(oriented(src))]
        quoted = [q for q in quoted if len(q.split()) >= 2]
        if not quoted:
            continue
        quoted = [q for q in quoted if not _title_like(q)]
        if not quoted:
            continue  # quoted titles (films, shows, nicknames) are not speech
        longest = max(quoted, key=lambda q: len(q.split()))
        attributed = bool(_ATTRIB.search(seg.text) or _SAYS.search(seg.text))
        major = attributed and (bool(_FIRST_PERSON.search(seg.text)) or len(longest.split()) >= 6)
        out.append(_f(doc, seg.start, seg.end, "major" if major else "minor",
                      f"The source quotes “{longest}”, but this sentence has no quotation marks"
                      + (": the quoted words now read as the reporter's own." if major else "."),
                      "lost-quotes", source_text=src))
    return out


def run(ctx: CheckContext) -> list[Finding]:
    """All punctuation/structure findings for ``ctx.doc``."""
    doc = ctx.doc
    findings = _double_periods(doc) + _lowercase_after_period(doc) + _fragments(doc) + _unbalanced(doc)
    lost = _lost_quotes(ctx)
    findings += lost
    covered = [(f.start, f.end) for f in lost]
    for f in _unquoted_speech(doc):
        if not any(a <= f.start < b for a, b in covered):
            findings.append(f)
    return findings
