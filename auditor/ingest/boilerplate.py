"""Recognise the non-article lines that scraping leaves in news text.

Aggregator pages carry ad slots ("- Advertisement -", "Publicidad", "Anzeige"), share and
comment counters ("0 comment", "1.2K shares"), header widgets (weather "25.7 C", the page
date "Friday, March 1, 2024") and footers that begin with a marker such as "You may also
like". None of it is article text, and left in, it would be segmented, aligned and
flagged as additions or omissions. The rules look at a whole line (one paragraph) and
judge its *shape* in en/es/fr/de/pt/it; they never match article wording.

Photo captions are the opposite case: they are article text (with dates and names that
reprints mangle), so they are kept and marked.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "normalize_line",
    "is_boilerplate",
    "is_footer_marker",
    "is_weak_footer_marker",
    "is_header_widget",
    "is_byline",
    "is_dated_byline",
    "is_caption",
    "looks_like_sentence",
]

# Whole lines removed wherever they appear (compared after normalize_line).
_PHRASES = (
    "advertisement", "advertisements", "advertising", "ad", "ads", "sponsored", "sponsored content",
    "paid content", "promoted content", "story continues below advertisement",
    "continue reading below", "read more", "read also", "also read", "see also", "read next",
    "read full story", "read the full story", "click here to read more", "related",
    "related articles", "related article", "related posts", "related stories", "related news",
    "related content", "more on this story", "share", "share this", "share this article",
    "share this story", "share on facebook", "share on twitter", "share on whatsapp",
    "share via email", "tweet", "email", "print", "print this article", "whatsapp", "facebook",
    "twitter", "linkedin", "telegram", "comment", "comments", "add comment", "post a comment",
    "show comments", "view comments", "subscribe", "subscribe now", "sign up",
    "sign up for our newsletter", "newsletter", "follow us", "follow us on google news",
    "follow us on twitter", "follow us on facebook", "skip to content", "skip to main content",
    "back to top", "top stories", "most read", "trending", "photo gallery", "watch video",
    "watch live", "listen to this article",
    # es
    "publicidad", "anuncio", "contenido patrocinado", "te puede interesar", "lee también",
    "lea también", "leer más", "lee más", "ver más", "ver también", "noticias relacionadas",
    "artículos relacionados", "relacionados", "compartir", "comparte", "comentarios", "comentar",
    "suscríbete", "síguenos",
    # fr
    "publicité", "annonce", "contenu sponsorisé", "lire aussi", "à lire aussi", "lire la suite",
    "lire plus", "voir aussi", "partager", "commentaires", "commenter", "articles similaires",
    "articles liés", "abonnez-vous",
    # de
    "anzeige", "werbung", "gesponsert", "lesen sie auch", "lesen sie mehr", "weiterlesen",
    "mehr lesen", "mehr zum thema", "teilen", "kommentare", "kommentieren", "auch interessant",
    "das könnte sie auch interessieren",
    # pt
    "publicidade", "anúncio", "leia também", "leia mais", "veja também", "saiba mais",
    "notícias relacionadas", "compartilhe", "compartilhar", "partilhar", "comentários",
    "comente", "assine",
    # it
    "pubblicità", "leggi anche", "leggi di più", "condividi", "commenti", "potrebbe interessarti",
)
_BOILERPLATE = frozenset(_PHRASES)

# A line that starts with one of these and is short is a teaser link ("Read more: ...").
_PREFIX_TEASER = re.compile(
    r"^(?:read more|read also|also read|see also|related|te puede interesar|lee también|lea también|"
    r"leer más|ver también|lire aussi|à lire aussi|voir aussi|lesen sie auch|mehr zum thema|"
    r"leia também|leia mais|veja também|leggi anche)\s*[:>»|–-]",
    re.IGNORECASE,
)

# End-of-article markers: the line and everything after it is the page footer.
_FOOTER = frozenset(
    (
        "you may also like", "you might also like", "popular articles", "popular posts",
        "leave a comment", "leave a reply", "more stories", "more from", "most popular",
        "recommended for you", "recommended", "trending now", "comments are closed",
        "about the author",
        "también te puede interesar", "lo más leído", "más leídas", "más noticias",
        "deja un comentario", "les plus lus", "sur le même sujet", "laisser un commentaire",
        "à lire également", "meistgelesen", "meistgelesene artikel", "mehr aus dem ressort",
        "schreiben sie einen kommentar", "mais lidas", "deixe um comentário", "mais notícias",
        "i più letti", "lascia un commento",
    )
)

# Weaker markers: also used as mid-article widget headings, so they end the article only
# when less text follows them than precedes them.
_WEAK_FOOTER = frozenset(
    (
        "related articles", "related stories", "related posts", "related news", "more news",
        "latest news", "latest articles", "also on", "noticias relacionadas", "artículos relacionados",
        "articles similaires", "articles liés", "mehr zum thema", "notícias relacionadas", "leggi anche",
    )
)

_COUNTER = re.compile(
    r"^\d[\d.,]*\s*[km]?\s*(?:comments?|shares?|views?|likes?|reads?|reactions?|"
    r"comentarios?|compartidos?|visitas|lecturas|commentaires?|partages?|vues|kommentare?|"
    r"aufrufe|comentários?|partilhas|visualizações|commenti|condivisioni)$"
)
_WEATHER = re.compile(r"^-?\d{1,2}(?:[.,]\d{1,2})?\s*°?\s*[cf]$")
_BYLINE = re.compile(r"^(?:by|por|par|von|di)\s+\S+(?:\s+\S+){0,3}$", re.IGNORECASE)

_MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec "
    "enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre "
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre "
    "januar jänner februar märz april mai juni juli august september oktober november dezember "
    "janeiro fevereiro março maio junho julho setembro outubro novembro dezembro "
    "gennaio febbraio aprile maggio giugno luglio settembre ottobre dicembre"
).split()
_WEEKDAYS = (
    "monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun "
    "lunes martes miércoles jueves viernes sábado domingo lundi mardi mercredi jeudi vendredi "
    "samedi dimanche montag dienstag mittwoch donnerstag freitag samstag sonntag "
    "segunda terça quarta quinta sexta feira lunedì martedì mercoledì giovedì venerdì sabato domenica"
).split()
_DATE_FILLERS = (
    "published updated posted last publicado actualizado publicada actualizada publié publiée mis "
    "à jour veröffentlicht aktualisiert stand atualizado atualizada pubblicato aggiornato "
    "at on the of de del da do el le la am um em às a las alle ore h hrs gmt utc cet cest est edt "
    "pst pdt am pm et th st nd rd er"
).split()
_DATE_WORDS = frozenset(_MONTHS) | frozenset(_WEEKDAYS) | frozenset(_DATE_FILLERS)
_TOKEN = re.compile(r"[^\W\d_]+|\d+")

# Credit markers that make a line a photo caption wherever they occur in it.
_CAPTION_STRONG = re.compile(
    r"(?:\b(?:credit|credits|crédito|créditos|crédit|photo|photos|photograph|foto|fotos|bild|"
    r"image|imagen|picture|source image)\s*:|\(\s*(?:photo|foto|image|imagen|bild)\b|©|"
    r"\bgetty images\b|\bafp via\b|\bvia getty\b|\bvia reuters\b|\bshutterstock\b)",
    re.IGNORECASE,
)
# Agency names that mark a caption only at the very end of the line ("... /AP", "... Reuters").
_CAPTION_TAIL = re.compile(
    r"(?:/\s*(?:ap|afp|epa|reuters|dpa|efe|ansa|xinhua|pool)|\b(?:reuters|afp|epa|dpa|efe|"
    r"ap photo|associated press)|\(\s*(?:reuters|afp|ap|epa|dpa|efe)\s*\))\s*[.)\]]?\s*$",
    re.IGNORECASE,
)
_MAX_CAPTION = 600
# Cheap substring test before the credit regex (most paragraphs have none of these).
_STRONG_HINTS = (":", "(", "©", "getty", "via", "shutterstock")


def normalize_line(line: str) -> str:
    """Casefolded line without decoration: "- Advertisement -" -> "advertisement"."""
    s = unicodedata.normalize("NFC", line).casefold()
    i, j = 0, len(s)
    while i < j and not s[i].isalnum():
        i += 1
    while j > i and not s[j - 1].isalnum():
        j -= 1
    return " ".join(s[i:j].split())


def is_boilerplate(line: str) -> bool:
    """Ad slots, share/comment counters, teaser links and weather widgets."""
    if len(line) > 160:  # every pattern below is a short line
        return False
    if _PREFIX_TEASER.match(line.strip()):
        return True
    if len(line) > 60:
        return False
    n = normalize_line(line)
    if not n:
        return bool(line.strip())  # only decoration ("* * *", "—")
    return n in _BOILERPLATE or bool(_COUNTER.match(n) or _WEATHER.match(n))


def is_footer_marker(line: str) -> bool:
    """A heading after which the page footer starts ("You may also like", "Popular Articles")."""
    return len(line) < 80 and normalize_line(line) in _FOOTER


def is_weak_footer_marker(line: str) -> bool:
    """"Related articles" and kin: a footer only near the end (see clean_paragraphs)."""
    return len(line) < 80 and normalize_line(line) in _WEAK_FOOTER


def is_header_widget(line: str) -> bool:
    """A page-date or dateline widget: only date words, numbers and fillers.

    "Friday, March 1, 2024", "Published June 19, 2023", "Actualizado 20/06/2023 10:00 CET".
    It needs at least one number and one calendar word (or a numeric date), so an ordinary
    short heading never matches.
    """
    s = line.strip()
    if not s or len(s) > 80:
        return False
    tokens = _TOKEN.findall(s.casefold())
    if not tokens or not any(t.isdigit() for t in tokens):
        return False
    words = [t for t in tokens if not t.isdigit()]
    if any(w not in _DATE_WORDS for w in words):
        return False
    has_calendar = any(w in _MONTHS or w in _WEEKDAYS for w in words)
    numeric_date = re.search(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}", s) is not None
    return has_calendar or numeric_date


def is_byline(line: str) -> bool:
    """"by worldysnews", "Por Juan Pérez": a short credit line at the top of a story,
    or a dated one anywhere ("By J. Doe • 21 August 2023 • 8:45", see is_dated_byline)."""
    s = line.strip()
    if bool(_BYLINE.match(s)) and not s.endswith((".", "!", "?", ":")):
        return True
    return is_dated_byline(s)


# "By J. Doe • 21 August 2023 • 8:45": the credit, then fields split by a bullet, bar,
# middle dot or dash, or a spaced hyphen or slash ("20/06/2023" is one field); a comma
# only between the name and a date.
_BYLINE_HEAD = re.compile(r"^(?:by|por|par|von|di)\s+(?P<rest>.+)$", re.IGNORECASE)
_FIELD_SEP = re.compile(r"\s*[•|·—–]\s*|\s+[-/]\s+")
_CLOCK = re.compile(r"\b\d{1,2}[:.h]\d{2}\b")
_READING_TIME = re.compile(r"^\d{1,3}\s*(?:min|mins|minute|minutes|minuto|minutos|minuten)\.?\s+(?:read|de lectura|lesezeit|lecture)$",
                           re.IGNORECASE)
_MAX_NAME_WORDS = 6


@lru_cache(maxsize=1)
def _name_particles() -> frozenset[str]:
    """Lowercase words a name may carry ("Ana de la Torre"): ``models/text/name-particles.txt``."""
    from ..text.tables import read_rows

    return frozenset(w for (w,) in read_rows("name-particles.txt", 1))


def _is_name(field: str) -> bool:
    """A person's or agency's name: capitalised words, initials and name particles."""
    words = field.split()
    if not 1 <= len(words) <= _MAX_NAME_WORDS or not words[0][:1].isupper():
        return False
    particles = _name_particles()
    return all(w[:1].isupper() or w.casefold() in particles for w in words)


def _is_when(field: str) -> bool:
    """A date, a clock time or a reading time ("21 August 2023", "8:45", "Updated 8:45 GMT", "3 min read")."""
    s = field.strip(" ,")
    if not s:
        return False
    if is_header_widget(s) or _READING_TIME.match(s):
        return True
    words = [t for t in _TOKEN.findall(s.casefold()) if not t.isdigit()]
    return bool(_CLOCK.search(s)) and all(w in _DATE_WORDS for w in words)


def is_dated_byline(line: str) -> bool:
    """A byline with a date or time: "By J. Doe • 21 August 2023 • 8:45", "Por Ana Ruiz | 20/06/2023".

    The credit word, a name, then only date, time, reading-time or name fields (an agency,
    a second author) with at least one date or time: its shape is page furniture wherever
    it stands, and no sentence has it ("By the end of the day, it was over." has no name).
    """
    s = line.strip()
    if len(s) > 160:
        return False
    m = _BYLINE_HEAD.match(s)
    if not m:
        return False
    fields = [f.strip() for f in _FIELD_SEP.split(m.group("rest"))]
    name, rest = fields[0], fields[1:]
    if "," in name:  # "By J. Doe, 21 August 2023"
        name, tail = name.split(",", 1)
        rest = [tail.strip(), *rest]
    if not _is_name(name.strip()):
        return False
    rest = [f for f in rest if f]
    dated = [f for f in rest if _is_when(f)]
    return bool(dated) and all(_is_when(f) or _is_name(f) for f in rest)


def is_caption(line: str) -> bool:
    """A photo caption: a line carrying a credit marker ("Credit:", "Foto:", "/AP", "©")."""
    s = line.strip()
    if not s or len(s) > _MAX_CAPTION:
        return False
    low = s.casefold()
    if any(k in low for k in _STRONG_HINTS) and _CAPTION_STRONG.search(s):
        return True
    return bool(_CAPTION_TAIL.search(s[-40:]))


def looks_like_sentence(line: str) -> bool:
    """A body paragraph rather than a heading: several words ending in punctuation."""
    s = line.strip()
    return len(s.split()) >= 8 and s[-1:] in ".!?…\"'”’»)"
