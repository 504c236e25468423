"""Keys as the fieldworker meant them, whatever the keyboard layout.

With a Russian (ЙЦУКЕН) layout active, the keys marked d, r, t and < send в, к, е and б (Б with
Shift): every key is read as the Latin key at the same place, so shortcuts work in both layouts.

>>> latin("в"), latin("к"), latin("б"), latin("Б"), latin("7")
('d', 'r', '<', '<', '7')
"""

from __future__ import annotations

_LATIN = "qwertyuiop[]asdfghjkl;'zxcvbnm,./`"
_CYRILLIC = "йцукенгшщзхъфывапролджэячсмитьбю.ё"
# б sits on the key of "," and "<": as the back key it means "<" (a comma is no shortcut).
_BY_CYRILLIC = {c: l for c, l in zip(_CYRILLIC, _LATIN)} | {"б": "<", "Б": "<", "ю": ">", "Ю": ">"}


def latin(key: str) -> str:
    """The Latin key at the place of ``key`` (lower case); other keys unchanged."""
    if key in _BY_CYRILLIC:
        return _BY_CYRILLIC[key]
    lower = key.lower()
    if lower in _BY_CYRILLIC and lower != key:
        return _BY_CYRILLIC[lower]
    return lower if len(key) == 1 and key.isalpha() and key.isascii() else key
