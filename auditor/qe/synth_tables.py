"""Word tables for synthetic error injection (``models/qe-synth/``), loaded once.

Why data and not code: which words negate, which pronouns carry gender, which words are
false friends differs per language and grows with use; editors extend the files under
``models/qe-synth/`` (see its README) without touching the injector. Every table is
validated on load and a malformed file fails with a one-line error naming it.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

#: Target languages the tables cover (X→en and en→X for X in es, fr, de, pt).
LANGS: tuple[str, ...] = ("en", "es", "fr", "de", "pt")


class SynthTableError(ValueError):
    """A table under ``models/qe-synth`` that cannot be used (one-line message)."""


@dataclass(frozen=True)
class Negation:
    particle: str  # "not", "no", "nicht", "pas", "não"
    position: str  # "after" / "before" the verb, or "around" it (French ne ... pas)
    verbs: frozenset[str]
    remove: frozenset[str]
    replace: dict[str, str]
    before: str = ""  # "ne" (position "around")
    before_vowel: str = ""  # "n'"
    remove_with: tuple[str, ...] = ()  # words removed together with a removed particle


@dataclass(frozen=True)
class WrongSense:
    correct: str
    wrong: str
    kind: str  # wrong_sense | false_friend | calque
    hints: dict[str, tuple[str, ...]]  # source language -> source words that the error renders
    note: str = ""


@dataclass(frozen=True)
class LangTables:
    lang: str
    months: tuple[tuple[str, ...], ...]  # 12 entries, each the forms of one month
    negation: Negation
    pronouns: dict[str, str]
    clause_words: frozenset[str]
    wrong_sense: tuple[WrongSense, ...] = ()


@dataclass(frozen=True)
class Severity:
    type: str
    severity: str
    base: float
    weight: float
    prior: float = 1.0  # how strongly the injector prefers this type when several apply


@dataclass(frozen=True)
class SynthTables:
    langs: dict[str, LangTables]
    severity: dict[str, Severity]
    names: tuple[tuple[str, str], ...] = field(default=())  # (name, kind)


def default_dir() -> Path:
    """``models/qe-synth`` (``$AUDITOR_MODELS_DIR/qe-synth`` when that is set)."""
    from auditor.glossary import models_dir

    return models_dir() / "qe-synth"


def _hints(value: str, where: str) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for part in filter(None, (p.strip() for p in value.split(";"))):
        lang, sep, words = part.partition("=")
        if not sep or not lang.strip() or not words.strip():
            raise SynthTableError(f"{where}: malformed source_hint {part!r} (expected lang=word|word)")
        out[lang.strip()] = tuple(w.strip() for w in words.split("|") if w.strip())
    return out


def _wrong_sense(path: Path) -> tuple[WrongSense, ...]:
    if not path.exists():
        return ()
    rows: list[WrongSense] = []
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        need = ["correct", "wrong", "kind", "source_hint", "note"]
        if reader.fieldnames != need:
            raise SynthTableError(f"{path}: header must be {','.join(need)}")
        for n, r in enumerate(reader, 2):
            if not r["correct"] or not r["wrong"] or r["kind"] not in ("wrong_sense", "false_friend", "calque"):
                raise SynthTableError(f"{path}:{n}: need correct, wrong and a kind of wrong_sense|false_friend|calque")
            rows.append(WrongSense(r["correct"], r["wrong"], r["kind"], _hints(r["source_hint"] or "", f"{path}:{n}"),
                                   r["note"] or ""))
    return tuple(rows)


def _lang(folder: Path, lang: str) -> LangTables:
    path = folder / "lang" / f"{lang}.json"
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
        neg = d["negation"]
        months = tuple(tuple(m) for m in d["months"])
        if len(months) != 12 or not all(months):
            raise SynthTableError(f"{path}: months must list 12 non-empty entries")
        if neg["position"] not in ("after", "before", "around"):
            raise SynthTableError(f"{path}: negation position must be after, before or around")
        return LangTables(
            lang=lang,
            months=months,
            negation=Negation(
                particle=neg["particle"], position=neg["position"], verbs=frozenset(neg["verbs"]),
                remove=frozenset(neg["remove"]), replace=dict(neg.get("replace", {})),
                before=neg.get("before", ""), before_vowel=neg.get("before_vowel", ""),
                remove_with=tuple(neg.get("remove_with", ())),
            ),
            pronouns=dict(d["pronouns"]),
            clause_words=frozenset(d["clause_words"]),
            wrong_sense=_wrong_sense(folder / "wrong_sense" / f"{lang}.csv"),
        )
    except SynthTableError:
        raise
    except FileNotFoundError:
        raise SynthTableError(f"{path}: table missing") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise SynthTableError(f"{path}: malformed table ({type(exc).__name__}: {exc})") from None


def _severity(path: Path) -> dict[str, Severity]:
    try:
        with path.open(encoding="utf-8", newline="") as f:
            out = {r["type"]: Severity(r["type"], r["severity"], float(r["base"]), float(r["weight"]),
                                       float(r["prior"]))
                   for r in csv.DictReader(f)}
    except FileNotFoundError:
        raise SynthTableError(f"{path}: table missing") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise SynthTableError(f"{path}: malformed table ({type(exc).__name__}: {exc})") from None
    bad = [s.type for s in out.values() if s.severity not in ("minor", "major", "critical")]
    if bad:
        raise SynthTableError(f"{path}: unknown severity for {', '.join(bad)}")
    return out


def _names(path: Path) -> tuple[tuple[str, str], ...]:
    with path.open(encoding="utf-8", newline="") as f:
        return tuple((r["name"], r["kind"]) for r in csv.DictReader(f) if r.get("name"))


@lru_cache(maxsize=4)
def load_tables(folder: str | None = None) -> SynthTables:
    """All tables of ``folder`` (default :func:`default_dir`), validated; cached per folder."""
    root = Path(folder) if folder else default_dir()
    if not root.is_dir():
        raise SynthTableError(f"{root}: synthetic-error tables not found")
    return SynthTables(
        langs={lang: _lang(root, lang) for lang in LANGS},
        severity=_severity(root / "severity.csv"),
        names=_names(root / "names.csv"),
    )
