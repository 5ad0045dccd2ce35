"""The digest of monitor's own reading rules: the code of the extractors and of the price grammar.

A source's settings fingerprint (config.Source.settings_fingerprint) includes it, so a monitor upgraded
to rules that read a page differently reads every page again at its next check and logs what the new
rules change as a correction ('reread'), never as price changes: an upgrade is not a price war. Kept in
a module of its own, importing nothing of monitor, so the review commands stay quick to start."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

_HERE = Path(__file__).parent
# what decides which prices a page gives: the readers and the grammar they share
_RULES = ("extract/*.py", "normalize.py", "models.py")


@cache
def reading_rules_digest() -> str:
    """A digest of the files that hold the reading rules, by name and content (not by date: a
    reinstall of the same code is the same rules)."""
    digest = hashlib.sha256()
    for pattern in _RULES:
        for path in sorted(_HERE.glob(pattern)):
            digest.update(f"{path.relative_to(_HERE)}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
