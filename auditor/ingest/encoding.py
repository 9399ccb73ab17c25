"""Turn the bytes of a file into text, and say which encoding was used.

News files arrive as UTF-8, UTF-8 with a BOM, UTF-16 from Windows tools, or legacy
cp1252/Latin-1 from old CMS exports. Decoding must never guess silently wrong for the
common Western case, because a mangled "canción" becomes a spelling finding later.
Order: BOM, then strict UTF-8, then charset-normalizer; when the detector proposes a
Western single-byte code page we prefer cp1252 (a superset of Latin-1 for printable
text), because on short texts the detector often picks cp1250 and turns "ñ" into "ń".
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

__all__ = ["Decoded", "DecodeError", "decode_bytes"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Single-byte Western code pages the detector confuses with one another on short texts.
_WESTERN = frozenset(
    {
        "cp1250", "cp1252", "cp1254", "cp1257", "latin_1", "iso8859_1", "iso8859_2",
        "iso8859_3", "iso8859_4", "iso8859_9", "iso8859_10", "iso8859_13", "iso8859_14",
        "iso8859_15", "iso8859_16", "mac_roman", "mac_latin2", "cp850", "cp437",
    }
)


@dataclass(frozen=True)
class Decoded:
    """Decoded text (BOM removed) and the codec name that produced it."""

    text: str
    encoding: str


@dataclass(frozen=True)
class DecodeError:
    """Why bytes could not be read as text ("empty file", "binary file")."""

    reason: str


def _looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the head mean it is not a text file."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > max(4, len(head) // 100)


def decode_bytes(data: bytes) -> Decoded | DecodeError:
    """Decode a whole file; never raises."""
    if not data:
        return DecodeError("empty file")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(codec.replace("-sig", ""))
            except UnicodeDecodeError:
                return DecodeError(f"invalid {codec} text")
            if not text.strip():
                return DecodeError("empty file")
            return Decoded(text, codec)
    if _looks_binary(data):
        return DecodeError("binary file")
    try:
        text = data.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        decoded = _detect(data)
        if decoded is None:
            return DecodeError("binary file")
        text, encoding = decoded.text, decoded.encoding
    if not text.strip():
        return DecodeError("empty file")
    return Decoded(text, encoding)


def _detect(data: bytes) -> Decoded | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return None
    encoding = best.encoding
    if encoding in _WESTERN:
        try:
            return Decoded(data.decode("cp1252"), "cp1252")
        except UnicodeDecodeError:  # bytes cp1252 leaves undefined: Latin-1 maps them all
            return Decoded(data.decode("latin-1"), "latin-1")
    return Decoded(str(best), encoding)
