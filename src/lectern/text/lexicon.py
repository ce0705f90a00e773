"""Pronunciation lexicon: how to say polyphones and names a voice gets wrong (行长, 重庆, 单于).

An entry maps a written word to what the engine should be given instead:

- replacement *text*, usually a homophone (``"单于" = "蝉于"``): every engine reads text, so this always works;
- *pinyin* with tone numbers (``"重庆" = "chong2 qing4"``): espeak's Mandarin dictionary reads tone-numbered pinyin
  syllables directly (checked against espeak-ng 1.52: ``chong2 qing4`` → ts.hong35 tS;hiN51, ü written ``v`` or
  ``ü``), so no phoneme table is needed. edge-tts escapes SSML, so it cannot be given a ``<phoneme>``; a pinyin-only
  entry is therefore skipped for edge (the word is left as written, which the neural voice usually reads right).
  An entry may give both (``"重庆" = { text = "虫庆", pinyin = "chong2 qing4" }``), and each engine takes the form it
  supports.

Entries come from the voice preset and from ``--lexicon FILE``; a later source overrides an earlier one word by
word. Applying is longest match first, scanning left to right, so ``银行行长`` with entries for 银行 and 行长 gives
each its own reading and a longer entry (行长期间) wins over a shorter one that starts at the same place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from lectern.config import read_toml
from lectern.errors import ConfigError

# Engines that read tone-numbered pinyin inside text.
PINYIN_ENGINES = frozenset({"espeak", "neural"})

_SYLLABLE = r"[a-zü:]+[1-5]"
_PINYIN = re.compile(rf"^\s*{_SYLLABLE}(?:[\s'-]*{_SYLLABLE})*\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Entry:
    """One word and how to say it. At least one of ``text`` and ``pinyin`` is set."""

    word: str
    text: str | None = None
    pinyin: str | None = None  # normalised: lower case, syllables split by one space, ü as v

    def say(self, engine: str) -> str | None:
        """What ``engine`` should be given for the word, or None when this entry has no form it supports."""
        if self.pinyin is not None and engine in PINYIN_ENGINES:
            return self.pinyin
        return self.text


@dataclass(frozen=True, slots=True)
class Lexicon:
    entries: tuple[Entry, ...] = ()

    def __len__(self) -> int:
        return len(self.entries)

    def merged(self, other: Lexicon | str | Path | None) -> Lexicon:
        """This lexicon with ``other``'s entries added; ``other`` wins for a word both define.

        ``other`` may be a lexicon file (``--lexicon FILE``), read with :func:`load_lexicon`, or None.
        """
        if other is None:
            return self
        if not isinstance(other, Lexicon):
            other = load_lexicon(other)
        words = {e.word: e for e in self.entries}
        words.update({e.word: e for e in other.entries})
        return Lexicon(tuple(words.values()))


def is_pinyin(say: str) -> bool:
    """True for tone-numbered pinyin such as ``zhong4 qing4`` or ``chong2qing4``; False for any other text."""
    return bool(_PINYIN.match(say))


def normalize_pinyin(say: str) -> str:
    """``Chong2Qing4`` → ``chong2 qing4``; ``lü4``/``lu:4`` → ``lv4`` (the spelling espeak's cmn dictionary reads)."""
    lowered = say.lower().replace("u:", "v").replace("ü", "v")
    return " ".join(re.findall(r"[a-zv]+[1-5]", lowered))


def parse_lexicon(table: Mapping[str, object], *, path: str, where: str = "") -> Lexicon:
    """Build a Lexicon from a TOML table, naming ``path`` and the key for any bad entry.

    A value is a string (pinyin when it looks like tone-numbered pinyin, else replacement text) or a table with
    ``text`` and/or ``pinyin``.
    """
    entries = []
    for word, value in table.items():
        key = f"{where}{word}"
        if not word.strip():
            raise ConfigError(f"lexicon key {key!r}: an empty word cannot be matched", path=path)
        if isinstance(value, str):
            entries.append(_entry_from_string(word, value, path=path, key=key))
        elif isinstance(value, Mapping):
            entries.append(_entry_from_table(word, value, path=path, key=key))
        else:
            raise ConfigError(
                f"lexicon key {key!r}: expected a string or a table with text/pinyin, got {type(value).__name__}",
                path=path,
            )
    return Lexicon(tuple(entries))


def _entry_from_string(word: str, value: str, *, path: str, key: str) -> Entry:
    if not value.strip():
        raise ConfigError(f"lexicon key {key!r}: empty reading (delete the entry to read the word as written)", path=path)
    if is_pinyin(value):
        return Entry(word, pinyin=normalize_pinyin(value))
    return Entry(word, text=value)


def _entry_from_table(word: str, value: Mapping[str, object], *, path: str, key: str) -> Entry:
    unknown = sorted(set(value) - {"text", "pinyin"})
    if unknown:
        raise ConfigError(f"lexicon key {key}.{unknown[0]!s}: unknown field (use text or pinyin)", path=path)
    text, pinyin = value.get("text"), value.get("pinyin")
    for field_name, field_value in (("text", text), ("pinyin", pinyin)):
        if field_value is not None and (not isinstance(field_value, str) or not field_value.strip()):
            raise ConfigError(f"lexicon key {key}.{field_name}: expected a non-empty string", path=path)
    if text is None and pinyin is None:
        raise ConfigError(f"lexicon key {key!r}: give text, pinyin or both", path=path)
    if pinyin is not None and not is_pinyin(str(pinyin)):
        raise ConfigError(
            f"lexicon key {key}.pinyin: {pinyin!r} is not tone-numbered pinyin (e.g. \"chong2 qing4\")", path=path
        )
    return Entry(word, text=None if text is None else str(text), pinyin=None if pinyin is None else normalize_pinyin(str(pinyin)))


def load_lexicon(path: str | Path) -> Lexicon:
    """Read a lexicon TOML file: entries at the top level or under ``[lexicon]``."""
    name = str(path)
    data = read_toml(path, "lexicon file")
    if set(data) == {"lexicon"} and isinstance(data["lexicon"], Mapping):
        return parse_lexicon(data["lexicon"], path=name, where="lexicon.")
    return parse_lexicon(data, path=name)


def apply(text: str, lexicon: Lexicon | None, *, engine: str) -> str:
    """Replace every lexicon word in ``text`` with what ``engine`` should say, longest match first.

    A match must be a word of the sentence, not two halves of neighbouring words: 行长 in 银行长期 (银行 + 长期) is
    left alone, while 行长 in 银行行长 and 重庆 in 重庆市 are replaced (see :func:`_is_word_at`). Pinyin is set off by
    spaces so its syllables never run into a neighbouring Latin word.
    """
    if not lexicon:
        return text
    says = {e.word: s for e in lexicon.entries if (s := e.say(engine)) is not None}
    if not says:
        return text
    pinyin = {e.word for e in lexicon.entries if e.pinyin is not None and says.get(e.word) == e.pinyin}
    pattern = re.compile("|".join(re.escape(w) for w in sorted(says, key=len, reverse=True)))
    segmentation: _Segmentation | None = None

    out: list[str] = []
    i = 0
    while i < len(text):
        match = None
        for m in _matches_at(pattern, says, text, i):
            chinese = _has_cjk(m)
            if chinese and segmentation is None:
                segmentation = _Segmentation(text)  # jieba only for sentences that hold a candidate
            if _is_word_at(text, i, i + len(m), segmentation if chinese else None):
                match = m
                break
        if match is None:
            out.append(text[i])
            i += 1
            continue
        spoken = says[match]
        if match in pinyin:
            if out and not out[-1][-1:].isspace():
                spoken = " " + spoken
            end = i + len(match)
            if end < len(text) and not text[end].isspace():
                spoken += " "
        out.append(spoken)
        i += len(match)
    return "".join(out)


def _matches_at(pattern: re.Pattern[str], says: Mapping[str, str], text: str, i: int) -> list[str]:
    """Lexicon words that start at ``i``, longest first."""
    if not pattern.match(text, i):
        return []
    return sorted((w for w in says if text.startswith(w, i)), key=len, reverse=True)


def _has_cjk(word: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" for c in word)


class _Segmentation:
    """jieba's reading of one sentence: the words it finds (search mode lists the parts of compounds too)."""

    def __init__(self, text: str) -> None:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        self.spans = {(start, end) for _w, start, end in jieba.tokenize(text, mode="search")}
        freq = jieba.dt.FREQ
        # Dictionary words of the plain segmentation; a match may not cut through one of these.
        self.words = [(start, end) for w, start, end in jieba.tokenize(text) if freq.get(w, 0) > 0 and end - start > 1]


def _is_word_at(text: str, start: int, end: int, segmentation: _Segmentation | None) -> bool:
    """Whether text[start:end] is a word of the sentence rather than straddling two.

    Latin words need non-alphanumeric neighbours. Chinese has no spaces, so jieba decides: the match is accepted
    when jieba finds it as a word (or part of a compound, 行长 in 银行行长), or when it cuts through no dictionary
    word (a name jieba does not know). Risk: a word jieba segments wrongly is skipped, and read as written.
    """
    if segmentation is None:
        before = text[start - 1] if start > 0 else " "
        after = text[end] if end < len(text) else " "
        return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())
    if (start, end) in segmentation.spans:
        return True
    return not any(s < start < e or s < end < e for s, e in segmentation.words)


def from_pairs(pairs: Iterable[tuple[str, str]], *, path: str = "<lexicon>") -> Lexicon:
    """A Lexicon from (word, say) pairs, with the same rules as a file (for presets built in code and tests)."""
    return parse_lexicon(dict(pairs), path=path)
