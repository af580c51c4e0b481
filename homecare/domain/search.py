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


def matches_place(query: str, name: str, number: str, other_names: tuple[str, ...] = ()) -> bool:
    """Whether a place answers `query`: a number by its beginning, a name (or a district's) by any part.

    `query` must already be folded with fold_for_search (fold it once, not once per place); an empty query
    matches everything.
    """
    if not query:
        return True
    if query.isdigit():
        return number.startswith(query)
    return any(query in fold_for_search(candidate) for candidate in (name, *other_names))
