"""Bilingual glossaries of news terminology and false friends.

A glossary entry says how a source-language term should be rendered in the target
language and, above all, which *tell-tale literal renderings* betray a careless or
machine translation (Spanish *canciller* printed as "chancellor" for a foreign minister,
*billón* printed as "billion" for a trillion). The terminology detector
(:mod:`auditor.checks.terminology`) reads these entries; this module only loads them.

Two formats are read:

* CSV (UTF-8) with the header ``source_term,target_term,forbidden,note,context``.
  ``source_term``, ``target_term`` and ``forbidden`` may list alternatives separated by
  ``|``. ``context`` is a ``;``-separated list of ``key=value`` hints the detector
  understands (``severity``, ``category``, ``ok_when``, ``text_rule``; see
  :class:`Term`); items without ``=`` are free-text remarks for people. The language
  pair comes from the file name (``es-en.csv``, ``newsroom.fr-en.csv``) or from the
  caller; a file whose name names no pair applies to every pair (``*``).
* TBX (TBX-Basic / TBX v2 ``martif`` with ``termEntry``/``langSet``/``tig``, and TBX v3
  ``tbx`` with ``conceptEntry``/``langSec``/``termSec``). Terms whose
  ``administrativeStatus`` or ``normativeAuthorization`` is deprecated, superseded or
  forbidden become the entry's ``forbidden`` renderings; the others are its preferred
  terms. Every ordered pair of languages in a concept becomes one entry. Documents that
  declare entities are refused: a glossary is data from outside and must not be able to
  make the parser read files or expand entity bombs.

The shipped glossaries live in ``models/glossaries/<src>-<tgt>.csv`` (the ``models``
folder is found next to the package, or in ``$AUDITOR_MODELS_DIR``); users add their
own on top with ``builtin_glossaries(src, tgt, user_paths)``, and a user entry replaces
a shipped one with the same source term.
"""

from __future__ import annotations

import csv
import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Sequence

CSV_HEADER: tuple[str, ...] = ("source_term", "target_term", "forbidden", "note", "context")
ANY_LANG = "*"
_SEVERITIES = ("minor", "major", "critical")
_FORBIDDEN_STATUS = ("deprecated", "superseded", "forbidden", "notrecommended", "rejected", "obsolete")
_PAIR_IN_NAME = re.compile(r"(?:^|[._-])([a-z]{2,3})[-_]([a-z]{2,3})$", re.IGNORECASE)


class GlossaryError(ValueError):
    """A glossary file that cannot be used; the message names the file (and line)."""


@dataclass(frozen=True)
class Term:
    """One glossary entry for one language pair.

    ``forbidden`` lists the literal renderings that are wrong in the context the entry
    describes. ``context`` is kept verbatim; the parsed view is :attr:`hints`.
    """

    source_lang: str
    target_lang: str
    source_term: str
    target_term: str
    forbidden: tuple[str, ...] = ()
    note: str = ""
    context: str = ""

    @property
    def sources(self) -> tuple[str, ...]:
        """The source-term alternatives (``canciller|cancillera`` -> two)."""
        return _split_alternatives(self.source_term)

    @property
    def targets(self) -> tuple[str, ...]:
        """The accepted target renderings."""
        return _split_alternatives(self.target_term)

    @cached_property
    def hints(self) -> dict[str, str]:
        """``key=value`` items of ``context`` (keys lower-cased)."""
        return parse_context(self.context)

    @property
    def severity(self) -> str:
        """Severity of a finding for this entry (default ``major``: a false friend
        usually distorts meaning; style entries say ``severity=minor``)."""
        sev = self.hints.get("severity", "major").lower()
        return sev if sev in _SEVERITIES else "major"

    @property
    def category(self) -> str:
        return self.hints.get("category", "accuracy/terminology")

    @property
    def ok_when(self) -> tuple[str, ...]:
        """Words (prefixes) whose presence makes the forbidden rendering acceptable."""
        return _split_alternatives(self.hints.get("ok_when", ""))

    @property
    def text_rule(self) -> str | None:
        """Name of a text-only rule that can decide this entry from the target text."""
        return self.hints.get("text_rule") or None

    @cached_property
    def key(self) -> tuple[str, str, str]:
        return (self.source_lang, self.target_lang, fold(self.source_term))


@dataclass(frozen=True)
class Glossary:
    """An ordered collection of entries (later entries win on the same key)."""

    terms: tuple[Term, ...] = ()
    paths: tuple[str, ...] = field(default=())

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    def for_pair(self, source_lang: str, target_lang: str) -> "Glossary":
        """Entries that apply to ``source_lang -> target_lang`` (``*`` matches any)."""
        s, t = norm_lang(source_lang), norm_lang(target_lang)
        keep = tuple(
            term
            for term in self.terms
            if term.source_lang in (s, ANY_LANG) and term.target_lang in (t, ANY_LANG)
        )
        return Glossary(keep, self.paths)

    def merged(self, other: "Glossary") -> "Glossary":
        """This glossary with ``other`` on top: an entry of ``other`` replaces one here
        that has the same pair and source term, so a newsroom can correct a shipped entry."""
        replaced = {t.key for t in other.terms}
        kept = tuple(t for t in self.terms if t.key not in replaced)
        return Glossary(kept + other.terms, self.paths + other.paths)

    def with_rule(self, rule: str) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.text_rule == rule)


# -- small text helpers -------------------------------------------------------------


def fold(text: str) -> str:
    """Case- and accent-insensitive form (``Außenminister`` -> ``aussenminister``).

    Used on the source side, where only presence matters, never to compute spans.
    """
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", text.replace("’", "'")).strip()


def norm_lang(code: str | None) -> str:
    """``es-ES`` / ``ES`` / ``spa``-style codes down to the lower-case primary subtag."""
    if not code:
        return ANY_LANG
    return code.strip().replace("_", "-").split("-")[0].lower() or ANY_LANG


def _split_alternatives(value: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in value.split("|") if p.strip())


def parse_context(context: str) -> dict[str, str]:
    """The ``key=value`` items of a context string (free-text items are skipped)."""
    out: dict[str, str] = {}
    for item in context.split(";"):
        if "=" in item:
            key, _, value = item.partition("=")
            if key.strip():
                out[key.strip().lower()] = value.strip()
    return out


def pair_from_name(path: str | Path) -> tuple[str, str] | None:
    """``es-en.csv`` or ``desk.es-en.tbx`` -> ``("es", "en")``; None when no pair is named."""
    stem = Path(path).name
    for suffix in (".csv", ".tbx", ".xml"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
    m = _PAIR_IN_NAME.search(stem)
    return (m.group(1).lower(), m.group(2).lower()) if m else None


# -- CSV ------------------------------------------------------------------------------


def _load_csv(path: Path, source_lang: str, target_lang: str) -> tuple[Term, ...]:
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GlossaryError(f"{path}: not UTF-8 ({exc})") from exc
    reader = csv.reader(raw.splitlines(keepends=True))
    try:
        header = tuple(h.strip().lower() for h in next(reader))
    except StopIteration:
        raise GlossaryError(f"{path}: empty file, expected header {','.join(CSV_HEADER)}") from None
    # The context column is optional: a plain four-column house glossary is accepted.
    if header not in (CSV_HEADER, CSV_HEADER[:4]):
        raise GlossaryError(
            f"{path}, line 1: bad header {','.join(header)!r}; expected {','.join(CSV_HEADER)!r}"
            " (the context column may be left out)"
        )
    width = len(header)
    terms: list[Term] = []
    for row in reader:
        line = reader.line_num
        if not row or all(not c.strip() for c in row) or row[0].lstrip().startswith("#"):
            continue
        if len(row) != width:
            raise GlossaryError(
                f"{path}, line {line}: expected {width} fields, found {len(row)} "
                "(quote fields that contain commas)"
            )
        src, tgt, forbidden, note, context = (*(c.strip() for c in row), "")[:5]
        if not src or not tgt:
            raise GlossaryError(f"{path}, line {line}: source_term and target_term are required")
        sev = parse_context(context).get("severity")
        if sev is not None and sev.lower() not in _SEVERITIES:
            raise GlossaryError(f"{path}, line {line}: unknown severity {sev!r} in context")
        terms.append(Term(source_lang, target_lang, src, tgt, _split_alternatives(forbidden), note, context))
    return tuple(terms)


# -- TBX ------------------------------------------------------------------------------

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _status_is_forbidden(elem) -> bool:
    """True when a term group marks its term deprecated/forbidden (TBX v2 termNote or
    TBX v3 DCA termNote, or a DCT-style ``administrativeStatus`` element)."""
    for child in elem.iter():
        name = _local(child.tag)
        kind = (child.get("type") or "").lower() if name == "termNote" else name.lower()
        if kind in ("administrativestatus", "normativeauthorization"):
            value = re.sub(r"[^a-z]", "", (child.text or "").lower())
            if any(value.startswith(s) for s in _FORBIDDEN_STATUS):
                return True
    return False


def _texts(elem, names: tuple[str, ...], types: tuple[str, ...]) -> list[str]:
    out = []
    for child in elem:
        name = _local(child.tag)
        if name in names and (not types or (child.get("type") or "").lower() in types):
            text = " ".join("".join(child.itertext()).split())
            if text:
                out.append(text)
    return out


def _load_tbx(path: Path) -> tuple[Term, ...]:
    import xml.etree.ElementTree as ET

    raw = path.read_bytes()
    if b"<!ENTITY" in raw.upper():
        raise GlossaryError(f"{path}: entity declarations are not allowed in a glossary")
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else "?"
        raise GlossaryError(f"{path}, line {line}: not well-formed XML ({exc})") from exc
    if _local(root.tag) not in ("martif", "tbx"):
        raise GlossaryError(f"{path}, line 1: root element {_local(root.tag)!r} is not martif/tbx")
    terms: list[Term] = []
    for entry in root.iter():
        if _local(entry.tag) not in ("termEntry", "conceptEntry"):
            continue
        notes = _texts(entry, ("descrip", "note"), ("definition", "note", "")) 
        contexts = _texts(entry, ("descrip", "note"), ("context", "usagenote"))
        by_lang: dict[str, tuple[list[str], list[str]]] = {}
        for lang_set in entry:
            if _local(lang_set.tag) not in ("langSet", "langSec"):
                continue
            lang = norm_lang(lang_set.get(_XML_LANG) or lang_set.get("lang"))
            preferred, forbidden = by_lang.setdefault(lang, ([], []))
            notes += _texts(lang_set, ("descrip", "note"), ("definition", "note", ""))
            contexts += _texts(lang_set, ("descrip", "note"), ("context", "usagenote"))
            for group in lang_set.iter():
                if _local(group.tag) not in ("tig", "ntig", "termSec"):
                    continue
                words = [
                    " ".join("".join(t.itertext()).split())
                    for t in group.iter()
                    if _local(t.tag) == "term"
                ]
                words = [w for w in words if w]
                (forbidden if _status_is_forbidden(group) else preferred).extend(words)
        for src_lang, (src_pref, _src_forb) in by_lang.items():
            for tgt_lang, (tgt_pref, tgt_forb) in by_lang.items():
                if src_lang == tgt_lang or not src_pref or not tgt_pref:
                    continue
                terms.append(
                    Term(
                        src_lang,
                        tgt_lang,
                        "|".join(src_pref),
                        "|".join(tgt_pref),
                        tuple(dict.fromkeys(tgt_forb)),
                        " ".join(dict.fromkeys(notes)),
                        "; ".join(dict.fromkeys(contexts)),
                    )
                )
    return tuple(terms)


# -- public loading API -----------------------------------------------------------------


def load_glossary(
    path: str | Path, source_lang: str | None = None, target_lang: str | None = None
) -> Glossary:
    """Read one CSV or TBX glossary.

    For CSV the language pair is ``source_lang``/``target_lang`` when given, else the
    pair named by the file (``es-en.csv``), else ``*`` (any pair). TBX files carry their
    languages. Raises :class:`GlossaryError` naming the file and line on bad input.
    """
    p = Path(path)
    if not p.is_file():
        raise GlossaryError(f"{p}: glossary file not found")
    stat = p.stat()
    return _load_cached(str(p.resolve()), stat.st_mtime_ns, stat.st_size, source_lang, target_lang)


@lru_cache(maxsize=64)
def _load_cached(
    path: str, _mtime: int, _size: int, source_lang: str | None, target_lang: str | None
) -> Glossary:
    # Cached on (path, mtime, size): the detector asks for the same files for every
    # document of a run, and re-parsing them each time would dominate its cost.
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".tbx", ".xml"):
        return Glossary(_load_tbx(p), (path,))
    if suffix != ".csv":
        raise GlossaryError(f"{p}: unknown glossary format {suffix!r} (use .csv or .tbx)")
    named = pair_from_name(p)
    src = norm_lang(source_lang) if source_lang else (named[0] if named else ANY_LANG)
    tgt = norm_lang(target_lang) if target_lang else (named[1] if named else ANY_LANG)
    return Glossary(_load_csv(p, src, tgt), (path,))


def models_dir() -> Path:
    """Where shipped models live: ``$AUDITOR_MODELS_DIR`` or ``<repo>/models``."""
    env = os.environ.get("AUDITOR_MODELS_DIR")
    if env:
        return Path(env)
    return _package_models_dir()


@lru_cache(maxsize=1)
def _package_models_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "models"


def glossaries_dir() -> Path:
    return models_dir() / "glossaries"


def builtin_pairs() -> tuple[tuple[str, str], ...]:
    """Language pairs with a shipped glossary, e.g. ``(("de", "en"), ("es", "en"), ...)``."""
    folder = glossaries_dir()
    try:
        mtime = folder.stat().st_mtime_ns
    except OSError:
        return ()
    return _pairs_in(str(folder), mtime)


@lru_cache(maxsize=8)
def _pairs_in(folder: str, _mtime: int) -> tuple[tuple[str, str], ...]:
    # Cached on the folder's mtime: adding or removing a file changes it.
    pairs = {pair_from_name(p) for p in Path(folder).glob("*.csv")}
    return tuple(sorted(p for p in pairs if p))


def builtin_glossaries(
    src_lang: str | None, tgt_lang: str | None, user_paths: Iterable[str | Path] | None = None
) -> Glossary:
    """The shipped glossary for a pair, with the user's glossaries merged on top.

    ``src_lang=None`` (or ``*``) gathers every shipped glossary into ``tgt_lang``: the
    text-only mode does not know which language an article was translated from.
    User paths that do not apply to the pair contribute nothing.
    """
    src, tgt = norm_lang(src_lang), norm_lang(tgt_lang)
    files = [glossaries_dir() / f"{s}-{t}.csv" for s, t in builtin_pairs()]
    files += [Path(p) for p in _as_paths(user_paths)]
    n_builtin = len(files) - len(_as_paths(user_paths))
    return _builtin_cached(src, tgt, n_builtin, tuple((str(f), *_stamp(f)) for f in files))


def _stamp(path: Path) -> tuple[int, int]:
    """(mtime, size) of a file, or (-1, -1) when it is missing (load_glossary reports it)."""
    try:
        st = path.stat()
    except OSError:
        return (-1, -1)
    return (st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=64)
def _builtin_cached(
    src: str, tgt: str, n_builtin: int, stamps: tuple[tuple[str, int, int], ...]
) -> Glossary:
    # The detector asks for the same merged glossary for every document of a run;
    # merging re-folds every key, so the result is cached on the files' stamps.
    builtin = [Path(s[0]) for s in stamps[:n_builtin]]
    user = [s[0] for s in stamps[n_builtin:]]
    out = Glossary()
    for path in builtin:
        s, t = pair_from_name(path) or (ANY_LANG, ANY_LANG)
        if (src in (s, ANY_LANG)) and (tgt in (t, ANY_LANG)):
            out = out.merged(load_glossary(path))
    for p in user:
        g = load_glossary(p)
        out = out.merged(g if src == ANY_LANG or tgt == ANY_LANG else g.for_pair(src, tgt))
    if src != ANY_LANG and tgt != ANY_LANG:
        out = out.for_pair(src, tgt)
    elif tgt != ANY_LANG:
        out = Glossary(tuple(t for t in out.terms if t.target_lang in (tgt, ANY_LANG)), out.paths)
    return out


def _as_paths(paths: Iterable[str | Path] | str | Path | None) -> Sequence[str | Path]:
    if paths is None:
        return ()
    if isinstance(paths, (str, Path)):
        return (paths,)
    return tuple(paths)
