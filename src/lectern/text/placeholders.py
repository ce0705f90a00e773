"""Template blanks (``XX``, ``××``, ``某某``…): find and count them, and fill them for speaking.

Speech templates from download sites leave names and places as blanks. Reading "XX" aloud as "埃克斯埃克斯" would
be absurd, so every blank is spoken as 某某 unless the user fills it (``--fill XX=王明`` for every ``XX``, or
``--fill 王明 --fill 李华`` for the blanks in order of appearance).

What counts as a blank, and why:

- ``XX``/``xx`` (ASCII, any run ≥ 2), ``ＸＸ``/``ｘｘ`` (full-width), ``××`` (U+00D7), ``＊＊`` and ``**`` (runs ≥ 2).
  A run is one blank: ``XXXX年`` is one blank, ``XX、XX`` are two.
- ``某某`` is reported and fillable too: templates use it as a blank just like ``XX`` (formats-and-norms.md lists
  it), and it is already what an unfilled blank is read as, so reporting it loses nothing. A single 某 (``某些``,
  ``某县``) is ordinary language and is not a blank.
- Not blanks: ASCII ``X`` runs touching a Latin letter or inside a URL/e-mail (``XXL``, ``www.xxx.com``); an
  upper-case ``XX`` with English on both sides, because ``the XX century`` and ``Super Bowl XX`` are Roman numerals
  (``XXX`` and longer still count); ``**bold**`` markdown emphasis pairs. ``○○``/``〇〇`` are not blanks either: ``二○○八年`` writes a year with them.
- A single upper-case ``X``/``Ｘ`` is a blank where it stands for a digit in Chinese text: ``X月X日``, ``X.X亿元``,
  ``X000万美元``, ``增长X%`` (next to a digit or a decimal point, or before a unit of count or date, with Chinese
  within a few characters). Elsewhere it is a letter (``X光``, ``X型``, ``Windows X``); ``x`` and ``×`` alone stay
  out because they write multiplication (``1920x1080``, ``3×4``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from lectern.model import Placeholder

DEFAULT_FILL = "某某"

_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
# Chinese around an "XX" (or another blank glued to it, ``XX××``) makes it a blank rather than a numeral.
_CJK_CONTEXT = re.compile(f"[{_HAN}\u3000-\u303f\uff00-\uffef\u2018-\u201f\u2026\u2014×*]")

_BLANK = re.compile(
    r"(?<![A-Za-z./@_-])(?:X{2,}|x{2,})(?![A-Za-z/@_]|\.[A-Za-z])"  # ASCII X runs not inside a word or URL
    r"|[ＸＸ]{2,}|[ｘｘ]{2,}|×{2,}|＊{2,}|(?<![A-Za-z0-9*])\*{2,}(?![A-Za-z0-9*])|某{2,}"
)
_EMPHASIS = re.compile(r"\*\*[^*\n]{1,40}?\*\*")
# One X standing for a digit: beside a digit or a decimal point between blanks/digits, or before a unit.
_DIGIT_BLANK = re.compile(
    r"(?<![A-Za-zＡ-Ｚａ-ｚ0-9０-９XＸ])(?:[XＸ](?=[0-9０-９])|(?<=[0-9０-９])[XＸ]|(?<=[0-9０-９XＸ][.．])[XＸ]"
    r"|[XＸ](?=[.．][0-9０-９XＸ])|[XＸ](?=[年月日号时点个十百千万亿元%％名家项人次岁倍天周所条件户亩吨届期批轮]))"
    r"(?![A-Za-zＡ-Ｚａ-ｚXＸ])"
)
_HAN_NEAR = re.compile(f"[{_HAN}]")
# A cheap test that a text may hold a blank (a superset of the rules above), so callers skip the rest.
MAY_HOLD_BLANK = re.compile(r"[XＸ]|x{2}|ｘ{2}|×{2}|＊{2}|\*{2}|某{2}")


def _is_blank(text: str, start: int, end: int) -> bool:
    run = text[start:end]
    if run.startswith("X") and len(run) == 2:
        # "XX" alone in English is more likely a Roman numeral; a blank when Chinese is next to it (spaces skipped).
        left = text[max(0, start - 8):start].rstrip(" ")[-1:]
        right = text[end:end + 8].lstrip(" ")[:1]
        return bool(_CJK_CONTEXT.match(left or " ") or _CJK_CONTEXT.match(right or " "))
    return True


def _spans(text: str) -> list[tuple[int, int]]:
    emphasis = [(m.start(), m.end()) for m in _EMPHASIS.finditer(text)] if "**" in text else []

    def in_emphasis(start: int, end: int) -> bool:
        return any(a <= start and end <= b and (start == a or end == b) for a, b in emphasis)

    spans = [(m.start(), m.end()) for m in _BLANK.finditer(text)
             if _is_blank(text, m.start(), m.end()) and not (emphasis and in_emphasis(m.start(), m.end()))]
    if "X" in text or "Ｘ" in text:
        spans += [(m.start(), m.end()) for m in _DIGIT_BLANK.finditer(text)
                  if _HAN_NEAR.search(text, max(0, m.start() - 4), m.end() + 4)]
        spans.sort()
    return spans


def find(text: str) -> tuple[Placeholder, ...]:
    """Every blank spelling in ``text`` with its count, in order of first appearance."""
    counts: dict[str, int] = {}
    for start, end in _spans(text):
        spelling = text[start:end]
        counts[spelling] = counts.get(spelling, 0) + 1
    return tuple(Placeholder(text=spelling, count=n) for spelling, n in counts.items())


@dataclass(frozen=True, slots=True)
class Fills:
    """The user's ``--fill`` values, parsed: named (``XX=王明``: that spelling everywhere) and positional."""

    named: tuple[tuple[str, str], ...] = ()
    positional: tuple[str, ...] = ()
    default: str = DEFAULT_FILL

    @classmethod
    def parse(cls, fills: Sequence[str], *, default: str = DEFAULT_FILL) -> Fills:
        """``"XX=王明"`` is named when the part before ``=`` is itself a blank spelling; anything else is positional."""
        named: list[tuple[str, str]] = []
        positional: list[str] = []
        for fill in fills:
            key, sep, value = fill.partition("=")
            key = key.strip()
            if sep and key and _BLANK.fullmatch(key):
                named.append((key, value.strip()))
            else:
                positional.append(fill.strip())
        return cls(tuple(named), tuple(positional), default)


class Filler:
    """Fills blanks across many calls, in speaking order, so positional fills follow the speech, not one string.

    Plan calls :meth:`fill` once per sentence in speaking order; the n-th unnamed blank met gets the n-th
    positional fill, later ones the default. Stateful on purpose (the counter); make a new Filler per speech.
    """

    def __init__(self, fills: Sequence[str] | Fills = (), *, default: str = DEFAULT_FILL) -> None:
        self.fills = fills if isinstance(fills, Fills) else Fills.parse(fills, default=default)
        self._named = dict(self.fills.named)
        self.used = 0  # positional fills consumed so far

    def fill(self, text: str) -> str:
        spans = _spans(text)
        if not spans:
            return text
        out: list[str] = []
        last = 0
        for start, end in spans:
            out.append(text[last:start])
            spelling = text[start:end]
            if spelling in self._named:
                out.append(self._named[spelling])
            elif self.used < len(self.fills.positional):
                out.append(self.fills.positional[self.used])
                self.used += 1
            else:
                out.append(self.fills.default)
            last = end
        out.append(text[last:])
        return "".join(out)


def fill(text: str, fills: Sequence[str] = (), *, default: str = DEFAULT_FILL) -> str:
    """``text`` with every blank filled: named fills by spelling, positional fills in order, the rest 某某."""
    return Filler(fills, default=default).fill(text)
