"""Names as the employee search compares them (no Django: the migration that fills the list uses it too)."""

from __future__ import annotations

import unicodedata

# Letters that NFKD does not take apart but that people type without their mark (Yılmaz, Øster, Łukasz).
_PLAIN = str.maketrans({"ı": "i", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe"})
_DROPPED = "'’`´"  # d'Ancona is found as "dancona" and as "ancona"


def searchable(text: str) -> str:
    """Lower case, without accents, words separated by one space: "Öztürk-de Vries" → "ozturk de vries".

    Both the stored names and the typed search go through this, so "vries" finds "de Vries" and "ozturk" finds
    "Öztürk" on SQLite and PostgreSQL alike.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch) and ch not in _DROPPED)
    return " ".join("".join(ch if ch.isalnum() else " " for ch in plain.translate(_PLAIN)).split())
