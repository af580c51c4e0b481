"""How a search for a place name matches: case, accents and Norwegian letters do not matter."""

from __future__ import annotations

import unicodedata

# Typed on a keyboard without Norwegian letters: "Bodo" should find Bodø, "Tromso" Tromsø.
_NORWEGIAN_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "å": "a"})


def fold_for_search(text: str) -> str:
    """Lower case, Norwegian letters spelt out, accents dropped, whitespace collapsed."""
    # Compatibility forms first (so a mathematical letter becomes a plain one before case folding).
    folded = unicodedata.normalize("NFKD", text).casefold().translate(_NORWEGIAN_LETTERS)
    decomposed = unicodedata.normalize("NFKD", folded)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.split())


def matches_place(query: str, name: str, number: str) -> bool:
    """Whether a place with `name` and `number` answers `query` (empty matches everything)."""
    wanted = fold_for_search(query)
    if not wanted:
        return True
    if wanted.isdigit():
        return number.startswith(wanted)
    return wanted in fold_for_search(name)
