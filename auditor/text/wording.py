"""English wording for messages: counted nouns and lists.

Every finding message and summary line is read by an editor, so "1 clusters",
"6 time(s)" and "a, b, c" are defects. Messages build counts and lists through these
helpers instead of pasting ``s`` or ``(s)`` onto a noun or joining with a bare comma.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["plural", "count", "times", "join_words", "language_name", "language_names"]

_SIBILANT_ENDINGS = ("s", "x", "z", "ch", "sh")


def plural(noun: str) -> str:
    """The regular English plural of ``noun`` ("cluster" -> "clusters", "entry" -> "entries").

    Irregular nouns are passed to :func:`count` with their plural spelled out.
    """
    low = noun.lower()
    if low.endswith("y") and len(low) > 1 and low[-2] not in "aeiou":
        return noun[:-1] + "ies"
    if low.endswith(_SIBILANT_ENDINGS):
        return noun + "es"
    return noun + "s"


def count(n: int, noun: str, plural_form: str | None = None) -> str:
    """``n`` and the noun in the right number: "1 article", "0 articles", "2 source sentences"."""
    return f"{n} {noun if n == 1 else (plural_form or plural(noun))}"


def times(n: int) -> str:
    """How often: "once", "twice", "3 times"."""
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def join_words(items: Iterable[str], conjunction: str = "and") -> str:
    """"a", "a and b", "a, b and c" (no serial comma, as news style writes lists)."""
    words = [str(x) for x in items]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def language_names() -> dict[str, str]:
    """Code -> English name, in file order (``models/text/language-names.tsv``)."""
    from .tables import read_rows

    return dict(read_rows("language-names.tsv", 2))


def language_name(code: str | None) -> str:
    """"Spanish" for "es" (``models/text/language-names.tsv``); an unknown code as it is."""
    if not code:
        return "an undetermined language"
    return language_names().get(code.split("-")[0].lower(), code)
