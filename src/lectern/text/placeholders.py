"""Template blanks (``XX``, ``××``, ``某某``…): find and count them, and fill them for speaking.

Speech templates from download sites leave names and places as blanks. Reading "XX" aloud as "埃克斯埃克斯" would
be absurd, so every blank is spoken as 某某 unless the user fills it: ``--fill XX=王明`` for every ``XX``,
``--fill 1=张三 --fill 4=某县`` for the blanks by their number (in speaking order, as ``lectern plan`` lists them),
or ``--fill 王明 --fill 李华`` for the blanks in order of appearance. A blank numbered is filled by its number first,
then by its spelling, then by the next name in order.

What counts as a blank, and why:

- ``XX``/``xx`` (ASCII, any run ≥ 2), ``ＸＸ``/``ｘｘ`` (full-width), ``××`` (U+00D7), ``＊＊`` and ``**`` (runs ≥ 2).
  A run is one blank: ``XXXX年`` is one blank, ``XX、XX`` are two.
- ``某某`` is reported and fillable too: templates use it as a blank just like ``XX`` (formats-and-norms.md lists
  it), and it is already what an unfilled blank is read as, so reporting it loses nothing. A single 某 (``某些``,
  ``某县``) is ordinary language and is not a blank.
- Not blanks: ASCII ``X`` runs touching a Latin letter or inside a URL/e-mail (``XXL``, ``www.xxx.com``); an
  upper-case ``XX`` with English on both sides, because ``the XX century`` and ``Super Bowl XX`` are Roman numerals
  (``XXX`` and longer still count); ``**bold**`` markdown emphasis pairs. ``○○``/``〇〇`` are not blanks either: ``二○○八年`` writes a year with them.
- A single ``*``/``＊`` before a unit of count or date is a blank too (``*起事故死亡*人``); elsewhere it is a mark.
- A single upper-case ``X``/``Ｘ`` is a blank where it stands for a digit in Chinese text: ``X月X日``, ``X.X亿元``,
  ``X000万美元``, ``增长X%`` (next to a digit or a decimal point, or before a unit of count or date, with Chinese
  within a few characters). Elsewhere it is a letter (``X光``, ``X型``, ``Windows X``); ``x`` and ``×`` alone stay
  out because they write multiplication (``1920x1080``, ``3×4``).
- ``**`` after a digit and before Chinese (``20**年``), or the other way round, is a blank (a year blanked out);
  ``2**3`` between digits is a power, not a blank.
- Underscores in Chinese text (``20__届``, ``____届``, ``相聚在_大``, ``__大学``): a run of ``_``/``＿`` with Chinese on
  the same line within a few characters, not touching a Latin letter (``__init__``, ``snake_case``); a single one
  only between Chinese and Chinese (or a digit). Fill-in lines of forms are written so.
- One ``x``/``X`` before an administrative unit or a post (``x市``, ``X县``, ``X区长``, ``X同志``), or a lower-case one
  between Chinese and an opening quote (``推动x“走在前”``): the single-letter blank of a place or a name. ``X光``,
  ``X型`` and ``x轴`` stay letters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from lectern.model import Blank, Placeholder

DEFAULT_FILL = "某某"
CONTEXT = 6  # characters of the sentence shown each side of a blank in the list of blanks

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
    # A lone * for a digit before a unit (*起事故死亡*人): the single-asterisk form of the same blank.
    r"|(?<![*＊A-Za-z0-9])[*＊](?![*＊])(?=[起年月日号时点个十百千万亿元%％名家项人次岁倍天周所条件户亩吨届期批轮])"
)
_HAN_NEAR = re.compile(f"[{_HAN}]")
# ** between a digit and Chinese (20**年): the year blanked out; between digits (2**3) it is a power.
_DIGIT_STARS = re.compile(f"(?<=[0-9０-９])\\*{{2,}}(?=[{_HAN}])|(?<=[{_HAN}])\\*{{2,}}(?=[0-9０-９])")
# Underscores: a run, or one between Chinese (or a digit) and Chinese; never touching a Latin letter.
_UNDERSCORE = re.compile(
    f"(?<![A-Za-z_＿])[_＿]{{2,}}(?![A-Za-z_＿])"
    f"|(?<=[{_HAN}0-9０-９])[_＿](?=[{_HAN}])|(?<=[{_HAN}])[_＿](?=[0-9０-９])"
)
_SAME_LINE_HAN = re.compile(f"[{_HAN}]")
# One letter for a place or a name: before an administrative unit or a post, or (lower case) before a quote.
_LETTER_BLANK = re.compile(
    r"(?<![A-Za-zＡ-Ｚａ-ｚ0-9０-９_.@/-])(?<![A-Za-z] )[xXｘＸ](?=(?:市|县|区|省|镇|乡|村|州|盟|旗|局|委|厅|街道|社区|同志|书记|市长|县长|区长"
    r"|镇长|乡长|主任|局长|部长|校长|厂长|经理|先生|女士)(?![\u4e00-\u9fff]?[型号光线轴]))"
    f"|(?<=[{_HAN}])[xｘ](?=[“「‘])"
)
# A cheap test that a text may hold a blank (a superset of the rules above), so callers skip the rest.
MAY_HOLD_BLANK = re.compile(r"[XＸ*＊_＿xｘ]|×{2}|某{2}")


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
    if "X" in text or "Ｘ" in text or "*" in text or "＊" in text:
        spans += [(m.start(), m.end()) for m in _DIGIT_BLANK.finditer(text)
                  if _HAN_NEAR.search(text, max(0, m.start() - 4), m.end() + 4)]
    if "**" in text:
        spans += [(m.start(), m.end()) for m in _DIGIT_STARS.finditer(text)]
    if "_" in text or "＿" in text:
        for m in _UNDERSCORE.finditer(text):
            line_start = text.rfind("\n", 0, m.start()) + 1
            line_end = text.find("\n", m.end())
            line_end = len(text) if line_end < 0 else line_end
            if _SAME_LINE_HAN.search(text, max(line_start, m.start() - 4), min(line_end, m.end() + 4)):
                spans.append((m.start(), m.end()))
    if "x" in text or "X" in text or "ｘ" in text or "Ｘ" in text:
        spans += [(m.start(), m.end()) for m in _LETTER_BLANK.finditer(text)]
    if spans:
        spans = sorted(set(spans))
        merged: list[tuple[int, int]] = []
        for a, b in spans:  # one blank found by two rules, or overlapping runs, counts once
            if merged and a < merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], b))
            else:
                merged.append((a, b))
        spans = merged
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
    """The user's ``--fill`` values, parsed: numbered (``3=张三``: the third blank), named (``XX=王明``: that
    spelling everywhere) and positional."""

    named: tuple[tuple[str, str], ...] = ()
    positional: tuple[str, ...] = ()
    default: str = DEFAULT_FILL
    numbered: tuple[tuple[int, str], ...] = ()

    @classmethod
    def parse(cls, fills: Sequence[str], *, default: str = DEFAULT_FILL) -> Fills:
        """``"3=张三"`` is numbered, ``"XX=王明"`` named when the part before ``=`` is itself a blank spelling;
        anything else is positional."""
        named: list[tuple[str, str]] = []
        positional: list[str] = []
        numbered: list[tuple[int, str]] = []
        for fill in fills:
            key, sep, value = fill.partition("=")
            key = key.strip()
            if sep and key.isascii() and key.isdigit() and int(key) >= 1 and value.strip():
                numbered.append((int(key), value.strip()))
            elif sep and key and _BLANK.fullmatch(key):
                named.append((key, value.strip()))
            else:
                positional.append(fill.strip())
        return cls(tuple(named), tuple(positional), default, tuple(numbered))


class Filler:
    """Fills blanks across many calls, in speaking order, so positional fills follow the speech, not one string.

    Plan calls :meth:`fill` once per sentence in speaking order; the n-th unnamed blank met gets the n-th
    positional fill, later ones the default. Stateful on purpose (the counter); make a new Filler per speech.
    """

    def __init__(self, fills: Sequence[str] | Fills = (), *, default: str = DEFAULT_FILL) -> None:
        self.fills = fills if isinstance(fills, Fills) else Fills.parse(fills, default=default)
        self._named = dict(self.fills.named)
        self._numbered = dict(self.fills.numbered)
        self.used = 0  # positional fills consumed so far
        self.seen = 0  # blanks met so far, the number of the last one
        self.blanks: list[Blank] = []  # every blank met, with what it was filled with
        self._named_used: set[str] = set()

    def fill(self, text: str) -> str:
        spans = _spans(text)
        if not spans:
            return text
        out: list[str] = []
        last = 0
        for start, end in spans:
            out.append(text[last:start])
            spelling = text[start:end]
            self.seen += 1
            filled: str | None
            if self.seen in self._numbered:
                filled = self._numbered[self.seen]
            elif spelling in self._named:
                filled = self._named[spelling]
                self._named_used.add(spelling)
            elif self.used < len(self.fills.positional):
                filled = self.fills.positional[self.used]
                self.used += 1
            else:
                filled = None
            out.append(self.fills.default if filled is None else filled)
            self.blanks.append(Blank(self.seen, spelling, text[max(0, start - CONTEXT):start],
                                     text[end:end + CONTEXT], filled))
            last = end
        out.append(text[last:])
        return "".join(out)

    def unused(self) -> tuple[str, ...]:
        """The fills that matched no blank (a number past the last blank, a spelling the script lacks, names left
        over), as the user would write them."""
        left = [f"{n}={name}" for n, name in self.fills.numbered if n > self.seen]
        left += [f"{spelling}={name}" for spelling, name in self.fills.named if spelling not in self._named_used]
        left += list(self.fills.positional[self.used:])
        return tuple(left)


def fill(text: str, fills: Sequence[str] = (), *, default: str = DEFAULT_FILL) -> str:
    """``text`` with every blank filled: named fills by spelling, positional fills in order, the rest 某某."""
    return Filler(fills, default=default).fill(text)


def locate(blanks: Sequence[Blank], source: str) -> tuple[Blank, ...]:
    """The blanks with the line of the script file each is on, found by the words around it.

    Cleaning drops lines and structure joins and splits them, so a blank's line is looked up in the file as read:
    the next line, from the previous blank's, holding the blank with the words before and after it (or fewer of
    them, for a blank at a sentence edge a marker or line break interrupts). A blank not found keeps no line.
    """
    lines = source.splitlines()
    cursor = 0
    out = []
    for blank in blanks:
        found = None
        for probe in (blank.before + blank.text + blank.after, blank.before[-2:] + blank.text + blank.after[:2],
                      blank.text):
            found = next((i for i in range(cursor, len(lines)) if probe and probe in lines[i]), None)
            if found is not None:
                break
        if found is not None:
            cursor = found
        out.append(replace(blank, line=None if found is None else found + 1))
    return tuple(out)
