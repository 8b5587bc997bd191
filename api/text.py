"""What the API does to a string it receives before validating it: one Unicode form, no
invisible characters, no surrounding whitespace; so that a text which only looks empty (zero-
width spaces, control characters) is empty, and the length limits count what is stored.

:func:`normalise` is pure; :mod:`api.schemas.common` applies it to every string input type,
and refuses NUL (U+0000) outright before it (a NUL is never text, and some databases and C
libraries end a string there).
"""

from __future__ import annotations

import unicodedata
from functools import cache

#: The code point planes that hold every control (Cc) and format (Cf) character: the Basic
#: and Supplementary Multilingual planes, and plane 14 (tags). Scanning only them builds the
#: tables below in milliseconds; ``tests/api/test_security_inputs.py`` checks the claim.
PLANES = (range(0x0000, 0x20000), range(0xE0000, 0xF0000))

#: invisible characters outside Cc and Cf that Unicode marks Default_Ignorable_Code_Point:
#: the combining grapheme joiner, Hangul fillers, Khmer inherent vowels, Mongolian free
#: variation selectors, the variation selectors (and that property's reserved code points)
IGNORABLE = (
    (0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F),
    (0x2065, 0x2065), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8), (0xE0000, 0xE0FFF),
)

#: what ends a line: kept as ``\n`` in a free text, a space in a one-line field
LINE_BREAKS = "\n\r\v\f\x85\u2028\u2029"


@cache
def _invisible() -> frozenset[int]:
    """Controls, format characters and the other invisible code points: scanning the planes
    takes ~70 ms, so it runs once, on first use, not at import."""
    found = {cp for plane in PLANES for cp in plane
             if unicodedata.category(chr(cp)) in ("Cc", "Cf")}
    found.update(cp for low, high in IGNORABLE for cp in range(low, high + 1))
    return frozenset(found)


@cache
def _table(*, multiline: bool) -> dict[int, str | None]:
    """``str.translate`` table: the invisible characters removed; line breaks (and tabs)
    made ``\\n`` (``\\t``) or a space."""
    table: dict[int, str | None] = dict.fromkeys(_invisible())
    table.update({ord(c): "\n" if multiline else " " for c in LINE_BREAKS})
    table[ord("\t")] = "\t" if multiline else " "
    return table


def normalise(text: str, *, multiline: bool = False) -> str:
    """``text`` with invisible characters removed, in Unicode NFKC, without surrounding
    whitespace.

    Removed: control characters (category Cc), format characters (Cf: zero-width spaces and
    joiners, U+2060, the byte order mark, bidirectional overrides, the soft hyphen) and the
    other default-ignorable code points (variation selectors, Hangul fillers). Emoji
    sequences lose their zero-width joiners and variation selectors (a family emoji becomes
    its persons side by side): accepted, these are search texts and names.

    Line breaks (``\\r\\n``, ``\\r``, U+2028 ...) become ``\\n`` and tabs stay in a
    ``multiline`` text (descriptions, request texts, messages); in a one-line field (names,
    titles, keywords, ids) both become a space, so that words stay apart.

    Removal comes before NFKC so that the characters around a removed one are composed (NFKC
    never produces a removed character, so the result is stable: ``normalise`` of its own
    output changes nothing). NFKC folds compatibility forms: full-width letters, ligatures
    ("ﬁ" becomes "fi", one character two), no-break and other spaces.
    """
    text = text.replace("\r\n", "\n").translate(_table(multiline=multiline))
    return unicodedata.normalize("NFKC", text).strip()
