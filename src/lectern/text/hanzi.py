"""Traditional → Simplified characters, one for one, for *matching* only.

The noise and structure rules are written in Simplified characters (来源, 记者…摄, 讲话全文); a Traditional page
(來源, 記者…攝, 講話全文) must meet the same rules without a second copy of each. The folding maps one character to
one character, so an offset found in the folded text is the same offset in the text as written, which is what is
kept, cut and spoken. The character table is hanziconv's (a pure-Python table of 2,700 pairs).
"""

from __future__ import annotations

from functools import cache

from hanziconv import charmap


@cache
def _table() -> dict[int, int]:
    pairs = zip(charmap.traditional_charmap, charmap.simplified_charmap, strict=True)
    return {ord(t): ord(s) for t, s in pairs if t != s}


def simplified(text: str) -> str:
    """``text`` with Traditional characters folded to Simplified; same length, same offsets."""
    return text.translate(_table())
